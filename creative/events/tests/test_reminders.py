"""Reminders: sent by the worker at `starts_at − EVENTS_REMINDER_HOURS`, exactly once — the worker run twice,
the safety-net command and the task together, a date moved later or earlier, across a DST change."""

import io
import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.tasks import TaskResultStatus

from creative.events import services
from creative.events.models import Event, Registration
from tests.worker import run_tasks

from .test_registration_support import (
    Status,
    all_text,
    clock,
    ics_of,
    make_event,
    member,
    reminder_tasks,
    run_on_commit_callbacks,
    vevent,
)

__all__ = ["clock"]
worker_test = pytest.mark.django_db(transaction=True)
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def reminders():
    return [m for m in mail.outbox if m.subject.startswith("Rappel")]


@pytest.fixture(autouse=True)
def _hours(settings):
    settings.EVENTS_REMINDER_HOURS = 24


@worker_test
def test_reminder_is_enqueued_for_its_time_and_sent_once(clock):
    event = make_event("Atelier Animacoop", starts_in=timedelta(days=3))
    registration = services.register(event, user=member(email="camille@example.org"))

    [task] = reminder_tasks()
    assert task.run_after == event.starts_at - timedelta(hours=24)
    assert task.args_kwargs["args"] == [registration.pk]

    run_tasks()  # too early: only the confirmation goes
    assert reminders() == []
    assert reminder_tasks().get().status == TaskResultStatus.READY

    clock.set(event.starts_at - timedelta(hours=23))
    run_tasks()
    run_tasks()  # a second worker pass changes nothing

    [reminder] = reminders()
    assert reminder.to == ["camille@example.org"]
    assert reminder.subject == f"Rappel : Atelier Animacoop, {services.when_text(event)}"
    assert f"/inscriptions/annuler/{registration.token}/" in reminder.body
    assert str(vevent(ics_of(reminder))["SUMMARY"]) == "Atelier Animacoop"
    registration.refresh_from_db()
    assert registration.reminded_at is not None
    assert reminder_tasks().get().status == TaskResultStatus.SUCCESSFUL


@worker_test
def test_command_and_task_together_send_one_reminder(clock):
    event = make_event(starts_in=timedelta(days=2))
    services.register(event, user=member(email="camille@example.org"))
    services.register(event, user=member(email="lea@example.org"))
    run_tasks()
    clock.set(event.starts_at - timedelta(hours=20))

    out = io.StringIO()
    call_command("send_event_reminders", stdout=out)
    assert "2 reminder(s) sent." in out.getvalue()
    run_tasks()  # the tasks, due too, find the reminders sent
    call_command("send_event_reminders", stdout=io.StringIO())

    assert sorted(m.to[0] for m in reminders()) == ["camille@example.org", "lea@example.org"]
    assert services.send_reminder(Registration.objects.first().pk) == "already_sent"


@worker_test
def test_command_catches_a_lost_task(clock):
    event = make_event(starts_in=timedelta(days=2))
    services.register(event, user=member(email="camille@example.org"))
    reminder_tasks().delete()  # lost
    clock.set(event.starts_at - timedelta(hours=30))
    call_command("send_event_reminders", stdout=io.StringIO())
    assert reminders() == []  # not due yet

    clock.set(event.starts_at - timedelta(hours=2))
    call_command("send_event_reminders", stdout=io.StringIO())
    run_tasks()
    assert [m.to for m in reminders()] == [["camille@example.org"]]


@worker_test
def test_no_reminder_for_cancelled_registrations_or_events(clock):
    event = make_event(starts_in=timedelta(days=2))
    leaving = services.register(event, user=member(email="camille@example.org"))
    staying = services.register(event, user=member(email="lea@example.org"))
    services.cancel(leaving)
    other = make_event("Atelier annulé", starts_in=timedelta(days=2))
    services.register(other, user=member(email="yann@example.org"))
    other.state = Event.State.CANCELLED
    other.save()

    clock.set(event.starts_at - timedelta(hours=1))
    run_tasks()
    call_command("send_event_reminders", stdout=io.StringIO())

    assert [m.to for m in reminders()] == [["lea@example.org"]]
    staying.refresh_from_db()
    assert staying.reminded_at is not None
    assert Registration.objects.get(email="yann@example.org").reminded_at is None


