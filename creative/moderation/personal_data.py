"""The moderation part of a person's data: the reports they made (private) are exported and erased."""

from .models import Report


def export(user):
    return [
        {"date": r.created_at.isoformat(), "content": str(r.item), "reason": r.reason, "text": r.text}
        for r in Report.objects.filter(reporter=user).select_related("item__content_type").order_by("created_at")
    ]


def erase(user, *, anonymous, addresses):
    # The report still counts (it was made), but what the person wrote and who they were go.
    Report.objects.filter(reporter=user).update(text="", reporter=None)
