"""How the magazine plugs into the other apps; `register_integrations()` is called once from
`MagazineConfig.ready()` (and is safe to call again: every registry is keyed by model or kind).

- moderation: articles can be reported (« Signaler ») and held/hidden through their own
  `visibility` field;
- comments: public articles take comments, their authors hear of them;
- the weekly letter: the week's articles come in as the "article" items (position 20).
"""

from django.utils.translation import gettext_lazy as _


def _article_authors(article):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk__in=article.signatures.values("user_id"), is_active=True)


def _first_author(article):
    signature = article.signatures.select_related("user").order_by("position", "pk").first()
    return signature.user if signature else article.created_by


def _text(article):
    return "\n\n".join(part for part in (article.title, article.lead, article.body) if part)


def _set_visibility(article, visibility):
    article.visibility = visibility
    article.save(update_fields=["visibility", "updated_at"])


def register_integrations():
    from creative.comments import targets
    from creative.letters.composition import register_source
    from creative.moderation import registry

    from .letter_source import articles_of_week
    from .models import Article

    registry.register(
        Article,
        label="article",
        author=_first_author,
        text=_text,
        visibility=lambda article: article.visibility,
        set_visibility=_set_visibility,
    )
    targets.register(
        Article,
        is_public=lambda article: article.is_public,
        authors=_article_authors,
        title=lambda article: article.title,
        noun=_("l'article"),
    )
    register_source("article", articles_of_week, position=20)
