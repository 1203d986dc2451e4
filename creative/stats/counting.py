"""Counting page views on the server, without tracking anybody.

    from creative.stats.counting import count_view
    count_view(request, "innovation", innovation.pk)   # on a successful GET of a public page

- No cookie, no third-party script, nothing sent to the browser.
- Not counted: bots and scripts (bots.is_bot on the User-Agent), prefetches (`Sec-Purpose:
  prefetch`, `Purpose: prefetch`, `X-Moz: prefetch`), anything but GET. The caller calls
  count_view only for a page that was found and is public (never for a draft preview).
- One view per visitor per page per day: a visitor is the keyed hash
  HMAC-SHA256(salt of the day, address | user agent | kind | id). The salt is random
  (secrets.token_hex), created on the day's first view, and deleted with the day's hashes
  after yesterday (`purge_view_marks`, and opportunistically on the first flush of a day): a
  hash can then neither be recomputed nor linked to anyone. The address is never stored,
  neither alone nor next to its hash; only the hash (SeenToday) and the day's count (ViewCount).
- Do Not Track / Global Privacy Control: counted like everybody, because nothing identifies
  the visitor — the hash changes every day and for every page, and it is only used to avoid
  counting the same visitor twice on the same page the same day.
- Batched writes: count_view only computes the hash and appends it to an in-memory buffer
  (thread-safe; no database query once the day's salt is known). The buffer is flushed in one
  transaction (two queries: insert the marks, ON CONFLICT DO NOTHING RETURNING the new ones;
  then add the new ones to the day's counts, ON CONFLICT DO UPDATE) when it holds
  STATS_FLUSH_EVERY views or its oldest view is STATS_FLUSH_SECONDS old: checked when a request
  has finished (the request_finished signal, after the response went out), at process exit
  (atexit), and by `flush()` (tests, commands). The trade-off: a crashed process loses at most
  the views of its buffer (≤ STATS_FLUSH_EVERY, or STATS_FLUSH_SECONDS' worth); a view is
  visible in « les plus lus » up to STATS_FLUSH_SECONDS late. Each process has its own buffer;
  the marks, shared in the database, keep counting exact across processes.
- STATS_ENABLED=0 switches counting off (count_view does nothing).
"""

import atexit
import hashlib
import hmac
import logging
import secrets
import threading
import time
from collections import Counter
from datetime import date, timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from .bots import is_bot
from .models import DailySalt, SeenToday, ViewCount, ViewKind

logger = logging.getLogger(__name__)

KINDS = frozenset(ViewKind.values)
# Above this many buffered views (STATS_FLUSH_EVERY times this), count_view flushes itself:
# a safety net for processes where request_finished never fires, so memory stays bounded.
HARD_LIMIT_FACTOR = 10
# Rows per INSERT (two parameters per mark, well under SQLite's and PostgreSQL's limits).
INSERT_CHUNK = 500


def enabled():
    return getattr(settings, "STATS_ENABLED", True)


def flush_every():
    return max(1, int(getattr(settings, "STATS_FLUSH_EVERY", 50)))


def flush_seconds():
    return max(0, int(getattr(settings, "STATS_FLUSH_SECONDS", 10)))


def today():
    """The local date views are counted on (tests move it by monkeypatching this function)."""
    return timezone.localdate()


def is_prefetch(request):
    """A speculative load by the browser (link prefetch / prerender), not a view."""
    meta = request.META
    for header in ("HTTP_SEC_PURPOSE", "HTTP_PURPOSE", "HTTP_X_PURPOSE", "HTTP_X_MOZ"):
        value = meta.get(header, "").lower()
        if "prefetch" in value or "prerender" in value or "preview" in value:
            return True
    return False


def should_count(request):
    """False for requests that are not a person reading the page (see the module docstring)."""
    if request.method != "GET" or is_prefetch(request):
        return False
    return not is_bot(request.META.get("HTTP_USER_AGENT", ""))


# --- The salt of the day ------------------------------------------------------------------

_salt_lock = threading.Lock()
_salts = {}  # {day: salt}, today's only (and yesterday's for a few seconds after midnight)


def daily_salt(day=None):
    """The secret of `day` (today by default), created at random on first use, cached in memory."""
    day = day or today()
    with _salt_lock:
        salt = _salts.get(day)
    if salt is not None:
        return salt
    row, _created = DailySalt.objects.get_or_create(day=day, defaults={"salt": secrets.token_hex(32)})
    with _salt_lock:
        for old in [d for d in _salts if d < day - timedelta(days=1)]:
            del _salts[old]
        _salts[day] = row.salt
    return row.salt


def visitor_digest(salt, ip, user_agent, kind, object_id):
    """HMAC-SHA256(salt, "ip|user agent|kind|id"), 64 hex characters. Never stored with the ip."""
    message = f"{ip}|{user_agent}|{kind}|{object_id}".encode("utf-8", "replace")
    return hmac.new(salt.encode(), message, hashlib.sha256).hexdigest()


# --- The buffer -----------------------------------------------------------------------------


