"""Keep a fiche's derived data (territories, search index) in step with every save.

Refreshing is synchronous and cheap (a few queries), so what was saved is found
at once. Bulk loaders wrap their work in `deferred_refresh()` and refresh each
fiche once at the end instead of once per saved part.
"""

import threading
from contextlib import contextmanager

from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from . import search, services
from .models import Answer, Innovation, Place

_state = threading.local()


@contextmanager
def deferred_refresh():
    """Collect the fiches touched inside the block and refresh each once on exit."""
    outer = getattr(_state, "pending", None)
    if outer is not None:  # nested: the outermost block refreshes
        yield
        return
    _state.pending = set()
    try:
        yield
        pending = _state.pending
    finally:
        _state.pending = None
    for innovation_id in sorted(pending):
        services.refresh_innovation(innovation_id)


def _refresh(innovation_id):
    pending = getattr(_state, "pending", None)
    if pending is not None:
        pending.add(innovation_id)
    else:
        services.refresh_innovation(innovation_id)


@receiver(post_save, sender=Innovation)
def innovation_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _refresh(instance.pk)


@receiver(post_delete, sender=Innovation)
def innovation_deleted(sender, instance, **kwargs):
    search.unindex(instance.pk)
    services.bump_content_version()


@receiver([post_save, post_delete], sender=Place)
@receiver([post_save, post_delete], sender=Answer)
def part_changed(sender, instance, raw=False, origin=None, **kwargs):
    # A part deleted because its fiche is being deleted needs no refresh.
    if raw or _is_innovation_deletion(origin):
        return
    _refresh(instance.innovation_id)


def _is_innovation_deletion(origin):
    return isinstance(origin, Innovation) or (isinstance(origin, QuerySet) and origin.model is Innovation)


@receiver(m2m_changed, sender=Innovation.themes.through)
def themes_changed(sender, instance, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"} and isinstance(instance, Innovation):
        _refresh(instance.pk)
