"""The agenda pages: upcoming events by local day, every filter, the map view, the past archive,
and the agenda's fixed addresses winning over event slugs."""

import json
import re
import zoneinfo
from datetime import datetime, time, timedelta

import pytest
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from creative.events.models import Event, EventKind, Registration
from creative.territories.models import Territory
from tests.factories import ThemeFactory, UserFactory, commune

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
State = Event.State


def local(day, hour=10, minute=0):
    """An aware datetime at `hour:minute` Paris time on `day` (a date)."""
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS)


def in_days(n, hour=10, minute=0):
    return local(timezone.localdate() + timedelta(days=n), hour, minute)


def make_event(title, starts_at, *, hours=2, place="Brest", state=State.PUBLISHED, themes=(), kind=None, **fields):
    """An event created with the ORM; `place` is a commune name, or None for an online event."""
    where = commune(place) if place else None
    event = Event.objects.create(
        title=title, starts_at=starts_at, ends_at=starts_at + timedelta(hours=hours), state=state,
        commune=where, is_online=where is None, kind=EventKind.objects.get(slug=kind) if kind else None, **fields,
    )
    if where is not None:
        event.territories.set([where, *where.ancestors])
    if themes:
        event.themes.set(themes)
    return event


def pays_de_brest():
    return Territory.objects.get(level=Territory.Level.PAYS, slug="pays-de-brest")


def titles(response):
    return [event.title for _day, events in response.context["days"] for event in events]


@pytest.fixture
def week(territories):
    """Upcoming events in Brest, Plouzané, Quimper and online, and some that must never be listed."""
    numerique = ThemeFactory(slug="numerique", name="Numérique")
    return {
        "brest_late": make_event("Atelier du soir", in_days(2, 18), themes=[numerique], kind="rencontre"),
        "brest_early": make_event("Café du matin", in_days(2, 9), kind="atelier-ecriture-publique"),
        "plouzane": make_event("Visite à Plouzané", in_days(3, 14), place="Plouzané", kind="visite"),
        "quimper": make_event("Rencontre à Quimper", in_days(4, 10), place="Quimper", themes=[numerique]),
        "online": make_event("Webcoffee en ligne", in_days(5, 12), place=None, kind="webcoffee"),
        "cancelled": make_event("Atelier annulé", in_days(6, 10), state=State.CANCELLED),
        "proposed": make_event("Atelier proposé", in_days(2, 11), state=State.PROPOSED),
        "rejected": make_event("Atelier refusé", in_days(2, 12), state=State.REJECTED),
        "past": make_event("Atelier d'hier", in_days(-1, 10)),
    }


# --- Ordering and grouping ------------------------------------------------------------------


def test_agenda_lists_upcoming_public_events_by_day_in_order(client, week):
    response = client.get(reverse("events:agenda"))
    assert response.status_code == 200
    assert titles(response) == [
        "Café du matin", "Atelier du soir", "Visite à Plouzané", "Rencontre à Quimper", "Webcoffee en ligne",
        "Atelier annulé",
    ]
    days = response.context["days"]
    assert [day for day, _events in days] == [timezone.localdate() + timedelta(days=n) for n in (2, 3, 4, 5, 6)]
    assert [len(events) for _day, events in days] == [2, 1, 1, 1, 1]
    html = response.content.decode()
    assert html.index("Café du matin") < html.index("Atelier du soir") < html.index("Visite à Plouzané")
    # One heading per day, in French, in local time.
    day_two = timezone.localdate() + timedelta(days=2)
    assert f'<h2 id="jour-{day_two:%Y-%m-%d}">' in html
    # The cancelled date stays, marked.
    card = html[html.index("Atelier annulé") - 400 : html.index("Atelier annulé") + 300]
    assert "Annulé" in card and "event-cancelled" in card
    for hidden in ("Atelier proposé", "Atelier refusé", "Atelier d'hier"):
        assert hidden not in html


def test_days_are_local_days_not_utc_days(client, territories):
    # 00:30 in Paris is still the previous day in UTC: the event belongs to the local day.
    day = timezone.localdate() + timedelta(days=10)
    make_event("Nuit des idées", local(day, 0, 30))
    make_event("Veille au soir", local(day - timedelta(days=1), 23, 0))
    response = client.get(reverse("events:agenda"))
    assert [(d, [e.title for e in events]) for d, events in response.context["days"]] == [
        (day - timedelta(days=1), ["Veille au soir"]),
        (day, ["Nuit des idées"]),
    ]
    assert "0 h 30" in response.content.decode()


def test_event_in_progress_is_still_upcoming(client, territories):
    make_event("Formation sur deux jours", timezone.now() - timedelta(hours=5), hours=30)
    assert titles(client.get(reverse("events:agenda"))) == ["Formation sur deux jours"]


def test_full_event_is_marked(client, territories):
    event = make_event("Atelier complet", in_days(2), capacity=1)
    Registration.objects.create(event=event, name="Anne", email="anne@example.org", status="confirmed")
    html = client.get(reverse("events:agenda")).content.decode()
    assert "Complet (liste d'attente)" in html


