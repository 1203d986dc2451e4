"""Delivering the weekly letter: the outbox, the letter worker, retries, bounces and progress.

Queuing
    ``queue_issue(issue)`` writes one ``Delivery`` row per ACTIVE subscriber with the items chosen
    for them (personalise.select, computed once per distinct choice of territories and themes),
    in one transaction, then marks the issue SENDING. Subscribers are read in chunks by primary
    key (keyset pagination), their territories and themes from the through tables of the chunk,
    and rows are inserted in bulk with ``ON CONFLICT DO NOTHING``: the unique (issue, subscriber)
    pair makes a second call add nobody twice. Scheduled issues are queued by the worker once due
    (``queue_due_issues``). PENDING, UNSUBSCRIBED and BOUNCING subscribers are never queued.

Sending (``manage.py send_letters``, ``LetterWorker``)
    A worker claims a few due QUEUED rows in a transaction (``select_for_update(skip_locked=True)``
    on PostgreSQL; SQLite runs its transactions IMMEDIATE, one writer at a time, so two workers
    never claim the same row), marks them SENDING with its id and a lease, then sends them one by
    one on one open connection of the "bulk" mailer and records each result at once (its own
    commit). Claims are renewed while the worker works; a row whose lease expired — its worker
    died — is QUEUED again by any worker (``recover_expired_leases``). On SIGTERM/SIGINT the worker
    finishes and records the message in flight, puts its other claimed rows back in the queue and
    exits.

    Exactly once, and the one window where it is at least once: a row is marked SENT right after
    the SMTP server accepted the message. If the process is killed hard (SIGKILL, power loss) or
    the database refuses that write between the acceptance and the commit — a few milliseconds —
    the row is still SENDING, its lease expires and the message is sent again, with the SAME
    Message-ID (stable per issue and subscriber, see rendering.message_id), which mailbox
    providers deduplicate. Every other interruption (SIGTERM, SIGINT, a crash before the end of
    the SMTP DATA or after the commit, an SMTP failure) sends each letter exactly once. A worker
    so slow that its lease expires while it still works (one message taking longer than two thirds
    of the lease, ``--lease``) is the other way to get a duplicate, also with the same Message-ID.

    Throttle: at most ``LETTERS_RATE_PER_SECOND`` messages per second per worker. Temporary
    failures (SMTP 4xx, lost connection, timeout) are retried with exponential back-off
    (1, 2, 4… minutes, capped at an hour) and FAILED after ``LETTERS_MAX_ATTEMPTS``; a permanent
    refusal of the recipient or message (5xx on RCPT or DATA) is FAILED at once and counts as a
    hard bounce. After ``LETTERS_BOUNCE_LIMIT`` hard bounces (here or from the provider's webhook,
    views/webhooks.py) the subscriber is BOUNCING: never queued again, and rows still queued for
    them fail. When an issue has no QUEUED or SENDING row left it is SENT.
"""

import json
import logging
import os
import smtplib
import socket
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.db.models import Count, Exists, F, Min, OuterRef, Q
from django.utils import timezone

from creative import audit

from . import personalise, rendering
from .models import Delivery, Issue, Subscriber, normalise_email

logger = logging.getLogger(__name__)

MAILER = "bulk"
CLAIM_BATCH = 20
DEFAULT_LEASE = timedelta(minutes=5)
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=1)
QUEUE_CHUNK = 2000
TEST_PREFIX = "[TEST]"

# --- Tests from the editor --------------------------------------------------------------------


def send_test(issue, address, *, subscriber=None):
    """Send the letter to ``address`` now, subject « [TEST] …», without touching the outbox.

    With ``subscriber``, the letter holds that subscriber's items (and fallback notice), but not
    their personal links nor the list headers: a test must never unsubscribe anybody.
    """
    item_ids, is_fallback = None, False
    if subscriber is not None:
        item_ids, is_fallback = rendering.selection_for(issue, subscriber)
    message = rendering.build_message(
        issue, None, item_ids=item_ids, is_fallback=is_fallback, to=address, subject_prefix=TEST_PREFIX,
    )
    message.send(using=MAILER)


# --- Queuing ----------------------------------------------------------------------------------


def _chunks_of_active_subscribers(chunk_size):
    """Primary keys of ACTIVE subscribers, in chunks (keyset pagination: constant memory)."""
    last = 0
    while True:
        chunk = list(
            Subscriber.objects.active().filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:chunk_size]
        )
        if not chunk:
            return
        yield chunk
        last = chunk[-1]


