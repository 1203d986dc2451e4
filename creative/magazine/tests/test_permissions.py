"""Who may do what on an article, role by role, for every writing view and the permission functions.

Personas (test_editing_support): anonymous, an unverified account, a contributor, the author, a
co-signer, an editor of the pays de Brest, an editor of Quimper, an administrator. The article is
about Brest.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from creative.magazine import permissions
from creative.magazine.models import Article

from . import test_editing_support as support
from .test_editing_support import ROLES, client_for, make_article

pytestmark = pytest.mark.django_db

# The shared fixtures of test_editing_support.
_quiet_antispam = support._quiet_antispam
article = support.article
people = support.people

LOGIN = "login"
TEAM = {"author", "coauthor", "editor", "admin"}
REVIEWERS = {"editor", "admin"}


def status_of(client, user, url):
    response = client_for(client, user).get(url)
    if response.status_code == 302 and response["Location"].startswith(reverse("account_login")):
        return LOGIN
    return response.status_code


def expected(role, allowed, *, hidden=True):
    if role == "anonymous":
        return LOGIN
    if role in allowed:
        return 200
    return 404 if hidden else 403


@pytest.mark.parametrize("role", ROLES)
def test_write_and_mine(client, people, role):
    for name in ("create", "mine"):
        want = LOGIN if role == "anonymous" else (403 if role == "unverified" else 200)
        assert status_of(client, people[role], reverse(f"magazine:{name}")) == want, name


@pytest.mark.parametrize("role", ROLES)
def test_queue(client, people, role):
    # Every editor has a queue (showing what their territories hold); others are refused.
    want = LOGIN if role == "anonymous" else (200 if role in {*REVIEWERS, "editor_elsewhere"} else 403)
    assert status_of(client, people[role], reverse("magazine:queue")) == want


@pytest.mark.parametrize("role", ROLES)
def test_a_draft_is_the_team_s_only(client, people, article, role):
    for name, args in (("edit", [article.pk]), ("review", [article.pk]), ("history", [article.pk]),
                       ("revision", [article.pk, 1])):
        assert status_of(client, people[role], reverse(f"magazine:{name}", args=args)) == expected(role, TEAM), name


@pytest.mark.parametrize("role", ROLES)
def test_a_submitted_article_is_still_edited_by_its_authors(client, people, article, role):
    Article.objects.filter(pk=article.pk).update(state=Article.State.SUBMITTED)
    assert status_of(client, people[role], reverse("magazine:edit", args=[article.pk])) == expected(role, TEAM)


@pytest.mark.parametrize("role", ROLES)
def test_a_published_article_is_edited_by_its_reviewers_only(client, people, article, role):
    Article.objects.filter(pk=article.pk).update(state=Article.State.PUBLISHED,
                                                 published_at=timezone.now() - timedelta(hours=1))
    # Everybody sees it: who may not edit it gets a 403, not a 404.
    assert status_of(client, people[role], reverse("magazine:edit", args=[article.pk])) == expected(
        role, REVIEWERS, hidden=False)
    assert status_of(client, people[role], reverse("magazine:review", args=[article.pk])) == expected(
        role, TEAM, hidden=False)


@pytest.mark.parametrize("role", ROLES)
def test_posting_an_edit_is_refused_to_outsiders(client, people, article, role):
    response = client_for(client, people[role]).post(reverse("magazine:edit", args=[article.pk]), {"title": "Piraté"})
    assert Article.objects.get(pk=article.pk).title != "Piraté"
    if role not in TEAM:
        assert response.status_code in (302, 403, 404)


@pytest.mark.parametrize("role", ROLES)
def test_posting_a_transition_is_refused_to_outsiders(client, people, article, role):
    Article.objects.filter(pk=article.pk).update(state=Article.State.SUBMITTED)
    client_for(client, people[role]).post(reverse("magazine:review", args=[article.pk]), {"action": "publish",
                                                                                         "when": "now"})
    published = Article.objects.get(pk=article.pk).state == Article.State.PUBLISHED
    assert published == (role in REVIEWERS)


# The functions -------------------------------------------------------------------------------

def user_of(people, role):
    from django.contrib.auth.models import AnonymousUser

    return people[role] or AnonymousUser()


@pytest.mark.parametrize("role", ROLES)
def test_functions_on_a_draft(people, article, role):
    user = user_of(people, role)
    assert permissions.can_write(user) == (role not in {"anonymous", "unverified"})
    assert permissions.can_edit(user, article) == (role in TEAM)
    assert permissions.can_review(user, article) == (role in REVIEWERS)
    assert permissions.can_view(user, article) == (role in TEAM)
    assert permissions.can_submit(user, article) == (role in TEAM)


@pytest.mark.parametrize("role", ROLES)
def test_functions_on_a_scheduled_article(people, article, role):
    Article.objects.filter(pk=article.pk).update(state=Article.State.PUBLISHED,
                                                 published_at=timezone.now() + timedelta(days=1))
    article.refresh_from_db()
    user = user_of(people, role)
    assert permissions.can_view(user, article) == (role in TEAM)
    assert permissions.can_edit(user, article) == (role in REVIEWERS)


@pytest.mark.parametrize("role", ROLES)
def test_functions_on_an_article_without_territory(people, role):
    article = make_article(people["author"], communes=())
    user = user_of(people, role)
    assert permissions.can_review(user, article) == (role in {"editor", "editor_elsewhere", "admin"})


def test_an_editor_of_the_region_reviews_a_commune_s_article(people, article):
    from creative.accounts.roles import Role
    from tests.factories import UserFactory

    regional = UserFactory(roles=[Role.EDITOR], scopes=["bretagne"])
    assert permissions.can_review(regional, article)
    assert list(permissions.articles_in_scope(regional, Article.objects.all())) == [article]
    assert not permissions.articles_in_scope(people["editor_elsewhere"], Article.objects.all()).exists()
    assert not permissions.articles_in_scope(people["contributor"], Article.objects.all()).exists()


def test_public_article_is_everybody_s(people, article):
    from django.contrib.auth.models import AnonymousUser

    Article.objects.filter(pk=article.pk).update(state=Article.State.PUBLISHED,
                                                 published_at=timezone.now() - timedelta(minutes=1))
    article.refresh_from_db()
    assert permissions.can_view(AnonymousUser(), article)
