"""The editorial workflow of a fiche: who moves it between states, and who is told.

    draft ──submit──▶ submitted ──publish──▶ published ──archive──▶ archived
      ▲                 │  │                     ▲                     │
      │   changes ◀─────┘  └──reject──▶ rejected  └──────unarchive─────┘
      └── (authors edit, then submit again); editors may reopen a rejected fiche as a draft.

Each transition checks the permission and the current state (TransitionError otherwise, with a
message for people), writes a message to the review thread, an entry to the audit log, and
emails the people concerned through the task worker once the transaction commits.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from creative.accounts import permissions, roles
from creative.accounts.roles import Role
from creative.audit import record
from creative.core.tasks import mail_each
from creative.innovations.models import Innovation

from .models import ReviewMessage

State = Innovation.State


class TransitionError(Exception):
    """A transition that this person cannot make now; str() is a message for them."""


NOT_YOUR_TERRITORY = _lazy("Seuls les accompagnateurs de ce territoire relisent, publient ou archivent cette fiche.")


def _require_reviewer(user, innovation):
    _require(permissions.can_review(user, innovation), NOT_YOUR_TERRITORY)


def _require(condition, message):
    if not condition:
        raise TransitionError(message)


def _locked(innovation):
    return Innovation.objects.select_for_update().get(pk=innovation.pk)


def _message(fiche, user, kind, body=""):
    return ReviewMessage.objects.create(innovation=fiche, author=user if user.is_authenticated else None,
                                        kind=kind, body=body)


def _transition(innovation, actor, *, allowed_from, refused, to, action, kind, body="", audit=None,
                mail=None, prepare=None, then=None):
    """Move the fiche (locked) from one of `allowed_from` to `to`; thread, audit log, mail.

    `prepare(fiche)` runs under the lock before the state changes (extra checks and fields),
    `then(fiche)` after it; `mail` is (recipients(fiche), template).
    """
    with transaction.atomic():
        fiche = _locked(innovation)
        _require(fiche.state in allowed_from, refused)
        if prepare is not None:
            prepare(fiche)
        fiche.state = to
        fiche.save()
        _message(fiche, actor, kind, body)
        record(actor, action, fiche, **(audit or {}))
        if mail is not None:
            recipients, template = mail
            _mail(recipients(fiche), template, fiche, actor=actor, message=body)
        if then is not None:
            then(fiche)
    innovation.refresh_from_db()
    return innovation


def _require_complete(message):
    def check(fiche):
        missing = submission_blockers(fiche)
        _require(not missing, message % {"missing": ", ".join(missing)})

    return check


def submit(innovation, user, message=""):
    _require(permissions.can_submit(user, innovation),
             _("Seuls les auteurs d'un brouillon peuvent le soumettre à relecture."))

    def prepare(fiche):
        _require_complete(_("Avant de soumettre, complétez : %(missing)s."))(fiche)
        fiche.submitted_at = timezone.now()

    return _transition(
        innovation, user, allowed_from=(State.DRAFT, State.CHANGES_REQUESTED),
        refused=_("Cette fiche n'est pas un brouillon : elle ne peut pas être soumise."),
        to=State.SUBMITTED, action="innovation.submitted", kind=ReviewMessage.Kind.SUBMITTED, body=message,
        mail=(reviewers_of, "editorial_submitted"), prepare=prepare,
    )


def withdraw(innovation, user):
    """An author takes a submitted fiche back to keep writing."""
    _require(permissions.has_author_rights(user, innovation), _("Seuls les auteurs peuvent retirer leur soumission."))
    return _transition(
        innovation, user, allowed_from=(State.SUBMITTED,), refused=_("Cette fiche n'est pas en attente de relecture."),
        to=State.DRAFT, action="innovation.withdrawn", kind=ReviewMessage.Kind.EVENT,
        body=_("Soumission retirée pour continuer l'écriture."),
    )


def request_changes(innovation, editor, message):
    _require_reviewer(editor, innovation)
    _require(message and message.strip(), _("Dites aux auteurs ce qu'il faut changer."))
    return _transition(
        innovation, editor, allowed_from=(State.SUBMITTED,),
        refused=_("Cette fiche n'est pas en attente de relecture."), to=State.CHANGES_REQUESTED,
        action="innovation.changes_requested", kind=ReviewMessage.Kind.CHANGES_REQUESTED,
        body=message, audit={"message": message}, mail=(authors_of, "editorial_changes_requested"),
    )


def publish(innovation, editor, message=""):
    _require_reviewer(editor, innovation)

    def prepare(fiche):
        _require_complete(_("Avant de publier, il manque : %(missing)s."))(fiche)
        fiche.rejection_reason = ""
        fiche.published_at = fiche.published_at or timezone.now()

    published = _transition(
        innovation, editor, allowed_from=(State.SUBMITTED, State.CHANGES_REQUESTED),
        refused=_("Seule une fiche soumise à relecture peut être publiée."),
        to=State.PUBLISHED, action="innovation.published", kind=ReviewMessage.Kind.PUBLISHED, body=message,
        mail=(authors_of, "editorial_published"), prepare=prepare, then=promote_trusted_authors,
    )
    from creative.notifications import sources as notifications

    notifications.innovation_published(published, editor)
    return published


def reject(innovation, editor, reason):
    _require_reviewer(editor, innovation)
    _require(reason and reason.strip(), _("Le motif du refus est obligatoire : il est envoyé aux auteurs."))

    def prepare(fiche):
        fiche.rejection_reason = reason.strip()

    return _transition(
        innovation, editor, allowed_from=(State.SUBMITTED, State.CHANGES_REQUESTED),
        refused=_("Seule une fiche soumise à relecture peut être refusée."),
        to=State.REJECTED, action="innovation.rejected", kind=ReviewMessage.Kind.REJECTED, body=reason,
        audit={"reason": reason}, mail=(authors_of, "editorial_rejected"), prepare=prepare,
    )


def reopen(innovation, editor):
    """An editor gives a rejected fiche back to its authors as a draft."""
    _require_reviewer(editor, innovation)
    return _transition(
        innovation, editor, allowed_from=(State.REJECTED,),
        refused=_("Seule une fiche refusée peut être remise en brouillon."),
        to=State.DRAFT, action="innovation.reopened", kind=ReviewMessage.Kind.EVENT,
        body=_("Fiche remise en brouillon."),
    )


def archive(innovation, editor, reason=""):
    _require_reviewer(editor, innovation)
    return _transition(
        innovation, editor, allowed_from=(State.PUBLISHED,), refused=_("Seule une fiche publiée peut être archivée."),
        to=State.ARCHIVED, action="innovation.archived", kind=ReviewMessage.Kind.EVENT,
        body=reason or _("Fiche archivée."), audit={"reason": reason},
    )


def unarchive(innovation, editor):
    _require_reviewer(editor, innovation)
    return _transition(
        innovation, editor, allowed_from=(State.ARCHIVED,), refused=_("Cette fiche n'est pas archivée."),
        to=State.PUBLISHED, action="innovation.unarchived", kind=ReviewMessage.Kind.EVENT,
        body=_("Fiche remise en ligne."),
    )


def comment(innovation, user, body):
    """A message in the review thread; the other side is told by email."""
    _require(permissions.can_read_review(user, innovation),
             _("Cette conversation est réservée aux auteurs et aux accompagnateurs."))
    _require(body and body.strip(), _("Le message est vide."))
    with transaction.atomic():
        message = _message(innovation, user, ReviewMessage.Kind.COMMENT, body.strip())
        if permissions.has_author_rights(user, innovation):
            others = [u for u in authors_of(innovation) if u.pk != user.pk] + reviewers_of(innovation)
        else:
            others = authors_of(innovation)
        _mail([u for u in others if u.pk != user.pk], "editorial_comment", innovation, actor=user, message=body)
        from creative.notifications import sources as notifications

        notifications.review_message(message, mailed=[u for u in others if u.is_active and u.email])
    return message


def submission_blockers(fiche):
    """What a fiche must have before it goes to the editors (labels for people); empty when ready."""
    missing = []
    if not fiche.title.strip():
        missing.append(_("le titre"))
    if not fiche.pitch.strip():
        missing.append(_("la présentation en bref"))
    if not fiche.themes.exists():
        missing.append(_("au moins un thème"))
    if not fiche.places.exists():
        missing.append(_("au moins un lieu"))
    return missing


# People ---------------------------------------------------------------------------------------

def authors_of(innovation):
    return list(get_user_model().objects.filter(authorships__innovation=innovation, is_active=True).distinct())


def reviewers_of(innovation):
    """The editors whose territories contain the fiche; the administrators when there are none."""
    User = get_user_model()
    territory_ids = list(innovation.territories.values_list("pk", flat=True))
    editors = list(
        User.objects.filter(
            is_active=True, groups__name=roles.GROUP_ROLES[Role.EDITOR], editor_scopes__territory_id__in=territory_ids,
        ).distinct()
    )
    return editors or list(User.objects.filter(is_active=True, is_superuser=True))


def promote_trusted_authors(innovation):
    """An author with TRUSTED_AFTER_PUBLISHED published fiches becomes a trusted contributor."""
    threshold = settings.TRUSTED_AFTER_PUBLISHED
    if not threshold:
        return []
    promoted = []
    # Filter by id, not through `authorships`: a filter on the relation would make the count reuse
    # its join and see only this fiche.
    authors = get_user_model().objects.filter(pk__in=innovation.authorships.values("user_id")).annotate(
        published=Count("authorships", filter=Q(authorships__innovation__state=State.PUBLISHED), distinct=True)
    )
    for user in authors:
        if user.published >= threshold and not permissions.is_trusted(user) and permissions.can_contribute(user):
            mark_trusted(user, None, reason=_("%(count)s fiches publiées") % {"count": user.published})
            promoted.append(user)
    return promoted


def mark_trusted(user, by, reason=""):
    """Make `user` a trusted contributor (by an editor, or automatically when `by` is None)."""
    roles.grant(user, Role.TRUSTED, by=by, reason=reason, automatic=by is None)


def _mail(users, template, innovation, *, actor=None, message=""):
    context = {
        "title": innovation.title,
        "url": settings.SITE_URL + reverse("editorial:review", args=[innovation.pk]),
        "public_url": settings.SITE_URL + innovation.get_absolute_url(),
        "actor": str(actor.display_name) if actor is not None and actor.is_authenticated else "",
        "message": message or "",
        "state": str(innovation.get_state_display()),
    }
    mail_each(users, template, context)
