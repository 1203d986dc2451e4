"""Map markers loaded by bounding box and zoom.

A view never carries more than `MAP_MARKER_LIMIT` markers: when more places fall in
the box, the database groups them on a grid sized for the zoom level (about 60
pixels per cell) and only cluster centres and counts travel. The payload therefore
depends on the screen, not on the size of the corpus. See docs/architecture.md.
"""

import math
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Avg, Count, Exists, F, Max, Min, OuterRef
from django.db.models.functions import Floor
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Place

MIN_ZOOM, MAX_ZOOM = 0, 20
# Grid cells per 256-pixel tile width: ~64-pixel cells.
CELLS_PER_TILE = 4
# On SQLite, above this many places in the box, clusters are counted through the list of
# matching ids (measured: a 17,000-place box is twice as fast with EXISTS, the 122,000 places
# of Bretagne 30 % faster with the list, and 6 times faster with a theme's shorter list).
CROWDED_BOX = 50_000
MARKER_FIELDS = ("map_lat", "map_lng", "innovation_id", "innovation__slug", "innovation__title", "innovation__pitch")


class BadMapRequest(ValueError):
    """The request cannot be answered; the message is shown to the user."""


@dataclass(frozen=True)
class BBox:
    south: float
    west: float
    north: float
    east: float

    @classmethod
    def parse(cls, raw):
        parts = (raw or "").split(",")
        if len(parts) != 4:
            raise BadMapRequest(_("Le paramètre bbox doit valoir « ouest,sud,est,nord » en degrés."))
        try:
            west, south, east, north = (float(p) for p in parts)
        except ValueError:
            raise BadMapRequest(_("Le paramètre bbox doit contenir quatre nombres.")) from None
        if not all(math.isfinite(v) for v in (west, south, east, north)):
            raise BadMapRequest(_("Le paramètre bbox doit contenir quatre nombres."))
        if south > north:
            raise BadMapRequest(_("Dans bbox, le sud doit être au sud du nord."))
        # Leaflet may send longitudes beyond ±180 after panning around the world.
        if east - west >= 360:
            west, east = -180.0, 180.0
        return cls(
            south=max(south, -90.0), west=max(west, -180.0), north=min(north, 90.0), east=min(east, 180.0),
        )


def parse_zoom(raw):
    try:
        zoom = int(raw)
    except (TypeError, ValueError):
        raise BadMapRequest(_("Le paramètre zoom doit être un entier entre 0 et 20.")) from None
    if not MIN_ZOOM <= zoom <= MAX_ZOOM:
        raise BadMapRequest(_("Le paramètre zoom doit être un entier entre 0 et 20."))
    return zoom


def _inside(bbox):
    return {
        "map_lat__gte": bbox.south, "map_lat__lte": bbox.north,
        "map_lng__gte": bbox.west, "map_lng__lte": bbox.east,
    }


def places_in(innovations, bbox, *, probe=False):
    """The places of `innovations` inside `bbox`.

    Two shapes of the same filter, which SQLite plans very differently (PostgreSQL plans both
    as one semi-join): `innovation__in` builds the list of the innovations' ids first — worth
    it in a crowded box, too dear for a street (90,000 ids for a handful of places); with
    `probe`, EXISTS looks up the innovation of each place instead.
    """
    if probe:
        return Place.objects.filter(
            Exists(innovations.order_by().filter(pk=OuterRef("innovation_id"))), **_inside(bbox)
        )
    return Place.objects.filter(innovation__in=innovations.order_by(), **_inside(bbox))


def is_crowded(bbox):
    """Whether the box holds more than CROWDED_BOX places, of any fiche (read from an index)."""
    places = Place.objects.filter(**_inside(bbox)).order_by().values_list("pk", flat=True)
    return bool(list(places[CROWDED_BOX - 1 : CROWDED_BOX]))


def map_payload(innovations, bbox, zoom, *, limit=None):
    """Markers, or grid clusters when too many, for `innovations` inside `bbox`."""
    limit = limit or settings.MAP_MARKER_LIMIT
    sqlite = connection.vendor == "sqlite"
    places = places_in(innovations, bbox, probe=sqlite)
    # Fetch one more id than the limit to know whether it is exceeded without counting all;
    # unordered and without joins, so that a crowded box stops at the limit.
    sample = list(places.order_by().values_list("pk", flat=True)[: limit + 1])
    if len(sample) <= limit:
        markers = [_marker(row) for row in Place.objects.filter(pk__in=sample).values_list(*MARKER_FIELDS)]
        return {"total": len(markers), "clusters": [], "markers": markers}
    cell_lng = 360.0 / (2 ** zoom * CELLS_PER_TILE)
    # Mercator: a degree of latitude spans more pixels away from the equator.
    cell_lat = cell_lng * math.cos(math.radians((bbox.south + bbox.north) / 2))
    if sqlite and is_crowded(bbox):
        places = places_in(innovations, bbox)
    groups = (
        places.annotate(gy=Floor(F("map_lat") / cell_lat), gx=Floor(F("map_lng") / cell_lng))
        .values("gy", "gx")
        .annotate(n=Count("pk"), lat=Avg("map_lat"), lng=Avg("map_lng"), one=Min("pk"), other=Max("pk"))
        .order_by()
    )
    clusters, singles = [], []
    for group in groups:
        if group["one"] == group["other"]:
            singles.append(group["one"])
        else:
            clusters.append([round(group["lat"], 5), round(group["lng"], 5), group["n"]])
    markers = [_marker(row) for row in Place.objects.filter(pk__in=singles).values_list(*MARKER_FIELDS)]
    total = sum(c[2] for c in clusters) + len(markers)
    return {"total": total, "clusters": clusters, "markers": markers}


def _marker(row):
    lat, lng, pk, slug, title, pitch = row
    return {"lat": round(lat, 5), "lng": round(lng, 5), "id": pk, "url": _detail_url(slug),
            "title": title, "pitch": pitch}


def _detail_url(slug):
    # reverse() once per request would do; once per marker is measurable at 400 markers.
    return reverse("innovations:detail", args=["-"])[:-2] + slug + "/"
