"""creative.events.ical: documents that calendar applications read right, across daylight-saving changes."""

import zoneinfo
from datetime import UTC, datetime, timedelta

import icalendar
import pytest

from creative.events import ical
from creative.events.models import Event

from .test_agenda import in_days, make_event

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def parse(content):
    return icalendar.Calendar.from_ical(content)


@pytest.mark.parametrize("local, utc_hour", [
    (datetime(2026, 3, 29, 10, 0, tzinfo=PARIS), 8),   # first day of summer time
    (datetime(2026, 10, 25, 10, 0, tzinfo=PARIS), 9),  # first day of winter time
    (datetime(2026, 3, 28, 10, 0, tzinfo=PARIS), 9),   # the day before: still winter time
])
def test_dst_days_read_back_at_the_chosen_wall_clock_time(territories, local, utc_hour):
    event = make_event("Atelier du changement d'heure", local)
    assert event.starts_at.astimezone(UTC).hour == utc_hour
    cal = parse(ical.calendar([Event.objects.get(pk=event.pk)], name="Test"))
    (vevent,) = cal.walk("VEVENT")
    assert vevent["DTSTART"].params["TZID"] == "Europe/Paris"
    assert vevent["DTSTART"].to_ical() == local.strftime("%Y%m%dT%H%M%S").encode()
    start = vevent["DTSTART"].dt
    assert (start.hour, start.minute) == (10, 0)
    assert start.astimezone(UTC) == local.astimezone(UTC)
    assert vevent["DTEND"].dt.astimezone(UTC) == (local + timedelta(hours=2)).astimezone(UTC)
    # The VTIMEZONE shipped in the document itself gives the same offset (clients rely on it).
    (vtimezone,) = cal.walk("VTIMEZONE")
    assert vtimezone["TZID"] == "Europe/Paris"
    zone = vtimezone.to_tz()
    shipped = datetime(local.year, local.month, local.day, 10, 0, tzinfo=zone)
    assert shipped.utcoffset() == local.utcoffset()
    assert shipped.astimezone(UTC).hour == utc_hour


def test_uid_sequence_and_status(territories):
    event = make_event("Atelier", in_days(3))
    Event.objects.filter(pk=event.pk).update(sequence=4, state=Event.State.CANCELLED)
    event.refresh_from_db()
    (vevent,) = parse(ical.calendar([event], name="Test")).walk("VEVENT")
    assert str(vevent["UID"]) == ical.uid(event) == f"event-{event.pk}@127.0.0.1:8000"
    assert vevent["SEQUENCE"] == 4
    assert vevent["STATUS"] == "CANCELLED"


def test_published_document_is_stable_and_invitation_is_stamped_now(territories):
    event = make_event("Atelier", in_days(3))
    Event.objects.filter(pk=event.pk).update(updated_at=datetime(2026, 1, 5, 9, 30, 12, tzinfo=UTC))
    event.refresh_from_db()
    first = ical.calendar([event], name="Test")
    assert ical.calendar([event], name="Test") == first
    (vevent,) = parse(first).walk("VEVENT")
    assert vevent["DTSTAMP"].dt == datetime(2026, 1, 5, 9, 30, 12, tzinfo=UTC)
    assert vevent["DTSTAMP"].to_ical() == b"20260105T093012Z"
    (invitation,) = parse(ical.calendar([event], name="Test", method="REQUEST")).walk("VEVENT")
    assert invitation["DTSTAMP"].dt > event.updated_at


def test_status_override_and_online_link(territories):
    event = make_event("Webcoffee", in_days(3), place=None, online_url="https://visio.example.net/salle")
    cal = parse(ical.calendar([event], name="Test", statuses={event.pk: "TENTATIVE"},
                              online_urls={event.pk: event.online_url}))
    (vevent,) = cal.walk("VEVENT")
    assert vevent["STATUS"] == "TENTATIVE"
    assert "https://visio.example.net/salle" in vevent["DESCRIPTION"]
    assert vevent["LOCATION"] == "https://visio.example.net/salle"
    (plain,) = parse(ical.calendar([event], name="Test")).walk("VEVENT")
    assert "visio.example.net" not in plain.to_ical().decode()
    assert plain["LOCATION"] == "En ligne" and plain["STATUS"] == "CONFIRMED"
