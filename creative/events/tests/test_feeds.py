"""The iCal feeds, parsed with the icalendar library, and the private "mes inscriptions" feed's address."""

import re
import zoneinfo
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from creative.audit.models import AuditEntry
from creative.events import ical
from creative.events.models import CalendarToken, Event, Registration
from creative.territories.models import Territory
from tests.factories import ThemeFactory, UserFactory

from .test_agenda import in_days, make_event

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
State = Event.State
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[a-z]{2,}", re.I)


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def summaries(cal):
    return [str(v["SUMMARY"]) for v in cal.walk("VEVENT")]


def assert_no_email(response, *addresses):
    text = response.content.decode()
    for address in addresses:
        assert address not in text
    # UIDs are "event-<id>@<host>": any other line holding an address is a leak.
    unfolded = text.replace("\r\n ", "")
    for line in unfolded.splitlines():
        if not line.startswith("UID:"):
            assert not EMAIL.search(line), line


@pytest.fixture
def agenda(territories):
    organiser = UserFactory(email="orga.cachee@example.org", profile__display_name="Orga")
    theme = ThemeFactory(slug="numerique", name="Numérique")
    return {
        "organiser": organiser,
        "brest": make_event("Atelier à Brest", in_days(2), organiser=organiser, themes=[theme]),
        "plouzane": make_event("Visite à Plouzané", in_days(3), place="Plouzané", organiser=organiser),
        "quimper": make_event("Rencontre à Quimper", in_days(4), place="Quimper", themes=[theme]),
        "online": make_event("Webcoffee", in_days(5), place=None, online_url="https://visio.example.net/secret"),
        "cancelled": make_event("Atelier annulé", in_days(6), state=State.CANCELLED),
        "recent": make_event("Il y a dix jours", in_days(-10)),
        "old": make_event("Il y a deux mois", in_days(-60)),
        "proposed": make_event("Proposé", in_days(2), state=State.PROPOSED),
        "rejected": make_event("Refusé", in_days(2), state=State.REJECTED),
    }


# --- Public feeds ---------------------------------------------------------------------------


def test_agenda_feed(client, agenda):
    response = client.get(reverse("events:feed"))
    cal = parse(response)
    assert 'filename="agenda.ics"' in response["Content-Disposition"]
    assert response["Cache-Control"] == "public, max-age=300"
    assert summaries(cal) == [
        "Il y a dix jours", "Atelier à Brest", "Visite à Plouzané", "Rencontre à Quimper", "Webcoffee",
        "Atelier annulé",
    ]
    assert str(cal["X-WR-CALNAME"]).endswith("Agenda")
    (vtimezone,) = cal.walk("VTIMEZONE")
    assert vtimezone["TZID"] == "Europe/Paris"
    for vevent in cal.walk("VEVENT"):
        assert vevent["DTSTART"].params["TZID"] == "Europe/Paris"
        assert vevent["DTEND"].params["TZID"] == "Europe/Paris"
    statuses = {str(v["SUMMARY"]): str(v["STATUS"]) for v in cal.walk("VEVENT")}
    assert statuses["Atelier annulé"] == "CANCELLED" and statuses["Atelier à Brest"] == "CONFIRMED"
    assert_no_email(response, "orga.cachee@example.org")
    assert "visio.example.net" not in response.content.decode()


def test_uid_is_stable_and_sequence_follows_changes(client, agenda):
    event = agenda["brest"]
    uids = {str(v["UID"]): v for v in parse(client.get(reverse("events:feed"))).walk("VEVENT")}
    assert ical.uid(event) in uids and uids[ical.uid(event)]["SEQUENCE"] == 0
    # A change of date raises the sequence: same UID, higher SEQUENCE.
    Event.objects.filter(pk=event.pk).update(
        starts_at=event.starts_at + timedelta(hours=1), ends_at=event.ends_at + timedelta(hours=1), sequence=1
    )
    again = {str(v["UID"]): v for v in parse(client.get(reverse("events:feed"))).walk("VEVENT")}
    assert again.keys() == uids.keys()
    assert again[ical.uid(event)]["SEQUENCE"] == 1
    assert again[ical.uid(event)]["DTSTART"].dt == event.starts_at + timedelta(hours=1)


def test_agenda_feed_follows_the_agenda_filters(client, agenda):
    pays = Territory.objects.get(level=Territory.Level.PAYS, slug="pays-de-brest")
    cal = parse(client.get(reverse("events:feed"), {"territoire": pays.slug}))
    assert summaries(cal) == ["Il y a dix jours", "Atelier à Brest", "Visite à Plouzané", "Atelier annulé"]
    assert summaries(parse(client.get(reverse("events:feed"), {"en-ligne": "oui"}))) == ["Webcoffee"]
    # Unknown values are ignored, never an error.
    assert len(summaries(parse(client.get(reverse("events:feed"), {"territoire": "atlantide", "type": "x"})))) == 6


