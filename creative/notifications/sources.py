"""What the other apps call when something worth a notification happens (one call at each place).

Each function reads a few ids from the objects, writes the notification's text (in French, now)
and hands them to services.notify, which fans out after commit in the background:

- `revision_saved(fiche, revision, actor)` — a new live revision of a published fiche
  (editorial.revisions.save_edit) → the fiche's followers. One notification per fiche, author and
  day (key), so a fiche edited step by step in the guided editor is one notification, not six;
- `comment_published(comment)` — a visible comment on a fiche (comments.notify.announce, which
  runs at posting and when a moderator approves a held one) → the fiche's followers;
- `innovation_published(fiche, actor)` — editorial.workflow.publish → the followers of its
  territories (all levels), themes, authors and carriers, and team organisations;
- `events_published(events, actor)` — events.editing (published at once, or by an editor) → the
  followers of its territories, themes, organiser and organisation; a series is one notification;
- `review_message(message, mailed)` — a message in a review thread (editorial.workflow.comment)
  → the fiche's authors and the thread's other participants who may still read it;
- `reproduction_declared(link, actor)` — reuse.services.declare → the original's authors and
  carriers, and its followers (only once the derived fiche is public: nothing unpublished leaks).

People already mailed by the source itself are passed as `mailed`: their notification is stored as
mailed, so nobody gets the same news twice by mail.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Follow, Notification
from .services import notify

Kind = Notification.Kind
Target = Follow.Target


def _name(user):
    return str(user.display_name) if user is not None and getattr(user, "is_authenticated", False) else ""


def _fiche_people(fiche):
    """Ids of the fiche's authors and of the people of its team (carriers and partners with an account)."""
    from creative.network.models import TeamMember

    authors = set(fiche.authorships.values_list("user_id", flat=True))
    team = set(TeamMember.objects.filter(innovation=fiche, user__isnull=False).values_list("user_id", flat=True))
    return authors | team


def revision_saved(fiche, revision, actor):
    """A new version of a published fiche went live."""
    if revision is None or fiche.state != fiche.State.PUBLISHED:
        return False
    actor_id = getattr(actor, "pk", None)
    name = _name(actor)
    if name:
        text = _("« %(title)s » a été modifiée par %(name)s") % {"title": fiche.title, "name": name}
    else:
        text = _("« %(title)s » a été modifiée") % {"title": fiche.title}
    day = timezone.localdate().isoformat()
    return notify(
        Kind.REVISION, f"revision:{fiche.pk}:{actor_id or 0}:{day}", text,
        reverse("editorial:history", args=[fiche.slug]), actor=actor_id,
        follows={Target.INNOVATION: [fiche.pk]},
    )


def comment_published(comment):
    """A comment became visible on a fiche; its authors (and the person answered) were mailed by comments."""
    from creative.innovations.models import Innovation

    target = comment.content_object
    if not isinstance(target, Innovation) or not target.is_published:
        return False
    mailed = set(target.authorships.values_list("user_id", flat=True))
    if comment.parent_id and comment.parent.author_id:
        mailed.add(comment.parent.author_id)
    text = _("%(name)s a commenté « %(title)s »") % {
        "name": _name(comment.author) or _("Quelqu'un"), "title": target.title}
    return notify(
        Kind.COMMENT, f"comment:{comment.pk}", text, comment.get_absolute_url(), actor=comment.author_id,
        follows={Target.INNOVATION: [target.pk]}, mailed=mailed,
    )


def innovation_published(fiche, actor):
    """A fiche was published by an editor."""
    from creative.network.models import TeamMember

    follows = {
        Target.TERRITORY: list(fiche.territories.values_list("pk", flat=True)),
        Target.THEME: list(fiche.themes.values_list("pk", flat=True)),
        Target.PERSON: sorted(_fiche_people(fiche)),
        Target.ORGANISATION: list(
            TeamMember.objects.filter(innovation=fiche, organisation__isnull=False)
            .values_list("organisation_id", flat=True)
        ),
    }
    text = _("Nouvelle fiche : « %(title)s »") % {"title": fiche.title}
    return notify(Kind.NEW_INNOVATION, f"published:{fiche.pk}", text, fiche.get_absolute_url(), actor=actor,
                  follows=follows)