def _choices_of(chunk):
    """{subscriber id: (territory ids, theme ids)} for a chunk (two range queries on the through tables)."""
    low, high = chunk[0], chunk[-1]
    territories, themes = {}, {}
    through = Subscriber.territories.through
    for sub_id, ter_id in through.objects.filter(subscriber_id__gte=low, subscriber_id__lte=high).values_list(
        "subscriber_id", "territory_id"
    ):
        territories.setdefault(sub_id, []).append(ter_id)
    through = Subscriber.themes.through
    for sub_id, theme_id in through.objects.filter(subscriber_id__gte=low, subscriber_id__lte=high).values_list(
        "subscriber_id", "theme_id"
    ):
        themes.setdefault(sub_id, []).append(theme_id)
    return {
        pk: (frozenset(territories.get(pk, ())), frozenset(themes.get(pk, ()))) for pk in chunk
    }


def _insert_deliveries(issue_id, next_attempt_at, rows):
    """Insert the outbox rows ``(subscriber_id, item_ids as JSON text, is_fallback)`` of an issue,
    skipping those already there; return how many were inserted.

    Plain SQL: ``bulk_create`` spends most of its time building and preparing model instances
    (7 of 8 seconds for 100,000 rows), while the values here repeat — the JSON of each distinct
    selection is serialised once by the caller. PostgreSQL receives each column as one array
    (``unnest``), SQLite multi-row VALUES. ``ON CONFLICT DO NOTHING`` (SQLite ≥ 3.24, PostgreSQL)
    keeps the unique (issue, subscriber) pair: nobody is queued twice.
    """
    if not rows:
        return 0
    qn = connection.ops.quote_name
    table = qn(Delivery._meta.db_table)
    columns = ", ".join(qn(c) for c in (
        "issue_id", "subscriber_id", "item_ids", "is_fallback", "next_attempt_at",
        "state", "attempts", "claimed_by", "last_error",
    ))
    queued = Delivery.State.QUEUED.value  # a constant of ours, not input
    when = Delivery._meta.get_field("next_attempt_at").get_db_prep_save(next_attempt_at, connection)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            subscribers, items, fallbacks = zip(*rows, strict=True)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) "  # noqa: S608 (identifiers quoted, values as parameters)
                f"SELECT %s, s, i::jsonb, f, %s, '{queued}', 0, '', '' "
                "FROM unnest(%s::bigint[], %s::text[], %s::boolean[]) AS t(s, i, f) ON CONFLICT DO NOTHING",
                [issue_id, when, list(subscribers), list(items), list(fallbacks)],
            )
            return cursor.rowcount
        values = f"(%s, %s, %s, %s, %s, '{queued}', 0, '', '')"
        per_statement = max(1, min(1000, (connection.features.max_query_params or 5000) // 5))
        inserted = 0
        for start in range(0, len(rows), per_statement):
            batch = rows[start:start + per_statement]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) "  # noqa: S608 (identifiers quoted, values as parameters)
                f"VALUES {', '.join([values] * len(batch))} ON CONFLICT DO NOTHING",
                [value for sub, item_ids, fallback in batch for value in (issue_id, sub, item_ids, fallback, when)],
            )
            inserted += cursor.rowcount
        return inserted


def queue_issue(issue, *, now=None, chunk_size=QUEUE_CHUNK):
    """Write the outbox rows of ``issue`` for every ACTIVE subscriber; return how many were added.

    Marks the issue SENDING (``sending_started_at``). Idempotent: subscribers already queued are
    skipped, so a second call only adds those who subscribed since. A SENT issue is left alone.
    """
    now = now or timezone.now()
    scopes = personalise.scopes_of(issue)
    # (territories, themes) → (JSON of the item ids, is_fallback): each
    # distinct choice is computed and serialised once.
    selections = {}
    added = 0
    with transaction.atomic():
        locked = Issue.objects.select_for_update().get(pk=issue.pk)
        if locked.state == Issue.State.SENT:
            return 0
        for chunk in _chunks_of_active_subscribers(chunk_size):
            existing = set(
                Delivery.objects.filter(
                    issue=issue, subscriber_id__gte=chunk[0], subscriber_id__lte=chunk[-1]
                ).values_list("subscriber_id", flat=True)
            )
            rows = []
            for pk, choice in _choices_of(chunk).items():
                if pk in existing:
                    continue
                selection = selections.get(choice)
                if selection is None:
                    chosen = personalise.select(scopes, *choice)
                    selection = selections[choice] = (json.dumps(list(chosen.item_ids)), chosen.is_fallback)
                rows.append((pk, *selection))
            added += _insert_deliveries(issue.pk, now, rows)
        fields = {"state": Issue.State.SENDING}
        if locked.sending_started_at is None:
            fields["sending_started_at"] = now
        Issue.objects.filter(pk=issue.pk).update(**fields)
    issue.state = Issue.State.SENDING
    issue.sending_started_at = locked.sending_started_at or now
    logger.info("Issue %s queued for %d subscribers (%d distinct choices).", issue.number, added, len(selections))
    return added