def test_agenda_paginates(client, territories):
    for n in range(23):
        make_event(f"Atelier n°{n:02d}", in_days(1 + n))
    first = client.get(reverse("events:agenda"))
    assert len(titles(first)) == 20 and titles(first)[0] == "Atelier n°00"
    second = client.get(reverse("events:agenda"), {"page": 2})
    assert titles(second) == ["Atelier n°20", "Atelier n°21", "Atelier n°22"]
    assert client.get(reverse("events:agenda"), {"page": "n'importe"}).status_code == 200
    assert client.get(reverse("events:agenda"), {"page": "999"}).status_code == 200


def test_agenda_queries_do_not_grow_with_events(client, territories, django_assert_max_num_queries):
    numerique = ThemeFactory(slug="numerique")
    for n in range(20):
        make_event(f"Atelier {n}", in_days(1 + n), kind="rencontre", themes=[numerique])
    with django_assert_max_num_queries(12):
        client.get(reverse("events:agenda"))


# --- Filters --------------------------------------------------------------------------------


def test_filter_by_commune(client, week):
    assert titles(client.get(reverse("events:agenda"), {"territoire": "brest"})) == [
        "Café du matin", "Atelier du soir", "Atelier annulé",
    ]


def test_filter_by_pays_includes_every_commune_inside_and_no_online_event(client, week):
    response = client.get(reverse("events:agenda"), {"territoire": pays_de_brest().slug})
    assert titles(response) == ["Café du matin", "Atelier du soir", "Visite à Plouzané", "Atelier annulé"]


def test_filter_by_epci(client, week):
    epci = commune("Brest").parent
    assert epci.level == Territory.Level.EPCI
    response = client.get(reverse("events:agenda"), {"territoire": epci.slug})
    assert "Rencontre à Quimper" not in titles(response)
    assert "Café du matin" in titles(response)


def test_territory_with_online_filter_keeps_online_events(client, week):
    response = client.get(reverse("events:agenda"), {"territoire": pays_de_brest().slug, "en-ligne": "oui"})
    assert titles(response) == ["Webcoffee en ligne"]


def test_online_filter(client, week):
    assert titles(client.get(reverse("events:agenda"), {"en-ligne": "oui"})) == ["Webcoffee en ligne"]
    on_site = titles(client.get(reverse("events:agenda"), {"en-ligne": "non"}))
    assert "Webcoffee en ligne" not in on_site and len(on_site) == 5
    both = titles(client.get(reverse("events:agenda"), {"en-ligne": ""}))
    assert len(both) == 6


def test_filter_by_theme(client, week):
    assert titles(client.get(reverse("events:agenda"), {"theme": "numerique"})) == [
        "Atelier du soir", "Rencontre à Quimper",
    ]


def test_filter_by_kind(client, week):
    assert titles(client.get(reverse("events:agenda"), {"type": ["visite", "webcoffee"]})) == [
        "Visite à Plouzané", "Webcoffee en ligne",
    ]


def test_filter_by_title(client, week):
    assert titles(client.get(reverse("events:agenda"), {"q": "  atelier  "})) == ["Atelier du soir", "Atelier annulé"]


def test_filters_combine(client, week):
    response = client.get(reverse("events:agenda"), {"territoire": pays_de_brest().slug, "theme": "numerique"})
    assert titles(response) == ["Atelier du soir"]


