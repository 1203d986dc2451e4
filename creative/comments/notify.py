"""Mail about comments: the authors of what is commented on, and the person answered.

`notify_comment_published(comment)` is the entry point for other apps: the moderation queue
calls it when it approves a held comment (creative.moderation.services, after commit).
post_comment() announces the comments it publishes at once itself.
"""

from django.conf import settings
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from creative.audit.models import AuditEntry
from creative.core.tasks import enqueue_on_commit, send_templated_mail_task
from creative.moderation.models import Visibility

from . import targets

EXCERPT_CHARS = 400


def notify_comment_published(comment):
    """Tell the people concerned that `comment` is now public; returns how many messages are enqueued.

    Call it once, when a comment held since it was written becomes visible (a moderator approved
    it); not when a comment hidden after reports is restored. It does nothing for a comment that
    is not visible, deleted, on a page that is not public, or that was published at once when
    posted (announced then): a comment published, then held after an edit, then approved is not
    announced twice.
    """
    if AuditEntry.objects.for_object(comment).filter(action="comment.posted", data__visibility="visible").exists():
        return 0
    return announce(comment)


def announce(comment):
    """Enqueue the messages about `comment` (after commit); returns how many.

    Recipients, one message each and never the commenter: the target's authors (`comment_posted`)
    and, for a reply, the author of the comment answered (`comment_reply`, which wins when one
    person is both). Inactive accounts and accounts without an address are skipped.
    """
    if comment.visibility != Visibility.VISIBLE or comment.is_deleted:
        return 0
    target = comment.content_object
    kind = targets.for_object(target)
    if kind is None or not kind.is_public(target):
        return 0
    from creative.notifications import sources as notifications

    notifications.comment_published(comment)  # the followers of a fiche, in the site and their digest
    commenter_id = comment.author_id
    recipients = {}
    for user in kind.authors(target):
        if user.pk != commenter_id and user.is_active and user.email:
            recipients[user.email] = "comment_posted"
    parent = comment.parent
    if parent is not None and parent.author is not None:
        person = parent.author
        if person.pk != commenter_id and person.is_active and person.email:
            recipients[person.email] = "comment_reply"
    if not recipients:
        return 0
    parent_shown = parent is not None and parent.visibility == Visibility.VISIBLE and not parent.is_deleted
    context = {
        "title": str(kind.title(target)),
        "noun": str(kind.noun),
        "commenter": str(comment.author.display_name) if comment.author else _("Compte supprimé"),
        "excerpt": Truncator(comment.body).chars(EXCERPT_CHARS),
        "parent_excerpt": Truncator(parent.body).chars(EXCERPT_CHARS) if parent_shown else "",
        "url": settings.SITE_URL + comment.get_absolute_url(),
        "is_reply": parent is not None,
    }
    # One message per person: nobody sees the others' addresses.
    for address, template in sorted(recipients.items()):
        enqueue_on_commit(send_templated_mail_task, template, context, [address])
    return len(recipients)
