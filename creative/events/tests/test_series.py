"""Recurring events: a series of dates created in one go, each its own event, at the same local
wall-clock time on both sides of a daylight-saving change; validated together or one by one."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from creative.accounts.roles import Role
from creative.events.forms import EventForm, Repeat, occurrence_days
from creative.events.models import Event, EventKind, Series
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PROPOSE = "/agenda/proposer/"


@pytest.fixture(autouse=True)
def _quiet_antispam(settings):
    settings.ANTISPAM_RATE_LIMITS = {}
    settings.ANTISPAM_CHECKER = ""


@pytest.fixture
def contributor(territories):
    return UserFactory(profile__display_name="Gwen Contributrice")


@pytest.fixture
def editor(territories):
    return UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"])


def data(first_day, **overrides):
    values = {
        "title": "Atelier outils collaboratifs",
        "kind": str(EventKind.objects.get(slug="atelier-outils-collaboratifs").pk),
        "description": "Découvrir les pads, les agendas partagés et les outils libres pour travailler à plusieurs.",
        "start_date": first_day.isoformat(), "start_time": "18:30", "end_time": "20:00",
        "commune": "Brest", "is_free": "on", "repeat": Repeat.WEEKLY, "occurrences": "10",
        "registration_closes_at": f"{first_day.isoformat()}T12:00",
    }
    values.update(overrides)
    return {key: value for key, value in values.items() if value is not None}


def first_tuesday_before_october_switch(year):
    """A Tuesday whose 10 weekly dates cross the last Sunday of October."""
    last_sunday = max(date(year, 10, d) for d in range(25, 32) if date(year, 10, d).weekday() == 6)
    return last_sunday - timedelta(days=26)  # a Tuesday, 4 weeks before the switch


def test_ten_weekly_dates_across_the_end_of_summer_time(client, contributor):
    year = timezone.localdate().year + 1
    first = first_tuesday_before_october_switch(year)
    client.force_login(contributor)
    response = client.post(PROPOSE, data(first))
    assert response.status_code == 302
    events = list(Event.objects.order_by("starts_at"))
    assert len(events) == 10
    series = Series.objects.get()
    assert series.rule == "FREQ=WEEKLY;COUNT=10" and series.created_by == contributor
    assert all(event.series == series for event in events)
    assert len({event.slug for event in events}) == 10
    local_starts = [timezone.localtime(event.starts_at) for event in events]
    assert [d.date() for d in local_starts] == [first + timedelta(weeks=i) for i in range(10)]
    assert {(d.hour, d.minute) for d in local_starts} == {(18, 30)}
    assert {(timezone.localtime(e.ends_at).hour, timezone.localtime(e.ends_at).minute) for e in events} == {(20, 0)}
    # In UTC the hour moves with the switch: 16:30 in summer time, 17:30 in winter time.
    utc_hours = [event.starts_at.astimezone(UTC).hour for event in events]
    assert utc_hours[:4] == [16] * 4 and utc_hours[4:] == [17] * 6
    # Each date closes its registrations on its own day, at the same local time.
    for event in events:
        closes = timezone.localtime(event.registration_closes_at)
        assert (closes.date(), closes.hour) == (timezone.localtime(event.starts_at).date(), 12)
    assert all(event.state == Event.State.PROPOSED for event in events)


def test_every_two_weeks_and_every_day(contributor):
    first = timezone.localdate() + timedelta(days=3)
    assert occurrence_days(first, Repeat.BIWEEKLY, 3) == [first, first + timedelta(days=14), first + timedelta(days=28)]
    assert occurrence_days(first, Repeat.DAILY, 2) == [first, first + timedelta(days=1)]
    assert occurrence_days(first, Repeat.NONE, 5) == [first]
    form = EventForm(data(first, repeat=Repeat.DAILY, occurrences="5", registration_closes_at=""), user=contributor)
    assert form.is_valid(), form.errors
    assert [s.date() for s, _e in (map(timezone.localtime, pair) for pair in form.dates())] == [
        first + timedelta(days=i) for i in range(5)]
    assert form.repeat_rule == "FREQ=DAILY;COUNT=5"


@pytest.mark.parametrize(("overrides", "code"), [
    ({"occurrences": "53"}, "max_value"),
    ({"occurrences": "1"}, "min_value"),
    ({"occurrences": ""}, "required"),
])
def test_refused_series(contributor, overrides, code):
    first = timezone.localdate() + timedelta(days=3)
    form = EventForm(data(first, registration_closes_at="", **overrides), user=contributor)
    assert not form.is_valid()
    assert code in [error.code for error in form.errors.as_data()["occurrences"]]


def test_a_series_crossing_the_skipped_hour_is_refused(contributor):
    """Every Sunday at 02:30 from March 2030: the 31st has no 02:30."""
    now = timezone.make_aware(datetime(2030, 1, 1, 12))
    form = EventForm(
        data(date(2030, 3, 17), start_time="02:30", end_time="04:00", occurrences="4", registration_closes_at=""),
        user=contributor, now=now,
    )
    assert not form.is_valid()
    assert "nonexistent_time" in [error.code for error in form.errors.as_data()["start_time"]]
    assert not Event.objects.exists()


def test_an_editor_publishes_a_whole_series_at_once(client, contributor, editor):
    first = timezone.localdate() + timedelta(days=3)
    client.force_login(contributor)
    client.post(PROPOSE, data(first, occurrences="4", registration_closes_at=""))
    first_event = Event.objects.order_by("starts_at").first()
    client.force_login(editor)
    queue = client.get(reverse("events:review_queue")).content.decode()
    assert queue.count('class="queue-item"') == 1  # the series shows once
    assert "4 dates proposées" in queue
    response = client.post(reverse("events:decide", args=[first_event.slug]),
                           {"decision": "publier", "whole_series": "on"})
    assert response.status_code == 302
    assert set(Event.objects.values_list("state", flat=True)) == {Event.State.PUBLISHED}


def test_one_date_of_a_series_alone(client, contributor, editor):
    first = timezone.localdate() + timedelta(days=3)
    client.force_login(contributor)
    client.post(PROPOSE, data(first, occurrences="3", registration_closes_at=""))
    events = list(Event.objects.order_by("starts_at"))
    client.force_login(editor)
    client.post(reverse("events:decide", args=[events[0].slug]), {"decision": "refuser", "reason": "Date en doublon."})
    states = list(Event.objects.order_by("starts_at").values_list("state", flat=True))
    assert states == [Event.State.REJECTED, Event.State.PROPOSED, Event.State.PROPOSED]
    queue = client.get(reverse("events:review_queue")).content.decode()
    assert "2 dates proposées" in queue  # the rest of the series is still waiting


def test_an_edit_changes_one_date_only(client, contributor):
    first = timezone.localdate() + timedelta(days=3)
    client.force_login(contributor)
    client.post(PROPOSE, data(first, occurrences="3", registration_closes_at=""))
    events = list(Event.objects.order_by("starts_at"))
    edit = data(first + timedelta(days=1), registration_closes_at="", repeat=None, occurrences=None)
    response = client.post(reverse("events:edit", args=[events[1].slug]), edit)
    assert response.status_code == 302
    assert Event.objects.count() == 3
    for event in events:
        event.refresh_from_db()
    assert timezone.localtime(events[1].starts_at).date() == first + timedelta(days=1)
    assert timezone.localtime(events[2].starts_at).date() == first + timedelta(weeks=2)
    assert timezone.localtime(events[1].starts_at).time() == time(18, 30)
