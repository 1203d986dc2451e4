"""Map markers loaded by bounding box and zoom.

A view never carries more than `MAP_MARKER_LIMIT` markers: when more places fall in
the box, the database groups them on a grid sized for the zoom level (about 60
pixels per cell) and only cluster centres and counts travel. The payload therefore
depends on the screen, not on the size of the corpus. See docs/architecture.md.
"""

import math
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Avg, Count, F, Max, Min
from django.db.models.functions import Floor
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Place

MIN_ZOOM, MAX_ZOOM = 0, 20
# Grid cells per 256-pixel tile width: ~64-pixel cells.
CELLS_PER_TILE = 4


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


def places_in(innovations, bbox):
    return Place.objects.filter(
        innovation__in=innovations,
        map_lat__gte=bbox.south, map_lat__lte=bbox.north,
        map_lng__gte=bbox.west, map_lng__lte=bbox.east,
    )


def map_payload(innovations, bbox, zoom, *, limit=None):
    """Markers, or grid clusters when too many, for `innovations` inside `bbox`."""
    limit = limit or settings.MAP_MARKER_LIMIT
    places = places_in(innovations, bbox)
    # Fetch one more than the limit to know whether it is exceeded without counting all.
    sample = list(
        places.values_list("map_lat", "map_lng", "innovation_id", "innovation__slug", "innovation__title",
                           "innovation__pitch")[: limit + 1]
    )
    if len(sample) <= limit:
        return {"total": len(sample), "clusters": [], "markers": [_marker(row) for row in sample]}
    cell_lng = 360.0 / (2 ** zoom * CELLS_PER_TILE)
    # Mercator: a degree of latitude spans more pixels away from the equator.
    cell_lat = cell_lng * math.cos(math.radians((bbox.south + bbox.north) / 2))
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
    markers = [
        _marker(row)
        for row in Place.objects.filter(pk__in=singles).values_list(
            "map_lat", "map_lng", "innovation_id", "innovation__slug", "innovation__title", "innovation__pitch"
        )
    ]
    total = sum(c[2] for c in clusters) + len(markers)
    return {"total": total, "clusters": clusters, "markers": markers}


def _marker(row):
    lat, lng, pk, slug, title, pitch = row
    return {"lat": round(lat, 5), "lng": round(lng, 5), "id": pk, "url": _detail_url(slug),
            "title": title, "pitch": pitch}


def _detail_url(slug):
    # reverse() once per request would do; once per marker is measurable at 400 markers.
    return reverse("innovations:detail", args=["-"])[:-2] + slug + "/"
