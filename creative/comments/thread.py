"""The comments of one object as a given person sees them (the read path of the comments section).

One query for the whole thread, arranged in Python: top-level comments in order, each with its
replies. What each comment shows depends on its state and on who reads:

| state | its author | anybody else |
|---|---|---|
| visible | the text | the text |
| visible, deleted by its author | « supprimé par son auteur » | the same |
| held for moderation | the text, « En attente de modération » | nothing* |
| hidden or removed by moderation | nothing* | nothing* |

*A top-level comment that is not shown keeps its place with a placeholder when replies to it
are shown, so the replies still read as answers.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from creative.moderation.models import Visibility

from . import services
from .models import Comment

FULL = "full"  # the text, for everybody
HELD = "held"  # the text, for its author only, waiting for a moderator
DELETED = "deleted"  # « Commentaire supprimé par son auteur »
PENDING = "pending"  # placeholder: held, seen by someone else
MODERATED = "moderated"  # placeholder: « Commentaire masqué par la modération »

SHOWN_ALONE = frozenset({FULL, HELD, DELETED})


@dataclass
class ShownComment:
    """A comment as one person sees it, with what they may do with it."""

    comment: Comment
    mode: str
    replies: list = field(default_factory=list)
    can_edit: bool = False
    can_delete: bool = False
    can_reply: bool = False
    can_report: bool = False

    @property
    def pk(self):
        return self.comment.pk

    @property
    def shows_text(self):
        return self.mode in (FULL, HELD)


@dataclass
class Thread:
    comments: list  # ShownComment, top-level, each with its replies
    count: int  # comments anybody can read (visible, not deleted)


def mode_for(comment, viewer_id):
    if comment.visibility == Visibility.VISIBLE:
        return DELETED if comment.is_deleted else FULL
    if comment.visibility == Visibility.HELD:
        return HELD if viewer_id is not None and comment.author_id == viewer_id and not comment.is_deleted else PENDING
    return MODERATED


def thread_for(target, viewer):
    """The Thread of `target` for `viewer` (a user, possibly anonymous)."""
    viewer_id = viewer.pk if viewer.is_authenticated else None
    may_post = viewer.is_authenticated and services.posting_refusal(viewer) is None
    comments = list(Comment.objects.on(target).select_related("author__profile"))
    by_pk = {c.pk: c for c in comments}
    replies = defaultdict(list)
    tops = []
    for comment in comments:
        if comment.parent_id is None:
            tops.append(comment)
        elif comment.parent_id in by_pk:
            comment.parent = by_pk[comment.parent_id]  # no query per reply
            replies[comment.parent_id].append(comment)

    def shown(comment, mode):
        own = viewer_id is not None and comment.author_id == viewer_id
        item = ShownComment(comment, mode)
        if own and mode in (FULL, HELD):
            item.can_edit = services.can_edit(viewer, comment)
        if own and mode in (FULL, HELD, DELETED):
            item.can_delete = mode != DELETED and services.can_delete(viewer, comment)
        item.can_report = mode == FULL and not own
        item.can_reply = may_post and mode == FULL and comment.parent_id is None
        return item

    result = []
    for top in tops:
        answers = [shown(reply, mode) for reply in replies[top.pk]
                   if (mode := mode_for(reply, viewer_id)) in SHOWN_ALONE]
        mode = mode_for(top, viewer_id)
        if mode in SHOWN_ALONE or answers:
            item = shown(top, mode)
            item.replies = answers
            result.append(item)
    count = sum(1 for c in comments if c.visibility == Visibility.VISIBLE and not c.is_deleted)
    return Thread(result, count)
