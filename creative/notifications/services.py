"""Follows, and turning what happens on the site into notifications for the people concerned.

Follows
    `followable(kind, pk)` finds a target a person may follow (a published fiche, a territory, a
    theme, a person whose profile page is public, a public organisation); `follow()` and
    `unfollow()` are idempotent. `target_of(obj)` maps a model instance (a Profile counts as its
    person) to its (kind, pk).

Notifications
    `notify(kind, key, text, url, ...)` is the one entry point of the sources (creative.notifications
    .sources, called from the other apps' services). It only enqueues, after the transaction
    commits, the `fan_out` task with ids and texts (never instances): the task finds the followers
    of the given targets and the people named directly, drops the actor and inactive accounts, and
    creates one `Notification` per person (the `key` makes it once per event, whatever number of
    follows lead to it; a re-run creates nothing). People who chose « instant » then get one mail
    each (creative.notifications.delivery). A territory with many followers never slows the request
    that published a fiche there.
"""

import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from creative.core.tasks import enqueue_on_commit

from .models import Follow, Notification, NotificationSettings

logger = logging.getLogger(__name__)

Target = Follow.Target
BATCH_SIZE = 1000
# The order in which a reason is chosen when several follows lead to the same notification:
# the most specific first.
REASON_ORDER = (Target.INNOVATION, Target.PERSON, Target.ORGANISATION, Target.THEME, Target.TERRITORY)
REASONS = {
    Target.INNOVATION: gettext_lazy("Vous suivez la fiche « %(name)s »."),
    Target.TERRITORY: gettext_lazy("Vous suivez le territoire %(name)s."),
    Target.THEME: gettext_lazy("Vous suivez le thème %(name)s."),
    Target.PERSON: gettext_lazy("Vous suivez %(name)s."),
    Target.ORGANISATION: gettext_lazy("Vous suivez l'organisation %(name)s."),
}


# Targets ----------------------------------------------------------------------------------------------------

def _models():
    from creative.innovations.models import Innovation, Theme
    from creative.network.models import Organisation
    from creative.territories.models import Territory

    return {
        Target.INNOVATION: Innovation,
        Target.TERRITORY: Territory,
        Target.THEME: Theme,
        Target.PERSON: get_user_model(),
        Target.ORGANISATION: Organisation,
    }


def followable_queryset(kind):
    """The targets of `kind` a person may start following (None for an unknown kind)."""
    from creative.accounts.models import Profile
    from creative.innovations.models import Innovation

    model = _models().get(kind)
    if model is None:
        return None
    queryset = model.objects.all()
    if kind == Target.INNOVATION:
        return queryset.filter(state=Innovation.State.PUBLISHED)
    if kind == Target.PERSON:
        return queryset.filter(pk__in=Profile.objects.public().values("user_id")).select_related("profile")
    if kind == Target.ORGANISATION:
        return queryset.public()
    return queryset


def followable(kind, pk):
    """The target a person may follow, or None (unknown kind, no such object, draft fiche, private profile…)."""
    queryset = followable_queryset(kind)
    if queryset is None:
        return None
    return queryset.filter(pk=pk).first()


def target_of(obj):
    """(kind, pk) of a model instance that can be followed; a Profile stands for its person. None otherwise."""
    from creative.accounts.models import Profile

    if isinstance(obj, Profile):
        return Target.PERSON, obj.user_id
    for kind, model in _models().items():
        if isinstance(obj, model):
            return kind, obj.pk
    return None


def name_of(kind, obj):
    """What a person reads for a followed target (a fiche's title, a person's public name…)."""
    if kind == Target.INNOVATION:
        return obj.title
    if kind == Target.PERSON:
        return str(obj.display_name)
    return obj.name


def url_of(kind, obj):
    """The public page of a target, or "" when it has none (a person whose page is not public)."""
    if kind == Target.PERSON:
        profile = getattr(obj, "profile", None)
        return profile.get_absolute_url() if profile is not None and profile.slug and profile.is_visible else ""
    if kind == Target.THEME:
        from django.urls import reverse

        return f"{reverse('innovations:list')}?theme={obj.slug}"
    return obj.get_absolute_url()


def follow_of(user, kind, pk):
    if not user.is_authenticated or kind not in Target.values:
        return None
    return Follow.objects.filter(user=user, target=kind, **{f"{kind}_id": pk}).first()


def is_following(user, kind, pk):
    return follow_of(user, kind, pk) is not None


