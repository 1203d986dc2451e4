"""A person's data: everything the platform keeps about them (a download), and the erasure of their account.

Erasure anonymises the account instead of deleting its row. Deleting it would cascade to the
person's `Authorship` rows and empty `Revision.author`: published fiches would lose the
attribution their licence requires, and their history its authors. So the row stays, emptied of
everything that identifies or reaches the person (address, password, names, profile, sessions,
private messages), and signs their published contributions with their display name or
« Contributeur anonyme », as they choose. The audit log keeps, as it always does, the display
name at the time of each action (it is append-only) and never an email address.
"""

import uuid
from dataclasses import dataclass
from functools import reduce
from importlib import import_module
from operator import or_
from urllib.parse import urljoin

from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from creative.audit import record
from creative.audit.actions import label_of
from creative.audit.models import AuditEntry
from creative.editorial.models import CoauthorInvitation, ReviewMessage, Revision, Suggestion
from creative.editorial.suggestions import target_label
from creative.innovations.models import Authorship, Innovation

from .models import EditorScope, Profile, User, normalize_email
from .roles import Role, forget_roles, roles_of
from .services import profile_of

EXPORT_FORMAT = "brest-creative/donnees-personnelles/1"
ANONYMOUS_NAME = gettext_lazy("Contributeur anonyme")
ERASED_MESSAGE = gettext_lazy("Message supprimé à la demande de son auteur.")
# RFC 2606 reserves .invalid: an address there can never receive mail, and the uuid keeps it unique.
ERASED_EMAIL_DOMAIN = "invalid"


# Other apps add their part of a person's data here (comments, reports…): see register().
_PARTS = {}


def register(name, *, export=None, erase=None):
    """Add an app's part to the download and to the erasure.

    `export(user)` returns a JSON-ready value, stored under `name` in the download; `erase(user,
    *, anonymous, addresses)` runs inside erase_account's transaction, after the audit entry and
    before the account is anonymised (so `user.email` and `addresses` are still the real ones).
    Call it from the app's `AppConfig.ready()`.
    """
    _PARTS[name] = (export, erase)


def _absolute(url):
    return urljoin(settings.SITE_URL + "/", url) if url else ""


def addresses_of(user):
    """Every address the person used for this account (login address, verified or pending ones), lower-case."""
    emails = {normalize_email(user.email)}
    emails.update(normalize_email(e) for e in EmailAddress.objects.filter(user=user).values_list("email", flat=True))
    return sorted(e for e in emails if e)


def _fiche(innovation):
    return {"title": innovation.title, "url": _absolute(innovation.get_absolute_url())}


# Download -------------------------------------------------------------------------------------------------


def export_filename(today=None):
    """brest-creative-donnees-2026-05-14.json (the site's name, then the date)."""
    today = today or timezone.localdate()
    return f"{slugify(settings.SITE_NAME) or 'site'}-donnees-{today.isoformat()}.json"


def export_personal_data(user):
    """Everything the platform keeps about `user`, as a dict ready for JSON (DjangoJSONEncoder for dates).

    Only `user`'s own data: other people appear by their public name at most, never by their
    address (the addresses `user` invited to co-write are left out for that reason). Revisions
    are listed without the fiche's content, except the person's own proposals (their text).
    """
    addresses = addresses_of(user)
    return {
        "format": EXPORT_FORMAT,
        "site": {"name": settings.SITE_NAME, "url": settings.SITE_URL},
        "exported_at": timezone.now(),
        "account": _account(user),
        "profile": _profile(user),
        "editor_scopes": [
            {"territory": scope.territory.name, "slug": scope.territory.slug, "level": scope.territory.level}
            for scope in EditorScope.objects.filter(user=user).select_related("territory").order_by("territory__name")
        ],
        "fiches": _fiches(user),
        "revisions": _revisions(user),
        "review_messages": [
            {"fiche": _fiche(m.innovation), "date": m.created_at, "kind": m.kind, "body": m.body}
            for m in ReviewMessage.objects.filter(author=user).select_related("innovation").order_by("created_at", "pk")
        ],
        "suggestions": [
            {"fiche": _fiche(s.innovation), "date": s.created_at, "part": str(target_label(s.target)),
             "proposed": s.proposed, "note": s.note, "state": s.state}
            for s in Suggestion.objects.filter(author=user).select_related("innovation").order_by("created_at", "pk")
        ],
        "coauthor_invitations": _invitations(user, addresses),
        "audit_log": [
            {"date": e.created_at, "action": e.action, "label": str(label_of(e.action)), "object": e.target_repr}
            for e in AuditEntry.objects.filter(actor_id=user.pk).order_by("created_at", "pk")
        ],
        **{name: export(user) for name, (export, _erase) in _PARTS.items() if export is not None},
    }


def _account(user):
    roles = roles_of(user)
    return {
        "email": user.email,
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("-primary", "email")
        ],
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "is_active": user.is_active,
        "has_password": user.has_usable_password(),
        "first_name": user.first_name,
        "last_name": user.last_name,
        "roles": [{"role": role.value, "label": str(role.label)} for role in Role if role in roles
                  and role != Role.VISITOR],
    }


