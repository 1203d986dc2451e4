"""The searches that found nothing: what readers looked for and the territory lacks.

    record_miss(query, territory=None, request=None)

Only the normalised text of the query (lowercase, spaces collapsed, at most 200 characters),
the day and the territory filter are kept, as a count per day: never who searched, nor when
exactly. Searches by bots and prefetches (when `request` is given) are not recorded.
"""

import re

from django.db import IntegrityError, transaction
from django.db.models import F

from . import counting
from .models import SearchMiss

MAX_LENGTH = 200
_SPACES = re.compile(r"\s+")


def normalise(query):
    """Lowercase, whitespace collapsed, control characters dropped, at most 200 characters."""
    text = "".join(ch for ch in str(query or "") if ch.isprintable() or ch.isspace())
    return _SPACES.sub(" ", text).strip().lower()[:MAX_LENGTH].strip()


def record_miss(query, territory=None, request=None):
    """Count one search for `query` (with `territory` as filter) that found nothing today.

    Returns False when nothing was recorded (empty query, counting off, a bot's request).
    """
    text = normalise(query)
    if not text or not counting.enabled() or (request is not None and not counting.should_count(request)):
        return False
    territory_id = getattr(territory, "pk", territory)
    day = counting.today()
    rows = SearchMiss.objects.filter(day=day, query=text, territory_id=territory_id)
    if rows.update(count=F("count") + 1):
        return True
    try:
        with transaction.atomic():
            SearchMiss.objects.create(day=day, query=text, territory_id=territory_id, count=1)
    except IntegrityError:  # created meanwhile by another request
        rows.update(count=F("count") + 1)
    return True
