"""The contact relay's part of a person's data (registered in apps.py).

Export: the metadata of the messages the person sent (signed in, or as a visitor with one of
their addresses), received, or answered for an organisation — never a text (none is stored).
Erasure: the addresses they left as a sender are erased, and their name too when they choose to
be anonymous; the records stay as counts (who received what, when).
"""

from functools import reduce
from operator import or_

from django.db.models import Q

from .models import ContactMessage


def _sent_by(user, addresses):
    by_address = reduce(or_, (Q(sender_email__iexact=a) for a in addresses), Q())
    return ContactMessage.objects.filter(Q(sender=user) | by_address)


def _to(message):
    if message.organisation_id:
        return message.organisation.name
    if message.recipient_id:
        return str(message.recipient.display_name)
    return None


def _row(message):
    return {
        "date": message.sent_at,
        "status": message.status,
        "status_label": str(message.get_status_display()),
        "fiche": message.ambassador.innovation.title if message.ambassador_id else None,
        "replied_at": message.replied_at,
    }


def export(user):
    from creative.accounts.personal_data import addresses_of

    related = ("organisation", "recipient__profile", "ambassador__innovation")
    sent = _sent_by(user, addresses_of(user)).select_related(*related).order_by("sent_at", "pk")
    received = ContactMessage.objects.filter(recipient=user).exclude(status=ContactMessage.Status.REFUSED)
    answered = ContactMessage.objects.filter(replied_by=user, organisation__isnull=False)
    return {
        "note": "Les textes des messages ne sont pas conservés par le site.",
        "sent": [
            {**_row(m), "to": _to(m), "your_name": m.sender_name, "your_email": m.sender_email or None}
            for m in sent
        ],
        "received": [
            {**_row(m), "from": m.sender_name}
            for m in received.select_related(*related).order_by("sent_at", "pk")
        ],
        "answered_for_organisations": [
            {**_row(m), "organisation": m.organisation.name, "from": m.sender_name}
            for m in answered.select_related(*related).order_by("sent_at", "pk")
        ],
    }


def erase(user, *, anonymous, addresses):
    from creative.accounts.personal_data import ANONYMOUS_NAME

    sent = _sent_by(user, addresses)
    if anonymous:
        sent.update(sender_email="", sender_name=str(ANONYMOUS_NAME))
    else:
        sent.update(sender_email="")