def test_bad_filters_are_reported_and_ignored(client, week):
    response = client.get(
        reverse("events:agenda"),
        {"territoire": "atlantide", "theme": "inconnu", "type": "bal-masque", "en-ligne": "peut-etre", "page": "x"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    for value in ("atlantide", "inconnu", "bal-masque", "peut-etre"):
        assert f"« {value} »" in html
    assert len(titles(response)) == 6
    # Values too long or odd never break the page.
    assert client.get(reverse("events:agenda"), {"territoire": "x" * 5000, "q": "é" * 5000}).status_code == 200


def test_filter_form_keeps_choices_and_offers_territories_with_events(client, week):
    response = client.get(reverse("events:agenda"), {"territoire": "brest", "type": "rencontre", "en-ligne": "non"})
    html = response.content.decode()
    assert '<option value="brest" selected>' in html
    assert 'value="rencontre" checked' in html
    assert 'id="agenda-en-ligne-non" name="en-ligne" value="non" checked' in html
    assert f'<option value="{pays_de_brest().slug}">' in html
    assert '<option value="quimper">' in html


def test_alternate_link_to_the_matching_ical_feed(client, week):
    html = client.get(reverse("events:agenda"), {"territoire": "brest", "theme": "numerique"}).content.decode()
    assert '<link rel="alternate" type="text/calendar"' in html
    assert 'href="/agenda.ics?territoire=brest&amp;theme=numerique"' in html
    plain = client.get(reverse("events:agenda")).content.decode()
    assert 'type="text/calendar" title="Agenda (iCal)" href="/agenda.ics"' in plain


# --- Map ------------------------------------------------------------------------------------


def map_data(response):
    html = response.content.decode()
    match = re.search(r'<script id="agenda-map-points" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1)) if match else []


def test_map_places_the_filtered_events_and_lists_online_ones_apart(client, week):
    week["plouzane"].latitude, week["plouzane"].longitude = 48.38, -4.62
    week["plouzane"].save()
    response = client.get(reverse("events:agenda_map"), {"territoire": pays_de_brest().slug, "en-ligne": "non"})
    assert response.status_code == 200
    places = map_data(response)
    brest = commune("Brest")
    by_point = {(p["lat"], p["lng"]): [e["title"] for e in p["events"]] for p in places}
    assert by_point == {
        (brest.latitude, brest.longitude): ["Café du matin", "Atelier du soir", "Atelier annulé"],
        (48.38, -4.62): ["Visite à Plouzané"],
    }
    html = response.content.decode()
    # The list alternative: the same events as links, without JavaScript, and a link to the day list.
    assert 'href="/agenda/?territoire=pays-de-brest&amp;en-ligne=non"' in html
    assert f'href="{week["plouzane"].get_absolute_url()}"' in html
    assert 'id="agenda-map"' in html and "agenda-map.js" in html


def test_map_lists_online_events_apart(client, week):
    response = client.get(reverse("events:agenda_map"))
    places = map_data(response)
    assert "Webcoffee en ligne" not in [e["title"] for p in places for e in p["events"]]
    assert [e.title for e in response.context["online_events"]] == ["Webcoffee en ligne"]
    assert 'id="agenda-en-ligne"' in response.content.decode()


def test_map_without_places_has_no_map_but_answers(client, territories):
    response = client.get(reverse("events:agenda_map"), {"territoire": "atlantide"})
    assert response.status_code == 200
    assert 'id="agenda-map"' not in response.content.decode()
    assert "atlantide" in response.content.decode()


# --- Past archive ---------------------------------------------------------------------------


def test_past_archive_newest_first(client, territories):
    make_event("Il y a un mois", in_days(-30))
    make_event("Hier", in_days(-1))
    make_event("Annulé la semaine dernière", in_days(-7), state=State.CANCELLED)
    make_event("Jamais publié", in_days(-3), state=State.PROPOSED)
    make_event("Demain", in_days(1))
    response = client.get(reverse("events:past"))
    assert response.status_code == 200
    assert titles(response) == ["Hier", "Annulé la semaine dernière", "Il y a un mois"]
    html = response.content.decode()
    assert "Demain" not in html and "Jamais publié" not in html
    assert 'type="text/calendar"' not in html.split("<main", 1)[0]


def test_past_archive_paginates_and_filters(client, territories):
    for n in range(22):
        make_event(f"Ancien {n:02d}", in_days(-1 - n), place="Quimper" if n % 2 else "Brest")
    first = client.get(reverse("events:past"))
    assert len(titles(first)) == 20 and titles(first)[0] == "Ancien 00"
    assert titles(client.get(reverse("events:past"), {"page": 2})) == ["Ancien 20", "Ancien 21"]
    quimper = titles(client.get(reverse("events:past"), {"territoire": "quimper"}))
    assert quimper[:2] == ["Ancien 01", "Ancien 03"] and len(quimper) == 11


# --- Addresses ------------------------------------------------------------------------------


@pytest.mark.parametrize("url, name", [
    ("/agenda/", "agenda"),
    ("/agenda/passes/", "past"),
    ("/agenda/carte/", "agenda_map"),
    ("/agenda.ics", "feed"),
])
def test_fixed_addresses(url, name):
    assert resolve(url).url_name == name


@pytest.mark.parametrize("word", ["proposer", "a-valider", "passes", "carte", "mes-inscriptions"])
def test_fixed_words_never_read_as_an_event(word):
    try:
        match = resolve(f"/agenda/{word}/")
    except Resolver404:
        return  # not there yet: at least not taken by the event page
    assert match.url_name != "detail"


def test_event_titled_like_a_fixed_word_keeps_its_own_page(client, territories):
    event = make_event("Passes", in_days(2))
    assert event.slug.startswith("passes-")
    assert client.get(event.get_absolute_url()).context["event"] == event
    # Even an event whose slug is exactly a fixed word does not hide the archive.
    Event.objects.filter(pk=event.pk).update(slug="passes")
    response = client.get("/agenda/passes/")
    assert response.status_code == 200 and "event" not in response.context
    assert "page" in response.context


def test_agenda_is_public_for_every_role(client, week):
    for user in (None, UserFactory(verified=False), UserFactory()):
        if user:
            client.force_login(user)
        assert client.get(reverse("events:agenda")).status_code == 200
        assert client.get(reverse("events:past")).status_code == 200
        assert client.get(reverse("events:agenda_map")).status_code == 200
