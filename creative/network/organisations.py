"""Organisations: who manages them, and every write on them (the views call these).

- `can_manage(user, organisation)` — its managers, moderators and administrators edit it and
  its members; `can_view(user, organisation)` — a page that is not public is theirs only.
- `create_organisation` / `update_organisation` — save a valid OrganisationForm: the logo is
  re-encoded, the description scored as spam (a likely spam waits for a moderator, HELD).
- Members: `invite_member` mails a signed link (no account needed to receive it); the link is
  read by `read_invitation` and used once by `accept_invitation`. `change_membership` and
  `remove_membership` refuse to leave an organisation without a manager.

Every change is recorded in the audit log ("organisation.*").
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from creative.accounts.permissions import can_contribute, can_moderate
from creative.antispam.scoring import assess, remember
from creative.audit import record
from creative.audit.models import AuditEntry
from creative.core.images import make_thumbnail
from creative.core.tasks import enqueue_on_commit, send_templated_mail_task
from creative.moderation import services as moderation
from creative.moderation.models import ModerationItem, Visibility

from .models import Membership, Organisation

INVITATION_SALT = "creative.network.organisation-invitation"
INVITATION_MAX_AGE = timedelta(days=14)
LOGO_MAX_SIDE = 600
# What the spam scoring reads of an organisation (what the public page shows as text).
SCORED_FIELDS = ("name", "description")


class OrganisationError(Exception):
    """A change that cannot be made (the last manager leaving…); str() is a French message."""


# Who may do what ---------------------------------------------------------------------------------

def membership_of(user, organisation):
    if not user.is_authenticated:
        return None
    return organisation.memberships.filter(user=user).first()


def is_manager(user, organisation):
    return bool(
        user.is_authenticated
        and organisation.memberships.filter(user=user, role=Membership.Role.MANAGER).exists()
    )


def can_manage(user, organisation):
    """Edit the organisation and its members: its managers, moderators and administrators."""
    if not can_contribute(user):  # unverified or blocked accounts manage nothing
        return False
    return can_moderate(user) or is_manager(user, organisation)


def can_view(user, organisation):
    """A public organisation's page is everybody's; a held or hidden one, its managers' and moderators'."""
    return organisation.visibility == Visibility.VISIBLE or can_manage(user, organisation)


def can_see_members(user, organisation):
    """The members page (every member's name and role): the members themselves and the managers."""
    return can_manage(user, organisation) or (can_contribute(user) and membership_of(user, organisation) is not None)


# Creating and editing ----------------------------------------------------------------------------

def _store_logo(form):
    """A new logo is stored as a clean WebP copy (no metadata, bounded size); returns the old file's name."""
    old_logo = form.initial.get("logo")
    old_name = old_logo.name if old_logo else ""
    logo = form.cleaned_data.get("logo")
    if isinstance(logo, UploadedFile):
        # The model names every logo *.webp: make_thumbnail writes WebP, without the metadata.
        form.instance.logo = make_thumbnail(logo, size=(LOGO_MAX_SIDE, LOGO_MAX_SIDE), name_prefix="logo-")
    return old_name


def _delete_old_logo(organisation, old_name):
    if old_name and old_name != organisation.logo.name:
        storage = organisation.logo.storage
        transaction.on_commit(lambda: storage.delete(old_name))


def _score(organisation, user, request):
    """Hold the organisation for a moderator when its text looks like spam; returns the Verdict."""
    texts = [getattr(organisation, name) for name in SCORED_FIELDS if getattr(organisation, name)]
    scope = f"organisation:{organisation.pk}"
    verdict = assess(texts, author=user, kind="organisation", scope=scope, request=request)
    if verdict.held and organisation.visibility == Visibility.VISIBLE:
        moderation.hold(organisation, cause=ModerationItem.Cause.SPAM, score=verdict.score, reasons=verdict.reasons)
        organisation.visibility = Visibility.HELD
    remember(texts, scope=scope)
    return verdict


@transaction.atomic
def create_organisation(form, user, *, request=None):
    """Save a valid OrganisationForm as a new organisation; `user` becomes its first manager."""
    _store_logo(form)
    organisation = form.save(commit=False)
    organisation.created_by = user
    organisation.save()
    form.save_m2m()
    Membership.objects.create(organisation=organisation, user=user, role=Membership.Role.MANAGER)
    verdict = _score(organisation, user, request)
    record(user, "organisation.created", organisation, visibility=organisation.visibility, score=verdict.score)
    return organisation


@transaction.atomic
def update_organisation(form, user, *, request=None):
    """Save a valid OrganisationForm of an existing organisation; its new text is scored again."""
    changed = list(form.changed_data)
    old_name = _store_logo(form)
    organisation = form.save()
    _delete_old_logo(organisation, old_name)
    score = None
    if any(name in changed for name in SCORED_FIELDS):
        score = _score(organisation, user, request).score
    record(user, "organisation.updated", organisation, fields=changed, visibility=organisation.visibility,
           score=score)
    return organisation


# Invitations ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Invitation:
    """What a valid invitation link says."""

    organisation: Organisation
    role: str
    title: str
    nonce: str
    inviter_id: int | None

    @property
    def role_label(self):
        return Membership.Role(self.role).label


class InvitationProblem(Exception):
    """An invitation link that cannot be used: `message` for people, `status` for the answer."""

    def __init__(self, message, status):
        super().__init__(message)
        self.message, self.status = message, status


def invitation_token(organisation, role, title, nonce, inviter):
    return signing.dumps(
        {"o": organisation.pk, "r": role, "t": title, "n": nonce, "i": inviter.pk if inviter else None},
        salt=INVITATION_SALT,
    )


def invite_member(organisation, inviter, email, role, title=""):
    """Mail `email` a link to join `organisation` with `role`; the message leaves once committed.

    The answer is the same whether or not the address has an account: the link works for a
    person who signs up with any address, then confirms it. Only a random number of the
    invitation is logged, never the address.
    """
    nonce = secrets.token_urlsafe(12)
    token = invitation_token(organisation, role, title, nonce, inviter)
    context = {
        "organisation": organisation.name,
        "inviter": str(inviter.display_name),
        "role": str(Membership.Role(role).label),
        "title": title,
        "url": settings.SITE_URL + reverse("network:organisation_join", args=[token]),
        "days": INVITATION_MAX_AGE.days,
    }
    with transaction.atomic():
        record(inviter, "organisation.member_invited", organisation, invitation=nonce, role=role)
        enqueue_on_commit(send_templated_mail_task, "network_membership_invitation", context, [email])
    return token


USED = _("Cette invitation a déjà été utilisée : un lien d'invitation ne sert qu'une fois. Demandez aux "
         "responsables de l'organisation de vous inviter à nouveau si besoin.")


def _already_used(organisation, nonce):
    return AuditEntry.objects.for_object(organisation).filter(
        action="organisation.member_joined", data__invitation=nonce).exists()


def read_invitation(token):
    """The Invitation of a link, or InvitationProblem (400 altered, 410 expired, used or gone)."""
    try:
        payload = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.SignatureExpired:
        raise InvitationProblem(_(
            "Ce lien d'invitation a expiré : il était valable 14 jours. Demandez aux responsables de l'organisation "
            "de vous inviter à nouveau."), 410) from None
    except signing.BadSignature:
        raise InvitationProblem(_(
            "Ce lien d'invitation n'est pas valide. Vérifiez qu'il est complet : il est parfois coupé sur deux "
            "lignes dans les messages."), 400) from None
    valid = (
        isinstance(payload, dict) and isinstance(payload.get("o"), int) and payload.get("r") in Membership.Role.values
        and isinstance(payload.get("n"), str) and isinstance(payload.get("t", ""), str)
    )
    organisation = Organisation.objects.filter(pk=payload["o"]).first() if valid else None
    if organisation is None or organisation.visibility == Visibility.REMOVED:
        raise InvitationProblem(_("Cette invitation n'existe plus : l'organisation a peut-être été supprimée."), 410)
    if _already_used(organisation, payload["n"]):
        raise InvitationProblem(USED, 410)
    inviter = payload.get("i")
    return Invitation(organisation=organisation, role=payload["r"], title=payload.get("t", "")[:100],
                      nonce=payload["n"], inviter_id=inviter if isinstance(inviter, int) else None)


def accept_invitation(invitation, user):
    """Make `user` a member as the invitation says; raises InvitationProblem if the link was used meanwhile."""
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=invitation.organisation.pk)
        if _already_used(organisation, invitation.nonce):
            raise InvitationProblem(USED, 410)
        existing = organisation.memberships.filter(user=user).first()
        if existing is not None:  # joined meanwhile (another link): the link stays unused
            return existing
        membership = Membership.objects.create(
            organisation=organisation, user=user, role=invitation.role, title=invitation.title,
        )
        record(user, "organisation.member_joined", organisation, invitation=invitation.nonce, role=invitation.role,
               invited_by=invitation.inviter_id)
    return membership