def queue_due_issues(now=None):
    """Queue the SCHEDULED issues whose time has come; return them."""
    now = now or timezone.now()
    queued = []
    for issue in Issue.objects.filter(state=Issue.State.SCHEDULED, scheduled_at__lte=now).order_by("scheduled_at"):
        count = queue_issue(issue, now=now)
        audit.record(None, "letters.issue.sent", issue, recipients=count, scheduled=True)
        queued.append(issue)
    return queued


def finish_issues(now=None):
    """Mark SENT every SENDING issue with no QUEUED or SENDING row left; return how many."""
    pending = Delivery.objects.filter(
        issue=OuterRef("pk"), state__in=[Delivery.State.QUEUED, Delivery.State.SENDING]
    )
    return (
        Issue.objects.filter(state=Issue.State.SENDING)
        .exclude(Exists(pending))
        .update(state=Issue.State.SENT, sent_at=now or timezone.now())
    )


# --- Progress ---------------------------------------------------------------------------------


def progress(issue):
    """How far the sending of ``issue`` is: total, queued, sending, sent, failed (one query)."""
    states = Delivery.State
    counts = Delivery.objects.filter(issue=issue).aggregate(
        total=Count("pk"),
        queued=Count("pk", filter=Q(state=states.QUEUED)),
        sending=Count("pk", filter=Q(state=states.SENDING)),
        sent=Count("pk", filter=Q(state=states.SENT)),
        failed=Count("pk", filter=Q(state=states.FAILED)),
    )
    counts["done"] = counts["sent"] + counts["failed"]
    counts["percent"] = round(100 * counts["done"] / counts["total"]) if counts["total"] else 0
    return counts


# --- Claims and leases ------------------------------------------------------------------------