def follower_count(kind, pk):
    return Follow.objects.filter(target=kind, **{f"{kind}_id": pk}).count()


class FollowRefused(Exception):
    """The target may not be followed; str() is a French message for the person."""


def follow(user, kind, pk):
    """Make `user` follow the target; returns (follow, created). Raises FollowRefused."""
    target = followable(kind, pk)
    if target is None:
        raise FollowRefused(_("Cette page ne peut pas être suivie : elle n'existe pas ou n'est pas publique."))
    if kind == Target.PERSON and target.pk == user.pk:
        raise FollowRefused(_("Vous ne pouvez pas vous suivre vous-même."))
    with transaction.atomic():
        existing = follow_of(user, kind, pk)
        if existing is not None:
            return existing, False
        return Follow.objects.create(user=user, target=kind, **{kind: target}), True


def unfollow(user, kind, pk):
    """Stop following (also a target that is no longer public); returns whether a follow was removed."""
    if kind not in Target.values:
        return False
    deleted, _rows = Follow.objects.filter(user=user, target=kind, **{f"{kind}_id": pk}).delete()
    return bool(deleted)


def follows_of(user):
    """The person's follows, grouped by kind in a fixed order: [(kind, label, [(follow, name, url)])]."""
    follows = Follow.objects.filter(user=user).select_related(
        "innovation", "territory", "theme", "person__profile", "organisation",
    ).order_by("created_at", "pk")
    groups = {kind: [] for kind in (Target.INNOVATION, Target.PERSON, Target.ORGANISATION, Target.THEME,
                                    Target.TERRITORY)}
    for item in follows:
        obj = item.target_object
        groups[item.target].append((item, name_of(item.target, obj), url_of(item.target, obj)))
    labels = {
        Target.INNOVATION: _("Fiches"),
        Target.PERSON: _("Personnes"),
        Target.ORGANISATION: _("Organisations"),
        Target.THEME: _("Thèmes"),
        Target.TERRITORY: _("Territoires"),
    }
    return [(kind, labels[kind], sorted(rows, key=lambda row: row[1].casefold())) for kind, rows in groups.items()]


# Preferences ----------------------------------------------------------------------------------------------

def frequency_of(user):
    """The person's choice; no row means the default, a daily digest."""
    found = NotificationSettings.objects.filter(user_id=user.pk).values_list("frequency", flat=True).first()
    return found or NotificationSettings.Frequency.DAILY


def set_frequency(user, frequency):
    settings_row, _created = NotificationSettings.objects.update_or_create(
        user=user, defaults={"frequency": frequency},
    )
    return settings_row


# Reading ----------------------------------------------------------------------------------------------------

def unread_count(user):
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(notification):
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def mark_all_read(user):
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def is_local_path(url):
    """Whether `url` is a path on this site ("/…"), never another host: no open redirect."""
    from django.utils.http import url_has_allowed_host_and_scheme

    return (
        isinstance(url, str) and url.startswith("/") and not url.startswith("//") and "\\" not in url
        and not any(ord(c) < 32 for c in url)
        and url_has_allowed_host_and_scheme(url, allowed_hosts=None)
    )


# Notifying --------------------------------------------------------------------------------------------------

def _clip(text, length):
    return Truncator(" ".join(str(text).split())).chars(length)


def notify(kind, key, text, url, *, actor=None, follows=None, people=(), people_reason="", people_url="",
           mailed=()):
    """Tell the people concerned by one event, after the current transaction commits, in the background.

    - `kind`: a Notification.Kind; `key`: what makes the event unique ("comment:12"), per person;
    - `text` and `url` (a path on this site) are what the notification says and where it leads;
    - `follows`: {target kind: [ids]} — the followers of any of these targets are told;
    - `people`: ids of accounts told without a follow (a fiche's authors…), for `people_reason`,
      led to `people_url` when given (a page only they may open) instead of `url`;
    - `mailed`: ids of accounts the source already mailed about this event itself: their notification
      is stored as already mailed (no second mail, no digest line);
    - `actor`: who did it (an account or an id), never told.
    """
    actor_id = getattr(actor, "pk", actor)
    payload = {
        "kind": str(kind),
        "key": str(key)[:120],
        "text": _clip(text, 300),
        "url": str(url)[:500],
        "actor_id": actor_id,
        "follows": {str(k): sorted({int(i) for i in ids if i is not None}) for k, ids in (follows or {}).items()
                    if k in Target.values},
        "people": sorted({int(i) for i in people if i is not None}),
        "people_reason": _clip(people_reason, 200),
        "people_url": str(people_url or "")[:500],
        "mailed": sorted({int(i) for i in mailed if i is not None}),
    }
    if not payload["people"] and not any(payload["follows"].values()):
        return False
    from .tasks import fan_out

    enqueue_on_commit(fan_out, payload)
    return True


