"""Shared helpers of the registration tests (events, people, the mail queue, a movable clock).

Imported by test_registration*.py, test_event_mails.py, test_reminders.py and test_concurrency.py.
"""

from datetime import timedelta
from types import SimpleNamespace

import icalendar
import pytest
from django.core import mail, signing
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from creative.events.models import Event, Registration
from tests.factories import UserFactory

State = Event.State
Status = Registration.Status


def make_event(title="Atelier d'écriture publique", *, starts_in=timedelta(days=7), hours=2, capacity=10,
               state=State.PUBLISHED, **fields):
    """A published event in a week, 2 hours long, 10 seats, at an address (no commune: no territories needed)."""
    starts_at = fields.pop("starts_at", None) or (timezone.now() + starts_in).replace(second=0, microsecond=0)
    fields.setdefault("address", "25 rue de Siam, Brest")
    return Event.objects.create(
        title=title, starts_at=starts_at, ends_at=starts_at + timedelta(hours=hours), capacity=capacity, state=state,
        **fields,
    )


def member(name="Maëlle Le Gall", email=None, **kwargs):
    """An account holder: verified address (a contributor)."""
    if email:
        kwargs["email"] = email
    return UserFactory(profile__display_name=name, **kwargs)


def unverified(name="Nouveau Compte", email=None):
    kwargs = {"email": email} if email else {}
    return UserFactory(profile__display_name=name, verified=False, **kwargs)


def run_on_commit_callbacks():
    """Run the on-commit callbacks a test wrapped in a transaction holds back (mails and reminders to enqueue).

    What django_capture_on_commit_callbacks(execute=True) does at its end, at any moment of a test.
    """
    from django.db import connection

    while connection.run_on_commit:
        _savepoints, callback, _robust = connection.run_on_commit.pop(0)
        callback()


def queued(template=None):
    """(template, recipients, attachments, context) of the mails in the task queue, oldest first."""
    run_on_commit_callbacks()
    rows = []
    for result in DBTaskResult.objects.filter(task_path="creative.core.tasks.send_templated_mail_task").order_by(
        "enqueued_at"
    ):
        args, kwargs = result.args_kwargs["args"], result.args_kwargs["kwargs"]
        if template is None or args[0] == template:
            rows.append((args[0], args[2], kwargs.get("attachments"), args[1]))
    return rows


def queued_templates():
    return [row[0] for row in queued()]


def reminder_tasks():
    run_on_commit_callbacks()
    return DBTaskResult.objects.filter(task_path="creative.events.tasks.send_reminder")


def outbox(subject_part=None):
    return [m for m in mail.outbox if subject_part is None or subject_part in m.subject]


def ics_of(message):
    """The parsed .ics attachment of a sent message (exactly one)."""
    [attachment] = [a for a in message.attachments if a.filename.endswith(".ics")]
    assert attachment.mimetype.startswith("text/calendar")
    content = attachment.content
    return icalendar.Calendar.from_ical(content.encode() if isinstance(content, str) else content)


def vevent(calendar):
    [event] = calendar.walk("VEVENT")
    return event


def all_text(message):
    return message.subject + message.body + "".join(a.content for a in message.alternatives) + "".join(
        a.content if isinstance(a.content, str) else a.content.decode() for a in message.attachments
    )


class Clock:
    """timezone.now() moved by an offset: services, the task worker's "ready" query and the tests agree."""

    def __init__(self, real_now):
        self.real_now = real_now
        self.offset = timedelta(0)

    def now(self):
        return self.real_now() + self.offset

    def advance(self, **delta):
        self.offset += timedelta(**delta)

    def set(self, moment):
        self.offset = moment - self.real_now()


@pytest.fixture
def clock(monkeypatch):
    """Move time in a test: timezone.now() (services, the worker) and the signatures' clock (confirmation links)."""
    moved = Clock(timezone.now)
    monkeypatch.setattr(timezone, "now", moved.now)
    monkeypatch.setattr(signing, "time", SimpleNamespace(time=lambda: moved.now().timestamp()))
    return moved
