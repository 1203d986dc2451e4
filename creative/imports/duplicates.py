"""Duplicate detection: two fiches with similar names and places close to each other.

A pair is proposed (a PENDING `DuplicateCandidate`, always stored with first < second) when:

- the normalised titles look alike: lowercase, accents and punctuation removed, French stop words
  and words like « association » dropped; the similarity is the larger of difflib's
  SequenceMatcher ratio (on the normalised strings) and the Jaccard index of the word sets, and it
  must reach `SIMILARITY_THRESHOLD` (0.75: « Repair café de Brest » ~ « Le Repair Café Brest »
  gives 1.0, « Jardin partagé » ~ « Jardins partagés » 0.94, « Jardin partagé » ~ « Épicerie
  solidaire » 0.2);
- and at least one place of one fiche lies within `settings.IMPORTS_DUPLICATE_DISTANCE_M` metres
  (default 200) of a place of the other (haversine on the marker point: the precise point, or
  the commune's reference point when the place has none).

The work is bounded: `find_for` only looks at fiches having a place inside a bounding box around
each of the fiche's places (degrees computed from the distance; `Place.map_lat/map_lng` is
indexed), never at every fiche. `find_all` buckets every place on a grid whose cells are at least
the distance wide and compares each place with the places of its own and the eight neighbouring
cells. A pair that was dismissed (or already merged) is never proposed again; archived fiches,
fiches hidden by moderation and fiches already merged into another are left out.
"""

import difflib
import math
import re
import unicodedata
from collections import defaultdict

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q

from creative.innovations.models import Innovation, Place

from .models import DuplicateCandidate

SIMILARITY_THRESHOLD = 0.75
EARTH_RADIUS_M = 6_371_000
METRES_PER_DEGREE_LAT = 111_320

STOP_WORDS = frozenset((
    "le", "la", "les", "l", "de", "du", "des", "d", "un", "une", "et", "en", "au", "aux", "a",
    "pour", "par", "sur", "dans", "avec", "association", "asso", "assoc",
))

_NON_WORD = re.compile(r"[^a-z0-9]+")

# States whose fiches are never proposed as duplicates.
EXCLUDED_STATES = (Innovation.State.ARCHIVED, Innovation.State.HIDDEN)


def normalise(title):
    """Lowercase, without accents, punctuation or stop words: « L'Asso du Repair-Café » → « repair cafe »."""
    text = unicodedata.normalize("NFKD", title or "").encode("ascii", "ignore").decode("ascii").lower()
    words = [w for w in _NON_WORD.split(text) if w and w not in STOP_WORDS]
    return " ".join(words)


def similarity(a, b):
    """Similarity of two titles, between 0 and 1 (see the module's docstring)."""
    na, nb = normalise(a), normalise(b)
    if not na or not nb:
        return 0.0
    if na == nb:
        return 1.0
    ratio = difflib.SequenceMatcher(None, na, nb, autojunk=False).ratio()
    wa, wb = set(na.split()), set(nb.split())
    jaccard = len(wa & wb) / len(wa | wb)
    return max(ratio, jaccard)


