"""Everything that changes moderation state goes through these functions (and the audit log).

- `report()` — someone flags content; after MODERATION_AUTO_HIDE_REPORTS distinct reporters
  it is hidden until a moderator decides.
- `hold()` — content arrives held (pre-moderation of new accounts, spam score, blocked author).
- `dismiss / approve / hide / restore / delete_spam` — a moderator's decision on an item.
- `block / unblock` — an account may no longer post; its held content is removed.
- `needs_premoderation(user)` — whether a new post by `user` waits for a moderator.
"""

import hashlib
import hmac

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from creative.audit import record

from . import registry
from .models import AccountBlock, ModerationItem, Report, Standing, Visibility

EXCERPT_LENGTH = 2000


class ModerationError(Exception):
    """A decision that cannot be made now; str() is a message for the moderator."""


def visitor_fingerprint(request):
    """A daily-rotated keyed hash standing for one visitor (the address itself is never stored)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    # Behind a reverse proxy REMOTE_ADDR is the proxy's, the same for every visitor.
    from creative.antispam.ratelimit import client_ip

    address = client_ip(request)
    agent = request.META.get("HTTP_USER_AGENT", "")[:200]
    key = f"{settings.SECRET_KEY}:moderation:{timezone.localdate().isoformat()}".encode()
    return "visitor:" + hmac.new(key, f"{address}|{agent}".encode(), hashlib.sha256).hexdigest()[:40]


def is_public(obj):
    """Whether everybody can see `obj` now: registered, visible, and on public content (a comment's fiche)."""
    kind = registry.for_object(obj)
    if kind is None or kind.visibility(obj) != Visibility.VISIBLE:
        return False
    if getattr(obj, "deleted_at", None) is not None:  # withdrawn by its author
        return False
    if "content_object" in {f.name for f in obj._meta.private_fields}:
        target = obj.content_object  # what a comment is about
        if target is None:
            return False
        if registry.for_object(target) is not None:
            return is_public(target)
        return bool(getattr(target, "is_published", True))
    return True


def _kind(obj):
    kind = registry.for_object(obj)
    if kind is None:
        raise ModerationError(_("Ce contenu ne peut pas être signalé."))
    return kind


def _item_for(obj, kind, *, cause):
    item, created = ModerationItem.objects.select_for_update().get_or_create(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk),
        defaults={"author": kind.author(obj), "excerpt": (kind.text(obj) or "")[:EXCERPT_LENGTH], "cause": cause},
    )
    if not created and item.status == ModerationItem.Status.CLOSED:
        # Reopened: a new report or hold after an earlier decision.
        item.status, item.cause, item.decision, item.closed_at, item.closed_by = (
            ModerationItem.Status.OPEN, cause, "", None, None)
        item.excerpt = (kind.text(obj) or "")[:EXCERPT_LENGTH]
        item.report_count, item.auto_hidden = 0, False
        item.opened_at = timezone.now()
    return item


def report(obj, *, reason, text="", reporter=None, fingerprint):
    """Record a report; returns (report or None if this person already reported it, item)."""
    kind = _kind(obj)
    with transaction.atomic():
        item = _item_for(obj, kind, cause=ModerationItem.Cause.REPORTS)
        item.last_activity_at = timezone.now()
        item.save()
        if item.reports.filter(fingerprint=fingerprint, created_at__gte=item.opened_at).exists():
            return None, item
        Report.objects.filter(item=item, fingerprint=fingerprint).delete()  # an old, decided report
        new = Report.objects.create(
            item=item, reason=reason, text=text[:2000], fingerprint=fingerprint,
            reporter=reporter if reporter is not None and reporter.is_authenticated else None,
        )
        ModerationItem.objects.filter(pk=item.pk).update(report_count=F("report_count") + 1)
        item.refresh_from_db()
        threshold = settings.MODERATION_AUTO_HIDE_REPORTS
        if threshold and item.report_count >= threshold and kind.visibility(obj) == Visibility.VISIBLE:
            kind.set_visibility(obj, Visibility.HIDDEN)
            item.auto_hidden = True
            item.save(update_fields=["auto_hidden"])
            record(None, "moderation.auto_hidden", obj, reports=item.report_count)
    return new, item


