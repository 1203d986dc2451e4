"""Keep a fiche's search document in step with its calls (their titles are part of it)."""

from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from creative.innovations.models import Innovation

from .models import CallForHelp


def reindex(innovation_id):
    """Rebuild the fiche's search document; the new content version drops cached results."""
    from creative.innovations import search, services

    fiche = Innovation.objects.filter(pk=innovation_id).first()
    if fiche is None:
        return
    search.index_innovation(fiche)
    services.bump_content_version()


@receiver(post_save, sender=CallForHelp)
def call_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    innovation_id = instance.innovation_id
    transaction.on_commit(lambda: reindex(innovation_id))


@receiver(post_delete, sender=CallForHelp)
def call_deleted(sender, instance, origin=None, **kwargs):
    # Calls deleted along with their fiche: the fiche's own deletion unindexes it.
    if isinstance(origin, Innovation) or (isinstance(origin, QuerySet) and origin.model is Innovation):
        return
    innovation_id = instance.innovation_id
    transaction.on_commit(lambda: reindex(innovation_id))
