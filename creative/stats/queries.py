"""What the counts say: « les plus lus » and the searches that found nothing.

    most_read("innovation", period="month", territory=brest, theme=None, limit=10)
        → [(innovation, views), …], most read first
    top_misses(days=30, territory=brest, limit=20) → [(query, count), …]

Only public objects are ever returned (published fiches, public events, public articles, any
territory). Each call is one aggregate query over the day counts (the public objects' ids in a
sub-query) and one query fetching the objects.
"""

from datetime import timedelta

from django.db.models import Sum

from . import counting
from .models import SearchMiss, ViewCount, ViewKind

PERIODS = {"week": 7, "month": 30, "year": 365, "all": None}


def _pk(value):
    return getattr(value, "pk", value)


def _territory_and_below(territory_id):
    """Ids of a territory and of every territory under it (one query per level of depth)."""
    from creative.territories.models import Territory

    below = Territory.objects.descendants_of(Territory(pk=territory_id)).values_list("pk", flat=True)
    return [territory_id, *below]


def _ids_linked(through, column, value):
    """The ids of the content linked to `value` by a many-to-many's through table."""
    source = next(f.attname for f in through._meta.fields if f.is_relation and f.attname != column)
    return through.objects.filter(**{column: value}).values(source)


def _innovations():
    from creative.innovations.models import Innovation

    return Innovation.objects.published(), Innovation.territories.through, Innovation.themes.through


def _events():
    from creative.events.models import Event

    return Event.objects.published(), Event.territories.through, Event.themes.through


def _articles():
    from creative.magazine.models import Article

    # covered_territories: every level containing the article's territories.
    return Article.objects.published(), Article.covered_territories.through, Article.themes.through


# Public content counted by kind: (public queryset, territories' through table, themes' through table).
_CONTENT = {ViewKind.INNOVATION: _innovations, ViewKind.EVENT: _events, ViewKind.ARTICLE: _articles}


def public_objects(kind, *, territory=None, theme=None):
    """The public objects of `kind`, in `territory` (any level) and about `theme` if given.

    For territories, `territory` keeps the territory itself and those under it; `theme` does not
    apply to them and is ignored.
    """
    territory_id, theme_id = _pk(territory), _pk(theme)
    if kind in _CONTENT:
        queryset, territories, themes = _CONTENT[kind]()
        if territory_id:
            queryset = queryset.filter(pk__in=_ids_linked(territories, "territory_id", territory_id))
        if theme_id:
            queryset = queryset.filter(pk__in=_ids_linked(themes, "theme_id", theme_id))
        return queryset
    if kind == ViewKind.TERRITORY:
        from creative.territories.models import Territory

        queryset = Territory.objects.all()
        if territory_id:
            queryset = queryset.filter(pk__in=_territory_and_below(territory_id))
        return queryset
    raise ValueError(f"Unknown kind of page: {kind!r}")


def period_start(period):
    """The first day counted for `period` ("week", "month", "year": the last 7/30/365 days; "all")."""
    if period not in PERIODS:
        raise ValueError(f"Unknown period: {period!r} (one of {', '.join(PERIODS)})")
    days = PERIODS[period]
    return None if days is None else counting.today() - timedelta(days=days - 1)


def view_totals(kind, *, period="week", territory=None, theme=None, include_demo=True):
    """Day counts of `kind` summed per public object: a values() queryset of (object_id, total)."""
    counts = ViewCount.objects.filter(kind=kind)
    start = period_start(period)
    if start is not None:
        counts = counts.filter(day__gte=start)
    if not include_demo:
        counts = counts.filter(is_demo=False)
    public = public_objects(kind, territory=territory, theme=theme)
    return (
        counts.filter(object_id__in=public.order_by().values("pk"))
        .values("object_id").annotate(total=Sum("views")).order_by()
    )


def most_read(kind, *, period="week", territory=None, theme=None, limit=10, include_demo=True):
    """[(object, views), …]: the `limit` most viewed public objects of `kind` over `period`.

    `territory` and `theme` are instances or ids; `include_demo=False` leaves out the demo's
    synthetic counts. Ties are broken by id, so the order is stable. Two queries.
    """
    totals = list(
        view_totals(kind, period=period, territory=territory, theme=theme, include_demo=include_demo)
        .order_by("-total", "object_id")[: max(0, int(limit))]
    )
    if not totals:
        return []
    objects = public_objects(kind).in_bulk([row["object_id"] for row in totals])
    return [(objects[row["object_id"]], row["total"]) for row in totals if row["object_id"] in objects]


def top_misses(*, days=30, territory=None, limit=20):
    """[(query, count), …]: the searches that found nothing over the last `days` days, most frequent first.

    With `territory`, the searches made with that territory (or one inside it) as filter;
    without, every search that found nothing.
    """
    end = counting.today()
    misses = SearchMiss.objects.filter(day__gte=end - timedelta(days=max(1, int(days)) - 1), day__lte=end)
    territory_id = _pk(territory)
    if territory_id:
        misses = misses.filter(territory_id__in=_territory_and_below(territory_id))
    rows = (
        misses.values("query").annotate(total=Sum("count")).order_by("-total", "query")[: max(0, int(limit))]
    )
    return [(row["query"], row["total"]) for row in rows]
