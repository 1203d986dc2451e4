"""Benchmark case: compose and enqueue a personalised weekly letter for 100,000 subscribers.

Generates the subscribers in bulk (varied territories — communes, intercommunalities, the pays,
or none — and themes), composes an issue of ~30 items spread over the territories (each item
carries every level containing it, as the composer writes them), then times
``delivery.queue_issue`` — the one step whose cost grows with the number of subscribers — and
measures its memory: the Python allocation peak (tracemalloc, in a second run, since tracing
slows Python down) and the process's maximum resident set size.

Goal (issue 7): under 2 minutes and 500 MB.
"""

import random
import resource
import time
import tracemalloc
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from creative.innovations.models import Theme
from creative.letters import delivery
from creative.letters.models import Delivery, Issue, IssueItem, Subscriber
from creative.territories.models import Territory

NAME = "letters: compose and enqueue a personalised letter"
EMAIL_DOMAIN = "bench-lettre.example"
BATCH = 5_000
ITEMS = 30
GOAL_SECONDS = 120
GOAL_MB = 500


@dataclass
class LetterResult:
    subscribers: int
    items: int
    rows: int
    choices: int
    generated_in: float | None
    composed_in: float
    queued_in: float
    python_peak_mb: float
    max_rss_mb: float
    rss_growth_mb: float

    @property
    def ok(self):
        return self.queued_in < GOAL_SECONDS and self.max_rss_mb < GOAL_MB


def _max_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def _territory_pool():
    """Communes (most of them in the home pays), their intercommunalities and pays, with parents."""
    home = Territory.objects.home() or Territory.objects.filter(level=Territory.Level.PAYS).first()
    parents = dict(Territory.objects.values_list("pk", "parent_id"))
    communes = list(Territory.objects.communes().values_list("pk", "parent_id"))
    home_communes = list(Territory.objects.descendants_of(home, level=Territory.Level.COMMUNE)
                     .values_list("pk", flat=True)) if home else []
    epcis = list(Territory.objects.filter(level=Territory.Level.EPCI).values_list("pk", flat=True))
    return home, parents, [pk for pk, _ in communes], home_communes, epcis


def _ancestors(pk, parents):
    chain = [pk]
    while parents.get(chain[-1]):
        chain.append(parents[chain[-1]])
    return chain


def generate_subscribers(count, *, seed=1):
    """``count`` ACTIVE subscribers with their territories and themes (bulk inserts); reused if present."""
    existing = Subscriber.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}")
    if existing.count() == count:
        return None
    started = time.perf_counter()
    existing.delete()
    rnd = random.Random(seed)
    home, _parents, communes, home_communes, epcis = _territory_pool()
    if not communes:
        raise RuntimeError("No territories: run `manage.py load_territories` first.")
    home_communes = home_communes or communes
    themes = list(Theme.objects.values_list("pk", flat=True))
    now = timezone.now()
    TerritoryLink, ThemeLink = Subscriber.territories.through, Subscriber.themes.through
    for start in range(0, count, BATCH):
        size = min(BATCH, count - start)
        with transaction.atomic():
            subscribers = Subscriber.objects.bulk_create(
                Subscriber(email=f"abonne{start + n:06d}@{EMAIL_DOMAIN}", state=Subscriber.State.ACTIVE,
                           consent_text="Bench.", consent_at=now, confirmed_at=now)
                for n in range(size)
            )
            if any(s.pk is None for s in subscribers):
                subscribers = list(Subscriber.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}")
                                   .order_by("-pk")[:size])
            territory_rows, theme_rows = [], []
            for subscriber in subscribers:
                roll = rnd.random()
                if roll < 0.30:
                    chosen = set()  # the whole platform
                elif roll < 0.40 and home:
                    chosen = {home.pk}
                elif roll < 0.55 and epcis:
                    chosen = {rnd.choice(epcis)}
                elif roll < 0.90:
                    chosen = set(rnd.sample(home_communes, min(len(home_communes), rnd.choice((1, 1, 2, 3)))))
                else:
                    chosen = {rnd.choice(communes)}  # elsewhere in the region
                territory_rows += [TerritoryLink(subscriber_id=subscriber.pk, territory_id=pk) for pk in chosen]
                theme_count = rnd.choice((0, 0, 0, 1, 1, 2, 3)) if themes else 0
                theme_rows += [ThemeLink(subscriber_id=subscriber.pk, theme_id=pk)
                               for pk in rnd.sample(themes, theme_count)]
            TerritoryLink.objects.bulk_create(territory_rows, batch_size=BATCH)
            ThemeLink.objects.bulk_create(theme_rows, batch_size=BATCH)
    return time.perf_counter() - started