def _profile(user):
    profile = Profile.objects.filter(user=user).select_related("commune").first()
    if profile is None:
        return None
    return {
        "display_name": profile.display_name,
        "commune": profile.commune.name if profile.commune_id else None,
        "bio": profile.bio,
        "photo_url": _absolute(profile.photo.url) if profile.photo else None,
        "is_public": profile.is_public,
        "page_url": _absolute(profile.get_absolute_url()) if profile.slug else None,
        "links": profile.link_list,
        "themes": [theme.name for theme in profile.themes.order_by("position", "name")],
        "accepts_contact": profile.accepts_contact,
        "visibility": profile.visibility,
        "visibility_label": str(profile.get_visibility_display()),
        "updated_at": profile.updated_at,
    }


def _fiches(user):
    authorships = Authorship.objects.filter(user=user).select_related("innovation").order_by("added_at", "pk")
    return [
        {
            **_fiche(a.innovation),
            "state": a.innovation.state,
            "state_label": str(a.innovation.get_state_display()),
            "role": "creator" if a.is_creator else "coauthor",
            "since": a.added_at,
            "licence": a.innovation.licence,
        }
        for a in authorships
    ]


def _revisions(user):
    mine = Revision.objects.filter(author=user)
    # Snapshots are whole fiches: only the person's own proposals (their text) travel.
    proposals = dict(mine.exclude(state=Revision.State.APPLIED).values_list("pk", "snapshot"))
    rows = []
    for revision in mine.defer("snapshot").select_related("innovation").order_by("created_at", "pk"):
        row = {
            "fiche": _fiche(revision.innovation),
            "number": revision.number,
            "date": revision.created_at,
            "summary": revision.summary,
            "kind": revision.kind,
            "state": revision.state,
        }
        if revision.pk in proposals:
            row["proposal"] = proposals[revision.pk]
        rows.append(row)
    return rows


def _invitations(user, addresses):
    received = CoauthorInvitation.objects.filter(
        reduce(or_, (Q(email__iexact=a) for a in addresses), Q(accepted_by=user))
    ).select_related("innovation", "invited_by__profile")
    return {
        # The invited person's address is theirs, not this person's data: left out.
        "sent": [
            {"fiche": _fiche(i.innovation), "date": i.created_at, "accepted": i.accepted_at is not None}
            for i in CoauthorInvitation.objects.filter(invited_by=user).select_related("innovation")
            .order_by("created_at", "pk")
        ],
        "received": [
            {
                "fiche": _fiche(i.innovation),
                "date": i.created_at,
                "email": i.email if normalize_email(i.email) in addresses else None,
                "invited_by": str(i.invited_by.display_name) if i.invited_by_id else None,
                "accepted_at": i.accepted_at,
            }
            for i in received.order_by("created_at", "pk")
        ],
    }


# Erasure --------------------------------------------------------------------------------------------------


class ErasureRefused(Exception):
    """The account cannot be erased now; str() is a message for the person."""


@dataclass(frozen=True)
class Erasure:
    deleted_drafts: list  # titles
    anonymous: bool


def erasure_blocker(user):
    """Why `user` may not erase their account now (a message), or None."""
    if user.is_superuser and not User.objects.filter(is_superuser=True, is_active=True).exclude(pk=user.pk).exists():
        return _("Vous êtes le seul compte d'administration : donnez d'abord ce rôle à une autre personne, sinon "
                 "plus personne ne pourra gérer le site.")
    return None


def drafts_to_delete(user):
    """Fiches only `user` signs that were never published: erasing the account deletes them."""
    other_authors = Authorship.objects.filter(innovation=OuterRef("pk")).exclude(user=user)
    return (
        Innovation.objects.filter(authorships__user=user, published_at__isnull=True)
        .exclude(state__in=[Innovation.State.PUBLISHED, Innovation.State.ARCHIVED])
        .exclude(Exists(other_authors))
        .order_by("title", "pk")
    )


def kept_fiches(user):
    """The fiches `user` signs that stay after erasure (published ones, and those written with others)."""
    return (
        Innovation.objects.filter(authorships__user=user)
        .exclude(pk__in=drafts_to_delete(user).values("pk"))
        .order_by("title", "pk")
    )