@worker_test
def test_no_reminder_once_the_event_has_started(clock):
    event = make_event(starts_in=timedelta(days=2))
    services.register(event, user=member())
    clock.set(event.starts_at + timedelta(minutes=5))  # the worker was stopped until after the start
    run_tasks()
    call_command("send_event_reminders", stdout=io.StringIO())
    assert reminders() == []


@worker_test
def test_date_moved_later_reschedules_and_sends_once(clock):
    event = make_event(starts_in=timedelta(days=2))
    services.register(event, user=member(email="camille@example.org"))
    old_start = event.starts_at
    # Moved a week later, without notify_change (an edit through the admin): the old task reschedules itself.
    Event.objects.filter(pk=event.pk).update(starts_at=old_start + timedelta(days=7),
                                             ends_at=old_start + timedelta(days=7, hours=2))
    event.refresh_from_db()

    clock.set(old_start - timedelta(hours=23))
    run_tasks()
    assert reminders() == []
    ready = reminder_tasks().filter(status=TaskResultStatus.READY)
    assert [t.run_after for t in ready] == [event.starts_at - timedelta(hours=24)]

    clock.set(event.starts_at - timedelta(hours=10))
    run_tasks()
    run_tasks()
    assert len(reminders()) == 1


@worker_test
def test_date_changed_through_notify_change_after_the_reminder_gets_a_new_one(clock):
    event = make_event(starts_in=timedelta(days=2))
    registration = services.register(event, user=member(email="camille@example.org"))
    clock.set(event.starts_at - timedelta(hours=12))
    run_tasks()
    assert len(reminders()) == 1

    event.starts_at += timedelta(days=5)
    event.ends_at += timedelta(days=5)
    event.sequence += 1
    event.save()
    services.notify_change(event, what="date")
    registration.refresh_from_db()
    assert registration.reminded_at is None  # the reminder was for the old date

    run_tasks()  # the old tasks and the new one: nothing due yet
    assert len(reminders()) == 1
    clock.set(event.starts_at - timedelta(hours=3))
    run_tasks()
    call_command("send_event_reminders", stdout=io.StringIO())
    assert len(reminders()) == 2


@worker_test
def test_date_moved_by_an_hour_after_the_reminder_sends_no_second_one(clock):
    event = make_event(starts_in=timedelta(days=2))
    services.register(event, user=member())
    clock.set(event.starts_at - timedelta(hours=12))
    run_tasks()
    event.starts_at += timedelta(hours=1)
    event.ends_at += timedelta(hours=1)
    event.save()
    services.notify_change(event, what="date")
    run_tasks()
    call_command("send_event_reminders", stdout=io.StringIO())
    assert len(reminders()) == 1


@worker_test
def test_date_moved_earlier_sends_at_the_new_time(clock):
    event = make_event(starts_in=timedelta(days=10))
    services.register(event, user=member())
    event.starts_at -= timedelta(days=7)
    event.ends_at -= timedelta(days=7)
    event.save()
    services.notify_change(event, what="date")

    clock.set(event.starts_at - timedelta(hours=22))
    run_tasks()
    assert len(reminders()) == 1  # the new task; the old one (a week later) will find it sent
    clock.set(event.starts_at - timedelta(hours=1))
    run_tasks()
    assert len(reminders()) == 1


