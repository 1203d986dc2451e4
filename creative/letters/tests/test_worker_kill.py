"""Acceptance: kill the letter worker process during a send of 300 letters, restart it; nobody is
lost and nobody gets the letter twice.

The worker runs as a real subprocess (`manage.py send_letters`) against the test database and
a real SMTP server (aiosmtpd) in this process:

- SIGTERM: it finishes the message in flight, puts its other rows back, exits; the restarted
  worker sends the rest — every address receives exactly one message.
- SIGKILL: its claimed rows stay SENDING until their (short) lease expires; the restarted worker
  recovers and sends them — every address receives the letter, always with the same Message-ID
  (at most the one message in flight at the kill may arrive twice, and providers deduplicate it).
- Two workers at once never send the same row.

On SQLite the test database lives in memory: it is copied to a file the subprocesses open
(and the results are read back from that file). On PostgreSQL the subprocesses connect to the
test database itself (`transaction=True`, so what the test wrote is committed).
"""

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter, defaultdict
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from creative.letters import delivery
from creative.letters.models import Delivery, Subscriber
from tests.factories import LetterIssueFactory, LetterItemFactory
from tests.smtp import SMTPTestServer

pytestmark = pytest.mark.django_db(transaction=True)

RECIPIENTS = 300
RATE = "150"  # messages per second: two seconds for the whole send
LEASE = "1.5"  # seconds: how long a killed worker's rows wait before another worker takes them


class SharedDatabase:
    """The test database as the subprocesses see it."""

    def __init__(self, tmp_path):
        self.file = None
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            if connection.is_in_memory_db():
                self.file = tmp_path / "letters.sqlite3"
                self.url = f"sqlite:///{self.file}"
            else:
                self.url = f"sqlite:///{connection.settings_dict['NAME']}"
        else:
            db = connection.settings_dict
            credentials = quote(db["USER"] or "", safe="")
            if db.get("PASSWORD"):
                credentials += ":" + quote(db["PASSWORD"], safe="")
            host = f"{credentials}@{db['HOST'] or 'localhost'}" if credentials else db["HOST"] or "localhost"
            port = f":{db['PORT']}" if db.get("PORT") else ""
            self.url = f"postgres://{host}{port}/{quote(db['NAME'], safe='')}"

    def publish(self):
        """Make what the test wrote visible to the subprocesses (copy an in-memory SQLite database)."""
        if self.file is not None:
            target = sqlite3.connect(self.file)
            try:
                connection.connection.backup(target)
            finally:
                target.close()

    def states(self):
        if self.file is not None:
            with sqlite3.connect(self.file) as db:
                return Counter(dict(db.execute("SELECT state, COUNT(*) FROM letters_delivery GROUP BY state")))
        return Counter(dict(Delivery.objects.values_list("state").annotate(n=Count("pk")).values_list("state", "n")))

    def issue_state(self, issue):
        if self.file is not None:
            with sqlite3.connect(self.file) as db:
                return db.execute("SELECT state FROM letters_issue WHERE id = ?", [issue.pk]).fetchone()[0]
        issue.refresh_from_db()
        return issue.state


@pytest.fixture
def smtp():
    with SMTPTestServer() as server:
        yield server


@pytest.fixture
def outbox(tmp_path):
    """An issue queued for RECIPIENTS subscribers, published for the subprocesses."""
    issue = LetterIssueFactory(subject="La lettre de la semaine")
    for n in range(3):
        LetterItemFactory(issue=issue, title=f"Initiative {n}")
    now = timezone.now()
    Subscriber.objects.bulk_create(
        Subscriber(email=f"lecteur{n:03d}@exemple-lettre.fr", state=Subscriber.State.ACTIVE, consent_at=now,
                   confirmed_at=now)
        for n in range(RECIPIENTS)
    )
    assert delivery.queue_issue(issue) == RECIPIENTS
    shared = SharedDatabase(tmp_path)
    shared.publish()
    shared.issue = issue
    return shared