# Members -------------------------------------------------------------------------------------------

def _other_managers(membership):
    return membership.organisation.memberships.filter(role=Membership.Role.MANAGER).exclude(pk=membership.pk)


def change_membership(membership, actor, role, title):
    """Change a member's role and title; the last manager stays a manager."""
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=membership.organisation_id).first()
        demoted = membership.role == Membership.Role.MANAGER and role != Membership.Role.MANAGER
        if demoted and not _other_managers(membership).exists():
            raise OrganisationError(_(
                "%(name)s est le seul responsable de l'organisation : nommez d'abord un autre responsable, puis "
                "changez son rôle.") % {"name": membership.user.display_name})
        before = (membership.role, membership.title)
        if before == (role, title):
            return membership
        membership.role, membership.title = role, title
        membership.save(update_fields=["role", "title"])
        record(actor, "organisation.role_changed", membership.organisation, user=membership.user_id,
               role=role, previous=before[0], title=title)
    return membership


def remove_membership(membership, actor):
    """Remove a member (or let one leave); the last manager cannot go."""
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=membership.organisation_id).first()
        if membership.role == Membership.Role.MANAGER and not _other_managers(membership).exists():
            if actor is not None and actor.pk == membership.user_id:
                message = _("Vous êtes le seul responsable de l'organisation : nommez d'abord un autre responsable "
                            "parmi ses membres, puis vous pourrez la quitter.")
            else:
                message = _("%(name)s est le seul responsable de l'organisation : nommez d'abord un autre "
                            "responsable.") % {"name": membership.user.display_name}
            raise OrganisationError(message)
        organisation, user_id = membership.organisation, membership.user_id
        membership.delete()
        record(actor, "organisation.member_removed", organisation, user=user_id,
               left=actor is not None and actor.pk == user_id)
