"""Writes that span several models of a fiche."""

import hashlib

from django.core.cache import cache

from creative.territories.models import Territory

from . import search
from .models import Innovation

CONTENT_VERSION_KEY = "innovations:content-version"


def territories_of(innovation):
    """Every territory containing one of the fiche's communes, at every level."""
    ids = set()
    # The usual hierarchy (commune → EPCI → pays → département → région) in one query;
    # a deeper one falls back to a query per extra level.
    for place in innovation.places.select_related("commune__parent__parent__parent__parent"):
        node = place.commune
        while node is not None and node.pk not in ids:
            ids.add(node.pk)
            node = node.parent
    return ids


def refresh_innovation(innovation_or_id):
    """Bring a fiche's derived data (territories, search document) up to date.

    Called on every save of the fiche or its parts, so search and filters never lag.
    """
    innovation = (
        innovation_or_id
        if isinstance(innovation_or_id, Innovation)
        else Innovation.objects.filter(pk=innovation_or_id).first()
    )
    if innovation is None or innovation.pk is None:
        return
    innovation.territories.set(Territory.objects.filter(pk__in=territories_of(innovation)))
    search.index_innovation(innovation)
    bump_content_version()


def cached_per_version(name, *parts, compute, timeout=600):
    """`compute()`, cached under `name` and `parts` until any fiche changes.

    The content version is part of the key, so no list of keys to invalidate is kept:
    a save makes every older entry unreachable, and it expires.
    """
    digest = hashlib.sha256("|".join(map(str, (content_version(), *parts))).encode()).hexdigest()
    key = f"{name}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value


def content_version():
    """A number that changes whenever any fiche changes; part of cache keys."""
    return cache.get_or_set(CONTENT_VERSION_KEY, 1, timeout=None)


def bump_content_version():
    try:
        cache.incr(CONTENT_VERSION_KEY)
    except ValueError:
        cache.set(CONTENT_VERSION_KEY, 2, timeout=None)
