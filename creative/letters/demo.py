"""Demo content for the weekly letter: three past letters in the archive, the draft of the next
one, and a handful of subscribers, so the archive, its feeds and the editors' pages are alive
on first start.

Loaded by `manage.py load_demo` after the events demo (the letters are composed from the demo
fiches, events, calls for help and reproductions), removed by `manage.py remove_demo`.
Everything is described in demo_letters.json:

- demo subscribers are ACTIVE, with the addresses `demo-lettre-<key>@example.org`, their
  territories and themes; they are matched on their address, so loading again changes nothing
  (a real subscriber using such an address is never taken over);
- the letters are composed once, by the composer itself (composition.compose_issue) for the
  weeks before the load, then completed with demo fiches up to a few items, given an editorial
  and marked SENT (with a SENT outbox row per demo subscriber, so progress shows numbers); the
  draft covers the current week. Letters exist once: while any demo letter is there, loading
  again leaves them as they are.

Everything has `is_demo=True`; nobody is mailed.
"""

import datetime
import json
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from creative.innovations.demo import DemoDataError
from creative.innovations.models import Innovation, Theme
from creative.territories.models import Territory

from . import composition
from .models import Delivery, Issue, IssueItem, Subscriber
from .personalise import scopes_of, select

DATA_PATH = Path(__file__).resolve().parent / "demo_letters.json"
# Demo subscribers joined this long before the load (before the first demo letter).
JOINED_WEEKS_AGO = 10


def demo_letters_data():
    with DATA_PATH.open(encoding="utf-8") as fh:
        return json.load(fh)


def subscriber_email(key):
    return f"demo-lettre-{key}@example.org"


