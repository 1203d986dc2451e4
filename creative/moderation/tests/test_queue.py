"""The moderators' queue: open items, one row per object, most reported (or most recent) first, filters, pages."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from creative.comments.models import Comment
from creative.moderation import services
from creative.moderation.models import ModerationItem
from creative.moderation.views import QUEUE_PAGE_SIZE
from tests.factories import UserFactory

from .helpers import page_text, post_report

pytestmark = pytest.mark.django_db


def comment_on(fiche, body, author=None):
    return Comment.objects.create(content_object=fiche, author=author or UserFactory(), body=body)


def report_times(client, obj, times, reason="abusive"):
    """`times` visitors report `obj` (from another browser than `client`'s, whoever is signed in there)."""
    visitor = Client()
    for n in range(times):
        post_report(visitor, obj, reason=reason, address=f"198.51.100.{n + 1}")
    return ModerationItem.objects.for_object(obj).get()


def age(item, minutes):
    ModerationItem.objects.filter(pk=item.pk).update(last_activity_at=timezone.now() - timedelta(minutes=minutes),
                                                    opened_at=timezone.now() - timedelta(minutes=minutes))


def titles(response):
    """The excerpts of the queue's rows, in order."""
    return [row.item.excerpt for row in response.context["rows"]]


@pytest.fixture
def three_items(client, fiche, settings):
    settings.MODERATION_AUTO_HIDE_REPORTS = 0
    once = report_times(client, comment_on(fiche, "Signalé une fois, il y a longtemps"), 1)
    twice = report_times(client, comment_on(fiche, "Signalé deux fois"), 2)
    held = comment_on(fiche, "Retenu à l'arrivée, tout récent")
    services.hold(held, cause=ModerationItem.Cause.PREMODERATION)
    age(once, 10)
    age(twice, 60)
    return once, twice, ModerationItem.objects.for_object(held).get()


def test_most_reported_first_by_default(moderator_client, three_items):
    response = moderator_client.get(reverse("moderation:queue"))
    assert response.status_code == 200
    assert titles(response) == ["Signalé deux fois", "Signalé une fois, il y a longtemps",
                                "Retenu à l'arrivée, tout récent"]


def test_most_recent_first_on_request(moderator_client, three_items):
    response = moderator_client.get(reverse("moderation:queue"), {"tri": "recents"})
    assert titles(response) == ["Retenu à l'arrivée, tout récent", "Signalé une fois, il y a longtemps",
                                "Signalé deux fois"]
    assert 'aria-current="true">Les plus récents' in response.content.decode()


def test_filter_by_cause(moderator_client, three_items, fiche):
    spam = comment_on(fiche, "Coffre-fort pas cher")
    services.hold(spam, cause=ModerationItem.Cause.SPAM, score=8.25, reasons=[("words", "Vocabulaire publicitaire", 8)])
    queue = reverse("moderation:queue")
    assert set(titles(moderator_client.get(queue, {"motif": "signalements"}))) == {
        "Signalé deux fois", "Signalé une fois, il y a longtemps"}
    assert titles(moderator_client.get(queue, {"motif": "pre-moderation"})) == ["Retenu à l'arrivée, tout récent"]
    spam_page = moderator_client.get(queue, {"motif": "spam"})
    assert titles(spam_page) == ["Coffre-fort pas cher"]
    text = page_text(spam_page)
    assert "Score de spam : 8,25 — Vocabulaire publicitaire" in text
    assert "Signalements (2)" in text and "Pré-modération (1)" in text and "Indices de spam (1)" in text


def test_closed_items_leave_the_queue(moderator_client, moderator, three_items):
    _once, twice, held = three_items
    services.dismiss(twice, moderator)
    services.approve(held, moderator)
    assert titles(moderator_client.get(reverse("moderation:queue"))) == ["Signalé une fois, il y a longtemps"]


def test_one_row_per_object_whatever_the_number_of_reports(moderator_client, client, comment):
    report_times(client, comment, 2)
    response = moderator_client.get(reverse("moderation:queue"))
    assert len(response.context["rows"]) == 1


def test_a_row_says_what_who_how_often_and_why(client, comment, contributor, moderator):
    post_report(client, comment, reason="abusive", address="198.51.100.1")
    post_report(client, comment, reason="abusive", address="198.51.100.2")
    client.force_login(contributor)
    post_report(client, comment, reason="spam")
    item = ModerationItem.objects.get()
    client.force_login(moderator)
    response = client.get(reverse("moderation:queue"))
    text = page_text(response)
    content = response.content.decode()
    assert "Commentaire — signalements" in text
    assert "Un commentaire un peu vif." in text
    assert "par Gwen Commentatrice" in text
    assert f'href="{reverse("audit:log")}?personne={comment.author.pk}"' in content
    assert f'href="{reverse("moderation:item", args=[item.pk])}"' in content
    assert f'href="{comment.get_absolute_url()}"' in content
    assert ("3 signalements : propos injurieux, haineux ou harcèlement (2), "
            "publicité ou message indésirable (1)") in text
    assert "masqué automatiquement" in text
    assert "il y a 0 minute" in text


def test_an_empty_queue_says_so(moderator_client):
    response = moderator_client.get(reverse("moderation:queue"))
    assert "Rien à traiter : la file est vide." in page_text(response)


@pytest.mark.parametrize("params", [{"motif": "n'importe"}, {"tri": "hasard"}, {"page": "abc"}, {"page": "999"},
                                    {"motif": ["spam", "x"]}, {"tri": "x" * 5000}])
def test_bad_parameters_never_fail(moderator_client, three_items, params):
    response = moderator_client.get(reverse("moderation:queue"), params)
    assert response.status_code == 200


def test_bad_parameters_are_explained(moderator_client, three_items):
    response = moderator_client.get(reverse("moderation:queue"), {"motif": "autre", "tri": "hasard"})
    text = page_text(response)
    assert "Ce motif n'existe pas : tous les éléments sont affichés." in text
    assert "Cet ordre n'existe pas : les plus signalés sont en tête." in text
    assert len(response.context["rows"]) == 3


def test_the_queue_is_paginated(moderator_client, fiche):
    for n in range(QUEUE_PAGE_SIZE + 3):
        services.hold(comment_on(fiche, f"Commentaire retenu {n}"), cause=ModerationItem.Cause.PREMODERATION)
    first = moderator_client.get(reverse("moderation:queue"), {"motif": "pre-moderation"})
    assert len(first.context["rows"]) == QUEUE_PAGE_SIZE
    assert "Page 1 sur 2" in page_text(first)
    assert "motif=pre-moderation&amp;page=2" in first.content.decode()
    second = moderator_client.get(reverse("moderation:queue"), {"motif": "pre-moderation", "page": 2})
    assert len(second.context["rows"]) == 3


def test_the_queue_counts_its_queries(moderator_client, fiche, django_assert_max_num_queries):
    for n in range(10):
        services.hold(comment_on(fiche, f"Commentaire retenu {n}"), cause=ModerationItem.Cause.PREMODERATION)
    with django_assert_max_num_queries(20):
        moderator_client.get(reverse("moderation:queue"))


def test_the_navigation_shows_moderation_to_moderators_only(client, moderator, editor, administrator):
    link = f'href="{reverse("moderation:queue")}"'
    client.force_login(moderator)
    assert link in client.get("/").content.decode()
    client.force_login(administrator)
    assert link in client.get("/").content.decode()
    client.force_login(editor)
    assert link not in client.get("/").content.decode()
    client.logout()
    assert link not in client.get("/").content.decode()
