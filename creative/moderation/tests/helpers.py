"""Helpers of the moderation tests."""

import html
import re

from django.urls import reverse

from creative.audit.models import AuditEntry


def report_url(obj):
    return reverse("moderation:report", args=[obj._meta.label_lower, obj.pk])


def post_report(client, obj, reason="abusive", text="", address="203.0.113.1", agent="Firefox", fields=None, **meta):
    """A report as a visitor at `address` (or the client's signed-in account) sends it; `fields` adds form data."""
    return client.post(
        report_url(obj), {"reason": reason, "text": text, **(fields or {})},
        REMOTE_ADDR=address, HTTP_USER_AGENT=agent, **meta,
    )


def page_text(response):
    """The page as a person reads it: tags dropped, entities decoded, whitespace collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def log_of(obj):
    """[(action, actor)] recorded on `obj`, oldest first."""
    from django.contrib.contenttypes.models import ContentType

    entries = AuditEntry.objects.filter(
        target_type=ContentType.objects.get_for_model(obj), target_id=str(obj.pk)
    ).order_by("created_at", "pk")
    return [(entry.action, entry.actor) for entry in entries]
