"""The public archive of the letter: the list, each letter's permalink, the Atom and RSS feeds;
drafts and scheduled letters stay private (except to the letter's editors)."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from creative.accounts.roles import Role
from creative.letters import composition
from creative.letters.composition import ItemDraft
from creative.letters.models import Issue, IssueItem
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
NOW = timezone.now()


def letter(number, state=Issue.State.SENT, *, days_ago=None, editorial="", items=("Une fiche",)):
    days_ago = number if days_ago is None else days_ago
    sent_at = NOW - datetime.timedelta(days=days_ago) if state == Issue.State.SENT else None
    issue = Issue.objects.create(
        number=number, subject=f"La lettre n° {number}", editorial=editorial,
        period_start=NOW - datetime.timedelta(days=days_ago + 7), period_end=NOW - datetime.timedelta(days=days_ago),
    )
    for title in items:
        composition.add_item(issue, ItemDraft(kind=IssueItem.Kind.INNOVATION, title=f"{title} ({number})",
                                              url=f"/innovations/fiche-{number}/", summary="Un résumé.",
                                              when="", source_key=f"t:{number}:{title}"))
    Issue.objects.filter(pk=issue.pk).update(
        state=state, sent_at=sent_at, sending_started_at=sent_at or (NOW if state == Issue.State.SENDING else None),
    )
    issue.refresh_from_db()
    return issue


@pytest.fixture
def letters(db):
    return {
        "old": letter(1, days_ago=21, editorial="La **première** lettre."),
        "recent": letter(2, days_ago=7),
        "sending": letter(3, Issue.State.SENDING, days_ago=0),
        "scheduled": letter(4, Issue.State.SCHEDULED),
        "draft": letter(5, Issue.State.DRAFT),
    }


def test_the_archive_lists_the_letters_gone_out_newest_first(client, letters):
    response = client.get(reverse("letters:archive"))
    assert response.status_code == 200
    assert [issue.number for issue in response.context["issues"]] == [3, 2, 1]
    html = response.content.decode()
    assert "La lettre n° 4" not in html and "La lettre n° 5" not in html
    assert f'href="{reverse("letters:subscribe")}"' in html
    assert f'<link rel="alternate" type="application/atom+xml" title="La lettre de la semaine (Atom)" ' \
           f'href="{reverse("letters:feed")}">' in html
    assert f'type="application/rss+xml" title="La lettre de la semaine (RSS)" href="{reverse("letters:feed_rss")}"' \
        in html


def test_the_archive_is_paginated(client, db):
    for number in range(1, 23):
        letter(number, items=())
    first = client.get(reverse("letters:archive"))
    assert len(first.context["issues"]) == 20 and first.context["issues"][0].number == 1
    second = client.get(reverse("letters:archive"), {"page": 2})
    assert [i.number for i in second.context["issues"]] == [21, 22]
    assert client.get(reverse("letters:archive"), {"page": "zzz"}).status_code == 200


def test_the_archive_queries_are_bounded(client, db, django_assert_max_num_queries):
    for number in range(1, 15):
        letter(number, items=("Un", "Deux", "Trois"))
    with django_assert_max_num_queries(8):
        client.get(reverse("letters:archive"))
    with django_assert_max_num_queries(8):
        client.get(reverse("letters:feed"))


def test_the_permalink_shows_the_whole_letter(client, letters):
    response = client.get(reverse("letters:issue", args=[1]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>première</strong>" in html
    assert 'href="/innovations/fiche-1/"' in html and "Une fiche (1)" in html
    assert 'rel="alternate" type="application/atom+xml"' in html
    assert "noindex" not in html
    assert letters["old"].get_absolute_url() == "/lettre/1/"
    assert client.get(reverse("letters:issue", args=[3])).status_code == 200  # being sent: already public
    assert client.get(reverse("letters:issue", args=[99])).status_code == 404


@pytest.mark.parametrize("who", [None, "contributor", "editor_elsewhere"])
@pytest.mark.parametrize("number", [4, 5])
def test_drafts_and_scheduled_letters_are_not_public(client, territories, letters, who, number):
    people = {
        "contributor": UserFactory(),
        "editor_elsewhere": UserFactory(roles=[Role.EDITOR], scopes=["quimper"]),
    }
    if who:
        client.force_login(people[who])
    assert client.get(reverse("letters:issue", args=[number])).status_code == 404


@pytest.mark.parametrize("role", [Role.EDITOR, Role.ADMINISTRATOR])
def test_the_letters_editors_see_drafts_marked_private(client, territories, letters, role):
    client.force_login(UserFactory(roles=[role], scopes=["pays-de-brest"] if role == Role.EDITOR else []))
    response = client.get(reverse("letters:issue", args=[5]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cette lettre n'est pas publique" in html and 'name="robots" content="noindex"' in html
    assert "private" in response["Cache-Control"]


def parse(response):
    assert response.status_code == 200
    return ET.fromstring(response.content)  # noqa: S314 (our own feed, in a test)


def test_atom_feed(client, letters, settings):
    response = client.get(reverse("letters:feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    root = parse(response)
    assert root.find(f"{ATOM}title").text == "La lettre de Brest Créative"
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["La lettre n° 3", "La lettre n° 2", "La lettre n° 1"]
    first_link = entries[2].find(f"{ATOM}link").get("href")
    assert first_link == "http://testserver/lettre/1/"
    content = entries[2].find(f"{ATOM}summary").text
    assert "<strong>première</strong>" in content
    assert f'href="{settings.SITE_URL}/innovations/fiche-1/"' in content
    assert "La lettre n° 5" not in response.content.decode()


def test_rss_feed(client, letters, settings):
    response = client.get(reverse("letters:feed_rss"))
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = parse(response).find("channel")
    items = channel.findall("item")
    assert [i.find("title").text for i in items] == ["La lettre n° 3", "La lettre n° 2", "La lettre n° 1"]
    assert items[1].find("link").text == "http://testserver/lettre/2/"
    assert items[1].find("guid").text == settings.SITE_URL + "/lettre/2/"
    assert items[1].find("pubDate").text
    description = items[2].find("description").text
    assert f'href="{settings.SITE_URL}/innovations/fiche-1/"' in description


def test_an_empty_archive(client, db):
    response = client.get(reverse("letters:archive"))
    assert "Aucune lettre n'est encore parue" in response.content.decode()
    root = parse(client.get(reverse("letters:feed")))
    assert root.findall(f"{ATOM}entry") == []
