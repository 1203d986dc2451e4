"""Demo content for the agenda: a dozen events across the pays de Brest, so the agenda, its
iCal feeds and the registration features are alive on first start.

Loaded by `manage.py load_demo` after the network demo (its people, organisations and the demo
fiches are used), removed by `manage.py remove_demo`. Everything is described in
demo_events.json and matched on stable keys, so loading twice creates and changes nothing:

- demo events have `is_demo=True` and the slug `demo-<key>` (a series' dates `demo-<key>-<n>`);
  a real event using such a slug is never taken over;
- dates are relative to the load: the n-th given weekday after (or before) today, at the given
  Europe/Paris times. An event keeps its date while it is on the side it is meant to be on
  (coming, or past within the last PAST_KEPT_DAYS days); once a coming one has passed (or a past
  one is too old) the next load moves it to its relative date again — a series moves as a whole;
- registrations are written directly with their status (nobody is mailed): demo people register
  with their account address `demo-<key>@example.org`, demo guests with
  `demo-invite-<key>@example.org`, the demo contributor account (when the demo accounts are
  loaded) with its own. One event is full with a waiting list.
"""

import datetime
import json
import zoneinfo
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from creative.innovations.demo import DemoDataError
from creative.innovations.models import Innovation, Theme
from creative.network.demo import demo_data as network_data
from creative.network.demo import demo_email, demo_people
from creative.network.models import Organisation
from creative.territories.models import Territory

from .editing import save_event, territories_of
from .models import Event, EventKind, Registration, Series

DATA_PATH = Path(__file__).resolve().parent / "demo_events.json"
SLUG_PREFIX = "demo-"
# A past demo event older than this is moved back into the last weeks (the public feeds show 30 days).
PAST_KEPT_DAYS = 30
Status = Registration.Status


def demo_events_data():
    with DATA_PATH.open(encoding="utf-8") as fh:
        return json.load(fh)


def guest_email(key):
    return f"demo-invite-{key}@example.org"


def event_slug(key):
    return f"{SLUG_PREFIX}{key}"


def occurrence(today, weekday, week):
    """The `week`-th `weekday` (0 = Monday) strictly after `today` (week ≥ 1) or strictly before it (week ≤ -1)."""
    if week > 0:
        first = today + datetime.timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)
        return first + datetime.timedelta(weeks=week - 1)
    if week < 0:
        last = today - datetime.timedelta(days=(today.weekday() - weekday - 1) % 7 + 1)
        return last - datetime.timedelta(weeks=-week - 1)
    raise DemoDataError("A demo event's week is never 0: it is either coming (≥ 1) or past (≤ -1).")


def at(day, hhmm):
    """The aware datetime of a local Europe/Paris wall-clock time on `day`."""
    hours, minutes = (int(part) for part in hhmm.split(":"))
    naive = datetime.datetime.combine(day, datetime.time(hours, minutes))
    return timezone.make_aware(naive, zoneinfo.ZoneInfo(settings.TIME_ZONE))


def _differs(obj, values):
    """Names of the fields of `obj` whose value differs from `values` (FKs compared by id)."""
    changed = []
    for name, value in values.items():
        field = obj._meta.get_field(name)
        if field.is_relation:
            current, wanted = getattr(obj, field.attname), (value.pk if value is not None else None)
        else:
            current, wanted = getattr(obj, name), value
        if current != wanted:
            changed.append(name)
    return changed