def claim(worker_id, *, now=None, limit=CLAIM_BATCH, lease=DEFAULT_LEASE):
    """Claim up to ``limit`` due QUEUED rows for ``worker_id``; return them (with issue and subscriber)."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            Delivery.objects.due(now)
            .select_for_update(skip_locked=True)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return []
        Delivery.objects.filter(pk__in=ids, state=Delivery.State.QUEUED).update(
            state=Delivery.State.SENDING, claimed_by=worker_id, lease_until=now + lease,
        )
    return list(
        Delivery.objects.filter(pk__in=ids, state=Delivery.State.SENDING, claimed_by=worker_id)
        .select_related("subscriber")
        .order_by("next_attempt_at", "pk")
    )


def renew(worker_id, *, now=None, lease=DEFAULT_LEASE):
    """Extend the lease of every row ``worker_id`` holds."""
    now = now or timezone.now()
    return Delivery.objects.filter(state=Delivery.State.SENDING, claimed_by=worker_id).update(lease_until=now + lease)


def release(worker_id, ids=None):
    """Put back in the queue the rows ``worker_id`` holds (all, or those of ``ids``) without sending."""
    rows = Delivery.objects.filter(state=Delivery.State.SENDING, claimed_by=worker_id)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(state=Delivery.State.QUEUED, claimed_by="", lease_until=None)


def recover_expired_leases(now=None):
    """QUEUE again the rows of workers whose lease expired (they died); return how many."""
    now = now or timezone.now()
    count = Delivery.objects.filter(state=Delivery.State.SENDING, lease_until__lt=now).update(
        state=Delivery.State.QUEUED, claimed_by="", lease_until=None,
    )
    if count:
        logger.warning("%d letter deliveries recovered from expired leases.", count)
    return count


# --- Bounces ----------------------------------------------------------------------------------


def record_bounce(address, *, hard=True, now=None):
    """Count a bounce of ``address``: hard bounces make it BOUNCING at ``LETTERS_BOUNCE_LIMIT``.

    Soft bounces are only logged. Returns True when the address is a subscriber (for logs and
    tests only: never tell a caller whether an address exists).
    """
    subscriber = Subscriber.objects.filter(email=normalise_email(address)).first()
    if subscriber is None:
        return False
    if not hard:
        logger.info("Soft bounce for letter subscriber %s.", subscriber.pk)
        return True
    now = now or timezone.now()
    with transaction.atomic():
        Subscriber.objects.filter(pk=subscriber.pk).update(hard_bounces=F("hard_bounces") + 1, last_bounce_at=now)
        subscriber.refresh_from_db(fields=["hard_bounces", "last_bounce_at", "state"])
        becomes_bouncing = subscriber.hard_bounces >= settings.LETTERS_BOUNCE_LIMIT and subscriber.state in (
            Subscriber.State.ACTIVE, Subscriber.State.PENDING,
        )
        if becomes_bouncing:
            Subscriber.objects.filter(pk=subscriber.pk).update(state=Subscriber.State.BOUNCING)
            subscriber.state = Subscriber.State.BOUNCING
            Delivery.objects.filter(subscriber=subscriber, state=Delivery.State.QUEUED).update(
                state=Delivery.State.FAILED, last_error="Adresse en échec (rejets définitifs).",
            )
            audit.record(None, "letters.subscriber.bouncing", subscriber, hard_bounces=subscriber.hard_bounces)
    logger.info("Hard bounce %d for letter subscriber %s.", subscriber.hard_bounces, subscriber.pk)
    return True


# --- Sending ----------------------------------------------------------------------------------

PERMANENT, TEMPORARY, CONNECTION = "permanent", "temporary", "connection"


def classify(error):
    """(kind, bounce) of a sending error: PERMANENT, TEMPORARY or CONNECTION (the connection is lost)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        if codes and all(code >= 500 for code in codes):
            return PERMANENT, True
        return TEMPORARY, False
    if isinstance(error, smtplib.SMTPDataError):
        return (PERMANENT, True) if error.smtp_code >= 500 else (TEMPORARY, False)
    if isinstance(error, smtplib.SMTPSenderRefused):
        # Our sender refused: a configuration or reputation problem, not the recipient's.
        return CONNECTION, False
    if isinstance(error, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError | smtplib.SMTPHeloError):
        return CONNECTION, False
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return CONNECTION, False
    if isinstance(error, smtplib.SMTPResponseException):
        return (TEMPORARY, False) if error.smtp_code < 500 else (PERMANENT, False)
    if isinstance(error, OSError | TimeoutError | socket.timeout):
        return CONNECTION, False
    if isinstance(error, ValueError):  # an address the backend cannot encode
        return PERMANENT, False
    return TEMPORARY, False