def _start(shared, smtp, tmp_path, worker_id, *extra):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": shared.url,
        "BULK_SMTP_HOST": smtp.host,
        "BULK_SMTP_PORT": str(smtp.port),
        "BULK_SMTP_SECURITY": "none",
    }
    with (tmp_path / f"{worker_id}.log").open("w") as log:  # the child keeps its own descriptor
        return subprocess.Popen(
            [sys.executable, "manage.py", "send_letters", "--worker-id", worker_id, "--rate", RATE,
             "--lease", LEASE, "--poll", "0.2", *extra],
            cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        )


def _wait_for(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.02)


def _finish(process, tmp_path, worker_id, timeout=30):
    code = process.wait(timeout=timeout)
    assert code in (0, -signal.SIGKILL), (tmp_path / f"{worker_id}.log").read_text()
    return code


def _by_address(smtp):
    received = defaultdict(list)
    for mail in smtp.received:
        [address] = mail.rcpt_tos
        received[address].append(mail.message["Message-ID"])
    return received


def _everybody():
    return {f"lecteur{n:03d}@exemple-lettre.fr" for n in range(RECIPIENTS)}


def test_sigterm_mid_send_then_restart_sends_each_letter_exactly_once(outbox, smtp, tmp_path):
    first = _start(outbox, smtp, tmp_path, "w1")
    _wait_for(lambda: len(smtp.received) >= 40)
    first.send_signal(signal.SIGTERM)
    assert _finish(first, tmp_path, "w1") == 0
    stopped_at = len(smtp.received)
    assert stopped_at < RECIPIENTS, "the worker was not stopped mid-send: raise RECIPIENTS or lower RATE"
    states = outbox.states()
    # Graceful: what was sent is recorded, nothing is left claimed.
    assert states[Delivery.State.SENT] == stopped_at and states[Delivery.State.SENDING] == 0
    assert states[Delivery.State.QUEUED] == RECIPIENTS - stopped_at

    second = _start(outbox, smtp, tmp_path, "w2", "--drain")
    assert _finish(second, tmp_path, "w2") == 0
    received = _by_address(smtp)
    assert set(received) == _everybody()
    assert all(len(ids) == 1 for ids in received.values()), "someone got the letter twice"
    assert len(smtp.received) == RECIPIENTS
    assert outbox.states() == Counter({Delivery.State.SENT: RECIPIENTS})
    assert outbox.issue_state(outbox.issue) == "sent"


def test_sigkill_mid_send_then_restart_loses_nobody_and_keeps_one_message_id(outbox, smtp, tmp_path):
    first = _start(outbox, smtp, tmp_path, "w1")
    _wait_for(lambda: len(smtp.received) >= 40)
    first.send_signal(signal.SIGKILL)
    _finish(first, tmp_path, "w1")
    killed_at = len(smtp.received)
    assert killed_at < RECIPIENTS
    # Its claimed rows (SENDING) wait for their lease to expire; the restarted worker waits for that.

    second = _start(outbox, smtp, tmp_path, "w2", "--drain")
    assert _finish(second, tmp_path, "w2") == 0
    received = _by_address(smtp)
    assert set(received) == _everybody(), "a letter was lost"
    assert all(len(set(ids)) == 1 for ids in received.values()), "a letter was sent again with another Message-ID"
    # Only the message in flight at the kill can arrive twice (same Message-ID: deduplicated).
    assert len(smtp.received) - RECIPIENTS <= 1
    assert outbox.states() == Counter({Delivery.State.SENT: RECIPIENTS})
    assert outbox.issue_state(outbox.issue) == "sent"


def test_two_workers_at_once_never_send_the_same_letter(outbox, smtp, tmp_path):
    workers = [_start(outbox, smtp, tmp_path, name, "--drain", "--batch", "10") for name in ("w1", "w2")]
    for name, process in zip(("w1", "w2"), workers, strict=True):
        assert _finish(process, tmp_path, name) == 0
    # Both worked (at the same time: each alone would take the whole send's time).
    for name in ("w1", "w2"):
        sent = int(re.search(r"stopped: (\d+) sent", (tmp_path / f"{name}.log").read_text()).group(1))
        assert 0 < sent < RECIPIENTS, name
    received = _by_address(smtp)
    assert set(received) == _everybody()
    assert len(smtp.received) == RECIPIENTS
    assert outbox.states() == Counter({Delivery.State.SENT: RECIPIENTS})
