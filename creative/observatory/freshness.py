"""« Votre fiche est-elle à jour ? »: an editor asks the authors and carriers of an old fiche to check it.

A fiche is *stale* when it is published and was not changed for `STALE_AFTER` (two years). One
request per fiche per `REQUEST_INTERVAL` (30 days): a second one in that time is refused.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from creative.accounts import permissions
from creative.audit import record
from creative.core.tasks import mail_each
from creative.innovations.models import Innovation

from .models import FreshnessRequest

STALE_AFTER = timedelta(days=730)
REQUEST_INTERVAL = timedelta(days=30)
AUDIT_ACTION = "observatory.freshness_requested"


class FreshnessRefused(Exception):
    """The request cannot be made; the message says why, in French."""


def stale_innovations(user, now=None):
    """The published fiches in `user`'s scope not updated for two years, the oldest first."""
    limit = (now or timezone.now()) - STALE_AFTER
    fiches = Innovation.objects.published().filter(updated_at__lt=limit)
    return permissions.innovations_in_scope(user, fiches).order_by("updated_at", "pk")


def recipients_of(innovation):
    """The fiche's authors and the people named as its carriers (active accounts with an address)."""
    return list(
        get_user_model().objects.filter(
            Q(authorships__innovation=innovation) | Q(team_memberships__innovation=innovation,
                                                      team_memberships__kind="carrier"),
            is_active=True,
        ).exclude(email="").distinct().order_by("pk")
    )


def last_request(innovation):
    return FreshnessRequest.objects.filter(innovation=innovation).order_by("-requested_at").first()


def ask(innovation, editor, now=None):
    """Mail the fiche's authors and carriers, record the request; raise FreshnessRefused or PermissionDenied."""
    now = now or timezone.now()
    if not permissions.can_review(editor, innovation):
        raise PermissionDenied(_("Cette fiche n'est pas dans vos territoires."))
    with transaction.atomic():
        # One request at a time per fiche: the second of two simultaneous clicks sees the first.
        fiche = Innovation.objects.select_for_update().get(pk=innovation.pk)
        if fiche.state != Innovation.State.PUBLISHED:
            raise FreshnessRefused(_("Seule une fiche publiée peut faire l'objet d'une demande de vérification."))
        previous = last_request(fiche)
        if previous is not None and previous.requested_at > now - REQUEST_INTERVAL:
            raise FreshnessRefused(
                _("Une demande de vérification a déjà été envoyée pour « %(title)s » le %(date)s : "
                  "attendez au moins 30 jours avant d'en envoyer une autre.")
                % {"title": fiche.title, "date": date_format(timezone.localtime(previous.requested_at), "j F Y")}
            )
        people = recipients_of(fiche)
        if not people:
            raise FreshnessRefused(
                _("« %(title)s » n'a ni auteur ni porteur joignable : personne à qui demander une vérification.")
                % {"title": fiche.title}
            )
        context = {
            "title": fiche.title,
            "edit_url": settings.SITE_URL + reverse("editorial:edit", args=[fiche.pk, "identite"]),
            "public_url": settings.SITE_URL + fiche.get_absolute_url(),
            "actor": str(editor.display_name),
            "updated": date_format(timezone.localtime(fiche.updated_at), "j F Y"),
        }
        sent = mail_each(people, "observatory_freshness", context)
        request = FreshnessRequest.objects.create(
            innovation=fiche, requested_by=editor, requested_at=now, recipients=sent,
        )
        record(editor, AUDIT_ACTION, fiche, recipients=sent)
    return request
