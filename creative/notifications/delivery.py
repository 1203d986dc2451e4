"""Mailing notifications: one at a time for « instant », digests for « daily » and « weekly ».

- « instant »: the fan-out task enqueues `send_instant` once per new notification; the mail goes
  at most once (the row is locked, `emailed_at` set in the same transaction as the send).
- « daily » / « weekly »: `send_digests()` (``manage.py send_notification_digests``, run hourly by
  cron) sends ONE mail per person whose last digest is at least a day (a week) old, or who never
  had one, listing every notification not yet mailed nor read, then sets `emailed_at` on exactly
  those rows, in one transaction per person: a re-run sends nothing twice, and a failed send
  leaves the rows for the next run. A few minutes of slack (DIGEST_SLACK) keep an hourly cron
  from drifting by an hour each day.
- « never »: no mail; the notifications stay in the site.

A notification read on the site before its mail went out is not mailed any more. Inactive
accounts get nothing. A notification an « instant » mail failed to carry is sent in a digest
once it is an hour old (INSTANT_CATCH_UP), so nothing is lost when the mail server was down.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from creative.core.mail import send_templated_mail
from creative.core.tasks import enqueue_on_commit

from .models import Notification, NotificationSettings

logger = logging.getLogger(__name__)

Frequency = NotificationSettings.Frequency
PERIODS = {Frequency.DAILY: timedelta(days=1), Frequency.WEEKLY: timedelta(days=7)}
DIGEST_SLACK = timedelta(minutes=15)
INSTANT_CATCH_UP = timedelta(hours=1)
DIGEST_MAX_ITEMS = 50  # listed in one mail; the others are counted, with a link to the site
# Groups of a digest: what concerns the person's own fiches and threads first, then what they follow.
DIGEST_ORDER = (Notification.Kind.REVIEW, Notification.Kind.REPRODUCTION, Notification.Kind.COMMENT,
                Notification.Kind.REVISION, Notification.Kind.NEW_INNOVATION, Notification.Kind.NEW_EVENT)
BATCH_SIZE = 500


def _absolute(path):
    return settings.SITE_URL.rstrip("/") + path


def _links():
    return {
        "notifications_url": _absolute(reverse("notifications:list")),
        "preferences_url": _absolute(reverse("notifications:preferences")),
        "follows_url": _absolute(reverse("notifications:follows")),
    }


def _when(moment):
    return date_format(timezone.localtime(moment), r"l j F Y \à H:i")


def _item(notification):
    return {
        "text": notification.text,
        "url": _absolute(notification.url) if notification.url.startswith("/") else _absolute("/"),
        "reason": notification.reason,
        "kind": notification.kind,
        "kind_label": str(notification.get_kind_display()),
        "date": _when(notification.created_at),
    }


def _unmailed(user_id):
    return Notification.objects.filter(recipient_id=user_id, emailed_at__isnull=True, read_at__isnull=True)


# Instant ----------------------------------------------------------------------------------------------------

def enqueue_instant(key, user_ids):
    """Enqueue (after commit) one `send_instant` task per unmailed notification `key` of the people among
    `user_ids` who chose « instant »; returns how many."""
    from .tasks import send_instant

    count = 0
    for start in range(0, len(user_ids), BATCH_SIZE):
        chunk = user_ids[start:start + BATCH_SIZE]
        ids = Notification.objects.filter(
            key=key, recipient_id__in=chunk, emailed_at__isnull=True,
            recipient__notification_settings__frequency=Frequency.INSTANT,
        ).values_list("pk", flat=True)
        for pk in ids:
            enqueue_on_commit(send_instant, pk)
            count += 1
    return count


def send_instant(notification_id):
    """Mail notification `notification_id` to its person now, if they still want it; returns 1 if sent.

    Nothing when it was already mailed or read, the account is inactive or has no address, or the
    person no longer chose « instant » (a digest will carry it).
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",)).select_related("recipient__profile")
            .filter(pk=notification_id, emailed_at__isnull=True, read_at__isnull=True).first()
        )
        if notification is None:
            return 0
        user = notification.recipient
        if not user.is_active or not user.email:
            return 0
        if _frequency(user.pk) != Frequency.INSTANT:
            return 0
        with override(settings.LANGUAGE_CODE):
            context = {**_item(notification), "name": str(user.display_name), **_links()}
        send_templated_mail("notification_instant", context, [user.email])
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return 1


