"""The unread count in every page's header: one small indexed query, only when a page shows it.

The count stops at BADGE_MAX (« 99+ »): the query reads at most BADGE_MAX + 1 ids through the
partial index of unread notifications, and never counts a whole table.
"""

from django.utils.functional import cached_property

BADGE_MAX = 99


class NotificationBadge:
    """`{{ notification_badge.unread }}` (a number, at most BADGE_MAX + 1) and `.label` ("3", "99+")."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def unread(self):
        from .models import Notification

        ids = Notification.objects.filter(recipient=self.user, read_at__isnull=True).order_by().values_list(
            "pk", flat=True)[:BADGE_MAX + 1]
        return len(ids)

    @property
    def label(self):
        return f"{BADGE_MAX}+" if self.unread > BADGE_MAX else str(self.unread)


def notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notification_badge": NotificationBadge(user)}
