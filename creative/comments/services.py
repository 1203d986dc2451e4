"""Writing comments: post, edit, delete, and telling people about them.

Every write checks its rule, runs the anti-spam score, sets the moderation state, writes the
audit log and enqueues mail after commit, in one transaction:

- `post_comment()` — a new comment or reply: held for a moderator when its score says spam
  (`ModerationItem.Cause.SPAM`) or when its author is still pre-moderated (a new account's
  first post, `Cause.PREMODERATION`); otherwise visible at once, and the people concerned are
  told (`notify_comment_published`).
- `edit_comment()` — the author, within COMMENTS_EDIT_MINUTES; the new text is scored again.
- `delete_comment()` — the author: the record stays (for moderators), the text leaves the page.
- `set_visibility()` — a moderator's decision from the admin.

Mail is notify.py's (`notify_comment_published`, which the moderation queue calls too).
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creative.accounts.permissions import can_contribute
from creative.antispam.scoring import assess, remember
from creative.audit import record
from creative.moderation import services as moderation
from creative.moderation.models import ModerationItem, Standing, Visibility

from . import targets
from .models import Comment
from .notify import announce, notify_comment_published


class CommentError(Exception):
    """A write that cannot be made; str() is a French message for the person."""


# Who may write ------------------------------------------------------------------------------------

def posting_refusal(user):
    """Why `user` may not write comments (a French sentence), or None when they may.

    Visitors get None too: they are sent to the login page instead of being refused.
    """
    if not user.is_authenticated:
        return None
    if moderation.is_blocked(user):
        return _("Votre compte a été bloqué par l'équipe de modération : vous ne pouvez plus écrire de "
                 "commentaires. Pour en discuter, écrivez à l'équipe du site.")
    if not can_contribute(user):
        return _("Pour commenter, confirmez d'abord votre adresse électronique : suivez le lien du message que "
                 "nous vous avons envoyé, ou demandez-en un nouveau depuis la page de votre adresse.")
    return None


def edit_refusal(user, comment):
    """Why `user` may not change `comment` now (a French sentence), or None."""
    if not user.is_authenticated or comment.author_id != user.pk:
        return _("Seule la personne qui a écrit un commentaire peut le modifier.")
    refusal = posting_refusal(user)
    if refusal:
        return refusal
    if comment.is_deleted:
        return _("Ce commentaire a été supprimé : il ne peut plus être modifié.")
    if comment.visibility in (Visibility.HIDDEN, Visibility.REMOVED):
        return _("Ce commentaire a été retiré par l'équipe de modération : il ne peut plus être modifié.")
    if timezone.now() > comment.editable_until():
        minutes = settings.COMMENTS_EDIT_MINUTES
        return _("Un commentaire se modifie pendant %(minutes)s minutes après son envoi ; ce délai est passé. "
                 "Vous pouvez encore le supprimer, puis en écrire un nouveau.") % {"minutes": minutes}
    return None


def delete_refusal(user, comment):
    """Why `user` may not delete `comment` (a French sentence), or None."""
    if not user.is_authenticated or comment.author_id != user.pk:
        return _("Seule la personne qui a écrit un commentaire peut le supprimer.")
    refusal = posting_refusal(user)
    if refusal:
        return refusal
    if comment.is_deleted:
        return _("Ce commentaire est déjà supprimé.")
    return None


def can_edit(user, comment):
    return edit_refusal(user, comment) is None


def can_delete(user, comment):
    return delete_refusal(user, comment) is None


# Writes -------------------------------------------------------------------------------------------

def _scope(comment):
    # Each comment is its own scope for the repetition check: its edits are not "the same text
    # sent again", while the same text posted under two fiches is.
    return f"comment:{comment.pk}"


def _check(comment, *, request=None):
    """Score the comment's text and hold it when it looks like spam; returns the Verdict."""
    verdict = assess(comment.body, author=comment.author, kind="comment", scope=_scope(comment), request=request)
    if verdict.held:
        moderation.hold(comment, cause=ModerationItem.Cause.SPAM, score=verdict.score, reasons=verdict.reasons)
        comment.visibility = Visibility.HELD
    remember(comment.body, scope=_scope(comment))
    return verdict