def backoff(attempts):
    """Delay before the next attempt after ``attempts`` failed ones: 1, 2, 4, 8… minutes, capped."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_CAP)


def default_worker_id():
    return f"{socket.gethostname()}:{os.getpid()}"


class LetterWorker:
    """Claims due rows, sends them at the configured rate, records every result.

    ``clock`` (monotonic seconds), ``sleep`` and ``now`` (aware datetimes) are injectable so that
    tests neither wait nor depend on the time of day. ``stop()`` (signal handlers call it) makes
    the worker finish the message in flight, release its other rows and return.
    """

    def __init__(
        self, worker_id=None, *, rate=None, batch=CLAIM_BATCH, lease=DEFAULT_LEASE, poll=5.0,
        clock=time.monotonic, sleep=None, now=timezone.now, using=MAILER,
    ):
        self.worker_id = worker_id or default_worker_id()
        self.rate = float(rate or settings.LETTERS_RATE_PER_SECOND)
        self.batch = batch
        self.lease = lease
        self.poll = poll
        self.clock = clock
        self._stop = threading.Event()
        self.sleep = sleep or self._stop.wait
        self.now = now
        self.using = using
        self.connection = None
        self._next_send = None
        self._pause = 0.0  # seconds to wait after a connection failure (doubles while they repeat)
        self._pause_pending = False
        self._issues = {}
        self.sent = self.failed = self.retried = 0

    # Control

    @property
    def stopping(self):
        return self._stop.is_set()

    def stop(self, *args):
        self._stop.set()

    # Loop

    def run(self, *, drain=False):
        """Work until stopped; with ``drain``, until nothing is due. Returns the number sent."""
        try:
            while not self.stopping:
                now = self.now()
                queue_due_issues(now)
                recover_expired_leases(now)
                rows = claim(self.worker_id, now=now, limit=self.batch, lease=self.lease)
                if rows:
                    self.process(rows)
                    finish_issues(self.now())
                    continue
                finish_issues(now)
                self._close()
                if drain:
                    wait = self._drain_wait(now)
                    if wait is None:
                        break
                    self.sleep(wait)
                else:
                    self.sleep(self.poll)
        finally:
            release(self.worker_id)
            self._close()
        return self.sent

    def _drain_wait(self, now):
        """Seconds to wait for other workers' leases before draining again, or None when all is done."""
        lease = Delivery.objects.filter(state=Delivery.State.SENDING).aggregate(first=Min("lease_until"))["first"]
        if lease is None:
            return None
        return min(max((lease - now).total_seconds(), 0) + 0.05, self.poll)

    def process(self, rows):
        """Send the claimed ``rows`` one by one; stop early (releasing the rest) when asked to."""
        renewed_at = self.clock()
        for index, row in enumerate(rows):
            if self.stopping:
                break
            if self._pause_pending:
                # The connection failed: give the server a moment, then claim again.
                release(self.worker_id, [r.pk for r in rows[index:]])
                self._pause_pending = False
                self.sleep(self._pause)
                return
            self._throttle()
            if self.stopping:  # stopped while waiting for its turn: nothing is in flight
                break
            if self.clock() - renewed_at > self.lease.total_seconds() / 3:
                renew(self.worker_id, now=self.now(), lease=self.lease)
                renewed_at = self.clock()
            self.deliver(row)
        release(self.worker_id)

    def _throttle(self):
        interval = 1.0 / self.rate
        now = self.clock()
        if self._next_send is not None and now < self._next_send:
            self.sleep(self._next_send - now)
            now = self.clock()
        self._next_send = max(self._next_send or now, now) + interval

    def _issue(self, issue_id):
        issue = self._issues.get(issue_id)
        if issue is None:
            issue = self._issues[issue_id] = Issue.objects.get(pk=issue_id)
        return issue

    def _close(self):
        if self.connection is not None:
            try:
                self.connection.close()
            except Exception:  # a connection already broken is closed anyway
                logger.debug("Closing the bulk mailer connection failed.", exc_info=True)
            self.connection = None

    def deliver(self, row):
        """Send one claimed row and record the result (each in its own commit)."""
        subscriber = row.subscriber
        if subscriber.state != Subscriber.State.ACTIVE:
            self._record_failure(row, "Abonnement inactif.", final=True)
            return
        try:
            message = rendering.build_message(
                self._issue(row.issue_id), subscriber, item_ids=row.item_ids, is_fallback=row.is_fallback,
            )
            if self.connection is None:
                self.connection = mail.mailers[self.using]
                self.connection.open()
            self.connection.send_messages([message])
        except Exception as error:  # every failure is recorded on the row
            self._failed(row, error)
            return
        Delivery.objects.filter(pk=row.pk).update(
            state=Delivery.State.SENT, sent_at=self.now(), attempts=F("attempts") + 1,
            claimed_by="", lease_until=None, last_error="",
        )
        self.sent += 1
        self._pause = 0.0

    def _failed(self, row, error):
        kind, bounce = classify(error)
        text = f"{type(error).__name__}: {error}"[:500]
        logger.warning("Letter delivery %s failed (%s): %s", row.pk, kind, text)
        if kind == CONNECTION:
            self._close()
            self._pause = min(max(self._pause * 2, 5.0), 300.0)
            self._pause_pending = True
        if kind == PERMANENT:
            self._record_failure(row, text, final=True)
            if bounce:
                record_bounce(row.subscriber.email, hard=True, now=self.now())
        else:
            self._record_failure(row, text, final=row.attempts + 1 >= settings.LETTERS_MAX_ATTEMPTS)

    def _record_failure(self, row, text, *, final):
        attempts = row.attempts + 1
        fields = {"attempts": attempts, "claimed_by": "", "lease_until": None, "last_error": text[:500]}
        if final:
            fields["state"] = Delivery.State.FAILED
            self.failed += 1
        else:
            fields["state"] = Delivery.State.QUEUED
            fields["next_attempt_at"] = self.now() + backoff(attempts)
            self.retried += 1
        Delivery.objects.filter(pk=row.pk).update(**fields)