class ViewBuffer:
    """Views waiting to be written: {(day, digest): (kind, object_id)}, thread-safe."""

    def __init__(self):
        self.lock = threading.Lock()
        self.hits = {}
        self.started = None  # time.monotonic() of the oldest buffered view

    def add(self, day, digest, kind, object_id):
        """Buffer one view; returns how many views are buffered."""
        with self.lock:
            if not self.hits:
                self.started = time.monotonic()
            self.hits.setdefault((day, digest), (kind, object_id))
            return len(self.hits)

    def is_due(self):
        with self.lock:
            if not self.hits:
                return False
            return len(self.hits) >= flush_every() or time.monotonic() - self.started >= flush_seconds()

    def take(self):
        """Empty the buffer, returning what it held."""
        with self.lock:
            hits, self.hits, self.started = self.hits, {}, None
            return hits

    def __len__(self):
        with self.lock:
            return len(self.hits)


buffer = ViewBuffer()
_flush_lock = threading.Lock()  # one flush at a time per process
_purged_on = None  # the day this process last purged old marks and salts


def count_view(request, kind, object_id):
    """Count a view of (kind, object_id) by this request's visitor; True if it was buffered.

    Call it on a successful GET of a public page only. Cheap: no database query once the day's
    salt is known (one query a day otherwise); the write happens later, in a batch.
    """
    if not enabled() or kind not in KINDS or object_id is None or not should_count(request):
        return False
    from creative.antispam.ratelimit import client_ip

    day = today()
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:512]
    digest = visitor_digest(daily_salt(day), client_ip(request), user_agent, kind, int(object_id))
    size = buffer.add(day, digest, kind, int(object_id))
    if size >= flush_every() * HARD_LIMIT_FACTOR:
        flush()
    return True


def flush_if_due(**kwargs):
    """Flush when the buffer is full or old enough (connected to request_finished)."""
    if buffer.is_due():
        flush()


def _insert_marks(hits):
    """Insert the marks, returning the (day, digest) pairs that were new (not seen before)."""
    table = connection.ops.quote_name(SeenToday._meta.db_table)
    new = set()
    items = list(hits)
    with connection.cursor() as cursor:
        for start in range(0, len(items), INSERT_CHUNK):
            chunk = items[start : start + INSERT_CHUNK]
            values = ", ".join(["(%s, %s)"] * len(chunk))
            params = [value for day, digest in chunk for value in (day, digest)]
            # ON CONFLICT DO NOTHING RETURNING: only the rows really inserted come back, on
            # PostgreSQL and SQLite (≥ 3.35) alike, even when another process inserts concurrently.
            cursor.execute(
                f"INSERT INTO {table} (day, digest) VALUES {values} "  # noqa: S608 (table name from the model)
                "ON CONFLICT (day, digest) DO NOTHING RETURNING day, digest",
                params,
            )
            for day, digest in cursor.fetchall():
                if isinstance(day, str):  # SQLite returns the date as text
                    day = date.fromisoformat(day[:10])
                new.add((day, digest))
    return new


def _add_counts(counts):
    """Add {(kind, object_id, day): n} to the real (non-demo) ViewCount rows, in one upsert."""
    table = connection.ops.quote_name(ViewCount._meta.db_table)
    rows = sorted(counts.items(), key=lambda item: (item[0][0], item[0][1], item[0][2]))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), INSERT_CHUNK):
            chunk = rows[start : start + INSERT_CHUNK]
            values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))
            params = [v for (kind, object_id, day), n in chunk for v in (kind, object_id, day, n, False)]
            cursor.execute(
                f"INSERT INTO {table} (kind, object_id, day, views, is_demo) VALUES {values} "  # noqa: S608
                "ON CONFLICT (kind, object_id, day, is_demo) "
                f"DO UPDATE SET views = {table}.views + excluded.views",
                params,
            )


def flush():
    """Write the buffered views now (one transaction); returns how many new views were counted.

    A database error is logged and the batch dropped: counting never breaks a page.
    """
    global _purged_on
    with _flush_lock:
        hits = buffer.take()
        if not hits:
            return 0
        try:
            with transaction.atomic():
                new = _insert_marks(hits)
                counts = Counter()
                for key in new:
                    kind, object_id = hits[key]
                    counts[(kind, object_id, key[0])] += 1
                if counts:
                    _add_counts(counts)
        except DatabaseError:
            logger.exception("Could not write %d buffered page views: they are lost.", len(hits))
            return 0
        day = today()
        if _purged_on != day:
            _purged_on = day
            try:
                purge_old()
            except DatabaseError:
                logger.exception("Could not purge the old view marks.")
        return sum(counts.values())


def purge_old(day=None):
    """Delete the salts and marks older than yesterday; returns (salts, marks) deleted."""
    limit = (day or today()) - timedelta(days=1)
    salts, _ = DailySalt.objects.filter(day__lt=limit).delete()
    marks, _ = SeenToday.objects.filter(day__lt=limit).delete()
    with _salt_lock:
        for old in [d for d in _salts if d < limit]:
            del _salts[old]
    return salts, marks


def reset():
    """Forget the buffer and the cached salts, without writing (tests)."""
    global _purged_on
    buffer.take()
    with _salt_lock:
        _salts.clear()
    _purged_on = None


def _flush_at_exit():
    try:
        flush()
    except Exception:  # the interpreter is going away: nothing else to do
        logger.exception("Could not flush the page views at exit.")


atexit.register(_flush_at_exit)
