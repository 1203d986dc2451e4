"""The weekly letter's « Articles » items: the articles that became public during the week.

Registered by `integrations.register_integrations()` as the letter source "article" (position 20,
after the new fiches). A scheduled article counts in the week it goes public, not the week it
was approved. Bounded: one query for the articles, one per relation.
"""

from creative.editorial.people import join_names
from creative.letters.composition import MAX_PER_SOURCE, ItemDraft, related_ids, source_key, summarise
from creative.letters.models import IssueItem

from .models import Article, ArticleAuthor


def articles_of_week(period_start, period_end):
    articles = list(
        Article.objects.published(now=period_end)
        .filter(published_at__gte=period_start, published_at__lt=period_end)
        .select_related("category").order_by("-published_at", "-pk")[:MAX_PER_SOURCE]
    )
    pks = [a.pk for a in articles]
    territories = related_ids(Article, "covered_territories", pks)
    themes = related_ids(Article, "themes", pks)
    names = {}
    for row in ArticleAuthor.objects.filter(article__in=pks).select_related("user__profile").order_by(
        "article_id", "position", "pk"
    ):
        names.setdefault(row.article_id, []).append(str(row.user.display_name))
    return [
        ItemDraft(
            kind=IssueItem.Kind.ARTICLE,
            title=article.title,
            url=article.get_absolute_url(),
            summary=summarise(article.lead) or summarise(article.body, markdown=True),
            when=" — ".join(part for part in (article.category.name, join_names(names.get(article.pk, []))) if part),
            source_key=source_key(article),
            territory_ids=territories[article.pk],
            theme_ids=themes[article.pk],
        )
        for article in articles
    ]