def post_comment(target, author, body, *, parent=None, request=None):
    """Store `author`'s comment on `target` (a reply when `parent` is given) and return it.

    `comment.visibility` tells what happened: VISIBLE (published, people told) or HELD (waiting
    for a moderator). Raises CommentError when the target or the parent does not take it.
    """
    kind = targets.for_object(target)
    if kind is None or not kind.is_public(target):
        raise CommentError(_("Cette page ne reçoit pas de commentaires."))
    refusal = posting_refusal(author)
    if refusal or not author.is_authenticated:
        raise CommentError(refusal or _("Connectez-vous pour commenter."))
    body = (body or "").strip()
    if not body:
        raise CommentError(_("Le commentaire est vide : écrivez quelques mots avant de l'envoyer."))
    if parent is not None:
        from .forms import reply_problem

        problem, parent = reply_problem(target, parent.pk)
        if problem:
            raise CommentError(problem)
    with transaction.atomic():
        comment = Comment.objects.create(
            content_object=target, parent=parent, author=author, body=body, visibility=Visibility.VISIBLE,
        )
        verdict = _check(comment, request=request)
        if not verdict.held and moderation.needs_premoderation(author):
            moderation.hold(comment, cause=ModerationItem.Cause.PREMODERATION)
            comment.visibility = Visibility.HELD
        record(author, "comment.posted", comment, on=f"{kind.label}:{target.pk}",
               reply_to=parent.pk if parent else None, visibility=comment.visibility, score=verdict.score)
        if comment.visibility == Visibility.VISIBLE:
            announce(comment)
    return comment


def edit_comment(comment, user, body, *, request=None):
    """Replace the text of `user`'s comment; the new text is scored again (and may be held)."""
    refusal = edit_refusal(user, comment)
    if refusal:
        raise CommentError(refusal)
    body = (body or "").strip()
    if not body:
        raise CommentError(_("Le commentaire est vide : pour le retirer, supprimez-le."))
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        before = comment.visibility
        comment.body, comment.edited_at = body, timezone.now()
        comment.save(update_fields=["body", "edited_at"])
        verdict = _check(comment, request=request)
        record(user, "comment.edited", comment, visibility=comment.visibility, was=before, score=verdict.score)
    return comment


def delete_comment(comment, user):
    """Soft-delete `user`'s comment: the page says « supprimé par son auteur », replies stay."""
    refusal = delete_refusal(user, comment)
    if refusal:
        raise CommentError(refusal)
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        comment.deleted_at = timezone.now()
        comment.save(update_fields=["deleted_at"])
        record(user, "comment.deleted", comment, visibility=comment.visibility)
    return comment


# Moderators in the admin --------------------------------------------------------------------------

ADMIN_DECISIONS = {
    # (from, to) → the moderation decision taken when the comment has an open item.
    (Visibility.HELD, Visibility.VISIBLE): moderation.approve,
    (Visibility.HIDDEN, Visibility.VISIBLE): moderation.restore,
    (Visibility.REMOVED, Visibility.VISIBLE): moderation.restore,
}
ADMIN_ACTIONS = {
    Visibility.VISIBLE: "moderation.restored",
    Visibility.HIDDEN: "moderation.hidden",
    Visibility.REMOVED: "moderation.deleted",
    Visibility.HELD: "moderation.held",
}


def set_visibility(comment, visibility, moderator, note=""):
    """A moderator's change of visibility from the admin, with the same effects as the queue's.

    With an open moderation item the queue's decision is taken (approve, restore, hide, delete as
    spam: audit log, standing of the author). Without one the change is made and audited here.
    A held comment made visible is announced (notify_comment_published).
    """
    before = Comment.objects.get(pk=comment.pk).visibility
    if before == visibility:
        return comment
    approved = before == Visibility.HELD and visibility == Visibility.VISIBLE
    item = ModerationItem.objects.open().for_object(comment).first()
    decide = ADMIN_DECISIONS.get((before, visibility)) or {
        Visibility.HIDDEN: moderation.hide, Visibility.REMOVED: moderation.delete_spam,
    }.get(visibility)
    with transaction.atomic():
        decided = False
        if item is not None and decide is not None:
            try:
                decide(item, moderator, note=note or _("Décision prise dans l'administration."))
                decided = True
            except moderation.ModerationError:
                pass  # a change the queue does not offer from this state: made and audited below
        if not decided:
            comment.visibility = visibility
            comment.save(update_fields=["visibility"])
            action = "moderation.approved" if approved else ADMIN_ACTIONS[visibility]
            record(moderator, action, comment, via="admin", was=before, note=note)
            if approved and comment.author_id:
                # As the queue's approval does: this author is no longer pre-moderated.
                Standing.objects.get_or_create(user_id=comment.author_id, defaults={"approved_by": moderator})
            if approved:
                # With an item, approve() announces the comment itself (moderation.services).
                notify_comment_published(comment)
        comment.refresh_from_db()
    return comment