class _Loader:
    def __init__(self, data, with_accounts):
        self.data = data
        self.with_accounts = with_accounts
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.created = self.updated = 0
        self.counts = Counter()
        self.themes = {t.slug: t for t in Theme.objects.all()}
        self.kinds = {k.slug: k for k in EventKind.objects.all()}
        self.guests = {g["key"]: g["name"] for g in data["guests"]}
        self.account = network_data()["account"]
        self.people = {}
        self.load_people()

    # --- lookups ---------------------------------------------------------------------

    def load_people(self):
        """Demo people by key (the network demo's), and the demo contributor (None when skipped)."""
        for user in demo_people().select_related("profile"):
            key = user.email.split("@", 1)[0].removeprefix("demo-")
            if user.email == demo_email(key):
                self.people[key] = user
        self.people[self.account["key"]] = None
        if self.with_accounts:
            self.people[self.account["key"]] = (
                get_user_model().objects.filter(email=self.account["email"]).select_related("profile").first()
            )

    def person(self, key):
        if key is None:
            return None
        if key not in self.people:
            raise DemoDataError(f"Demo person {key!r} is missing: load the network demo first.")
        return self.people[key]

    def organisation(self, slug):
        if slug is None:
            return None
        organisation = Organisation.objects.filter(slug=slug, is_demo=True).first()
        if organisation is None:
            raise DemoDataError(f"Demo organisation {slug!r} is missing: load the network demo first.")
        return organisation

    def commune(self, code):
        if code is None:
            return None
        commune = Territory.objects.communes().filter(code=code).first()
        if commune is None:
            raise DemoDataError(f"Unknown commune {code!r}: run `manage.py load_territories` first.")
        return commune

    def fiches(self, slugs):
        found = {f.slug: f for f in Innovation.objects.filter(slug__in=slugs, is_demo=True)}
        missing = sorted(set(slugs) - set(found))
        if missing:
            raise DemoDataError(f"Demo fiches {missing} are missing: load the demo fiches first.")
        return [found[slug] for slug in slugs]

    # --- dates -----------------------------------------------------------------------

    def fits(self, event, week):
        """Whether the saved `event` is still on the side of today its relative `week` puts it on."""
        if week > 0:
            return event.ends_at >= self.now
        return self.now - datetime.timedelta(days=PAST_KEPT_DAYS) <= event.ends_at < self.now

    def days(self, slugs, weekday, weeks):
        """The local day of each date of a group (one event, or a series): kept when every date of the
        group still fits, else all computed again from today."""
        saved = {e.slug: e for e in Event.objects.filter(slug__in=slugs, is_demo=True)}
        if len(saved) == len(slugs) and all(self.fits(saved[s], w) for s, w in zip(slugs, weeks, strict=True)):
            return [timezone.localdate(saved[s].starts_at) for s in slugs]
        return [occurrence(self.today, weekday, week) for week in weeks]

    # --- writing ---------------------------------------------------------------------

    def sync_event(self, slug, title, entry, day, start, end, series=None):
        existing = Event.objects.filter(slug=slug).first()
        if existing is not None and not existing.is_demo:
            raise DemoDataError(f"A real event already uses the demo slug {slug!r}; nothing was changed.")
        organiser = self.person(entry.get("organiser"))
        starts_at, ends_at = at(day, start), at(day, end)
        closes = entry.get("closes_hours_before")
        online_url = entry.get("online_url", "")
        values = {
            "title": title,
            "description": entry["description"],
            "kind": self.kinds.get(entry["kind"]),
            "organiser": organiser,
            "organisation": self.organisation(entry.get("organisation")),
            "starts_at": starts_at,
            "ends_at": ends_at,
            "is_online": bool(online_url),
            "online_url": online_url,
            "commune": self.commune(entry.get("commune")),
            "address": entry.get("address", ""),
            "latitude": entry.get("lat"),
            "longitude": entry.get("lng"),
            "capacity": entry.get("capacity"),
            "registration_opens_at": None,
            "registration_closes_at": starts_at - datetime.timedelta(hours=closes) if closes else None,
            "is_free": entry.get("is_free", True),
            "price_info": entry.get("price_info", ""),
            "accessibility": entry.get("accessibility", ""),
            "series": series,
            "state": Event.State.PUBLISHED,
            "rejection_reason": "",
            "created_by": organiser,
            "is_demo": True,
        }
        themes = [self.themes[s] for s in entry["themes"] if s in self.themes]
        fiches = self.fiches(entry.get("fiches", []))
        if existing is None:
            event = save_event(Event(slug=slug, **values), themes=themes, innovations=fiches)
            self.created += 1
        else:
            event = existing
            changed = _differs(event, values)
            for name in changed:
                setattr(event, name, values[name])
            if changed:
                save_event(event)  # the sequence follows a new date or place
            # Territories, themes and fiches: only written when they differ.
            links = {"territories": territories_of(event.commune), "themes": themes, "innovations": fiches}
            for name, wanted in links.items():
                manager = getattr(event, name)
                if set(manager.values_list("pk", flat=True)) != {obj.pk for obj in wanted}:
                    manager.set(wanted)
                    changed.append(name)
            if changed:
                self.updated += 1
        self.counts["events"] += 1
        self.counts["past" if event.ends_at < self.now else "upcoming"] += 1
        self.sync_registrations(event, entry.get("registrations", []))
        return event

    def sync_registrations(self, event, entries):
        for index, entry in enumerate(entries):
            if "guest" in entry:
                user, name, email = None, self.guests[entry["guest"]], guest_email(entry["guest"])
            else:
                user = self.person(entry["person"])
                if user is None:  # the demo contributor, when the demo accounts are not loaded
                    continue
                name, email = str(user.display_name), user.email.strip().lower()
            existing = Registration.objects.filter(event=event, email=email).exclude(status=Status.CANCELLED).first()
            # Registered before the event (or before now), in the order of the file: the waiting list's order.
            moment = min(self.now, event.starts_at) - datetime.timedelta(days=3) + datetime.timedelta(minutes=index)
            confirmed = entry["status"] == Status.CONFIRMED
            values = {
                "user": user,
                "name": name,
                "status": entry["status"],
                "attended": entry.get("attended"),
                "cancelled_at": None,
                "confirmed_at": (existing.confirmed_at if existing and existing.confirmed_at else moment)
                if confirmed else None,
                "waiting_since": (existing.waiting_since if existing and existing.waiting_since else moment)
                if entry["status"] == Status.WAITING else None,
            }
            if existing is None:
                Registration.objects.create(event=event, email=email, created_at=moment, **values)
                self.created += 1
            else:
                changed = _differs(existing, values)
                for field in changed:
                    setattr(existing, field, values[field])
                if changed:
                    existing.save(update_fields=changed)
                    self.updated += 1
            self.counts["registrations"] += 1

    def sync_series(self, entry):
        slugs = [event_slug(f"{entry['key']}-{n}") for n in range(1, len(entry["weeks"]) + 1)]
        organiser = self.person(entry["event"].get("organiser"))
        series_ids = set(Event.objects.filter(slug__in=slugs, is_demo=True).exclude(series=None)
                         .values_list("series_id", flat=True))
        series = Series.objects.filter(pk__in=series_ids).order_by("pk").first()
        values = {"title": entry["title"], "rule": entry["rule"], "created_by": organiser}
        if series is None:
            series = Series.objects.create(**values)
            self.created += 1
        else:
            changed = _differs(series, values)
            for name in changed:
                setattr(series, name, values[name])
            if changed:
                series.save()
                self.updated += 1
        days = self.days(slugs, entry["weekday"], entry["weeks"])
        for slug, day in zip(slugs, days, strict=True):
            self.sync_event(slug, entry["title"], entry["event"], day, entry["start"], entry["end"], series=series)
        self.counts["series"] += 1

    def run(self):
        for entry in self.data["series"]:
            self.sync_series(entry)
        for entry in self.data["events"]:
            slug = event_slug(entry["key"])
            [day] = self.days([slug], entry["weekday"], [entry["week"]])
            self.sync_event(slug, entry["title"], entry, day, entry["start"], entry["end"])
        names = ("events", "upcoming", "past", "series", "registrations")
        return {**{name: self.counts[name] for name in names}, "created": self.created, "updated": self.updated}


@transaction.atomic
def load_events_demo(*, with_accounts=True):
    """Create or update the demo events, their series and registrations (nobody is mailed).

    Needs the demo fiches and the network demo. With `with_accounts`, the demo contributor
    account (if present) organises one event and is registered to another. Returns counts:
    events, upcoming, past, series, registrations, created, updated.
    """
    return _Loader(demo_events_data(), with_accounts).run()


@transaction.atomic
def remove_events_demo():
    """Delete the demo events (their registrations go with them) and the demo series.

    A series is the demo's when its dates are demo events only. Returns counts of what was removed.
    """
    events = Event.objects.filter(is_demo=True)
    series_ids = set(events.exclude(series=None).values_list("series_id", flat=True))
    shared = set(Event.objects.filter(series_id__in=series_ids, is_demo=False).values_list("series_id", flat=True))
    counts = {
        "events": events.count(),
        "registrations": Registration.objects.filter(event__in=events).count(),
        "series": len(series_ids - shared),
    }
    events.delete()
    Series.objects.filter(pk__in=series_ids - shared).delete()
    return counts