def _frequency(user_id):
    found = NotificationSettings.objects.filter(user_id=user_id).values_list("frequency", flat=True).first()
    return found or Frequency.DAILY


# Digests ----------------------------------------------------------------------------------------------------

def is_due(frequency, last_digest_at, now):
    """Whether a digest of `frequency` is due at `now` (never sent, or its period has passed)."""
    period = PERIODS.get(frequency)
    if period is None:
        return False
    return last_digest_at is None or last_digest_at <= now - period + DIGEST_SLACK


def candidates():
    """Ids of the active accounts with at least one notification neither mailed nor read."""
    return (
        Notification.objects.filter(emailed_at__isnull=True, read_at__isnull=True, recipient__is_active=True)
        .exclude(recipient__notification_settings__frequency=Frequency.NEVER)
        .values_list("recipient_id", flat=True).distinct().order_by("recipient_id")
    )


def send_digests(now=None):
    """Send every digest due now; returns (sent, failed) counts. See the module docstring."""
    now = now or timezone.now()
    sent = failed = 0
    user_ids = list(candidates())
    for start in range(0, len(user_ids), BATCH_SIZE):
        chunk = user_ids[start:start + BATCH_SIZE]
        rows = dict(NotificationSettings.objects.filter(user_id__in=chunk).values_list("user_id", "frequency"))
        last = dict(NotificationSettings.objects.filter(user_id__in=chunk).values_list("user_id", "last_digest_at"))
        for user_id in chunk:
            frequency = rows.get(user_id, Frequency.DAILY)
            if frequency in PERIODS and not is_due(frequency, last.get(user_id), now):
                continue
            try:
                sent += send_digest(user_id, now)
            except Exception:
                failed += 1
                logger.exception("The notification digest of account %s could not be sent; retried next run.",
                                 user_id)
    return sent, failed


def send_digest(user_id, now=None):
    """Send account `user_id` its digest if one is due; returns 1 if a mail went out, else 0.

    Under a lock on the person's settings row, so two runs at once send one digest. « instant »
    people get one only for notifications their instant mail missed for an hour (a catch-up).
    """
    now = now or timezone.now()
    User = get_user_model()
    with transaction.atomic():
        NotificationSettings.objects.get_or_create(user_id=user_id)
        settings_row = NotificationSettings.objects.select_for_update().get(user_id=user_id)
        frequency = settings_row.frequency
        pending = _unmailed(user_id)
        if frequency == Frequency.NEVER:
            return 0
        if frequency == Frequency.INSTANT:
            pending = pending.filter(created_at__lte=now - INSTANT_CATCH_UP)
        elif not is_due(frequency, settings_row.last_digest_at, now):
            return 0
        user = User.objects.select_related("profile").filter(pk=user_id, is_active=True).first()
        if user is None or not user.email:
            return 0
        notifications = list(pending.order_by("-created_at", "-pk"))
        if not notifications:
            return 0
        with override(settings.LANGUAGE_CODE):
            context = digest_context(user, notifications, frequency)
        send_templated_mail("notification_digest", context, [user.email])
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(emailed_at=now)
        if frequency in PERIODS:
            settings_row.last_digest_at = now
            settings_row.save(update_fields=["last_digest_at"])
    return 1


def digest_context(user, notifications, frequency):
    """The digest's context (JSON-safe): the latest notifications grouped by kind (DIGEST_ORDER), newest first."""
    shown = notifications[:DIGEST_MAX_ITEMS]
    groups = []
    order = [*DIGEST_ORDER, *(kind for kind in Notification.Kind.values if kind not in DIGEST_ORDER)]
    for kind in order:
        items = [_item(n) for n in shown if n.kind == kind]
        if items:
            groups.append({"kind": kind, "label": str(Notification.Kind(kind).label), "items": items})
    period = {
        Frequency.DAILY: _("du jour"),
        Frequency.WEEKLY: _("de la semaine"),
    }.get(frequency, "")
    return {
        "name": str(user.display_name),
        "count": len(notifications),
        "more": len(notifications) - len(shown),
        "groups": groups,
        "period": period,
        "frequency": frequency,
        **_links(),
    }
