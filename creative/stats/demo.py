"""Synthetic view counts for the demo, so that « les plus lus » and the observatory show something.

load_demo_views() gives every public demo fiche, event and article, and the territories of the
demo fiches, day counts over the last DEMO_DAYS days (from their publication when later). The rows
carry `is_demo=True` (most_read(include_demo=False) leaves them out; remove_demo_views() deletes
them); real counts are never touched. Deterministic: the numbers come from a random generator
seeded with each object's slug, so loading twice on the same day gives the same rows.
"""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from . import counting
from .models import ViewCount, ViewKind

DEMO_DAYS = 120
SEED = "creative-demo-views"


def _days(rng, first_day, last_day, popularity):
    """[(day, views)] between two dates: a weekday rhythm, noise, and days with no view."""
    rows = []
    day = first_day
    while day <= last_day:
        rhythm = 0.6 if day.weekday() >= 5 else 1.0
        expected = popularity * rhythm
        views = int(rng.uniform(0, 2 * expected) + 0.5)
        if views:
            rows.append((day, views))
        day += timedelta(days=1)
    return rows


def demo_objects():
    """{kind: [(object_id, slug, first day)]} for the public demo objects."""
    from creative.events.models import Event
    from creative.innovations.models import Innovation
    from creative.magazine.models import Article
    from creative.territories.models import Territory

    objects = {
        ViewKind.INNOVATION: Innovation.objects.published().filter(is_demo=True),
        ViewKind.EVENT: Event.objects.published().filter(is_demo=True),
        ViewKind.ARTICLE: Article.objects.published().filter(is_demo=True),
    }
    found = {}
    for kind, queryset in objects.items():
        dated = "published_at" if kind != ViewKind.EVENT else "created_at"
        found[kind] = [
            (pk, slug, timezone.localdate(when) if when else None)
            for pk, slug, when in queryset.order_by("pk").values_list("pk", "slug", dated)
        ]
    demo_fiches = Innovation.objects.published().filter(is_demo=True)
    territories = Territory.objects.filter(
        pk__in=Innovation.territories.through.objects.filter(innovation__in=demo_fiches).values("territory_id")
    ).order_by("pk")
    found[ViewKind.TERRITORY] = [(pk, slug, None) for pk, slug in territories.values_list("pk", "slug")]
    return found


# Typical daily views of the most read object of each kind (the others get a fraction of it).
POPULARITY = {ViewKind.INNOVATION: 14, ViewKind.EVENT: 8, ViewKind.ARTICLE: 25, ViewKind.TERRITORY: 10}


@transaction.atomic
def load_demo_views(days=DEMO_DAYS):
    """(Re)create the demo day counts; returns {"objects": n, "rows": n, "views": n}."""
    ViewCount.objects.filter(is_demo=True).delete()
    last_day = counting.today()
    window_start = last_day - timedelta(days=days - 1)
    rows, objects = [], 0
    for kind, items in demo_objects().items():
        for object_id, slug, first_day in items:
            rng = random.Random(f"{SEED}:{kind}:{slug}")  # noqa: S311 (synthetic numbers, not secrets)
            # A long tail: a few pages are read a lot, most a little.
            popularity = POPULARITY[kind] * rng.paretovariate(1.6) / 4
            start = max(window_start, first_day) if first_day else window_start
            if start > last_day:
                continue
            objects += 1
            rows += [
                ViewCount(kind=kind, object_id=object_id, day=day, views=views, is_demo=True)
                for day, views in _days(rng, start, last_day, popularity)
            ]
    ViewCount.objects.bulk_create(rows, batch_size=1000)
    return {"objects": objects, "rows": len(rows), "views": sum(row.views for row in rows)}


def remove_demo_views():
    """Delete every demo day count; returns how many rows were deleted."""
    deleted, _ = ViewCount.objects.filter(is_demo=True).delete()
    return deleted