def hold(obj, *, cause, score=None, reasons=()):
    """Content that arrives held: set it HELD and open (or update) its item."""
    kind = _kind(obj)
    with transaction.atomic():
        item = _item_for(obj, kind, cause=cause)
        item.cause = cause
        item.excerpt = (kind.text(obj) or "")[:EXCERPT_LENGTH]  # the moderator reads the text as it is now
        item.spam_score = score
        item.spam_reasons = [list(r) if isinstance(r, tuple) else r for r in reasons]
        item.last_activity_at = timezone.now()
        item.save()
        kind.set_visibility(obj, Visibility.HELD)
        record(None, "moderation.held", obj, cause=cause, score=score)
    return item


# The public states of the content each decision can start from.
DECIDABLE_FROM = {
    ModerationItem.Decision.APPROVED: {Visibility.HELD},
    ModerationItem.Decision.HIDDEN: {Visibility.VISIBLE, Visibility.HELD},
    ModerationItem.Decision.RESTORED: {Visibility.HIDDEN, Visibility.REMOVED},
    ModerationItem.Decision.DELETED: {Visibility.VISIBLE, Visibility.HELD, Visibility.HIDDEN},
}
# Traces in the log of content that has been public (reports only reach public content).
_PUBLIC_TRACES = ("moderation.auto_hidden", "moderation.dismissed", "moderation.approved", "moderation.restored")


def _check_decision(item, obj, decision):
    """Raise ModerationError when `decision` does not fit the item or the content's current state."""
    if decision == ModerationItem.Decision.DISMISSED:
        if item.status != ModerationItem.Status.OPEN:
            raise ModerationError(_("Ces signalements ont déjà été traités."))
        if obj is not None and item.cause != ModerationItem.Cause.REPORTS:
            raise ModerationError(_(
                "Ce contenu n'a pas été signalé : il attend une décision. Publiez-le ou supprimez-le."))
        return
    if obj is None:
        raise ModerationError(_("Ce contenu n'existe plus : écartez les signalements pour clore ce dossier."))
    current = registry.for_object(obj).visibility(obj)
    if current not in DECIDABLE_FROM[decision]:
        raise ModerationError(
            _("Cette décision ne s'applique pas : le contenu est actuellement « %(state)s ».")
            % {"state": Visibility(current).label}
        )


def has_been_public(item, obj):
    """Whether `obj` was ever shown publicly: reported (only public content is), or made visible by a decision."""
    from creative.audit.models import AuditEntry

    if item.reports.exists():
        return True
    return AuditEntry.objects.filter(
        target_type=ContentType.objects.get_for_model(obj), target_id=str(obj.pk), action__in=_PUBLIC_TRACES,
    ).exists()


def _decide(item, moderator, decision, visibility, note, action):
    with transaction.atomic():
        item = ModerationItem.objects.select_for_update().get(pk=item.pk)
        obj = item.content_object  # read under the lock: two moderators cannot decide on a stale state
        _check_decision(item, obj, decision)
        first_publication = (
            visibility == Visibility.VISIBLE and obj is not None and not has_been_public(item, obj)
        )
        if obj is not None and visibility is not None:
            registry.for_object(obj).set_visibility(obj, visibility)
        item.status, item.decision = ModerationItem.Status.CLOSED, decision
        item.closed_at, item.closed_by, item.note = timezone.now(), moderator, note
        item.save()
        record(moderator, action, obj if obj is not None else item, item=item.pk, note=note)
        if first_publication:
            transaction.on_commit(lambda: _announce_publication(obj))
    return item


