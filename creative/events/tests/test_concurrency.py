"""Capacity under concurrent requests: 50 people register at the same moment for 10 seats, each from a
thread with its own database connection → exactly 10 confirmed and 40 on the waiting list.

Runs on SQLite (IMMEDIATE transactions) and on PostgreSQL (the event row lock), e.g.
`DATABASE_URL=postgres://… pytest creative/events/tests/test_concurrency.py`.

On SQLite the test database is in memory, shared between connections in SQLite's "shared cache"
mode, whose table locks fail at once ("database table is locked") instead of waiting: nothing like
the site's database file, where a writer waits for the other (busy_timeout). So the threads run on
a file copy of the test database, with the site's connection options (WAL, IMMEDIATE), and a longer
busy_timeout: on a test machine busy with other tests, the last of 150 queued writes (registration,
mail, reminder) may wait more than the site's 5 seconds.
"""

import contextlib
import sqlite3
import threading

import pytest
from django.db import close_old_connections, connection, connections

from creative.events import services
from creative.events.models import Registration

from .test_registration_support import Status, make_event, member

PEOPLE = 50
SEATS = 10


@contextlib.contextmanager
def database_file(tmp_path):
    """On SQLite, every connection opened inside the block (each thread's) uses a file copy of the test database."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    memory = connections["default"]
    path = tmp_path / "concurrency.sqlite3"
    copy = sqlite3.connect(path)
    memory.connection.backup(copy)
    copy.close()
    original = connections.settings["default"]
    options = dict(original.get("OPTIONS") or {})
    options["init_command"] = options.get("init_command", "").replace("busy_timeout=5000", "busy_timeout=60000")
    connections.settings["default"] = {**original, "NAME": str(path), "OPTIONS": options}
    connections["default"] = connections.create_connection("default")
    try:
        yield
    finally:
        connections["default"].close()
        connections.settings["default"] = original
        connections["default"] = memory  # never closed: closing it would drop the in-memory database


def run_together(jobs):
    """Run each job in its own thread (its own connection), all released at once; return their errors."""
    barrier = threading.Barrier(len(jobs))
    errors = []

    def worker(job):
        try:
            barrier.wait(timeout=30)
            job()
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()  # this thread's connection

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    close_old_connections()
    return errors


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_registrations_for_ten_seats(tmp_path):
    event = make_event("Formation Animacoop", capacity=SEATS)
    people = [member(name=f"Personne {n}", email=f"personne{n}@example.org") for n in range(PEOPLE)]
    with database_file(tmp_path):
        errors = run_together([lambda p=p: services.register(event, user=p) for p in people])
        check_fifty(event, errors)


def check_fifty(event, errors):
    assert errors == []
    statuses = list(Registration.objects.filter(event=event).values_list("status", flat=True))
    assert len(statuses) == PEOPLE
    assert statuses.count(Status.CONFIRMED) == SEATS
    assert statuses.count(Status.WAITING) == PEOPLE - SEATS
    assert services.seats_left(event) == 0
    waiting = list(event.registrations.waiting())
    assert [services.waiting_position(r) for r in waiting] == list(range(1, PEOPLE - SEATS + 1))


@pytest.mark.django_db(transaction=True)
def test_concurrent_cancellations_and_confirmations_never_overbook(tmp_path):
    """Guests confirming while confirmed people cancel: seats stay within capacity, every freed seat is taken."""
    event = make_event("Atelier d'écriture", capacity=5)
    holders = [services.register(event, user=member(email=f"titulaire{n}@example.org")) for n in range(5)]
    guests = [services.register(event, name=f"Invité {n}", email=f"invite{n}@example.org") for n in range(15)]

    with database_file(tmp_path):
        jobs = [lambda r=r: services.cancel(r) for r in holders[:3]]
        jobs += [lambda g=g: services.confirm_guest(g) for g in guests]
        errors = run_together(jobs)

        assert errors == []
        confirmed = Registration.objects.filter(event=event, status=Status.CONFIRMED).count()
        waiting = Registration.objects.filter(event=event, status=Status.WAITING).count()
        assert confirmed == 5  # never more, and no freed seat left empty while people wait
        assert waiting == 15 - 3
        assert Registration.objects.filter(event=event, status=Status.CANCELLED).count() == 3