def haversine_m(lat1, lng1, lat2, lng2):
    """Distance in metres between two points on Earth."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def max_distance_m():
    return float(getattr(settings, "IMPORTS_DUPLICATE_DISTANCE_M", 200))


def _deltas(lat, distance_m):
    """Half sides of the bounding box, in degrees, around a point at latitude `lat`."""
    dlat = distance_m / METRES_PER_DEGREE_LAT
    cos = max(math.cos(math.radians(lat)), 0.01)
    dlng = distance_m / (METRES_PER_DEGREE_LAT * cos)
    return dlat, dlng


def candidate_innovations():
    """Fiches that may take part in a pair."""
    return Innovation.objects.exclude(state__in=EXCLUDED_STATES).filter(merged_into__isnull=True)


def _points(innovation):
    return [(p.map_lat, p.map_lng) for p in innovation.places.all()]


def _closest(points_a, points_b):
    best = None
    for lat1, lng1 in points_a:
        for lat2, lng2 in points_b:
            d = haversine_m(lat1, lng1, lat2, lng2)
            if best is None or d < best:
                best = d
    return best


def _decided_pairs(pairs=None):
    """Pairs already known (any status): never created twice, dismissed ones never re-proposed."""
    qs = DuplicateCandidate.objects.all()
    ids = {i for pair in pairs for i in pair} if pairs is not None else None
    if ids is not None and len(ids) <= 500:  # else read them all (bounded by the candidates table)
        qs = qs.filter(first_id__in=ids, second_id__in=ids)
    return set(qs.values_list("first_id", "second_id"))


def _record(pairs_found):
    """Create the PENDING candidates of {(first_id, second_id): (similarity, distance)} not known yet."""
    if not pairs_found:
        return []
    known = _decided_pairs(pairs_found.keys())
    created = []
    for (first_id, second_id), (sim, dist) in sorted(pairs_found.items()):
        if (first_id, second_id) in known:
            continue
        try:
            with transaction.atomic():
                created.append(DuplicateCandidate.objects.create(
                    first_id=first_id, second_id=second_id, similarity=round(sim, 3),
                    distance_m=None if dist is None else round(dist, 1),
                ))
        except IntegrityError:  # found concurrently
            continue
    return created


def find_for(innovation, *, distance_m=None):
    """Look for duplicates of one fiche; create and return the new PENDING candidates.

    Only fiches with a place in a bounding box around one of this fiche's places are read.
    """
    if innovation.pk is None or innovation.state in EXCLUDED_STATES:
        return []
    distance_m = max_distance_m() if distance_m is None else float(distance_m)
    points = _points(innovation)
    if not points:
        return []
    box = None
    for lat, lng in points:
        dlat, dlng = _deltas(lat, distance_m)
        q = Q(map_lat__gte=lat - dlat, map_lat__lte=lat + dlat, map_lng__gte=lng - dlng, map_lng__lte=lng + dlng)
        box = q if box is None else box | q
    nearby = (
        Place.objects.filter(box)
        .exclude(innovation_id=innovation.pk)
        .filter(innovation__in=candidate_innovations())
        .values_list("innovation_id", "innovation__title", "map_lat", "map_lng")
    )
    others = defaultdict(lambda: {"title": "", "points": []})
    for other_id, title, lat, lng in nearby:
        others[other_id]["title"] = title
        others[other_id]["points"].append((lat, lng))

    found = {}
    for other_id, other in others.items():
        sim = similarity(innovation.title, other["title"])
        if sim < SIMILARITY_THRESHOLD:
            continue
        dist = _closest(points, other["points"])
        if dist is None or dist > distance_m:
            continue
        found[tuple(sorted((innovation.pk, other_id)))] = (sim, dist)
    return _record(found)


def find_all(*, distance_m=None):
    """Look for duplicates among all fiches; create and return the new PENDING candidates.

    Places are bucketed on a grid whose cells are `distance_m` high and (at least) as wide; each
    place is compared with the places of its cell and the eight neighbouring ones.
    """
    distance_m = max_distance_m() if distance_m is None else float(distance_m)
    rows = list(
        Place.objects.filter(innovation__in=candidate_innovations())
        .values_list("innovation_id", "innovation__title", "map_lat", "map_lng")
    )
    if not rows:
        return []
    cell_lat = max(distance_m, 1.0) / METRES_PER_DEGREE_LAT
    # Cell width from the highest latitude present, so that a cell is never narrower than the distance.
    max_abs_lat = min(max(abs(r[2]) for r in rows), 89.0)
    cell_lng = _deltas(max_abs_lat, max(distance_m, 1.0))[1]
    grid = defaultdict(list)
    titles = {}
    for innovation_id, title, lat, lng in rows:
        titles[innovation_id] = title
        grid[(math.floor(lat / cell_lat), math.floor(lng / cell_lng))].append((innovation_id, lat, lng))

    best = {}
    for (ci, cj), members in grid.items():
        neighbours = [p for di in (-1, 0, 1) for dj in (-1, 0, 1) for p in grid.get((ci + di, cj + dj), ())]
        for a_id, a_lat, a_lng in members:
            for b_id, b_lat, b_lng in neighbours:
                if a_id >= b_id:
                    continue
                d = haversine_m(a_lat, a_lng, b_lat, b_lng)
                if d <= distance_m and ((a_id, b_id) not in best or d < best[(a_id, b_id)]):
                    best[(a_id, b_id)] = d

    sim_cache = {}
    found = {}
    for pair, dist in best.items():
        sim = sim_cache.get(pair)
        if sim is None:
            sim = sim_cache[pair] = similarity(titles[pair[0]], titles[pair[1]])
        if sim >= SIMILARITY_THRESHOLD:
            found[pair] = (sim, dist)
    return _record(found)


def pending_for_user(user):
    """PENDING candidates whose two fiches are both still active, in the user's scope (either fiche)."""
    from creative.accounts.permissions import innovations_in_scope

    qs = DuplicateCandidate.objects.filter(status=DuplicateCandidate.Status.PENDING).select_related("first", "second")
    scoped = innovations_in_scope(user, Innovation.objects.all()).values("pk")
    return qs.filter(Q(first__in=scoped) | Q(second__in=scoped))
