"""The agenda's Atom and RSS feeds: upcoming published events only, with the agenda's filters,
advertised on the agenda page, never an address or an online link."""

import feedparser
import pytest
from django.urls import reverse

from creative.events.models import Event, Registration
from tests.factories import ThemeFactory

from .test_agenda import in_days, make_event

pytestmark = pytest.mark.django_db


def parsed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return feed, response.content.decode()


def test_atom_and_rss_list_upcoming_events_newest_announced_first(client, territories):
    older = make_event("Atelier vélo", in_days(10))
    newer = make_event("Formation Animacoop", in_days(20), place="Landerneau")
    make_event("Atelier passé", in_days(-3))
    make_event("Atelier proposé", in_days(5), state=Event.State.PROPOSED)
    cancelled = make_event("Atelier annulé", in_days(6), state=Event.State.CANCELLED)
    for name in ("events:atom_feed", "events:rss_feed"):
        feed, _body = parsed(client, reverse(name))
        assert [entry.title for entry in feed.entries] == [f"Annulé : {cancelled.title}", newer.title, older.title]
        assert feed.entries[1].link.endswith(newer.get_absolute_url())
        assert "Landerneau" in feed.entries[1].summary


def test_filters_theme_and_territory(client, territories):
    theme = ThemeFactory(name="Numérique", slug="numerique")
    in_brest = make_event("Atelier numérique à Brest", in_days(4), themes=[theme])
    make_event("Atelier à Landerneau", in_days(4), place="Landerneau", themes=[theme])
    make_event("Atelier vélo à Brest", in_days(4))
    feed, _body = parsed(client, f"{reverse('events:atom_feed')}?theme=numerique&territoire=brest")
    assert [entry.title for entry in feed.entries] == [in_brest.title]
    assert feed.entries[0].tags[0].term == "Numérique"
    assert "Brest" in feed.feed.title


def test_no_address_nor_online_link_in_the_feeds(client, territories):
    online = make_event("Webinaire", in_days(3), place=None,
                        online_url="https://visio.example.org/salle-secrete")
    Registration.objects.create(event=online, name="Léa", email="lea.inscrite@example.org",
                                status=Registration.Status.CONFIRMED)
    for name in ("events:atom_feed", "events:rss_feed"):
        _feed, body = parsed(client, reverse(name))
        assert "Webinaire" in body
        assert "salle-secrete" not in body and "lea.inscrite" not in body and "@" not in body.split("<entry>")[-1]


def test_the_agenda_page_advertises_its_feeds_with_its_filters(client, territories):
    html = client.get(f"{reverse('events:agenda')}?territoire=brest").content.decode()
    assert 'type="application/atom+xml" title="Agenda (Atom)" href="/agenda/flux/?territoire=brest"' in html
    assert 'type="application/rss+xml" title="Agenda (RSS)" href="/agenda/flux/rss/?territoire=brest"' in html
    assert 'type="text/calendar"' in html
