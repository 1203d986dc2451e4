"""Signed links of the weekly letter: confirmation (expiring) and a subscriber's own links.

A subscriber has no account: their links are signed with the site's secret. The confirmation
link expires after ``LETTERS_CONFIRM_DAYS`` and only the newest one works (it carries the time
the confirmation mail was sent). The subscriber link (preferences, one-click unsubscribe) does
not expire: it is in every letter, and an old letter's unsubscribe link must still work.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import Subscriber

CONFIRM_SALT = "creative.letters.confirm"
SUBSCRIBER_SALT = "creative.letters.subscriber"


def confirm_token(subscriber):
    sent = subscriber.confirmation_sent_at.timestamp() if subscriber.confirmation_sent_at else 0
    return signing.dumps({"s": subscriber.pk, "t": int(sent)}, salt=CONFIRM_SALT, compress=True)


class ExpiredToken(Exception):
    """The link was genuine but is too old, or a newer confirmation mail replaced it."""


def read_confirm_token(token):
    """The pending subscriber the link confirms; ExpiredToken if too old; None if not genuine."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=settings.LETTERS_CONFIRM_DAYS * 86400)
    except signing.SignatureExpired:
        raise ExpiredToken from None
    except signing.BadSignature:
        return None
    subscriber = Subscriber.objects.filter(pk=data.get("s")).first()
    if subscriber is None:
        return None
    sent = subscriber.confirmation_sent_at.timestamp() if subscriber.confirmation_sent_at else 0
    if int(sent) != data.get("t"):
        raise ExpiredToken
    return subscriber


def subscriber_token(subscriber):
    return signing.dumps({"s": subscriber.pk}, salt=SUBSCRIBER_SALT, compress=True)


def read_subscriber_token(token):
    """The subscriber of a preferences or unsubscribe link, or None if the link is not genuine."""
    try:
        data = signing.loads(token, salt=SUBSCRIBER_SALT)
    except signing.BadSignature:
        return None
    return Subscriber.objects.filter(pk=data.get("s")).first()


def confirm_url(subscriber):
    return settings.SITE_URL + reverse("letters:confirm", args=[confirm_token(subscriber)])


def unsubscribe_url(subscriber):
    """The one-click unsubscribe address (List-Unsubscribe, RFC 8058) and the body's link."""
    return settings.SITE_URL + reverse("letters:unsubscribe", args=[subscriber_token(subscriber)])


def preferences_url(subscriber):
    return settings.SITE_URL + reverse("letters:preferences", args=[subscriber_token(subscriber)])