def test_territory_feed_at_every_level(client, agenda):
    pays = Territory.objects.get(level=Territory.Level.PAYS, slug="pays-de-brest")
    response = client.get(reverse("events:territory_feed", args=[pays.slug]))
    assert summaries(parse(response)) == ["Il y a dix jours", "Atelier à Brest", "Visite à Plouzané", "Atelier annulé"]
    assert f'filename="agenda-{pays.slug}.ics"' in response["Content-Disposition"]
    assert response["Cache-Control"] == "public, max-age=300"
    assert summaries(parse(client.get(reverse("events:territory_feed", args=["plouzane"])))) == ["Visite à Plouzané"]
    assert client.get(reverse("events:territory_feed", args=["atlantide"])).status_code == 404


def test_theme_feed(client, agenda):
    response = client.get(reverse("events:theme_feed", args=["numerique"]))
    assert summaries(parse(response)) == ["Atelier à Brest", "Rencontre à Quimper"]
    assert 'filename="agenda-numerique.ics"' in response["Content-Disposition"]
    assert client.get(reverse("events:theme_feed", args=["inconnu"])).status_code == 404


def test_event_feed(client, agenda):
    event = agenda["brest"]
    response = client.get(reverse("events:event_ics", args=[event.slug]))
    cal = parse(response)
    assert summaries(cal) == ["Atelier à Brest"]
    assert f'filename="{event.slug}.ics"' in response["Content-Disposition"]
    (vevent,) = cal.walk("VEVENT")
    assert str(vevent["UID"]) == ical.uid(event)
    assert str(vevent["URL"]).endswith(event.get_absolute_url())
    assert str(vevent["LOCATION"]) == "Brest"
    assert_no_email(response, "orga.cachee@example.org")
    assert client.get(reverse("events:event_ics", args=[agenda["proposed"].slug])).status_code == 404
    assert client.get(reverse("events:event_ics", args=["nulle-part"])).status_code == 404
    cancelled = parse(client.get(reverse("events:event_ics", args=[agenda["cancelled"].slug])))
    assert cancelled.walk("VEVENT")[0]["STATUS"] == "CANCELLED"