def _announce_publication(obj):
    """Content held since it was written is now visible: tell whoever follows it (comments for now)."""
    from creative.comments.models import Comment

    if not isinstance(obj, Comment):
        return
    try:
        from creative.comments import notify
    except ImportError:
        return
    announce = getattr(notify, "notify_comment_published", None)
    if announce is not None:
        announce(obj)


def dismiss(item, moderator, note=""):
    """The reports were unfounded: content visible again if it had been hidden automatically."""
    visibility = Visibility.VISIBLE if item.auto_hidden else None
    return _decide(item, moderator, ModerationItem.Decision.DISMISSED, visibility, note, "moderation.dismissed")


def approve(item, moderator, note=""):
    """Publish held content; its author is no longer pre-moderated."""
    item = _decide(item, moderator, ModerationItem.Decision.APPROVED, Visibility.VISIBLE, note, "moderation.approved")
    if item.author_id:
        Standing.objects.get_or_create(user_id=item.author_id, defaults={"approved_by": moderator})
    return item


def hide(item, moderator, note=""):
    return _decide(item, moderator, ModerationItem.Decision.HIDDEN, Visibility.HIDDEN, note, "moderation.hidden")


def restore(item, moderator, note=""):
    return _decide(item, moderator, ModerationItem.Decision.RESTORED, Visibility.VISIBLE, note, "moderation.restored")


def delete_spam(item, moderator, note=""):
    return _decide(item, moderator, ModerationItem.Decision.DELETED, Visibility.REMOVED, note, "moderation.deleted")


def is_blocked(user):
    if not getattr(user, "is_authenticated", False):
        return False
    cached = user.__dict__.get("_creative_blocked")
    if cached is None:
        cached = user.__dict__["_creative_blocked"] = AccountBlock.objects.active().filter(user=user).exists()
    return cached


def block(user, moderator, reason):
    """The account can no longer post; what it has waiting for moderation is removed."""
    if not reason or not reason.strip():
        raise ModerationError(_("Indiquez le motif du blocage : il est gardé au journal."))
    from creative.accounts.permissions import is_administrator

    if user.pk == moderator.pk:
        raise ModerationError(_("Vous ne pouvez pas bloquer votre propre compte."))
    with transaction.atomic():
        if AccountBlock.objects.active().filter(user=user).exists():
            raise ModerationError(_("Ce compte est déjà bloqué."))
        if is_administrator(user) and not is_administrator(moderator):
            raise ModerationError(_("Seul un administrateur peut bloquer le compte d'un administrateur."))
        AccountBlock.objects.create(user=user, reason=reason.strip(), blocked_by=moderator)
        for item in ModerationItem.objects.open().filter(author=user):
            obj = item.content_object
            if obj is not None and registry.for_object(obj).visibility(obj) == Visibility.HELD:
                delete_spam(item, moderator, note=_("Auteur bloqué."))
        record(moderator, "account.blocked", user, reason=reason.strip())
    _forget(user)


def unblock(user, moderator, note=""):
    with transaction.atomic():
        updated = AccountBlock.objects.active().filter(user=user).update(lifted_at=timezone.now(), lifted_by=moderator)
        if not updated:
            raise ModerationError(_("Ce compte n'est pas bloqué."))
        record(moderator, "account.unblocked", user, note=note)
    _forget(user)


def _forget(user):
    from creative.accounts.roles import forget_roles

    user.__dict__.pop("_creative_blocked", None)
    forget_roles(user)


def needs_premoderation(user):
    """New accounts' posts wait for a moderator until one is approved (MODERATION_PREMODERATE_NEW)."""
    from creative.accounts.permissions import can_moderate, can_use_review_queue, is_trusted
    from creative.innovations.models import Innovation

    if not settings.MODERATION_PREMODERATE_NEW:
        return False
    if is_trusted(user) or can_moderate(user) or can_use_review_queue(user):
        return False
    if Standing.objects.filter(user=user).exists():
        return False
    # A fiche an editor published counts as an approval.
    return not Innovation.objects.published().filter(authorships__user=user).exists()
