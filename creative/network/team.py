"""A fiche's team: who manages it, and every change to it (the views call these).

The team names the people and organisations who carry a fiche ("porteurs") or support it
("partenaires"), each with a role. A person who carries the fiche edits it with its authors'
rights (creative.accounts.permissions.has_author_rights reads the team). Every change is in the
audit log ("team.added", "team.removed"); a person added hears of it by email.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse

from creative.accounts.models import Profile
from creative.accounts.permissions import can_contribute, can_review, has_author_rights
from creative.audit import record
from creative.core.tasks import mail_each
from creative.moderation.models import Visibility

from .models import Organisation, TeamMember


def may_manage_team(user, fiche):
    """Add and remove team members: the fiche's authors and carriers, and its editors."""
    return can_contribute(user) and (has_author_rights(user, fiche) or can_review(user, fiche))


def may_remove(user, fiche, member):
    """Those who manage the team, and a person who leaves it."""
    if may_manage_team(user, fiche):
        return True
    return user.is_authenticated and member.user_id is not None and member.user_id == user.pk


def _next_position(fiche):
    return (fiche.team.aggregate(top=Max("position"))["top"] or 0) + 1


def add_person(fiche, actor, user, kind, role=""):
    """Add `user` to the team of `fiche`; they are told by email (unless they added themselves)."""
    with transaction.atomic():
        member = TeamMember.objects.create(
            innovation=fiche, user=user, kind=kind, role=role, added_by=actor, position=_next_position(fiche),
        )
        record(actor, "team.added", fiche, member=member.pk, user=user.pk, kind=kind, role=role)
        carrier = kind == TeamMember.Kind.CARRIER
        context = {
            "title": fiche.title,
            "actor": str(actor.display_name),
            "kind": str(TeamMember.Kind(kind).label),
            "role": role,
            "carrier": carrier,
            "published": fiche.is_published,
            "fiche_url": settings.SITE_URL + fiche.get_absolute_url(),
            "edit_url": settings.SITE_URL + reverse("editorial:edit", args=[fiche.pk, "identite"]) if carrier else "",
            "team_url": settings.SITE_URL + reverse("network:team", args=[fiche.pk]),
        }
        mail_each([user], "network_team_added", context, exclude=[actor])
    return member


def add_organisation(fiche, actor, organisation, kind, role=""):
    with transaction.atomic():
        member = TeamMember.objects.create(
            innovation=fiche, organisation=organisation, kind=kind, role=role, added_by=actor,
            position=_next_position(fiche),
        )
        record(actor, "team.added", fiche, member=member.pk, organisation=organisation.pk, kind=kind, role=role)
    return member


def remove(fiche, actor, member):
    with transaction.atomic():
        data = {"member": member.pk, "kind": member.kind, "role": member.role}
        if member.user_id:
            data["user"] = member.user_id
        else:
            data["organisation"] = member.organisation_id
        member.delete()
        record(actor, "team.removed", fiche, **data)


def public_team(fiche):
    """The team as shown on the fiche: (carriers, partners), each a list of dicts for the template.

    A person is linked to their public profile when they have one, else named by their display
    name only; organisations are shown only while public (a held one is left out).
    """
    members = list(
        fiche.team.filter(Q(organisation__isnull=True) | Q(organisation__visibility=Visibility.VISIBLE))
        .select_related("user__profile", "organisation__kind")
    )
    people_ids = [m.user_id for m in members if m.user_id]
    public_profiles = {
        p.user_id: p for p in Profile.objects.public().filter(user_id__in=people_ids).only("user_id", "slug")
    }
    carriers, partners = [], []
    for member in members:
        if member.user_id:
            profile = public_profiles.get(member.user_id)
            entry = {
                "kind": "person",
                "name": str(member.user.display_name),
                "url": profile.get_absolute_url() if profile else "",
                "role": member.role,
            }
        else:
            organisation = member.organisation
            entry = {
                "kind": "organisation",
                "name": organisation.name,
                "url": organisation.get_absolute_url(),
                "role": member.role,
                "logo": organisation.logo,
                "organisation_kind": organisation.kind.name if organisation.kind_id else "",
            }
        (carriers if member.kind == TeamMember.Kind.CARRIER else partners).append(entry)
    return carriers, partners


def search(query, *, limit=20):
    """Public profiles and organisations whose name holds `query`, for the team page's name search."""
    query = " ".join((query or "").split())[:100]
    if len(query) < 2:
        return [], []
    people = list(Profile.objects.public().filter(display_name__icontains=query).order_by("display_name")[:limit])
    organisations = list(Organisation.objects.public().filter(name__icontains=query).order_by("name")[:limit])
    return people, organisations