def events_published(events, actor):
    """Events became public (one date, or the dates of a series published together)."""
    from creative.events.forms import describe_local

    events = sorted(events, key=lambda event: (event.starts_at, event.pk))
    if not events:
        return False
    first = events[0]
    territories, themes, people, organisations = set(), set(), set(), set()
    for event in events:
        territories.update(event.territories.values_list("pk", flat=True))
        themes.update(event.themes.values_list("pk", flat=True))
        if event.organiser_id:
            people.add(event.organiser_id)
        if event.organisation_id:
            organisations.add(event.organisation_id)
    if len(events) > 1:
        text = _("Nouvel événement : « %(title)s », %(count)s dates à partir du %(when)s") % {
            "title": first.title, "count": len(events), "when": describe_local(first.starts_at)}
    else:
        text = _("Nouvel événement : « %(title)s », %(when)s") % {
            "title": first.title, "when": describe_local(first.starts_at)}
    follows = {Target.TERRITORY: territories, Target.THEME: themes, Target.PERSON: people,
               Target.ORGANISATION: organisations}
    return notify(Kind.NEW_EVENT, f"event:{first.pk}", text, first.get_absolute_url(), actor=actor, follows=follows)


def review_message(message, mailed=()):
    """A message was written in a fiche's review thread; `mailed`: the people the thread's mail went to."""
    from django.contrib.auth import get_user_model

    from creative.accounts.permissions import can_read_review
    from creative.editorial.models import ReviewMessage

    fiche = message.innovation
    ids = set(fiche.authorships.values_list("user_id", flat=True))
    ids.update(ReviewMessage.objects.filter(innovation=fiche, author__isnull=False).values_list("author_id", flat=True))
    ids.discard(message.author_id)
    people = [user.pk for user in get_user_model().objects.filter(pk__in=ids, is_active=True)
              if can_read_review(user, fiche)]
    text = _("%(name)s a écrit dans la relecture de « %(title)s »") % {
        "name": _name(message.author) or _("Quelqu'un"), "title": fiche.title}
    return notify(
        Kind.REVIEW, f"review:{message.pk}", text, reverse("editorial:review", args=[fiche.pk]),
        actor=message.author_id, people=people, people_reason=_("Vous participez à la relecture de cette fiche."),
        mailed=[getattr(user, "pk", user) for user in mailed],
    )


def reproduction_declared(link, actor):
    """A fiche was declared as reproducing (or inspired by) a published one."""
    from creative.reuse.models import Reproduction
    from creative.reuse.services import carriers_of

    original, derived = link.original, link.derived
    carriers = set(carriers_of(original).filter(is_active=True).values_list("pk", flat=True))
    # A declaration waiting for a decision was mailed to the original's people (reuse_declared).
    mailed = carriers if link.status == Reproduction.Status.PENDING else set()
    if link.kind == Reproduction.Kind.INSPIRATION:
        text = _("« %(derived)s » s'inspire de « %(original)s »")
    else:
        text = _("« %(derived)s » reproduit « %(original)s »")
    text = text % {"derived": derived.title, "original": original.title}
    follows = {Target.INNOVATION: [original.pk]} if derived.is_published else {}
    return notify(
        Kind.REPRODUCTION, f"reproduction:{link.pk}", text,
        derived.get_absolute_url() if derived.is_published else original.get_absolute_url(),
        actor=actor, follows=follows, people=carriers,
        people_reason=_("Vous portez la fiche « %(title)s ».") % {"title": original.title},
        people_url=reverse("reuse:decide", args=[link.pk]), mailed=mailed,
    )