def erase_account(user, *, anonymous, by=None):
    """Anonymise `user`'s account, in one transaction (see the module docstring for why not delete it).

    - account: address replaced by a unique undeliverable one, password unusable, inactive, names
      and last login cleared, every allauth address and every session deleted, roles and editor
      territories removed;
    - profile: bio, commune, photo (the file too, once committed), links and themes cleared, no
      public page; the display name kept, or replaced by « Contributeur anonyme » when `anonymous`;
    - private data: their review messages' text replaced, their suggestions' notes too, co-author
      invitations to or from their addresses deleted, their pending proposals withdrawn, their
      addresses removed from fiches' contact field and from the mail queue;
    - fiches: never-published ones only they sign are deleted; the others stay, signed as chosen.

    Recorded as "account.deleted" (the person as actor, or `by` — an administrator — when given;
    no address in the data). Raises ErasureRefused if erasure_blocker() objects. The caller logs the person out.
    """
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        blocker = erasure_blocker(user)
        if blocker:
            raise ErasureRefused(blocker)
        addresses = addresses_of(user)
        drafts = list(drafts_to_delete(user).select_for_update(of=("self",)))
        record(
            by or user, "account.deleted", user, anonymous=anonymous, by_self=by is None, deleted_drafts=len(drafts),
            roles=sorted(role.value for role in roles_of(user) if role not in (Role.VISITOR, Role.CONTRIBUTOR)),
            territories=sorted(EditorScope.objects.filter(user=user).values_list("territory__slug", flat=True)),
        )
        for _export, erase in _PARTS.values():
            if erase is not None:
                erase(user, anonymous=anonymous, addresses=addresses)
        _delete_drafts(user, drafts)
        _erase_private_texts(user)
        _delete_invitations(user, addresses)
        Innovation.objects.filter(reduce(or_, (Q(contact_email__iexact=a) for a in addresses))).update(
            contact_email="")
        _erase_profile(user, anonymous)
        EditorScope.objects.filter(user=user).delete()
        user.groups.clear()
        EmailAddress.objects.filter(user=user).delete()  # their confirmations go with them
        user.email = f"supprime-{uuid.uuid4().hex}@{ERASED_EMAIL_DOMAIN}"
        user.first_name = user.last_name = ""
        user.set_unusable_password()  # also invalidates password-reset links and other sessions' hashes
        user.is_active = user.is_superuser = False
        user.last_login = None
        user.save()
        _delete_sessions(user)
        _drop_queued_mail(addresses)
    forget_roles(user)
    return Erasure(deleted_drafts=[fiche.title for fiche in drafts], anonymous=anonymous)


def _delete_drafts(user, drafts):
    files = []
    for fiche in drafts:
        for image in fiche.images.all():
            files += [(f.storage, f.name) for f in (image.file, image.thumbnail) if f]
        record(user, "innovation.deleted", fiche, state=fiche.state, reason="account.deleted")
        fiche.delete()
    if files:
        transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])


def _erase_private_texts(user):
    # Thread events ("Soumission retirée…") are the platform's words, not the person's: they stay.
    ReviewMessage.objects.filter(author=user).exclude(kind=ReviewMessage.Kind.EVENT).exclude(body="").update(
        body=str(ERASED_MESSAGE))
    Suggestion.objects.filter(author=user).exclude(note="").update(note=str(ERASED_MESSAGE))
    for revision in Revision.objects.pending().filter(author=user):
        revision.state, revision.decided_at = Revision.State.SUPERSEDED, timezone.now()
        revision.save(update_fields=["state", "decided_at"])


def _delete_invitations(user, addresses):
    to_them = reduce(or_, (Q(email__iexact=a) for a in addresses), Q(accepted_by=user))
    CoauthorInvitation.objects.filter(to_them | Q(invited_by=user)).delete()


def _erase_profile(user, anonymous):
    profile = profile_of(user)
    photo = (profile.photo.storage, profile.photo.name) if profile.photo else None
    profile.bio, profile.commune, profile.photo, profile.links = "", None, "", ""
    profile.is_public = False  # no more public page (the account is inactive anyway)
    if anonymous:
        profile.display_name = str(ANONYMOUS_NAME)
    profile.save()
    profile.themes.clear()
    if photo is not None:
        storage, name = photo
        transaction.on_commit(lambda: storage.delete(name))


def _delete_sessions(user):
    """Delete the person's sessions stored in the database.

    Sessions are not indexed by user, so the live ones are decoded one by one (an erasure is
    rare). With another session engine, the changed password hash ends them at their next request.
    """
    engine = import_module(settings.SESSION_ENGINE)
    get_model = getattr(engine.SessionStore, "get_model_class", None)
    if get_model is None:
        return
    Session = get_model()
    theirs = [
        session.pk for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
    Session.objects.filter(pk__in=theirs).delete()


def _drop_queued_mail(addresses):
    """Remove the person's addresses from the mail queue (django-tasks-db rows: arguments, results, errors).

    Mail still waiting for them is not sent; finished tasks that named them are forgotten.
    A task running right now is left alone.
    """
    if not apps.is_installed("django_tasks_db"):
        return
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    texts = {"a": Cast("args_kwargs", TextField()), "r": Cast("return_value", TextField())}
    mentions = reduce(or_, (Q(a__icontains=e) | Q(r__icontains=e) | Q(traceback__icontains=e) for e in addresses))
    DBTaskResult.objects.annotate(**texts).filter(mentions).exclude(status=TaskResultStatus.RUNNING).delete()