class _Loader:
    def __init__(self, data, now):
        self.data = data
        self.now = now
        self.counts = {"subscribers": 0, "letters": 0, "sent": 0, "drafts": 0, "created": 0, "updated": 0}

    def territories(self, slugs):
        found = {t.slug: t for t in Territory.objects.filter(slug__in=slugs)}
        missing = sorted(set(slugs) - set(found))
        if missing:
            raise DemoDataError(f"Unknown territories {missing}: run `manage.py load_territories` first.")
        return [found[slug] for slug in slugs]

    def sync_subscribers(self):
        joined = self.now - datetime.timedelta(weeks=JOINED_WEEKS_AGO)
        themes = {t.slug: t for t in Theme.objects.all()}
        for entry in self.data["subscribers"]:
            email = subscriber_email(entry["key"])
            subscriber = Subscriber.objects.filter(email=email).first()
            if subscriber is not None and not subscriber.is_demo:
                raise DemoDataError(f"A real subscriber already uses the demo address {email!r}; nothing was changed.")
            wanted_territories = self.territories(entry["territories"])
            wanted_themes = [themes[slug] for slug in entry["themes"] if slug in themes]
            changed = created = False
            if subscriber is None:
                subscriber = Subscriber.objects.create(
                    email=email, state=Subscriber.State.ACTIVE, consent_text=self.data["consent_text"],
                    consent_at=joined, confirmed_at=joined, created_at=joined, is_demo=True,
                )
                self.counts["created"] += 1
                created = True
            elif subscriber.state != Subscriber.State.ACTIVE:
                subscriber.state, subscriber.unsubscribed_at = Subscriber.State.ACTIVE, None
                subscriber.save(update_fields=["state", "unsubscribed_at"])
                changed = True
            for manager, wanted in ((subscriber.territories, wanted_territories), (subscriber.themes, wanted_themes)):
                if set(manager.values_list("pk", flat=True)) != {obj.pk for obj in wanted}:
                    manager.set(wanted)
                    changed = True
            self.counts["updated"] += changed and not created
            self.counts["subscribers"] += 1

    def top_up(self, issue, used_keys):
        """Complete a letter with demo fiches published before its end (the most recent not in a demo letter
        yet) up to min_items."""
        missing = self.data["min_items"] - issue.items.count()
        if missing <= 0:
            return
        keys = set(used_keys) | set(issue.items.values_list("source_key", flat=True))
        fiches = list(
            Innovation.objects.published().filter(is_demo=True, published_at__lt=issue.period_end).exclude(
                pk__in=[int(key.rsplit(":", 1)[1]) for key in keys if key.startswith("innovations.innovation:")]
            ).order_by("-published_at", "pk")[:missing]
        )
        last = issue.items.count()
        composition.write_items(issue, [composition.fiche_draft(f) for f in fiches], first_position=last)
        # Fiches come first in a letter, as the composer orders them.
        items = sorted(issue.items.all(), key=lambda item: (item.kind != IssueItem.Kind.INNOVATION, item.position))
        for position, item in enumerate(items):
            item.position = position
        IssueItem.objects.bulk_update(items, ["position"])

    def mark_sent(self, issue, sent_at, editorial):
        Issue.objects.filter(pk=issue.pk).update(
            state=Issue.State.SENT, editorial=editorial, sending_started_at=sent_at, sent_at=sent_at, is_demo=True,
        )
        scopes = scopes_of(issue)
        rows = []
        for subscriber in Subscriber.objects.filter(is_demo=True, state=Subscriber.State.ACTIVE).prefetch_related(
            "territories", "themes"
        ):
            selection = select(scopes, [t.pk for t in subscriber.territories.all()],
                               [t.pk for t in subscriber.themes.all()])
            rows.append(Delivery(
                issue=issue, subscriber=subscriber, item_ids=list(selection.item_ids),
                is_fallback=selection.is_fallback, state=Delivery.State.SENT, attempts=1, next_attempt_at=sent_at,
                sent_at=sent_at,
            ))
        Delivery.objects.bulk_create(rows, ignore_conflicts=True)

    def create_letters(self):
        used = set()
        for entry in sorted(self.data["letters"], key=lambda e: -e["weeks_ago"]):
            period_end = self.now - datetime.timedelta(weeks=entry["weeks_ago"])
            issue = composition.compose_issue(period_end=period_end)
            self.top_up(issue, used)
            used |= set(issue.items.exclude(source_key="").values_list("source_key", flat=True))
            # Sent the morning after the week it covers.
            self.mark_sent(issue, period_end + datetime.timedelta(hours=12), entry["editorial"])
            self.counts["created"] += 1
        draft = composition.compose_issue(period_end=self.now)
        self.top_up(draft, used)
        Issue.objects.filter(pk=draft.pk).update(editorial=self.data["draft"]["editorial"], is_demo=True)
        self.counts["created"] += 1

    def run(self):
        self.sync_subscribers()
        if not Issue.objects.filter(is_demo=True).exists():
            self.create_letters()
        demo = Issue.objects.filter(is_demo=True)
        self.counts["letters"] = demo.count()
        self.counts["sent"] = demo.filter(state=Issue.State.SENT).count()
        self.counts["drafts"] = demo.filter(state=Issue.State.DRAFT).count()
        return self.counts


@transaction.atomic
def load_letters_demo(*, now=None):
    """Create the demo subscribers and letters (or leave them as they are). Nobody is mailed.

    Needs the territories; uses whatever demo fiches, events, calls and reproductions are loaded.
    Returns counts: subscribers, letters, sent, drafts, created, updated.
    """
    return _Loader(demo_letters_data(), now or timezone.now()).run()


@transaction.atomic
def remove_letters_demo():
    """Delete the demo letters (their items and outbox rows go with them) and the demo subscribers."""
    issues = Issue.objects.filter(is_demo=True)
    subscribers = Subscriber.objects.filter(is_demo=True)
    counts = {
        "letters": issues.count(),
        "items": IssueItem.objects.filter(issue__in=issues).count(),
        "subscribers": subscribers.count(),
    }
    # Outbox rows of real letters to demo subscribers go with the subscribers (CASCADE).
    issues.delete()
    subscribers.delete()
    return counts
