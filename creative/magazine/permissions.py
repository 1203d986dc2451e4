"""Who may write, edit, review and read magazine articles (plain functions, like accounts.permissions).

- Writers: verified contributors (and every role granted by the team), like fiches.
- Authors: the people who sign the article (`ArticleAuthor`) and its creator.
- Reviewers: administrators; editors whose scope covers one of the article's territories
  (`covered_territories` holds every level, so one query), or any editor when the article has no
  territory at all (a general article belongs to every editor).
"""

from django.db.models import Q

from creative.accounts.permissions import (
    can_contribute,
    can_moderate,
    editor_scope_ids,
    has_role,
    is_administrator,
)
from creative.accounts.roles import Role


def can_write(user):
    """Write an article: a verified account, or any role granted by the team."""
    return can_contribute(user)


def is_editor(user):
    return has_role(user, Role.EDITOR) or is_administrator(user)


def is_article_author(user, article):
    """One of the people who sign the article, or the person who created it."""
    if not user.is_authenticated or article.pk is None:
        return False
    if article.created_by_id == user.pk:
        return True
    return article.signatures.filter(user=user).exists()


def can_review(user, article):
    """Administrators; editors of one of the article's territories; any editor for an article without one."""
    if not user.is_authenticated:
        return False
    if is_administrator(user):
        return True
    if not has_role(user, Role.EDITOR):
        return False
    if article.pk is None or not article.territories.exists():
        return True
    scope = editor_scope_ids(user)
    return bool(scope) and article.covered_territories.filter(pk__in=scope).exists()


def can_edit(user, article):
    """Open the editor: its authors while it is a draft or under review; its reviewers always."""
    from .models import Article

    if not can_write(user):
        return False
    if can_review(user, article):
        return True
    return article.state in (Article.State.DRAFT, Article.State.SUBMITTED) and is_article_author(user, article)


def can_submit(user, article):
    """Send a draft to the editors."""
    from .models import Article

    return article.state == Article.State.DRAFT and can_write(user) and (
        is_article_author(user, article) or can_review(user, article)
    )


def can_read_review(user, article):
    """The review thread is between the article's authors and its reviewers."""
    return can_review(user, article) or (can_write(user) and is_article_author(user, article))


def can_view(user, article):
    """Public articles: everybody. Others (drafts, scheduled, held): authors, reviewers, moderators."""
    if article.is_public:
        return True
    if not user.is_authenticated:
        return False
    return is_article_author(user, article) or can_review(user, article) or can_moderate(user)


def can_view_history(user, article):
    """Revisions are the team's working material: authors and reviewers (and moderators)."""
    if not user.is_authenticated:
        return False
    return is_article_author(user, article) or can_review(user, article) or can_moderate(user)


def can_use_queue(user):
    return is_editor(user)


def articles_in_scope(user, queryset):
    """The articles of `queryset` that `user` may review."""
    if is_administrator(user):
        return queryset
    if not has_role(user, Role.EDITOR):
        return queryset.none()
    model = queryset.model
    scope = editor_scope_ids(user)
    with_territory = model.territories.through.objects.values("article_id")
    inside = model.covered_territories.through.objects.filter(territory_id__in=scope).values("article_id")
    return queryset.filter(Q(pk__in=inside) | ~Q(pk__in=with_territory))