@pytest.mark.django_db
def test_confirmed_within_the_reminder_window_gets_no_separate_reminder():
    event = make_event(starts_in=timedelta(hours=5))
    registration = services.register(event, user=member())
    run_on_commit_callbacks()
    assert not reminder_tasks().exists()
    assert services.send_reminder(registration.pk) == "confirmed_late"
    assert services.due_reminders() == []


@pytest.mark.django_db
def test_promoted_person_gets_the_reminder_scheduled():
    event = make_event(capacity=1, starts_in=timedelta(days=3))
    first = services.register(event, user=member())
    waiting = services.register(event, user=member())
    run_on_commit_callbacks()
    assert [t.args_kwargs["args"] for t in reminder_tasks()] == [[first.pk]]

    services.cancel(first)

    assert sorted(t.args_kwargs["args"][0] for t in reminder_tasks()) == sorted([first.pk, waiting.pk])
    assert services.send_reminder(first.pk) == "not_confirmed"


@worker_test
def test_reminder_across_the_dst_change(clock):
    """An event on Monday 29 March 2027 at 18:00, the day after the change to summer time (Sunday 28, 2:00):
    registered in winter time, reminded 24 hours before (Sunday 18:00 summer time, 16:00 UTC), and shown at
    18:00 local time in the mail and the .ics."""
    start = datetime(2027, 3, 29, 18, 0, tzinfo=PARIS)
    clock.set(datetime(2027, 3, 20, 12, 0, tzinfo=PARIS))
    event = make_event("Atelier du lundi", starts_at=start)
    services.register(event, user=member(email="camille@example.org"))
    [task] = reminder_tasks()
    assert task.run_after == datetime(2027, 3, 28, 18, 0, tzinfo=PARIS)
    assert task.run_after.astimezone(zoneinfo.ZoneInfo("UTC")).hour == 16

    clock.set(datetime(2027, 3, 28, 17, 59, tzinfo=PARIS))
    run_tasks()
    assert reminders() == []
    clock.set(datetime(2027, 3, 28, 18, 1, tzinfo=PARIS))
    run_tasks()

    [reminder] = reminders()
    assert "lundi 29 mars 2027, de 18 h 00 à 20 h 00" in all_text(reminder)
    component = vevent(ics_of(reminder))
    assert component.decoded("DTSTART") == start
    assert component["DTSTART"].params["TZID"] == "Europe/Paris"
    assert "DTSTART;TZID=Europe/Paris:20270329T180000" in reminder.attachments[0].content.replace("\r\n", "\n")
    assert Registration.objects.get().status == Status.CONFIRMED


@pytest.mark.django_db
def test_reminder_time_across_the_change_to_winter_time(clock):
    """Sunday 31 October 2027 at 10:00 (winter time since 3:00): 24 hours before is Saturday 11:00 summer time
    (09:00 UTC), 25 hours on the wall clock; the mail and the .ics say 10:00."""
    start = datetime(2027, 10, 31, 10, 0, tzinfo=PARIS)
    clock.set(datetime(2027, 10, 20, 12, 0, tzinfo=PARIS))
    event = make_event("Atelier du dimanche", starts_at=start)
    assert start.utcoffset() == timedelta(hours=1)

    registration = services.register(event, user=member())

    [task] = reminder_tasks()
    assert task.run_after == datetime(2027, 10, 30, 11, 0, tzinfo=PARIS)
    assert task.run_after == datetime(2027, 10, 30, 9, 0, tzinfo=UTC)
    assert services.when_text(event) == "dimanche 31 octobre 2027, de 10 h 00 à 12 h 00"
    content = services.ics_attachment(event, registration)["content"]
    assert "DTSTART;TZID=Europe/Paris:20271031T100000" in content
    clock.set(datetime(2027, 10, 30, 10, 59, tzinfo=PARIS))
    assert services.send_reminder(registration.pk) == "rescheduled"
    clock.set(datetime(2027, 10, 30, 11, 1, tzinfo=PARIS))
    assert services.send_reminder(registration.pk) == "sent"