def compose_issue(*, seed=1, items=ITEMS):
    """A DRAFT issue of ``items`` items over various territories and themes (as the composer writes them)."""
    rnd = random.Random(seed)
    _home, parents, communes, home_communes, _epcis = _territory_pool()
    home_communes = home_communes or communes
    themes = list(Theme.objects.values_list("pk", flat=True))
    number = (Issue.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    now = timezone.now()
    with transaction.atomic():
        issue = Issue.objects.create(
            number=number, subject=f"Bench n° {number}", period_start=now - timedelta(days=7), period_end=now,
        )
        created = IssueItem.objects.bulk_create(
            IssueItem(issue=issue, kind=IssueItem.Kind.INNOVATION, position=n, title=f"Initiative {n}",
                      summary="Une initiative du territoire.", url=f"/innovations/bench-{n}/")
            for n in range(items)
        )
        if any(item.pk is None for item in created):
            created = list(issue.items.order_by("position"))
        territory_rows, theme_rows = [], []
        for n, item in enumerate(created):
            if n % 10 == 9:
                continue  # an online event: for everybody
            commune = rnd.choice(home_communes) if rnd.random() < 0.85 else rnd.choice(communes)
            territory_rows += [IssueItem.territories.through(issueitem_id=item.pk, territory_id=pk)
                               for pk in _ancestors(commune, parents)]
            theme_rows += [IssueItem.themes.through(issueitem_id=item.pk, theme_id=pk)
                           for pk in rnd.sample(themes, min(len(themes), rnd.choice((1, 2))))]
        IssueItem.territories.through.objects.bulk_create(territory_rows)
        IssueItem.themes.through.objects.bulk_create(theme_rows)
    return issue


def _reset(issue):
    Delivery.objects.filter(issue=issue).delete()
    Issue.objects.filter(pk=issue.pk).update(state=Issue.State.DRAFT, sending_started_at=None)
    issue.refresh_from_db()


def run(subscribers, *, seed=1, out=print):
    out(f"  {NAME}: {subscribers:,} subscribers…")
    generated_in = generate_subscribers(subscribers, seed=seed)
    if generated_in is not None:
        out(f"    subscribers generated in {generated_in:.0f} s")
    Issue.objects.filter(subject__startswith="Bench n° ").delete()

    started = time.perf_counter()
    issue = compose_issue(seed=seed)
    composed_in = time.perf_counter() - started

    rss_before = _max_rss_mb()
    started = time.perf_counter()
    rows = delivery.queue_issue(issue)
    queued_in = time.perf_counter() - started
    max_rss = _max_rss_mb()
    choices = (
        Delivery.objects.filter(issue=issue).values("item_ids", "is_fallback").distinct().count()
    )

    # The same work again under tracemalloc: the peak of what queuing allocates in Python.
    _reset(issue)
    tracemalloc.start()
    try:
        delivery.queue_issue(issue)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    Delivery.objects.filter(issue=issue).delete()
    issue.delete()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    result = LetterResult(
        subscribers=subscribers, items=ITEMS, rows=rows, choices=choices, generated_in=generated_in,
        composed_in=composed_in, queued_in=queued_in, python_peak_mb=peak / 1024 / 1024,
        max_rss_mb=max_rss, rss_growth_mb=max_rss - rss_before,
    )
    out(line(result))
    return result


def line(r):
    return (
        f"  {NAME}: {r.rows:,} rows for {r.subscribers:,} subscribers, {r.items} items, "
        f"{r.choices:,} distinct selections — composed in {r.composed_in:.2f} s, queued in {r.queued_in:.1f} s "
        f"({r.rows / max(r.queued_in, 1e-9):,.0f} rows/s); Python peak {r.python_peak_mb:.0f} MB, "
        f"process max RSS {r.max_rss_mb:.0f} MB (+{r.rss_growth_mb:.0f} MB while queuing) — "
        f"goal < {GOAL_SECONDS} s and < {GOAL_MB} MB: {'ok' if r.ok else 'MISSED'}"
    )


def table(r):
    return "\n".join([
        "| Case | subscribers | items | distinct selections | queue_issue s | rows/s | Python peak MB "
        "| max RSS MB | goal | result |",
        "|---|--:|--:|--:|--:|--:|--:|--:|---|---|",
        f"| {NAME} | {r.subscribers:,} | {r.items} | {r.choices:,} | {r.queued_in:.1f} | "
        f"{r.rows / max(r.queued_in, 1e-9):,.0f} | {r.python_peak_mb:.0f} | {r.max_rss_mb:.0f} | "
        f"< {GOAL_SECONDS} s, < {GOAL_MB} MB | {'ok' if r.ok else '**missed**'} |",
    ])