def _names(kind, ids):
    model = _models()[kind]
    if kind == Target.PERSON:
        return {user.pk: str(user.display_name) for user in model.objects.filter(pk__in=ids).select_related("profile")}
    field = "title" if kind == Target.INNOVATION else "name"
    return dict(model.objects.filter(pk__in=ids).values_list("pk", field))


def recipients(payload):
    """{user id: (reason, url)} of the active accounts to tell (never the actor), one entry per person."""
    User = get_user_model()
    found = {}
    people = payload.get("people") or []
    if people:
        for pk in User.objects.filter(pk__in=people, is_active=True).values_list("pk", flat=True):
            found[pk] = (payload.get("people_reason") or "", payload.get("people_url") or payload["url"])
    follows = payload.get("follows") or {}
    for kind in REASON_ORDER:
        ids = follows.get(kind) or []
        if not ids:
            continue
        names = _names(kind, ids)
        rows = (
            Follow.objects.filter(target=kind, user__is_active=True, **{f"{kind}_id__in": ids})
            .values_list("user_id", f"{kind}_id").order_by(f"{kind}_id", "user_id")
        )
        for user_id, target_id in rows.iterator(chunk_size=BATCH_SIZE):
            if user_id not in found:
                reason = REASONS[kind] % {"name": names.get(target_id, "")}
                found[user_id] = (_clip(reason, 200), payload["url"])
    found.pop(payload.get("actor_id"), None)
    return found


def fan_out(payload):
    """Create the notifications of one event (see notify()); returns how many were created.

    Run by the worker (tasks.fan_out). Idempotent: a person already told of this `key` is skipped.
    The people who chose « instant » get their mail through one task each, enqueued after commit.
    """
    from .delivery import enqueue_instant

    told = recipients(payload)
    if not told:
        return 0
    now = timezone.now()
    mailed = set(payload.get("mailed") or [])
    key, created = payload["key"], 0
    with transaction.atomic():
        user_ids = sorted(told)
        already = set()
        for start in range(0, len(user_ids), BATCH_SIZE):
            chunk = user_ids[start:start + BATCH_SIZE]
            already.update(Notification.objects.filter(key=key, recipient_id__in=chunk)
                           .values_list("recipient_id", flat=True))
            rows = [
                Notification(
                    recipient_id=user_id, kind=payload["kind"], text=payload["text"], url=told[user_id][1],
                    reason=told[user_id][0], key=key, created_at=now,
                    emailed_at=now if user_id in mailed else None,
                )
                for user_id in chunk if user_id not in already
            ]
            Notification.objects.bulk_create(rows, batch_size=BATCH_SIZE, ignore_conflicts=True)
            created += len(rows)
        enqueue_instant(key, [pk for pk in user_ids if pk not in mailed and pk not in already])
    return created


# Personal data ------------------------------------------------------------------------------------------------

def export_personal_data(user):
    """The person's follows, their notification preference and their notifications (for their download)."""
    from creative.accounts.personal_data import _absolute

    follows = []
    for kind, _label, rows in follows_of(user):
        for item, name, url in rows:
            follows.append({"kind": kind, "name": name, "url": _absolute(url) if url else None,
                            "since": item.created_at})
    return {
        "frequency": frequency_of(user),
        "follows": follows,
        "notifications": [
            {"date": n.created_at, "kind": n.kind, "text": n.text, "url": _absolute(n.url), "reason": n.reason,
             "read_at": n.read_at, "emailed_at": n.emailed_at}
            for n in Notification.objects.filter(recipient=user).order_by("created_at", "pk")
        ],
    }


def erase_personal_data(user, *, anonymous, addresses):
    """Delete the person's follows, notifications and preference, and the follows of their person."""
    Follow.objects.filter(Q(user=user) | Q(target=Target.PERSON, person=user)).delete()
    Notification.objects.filter(recipient=user).delete()
    NotificationSettings.objects.filter(user=user).delete()