def test_feed_etag_gives_not_modified(client, agenda):
    first = client.get(reverse("events:feed"))
    assert first["ETag"]
    again = client.get(reverse("events:feed"), headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    Event.objects.filter(pk=agenda["brest"].pk).update(title="Nouveau titre", updated_at=timezone.now())
    changed = client.get(reverse("events:feed"), headers={"if-none-match": first["ETag"]})
    assert changed.status_code == 200 and "Nouveau titre" in changed.content.decode()


@pytest.mark.parametrize("local, utc_hour", [
    (datetime(2027, 3, 28, 10, 0, tzinfo=PARIS), 8),   # last Sunday of March: summer time starts
    (datetime(2027, 10, 31, 10, 0, tzinfo=PARIS), 9),  # last Sunday of October: winter time starts
])
def test_feeds_across_daylight_saving_changes(client, territories, local, utc_hour):
    event = make_event("Atelier du changement d'heure", local)
    for url in (reverse("events:feed"), reverse("events:event_ics", args=[event.slug]),
                reverse("events:territory_feed", args=["brest"])):
        (vevent,) = parse(client.get(url)).walk("VEVENT")
        assert vevent["DTSTART"].params["TZID"] == "Europe/Paris"
        assert vevent["DTSTART"].to_ical() == local.strftime("%Y%m%dT100000").encode()
        assert vevent["DTSTART"].dt.astimezone(UTC).hour == utc_hour
        assert vevent["DTSTART"].dt.astimezone(PARIS).hour == 10


@pytest.mark.parametrize("local, utc_hour", [
    (datetime(2026, 3, 29, 10, 0, tzinfo=PARIS), 8),
    (datetime(2026, 10, 25, 10, 0, tzinfo=PARIS), 9),
])
def test_event_file_of_a_dst_day(client, territories, local, utc_hour):
    event = make_event("Atelier du dimanche", local)
    cal = parse(client.get(reverse("events:event_ics", args=[event.slug])))
    (vevent,) = cal.walk("VEVENT")
    assert vevent["DTSTART"].dt.astimezone(UTC) == datetime(local.year, local.month, local.day, utc_hour, tzinfo=UTC)
    zone = cal.walk("VTIMEZONE")[0].to_tz()
    assert datetime(local.year, local.month, local.day, 10, tzinfo=zone).astimezone(UTC).hour == utc_hour


# --- The private feed -----------------------------------------------------------------------


@pytest.fixture
def person(territories):
    return UserFactory(email="camille.inscrite@example.org", profile__display_name="Camille")


def register(event, user, status="confirmed"):
    return Registration.objects.create(event=event, user=user, name="Camille", email=user.email, status=status)


def feed_url_of(user):
    return reverse("events:my_feed", args=[CalendarToken.objects.get(user=user).token])


def test_calendar_token_page_needs_an_account(client, territories):
    response = client.get(reverse("events:calendar_token"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert not CalendarToken.objects.exists()


def test_calendar_token_page_creates_the_address_on_first_visit(client, person):
    client.force_login(person)
    response = client.get(reverse("events:calendar_token"))
    assert response.status_code == 200
    token = CalendarToken.objects.get(user=person)
    html = response.content.decode()
    assert f"/agenda/mes-inscriptions/{token.token}.ics" in html
    assert f"webcal://127.0.0.1:8000/agenda/mes-inscriptions/{token.token}.ics" in html
    assert "Révoquer et créer une nouvelle adresse" in html and 'method="post"' in html
    assert "no-store" in response["Cache-Control"]
    # A second visit shows the same address.
    client.get(reverse("events:calendar_token"))
    assert CalendarToken.objects.get(user=person).token == token.token


def test_private_feed_lists_my_registrations(client, person, agenda):
    client.force_login(person)
    client.get(reverse("events:calendar_token"))
    client.logout()  # calendar applications have no session
    register(agenda["brest"], person)
    register(agenda["plouzane"], person, status="waiting")
    register(agenda["quimper"], person, status="cancelled")
    register(agenda["cancelled"], person)
    register(agenda["recent"], person)
    register(agenda["old"], person)
    other = UserFactory(email="autre@example.org")
    register(agenda["online"], other)
    response = client.get(feed_url_of(person))
    cal = parse(response)
    assert summaries(cal) == ["Il y a dix jours", "Atelier à Brest", "Visite à Plouzané", "Atelier annulé"]
    status = {str(v["SUMMARY"]): str(v["STATUS"]) for v in cal.walk("VEVENT")}
    assert status == {
        "Il y a dix jours": "CONFIRMED", "Atelier à Brest": "CONFIRMED", "Visite à Plouzané": "TENTATIVE",
        "Atelier annulé": "CANCELLED",
    }
    assert response["Cache-Control"].startswith("private")
    assert "public" not in response["Cache-Control"]
    assert 'filename="mes-inscriptions.ics"' in response["Content-Disposition"]
    assert_no_email(response, "camille.inscrite@example.org", "orga.cachee@example.org", "autre@example.org")


def test_private_feed_gives_the_online_link_only_when_visible(client, person, territories):
    client.force_login(person)
    client.get(reverse("events:calendar_token"))
    soon = make_event("Visio imminente", timezone.now() + timedelta(minutes=20), place=None,
                      online_url="https://visio.example.net/imminente")
    later = make_event("Visio plus tard", in_days(3), place=None, online_url="https://visio.example.net/plus-tard")
    waiting = make_event("Visio complète", timezone.now() + timedelta(minutes=20), place=None,
                         online_url="https://visio.example.net/complete")
    register(soon, person)
    register(later, person)
    register(waiting, person, status="waiting")
    text = client.get(feed_url_of(person)).content.decode().replace("\r\n ", "")
    assert "https://visio.example.net/imminente" in text
    assert "visio.example.net/plus-tard" not in text and "visio.example.net/complete" not in text


def test_revoking_the_address(client, person, agenda):
    client.force_login(person)
    client.get(reverse("events:calendar_token"))
    register(agenda["brest"], person)
    old_url = feed_url_of(person)
    assert client.get(old_url).status_code == 200
    response = client.post(reverse("events:calendar_token"))
    assert response.status_code == 302
    new_url = feed_url_of(person)
    assert new_url != old_url
    assert client.get(old_url).status_code == 404
    assert summaries(parse(client.get(new_url))) == ["Atelier à Brest"]
    assert AuditEntry.objects.filter(actor=person, action="events.calendar_token_renewed").count() == 1
    page = client.get(reverse("events:calendar_token")).content.decode()
    assert new_url in page and old_url not in page


def test_unknown_token_and_inactive_account_are_404(client, person, agenda):
    import uuid

    assert client.get(reverse("events:my_feed", args=[uuid.uuid4()])).status_code == 404
    assert client.get("/agenda/mes-inscriptions/pas-un-uuid.ics").status_code == 404
    token = CalendarToken.objects.create(user=person)
    url = reverse("events:my_feed", args=[token.token])
    assert client.get(url).status_code == 200
    person.is_active = False
    person.save()
    assert client.get(url).status_code == 404


def test_no_email_in_any_feed(client, agenda, person):
    register(agenda["brest"], person)
    token = CalendarToken.objects.create(user=person)
    agenda["brest"].description = "Écrire à l'équipe par le site."
    agenda["brest"].save()
    urls = [
        reverse("events:feed"),
        reverse("events:territory_feed", args=["brest"]),
        reverse("events:theme_feed", args=["numerique"]),
        reverse("events:event_ics", args=[agenda["brest"].slug]),
        reverse("events:my_feed", args=[token.token]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_email(response, "orga.cachee@example.org", "camille.inscrite@example.org")
