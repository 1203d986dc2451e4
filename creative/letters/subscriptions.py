"""Subscribing to the weekly letter: double opt-in, preferences, unsubscribing, purging, personal data.

No account is needed: a subscriber is an address (``Subscriber``) with the territories and themes
it chose; its links are signed (tokens.py).

The subscription form never tells what it knows about an address. Whatever the address — new,
waiting for confirmation, subscribed, unsubscribed or bouncing — the form answers with the same
redirect and the same page, and queues one mail (the slow part, sending, is the worker's):

- a new, pending, unsubscribed or bouncing address receives a **confirmation mail** with a link
  valid ``LETTERS_CONFIRM_DAYS`` days; the form's territories and themes replace the stored ones
  (they are only used once somebody confirms from that mailbox). Each confirmation mail raises
  ``confirmation_sent_at``: only the newest link confirms;
- an **active** address receives a mail saying it is already subscribed, with its preferences and
  unsubscribe links; nothing of the subscription changes (whoever typed the address cannot change
  someone else's choices);
- at most ``MAILS_PER_ADDRESS_PER_HOUR`` mails go to one address per hour, however many times it
  is typed (nobody can flood a mailbox through the form); past that the form answers the same and
  nothing is sent or changed. The form is rate-limited per client address too (views).

Consent is recorded **on confirmation**: the confirmation page repeats the wording of the form's
checkbox, and the click that confirms stores it (``consent_text``) with its time (``consent_at``
and ``confirmed_at``). Until then nobody proved they own the mailbox, so a pending request is not
a consent, and an earlier consent of an unsubscribed address is not overwritten by a request
somebody else may have typed. Confirming makes the address active again whatever its state
(a bouncing address starts again with no hard bounces) and ends every outstanding confirmation
link (a used link answers « ce lien ne sert plus »).

Unsubscribing (a link in every letter, RFC 8058 one-click POST, or the preferences page) keeps
the row as UNSUBSCRIBED: it is never mailed again, and a new subscription is a new consent.
Pending addresses never confirmed are deleted once their link has expired
(``manage.py purge_letter_subscriptions``): without consent their address is not kept.

Nothing here goes to the audit log: its entries name their target by ``str()``, which for a
subscriber is its address.
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from creative.antispam import clock
from creative.core.tasks import enqueue_on_commit, send_templated_mail_task
from creative.territories.models import Territory

from . import tokens
from .models import Subscriber, normalise_email

State = Subscriber.State

CONFIRM_MAIL = "letter_confirm"
ALREADY_SUBSCRIBED_MAIL = "letter_confirm_already"
MAILS_PER_ADDRESS_PER_HOUR = 3
_MAIL_COUNTER = "letters:mails-to"


class LinkInvalid(Exception):
    """Not one of our links (altered, or its subscriber is gone): 404."""


def consent_text():
    """The consent the form's checkbox asks for and the confirmation page repeats (stored on confirmation)."""
    return _(
        "J'accepte de recevoir chaque semaine par courriel la lettre de %(site)s à cette adresse. Elle ne sert qu'à "
        "cela, n'est ni affichée ni transmise à quiconque, et chaque lettre contient un lien pour me désabonner en "
        "un clic."
    ) % {"site": settings.SITE_NAME}


def confirm_days():
    return settings.LETTERS_CONFIRM_DAYS


# Subscribing --------------------------------------------------------------------------------------------------


def request_subscription(email, *, territories=(), themes=()):
    """Someone asked, through the form, to receive the letter at `email` with these choices.

    Returns nothing: the caller answers the same whatever happened (see the module docstring).
    """
    email = normalise_email(email)
    if not _mail_allowed(email):
        return
    territories, themes = list(territories), list(themes)
    with transaction.atomic():
        subscriber, _created = Subscriber.objects.select_for_update().get_or_create(email=email)
        if subscriber.state == State.ACTIVE:
            _mail(subscriber, ALREADY_SUBSCRIBED_MAIL, {
                "preferences_url": tokens.preferences_url(subscriber),
                "unsubscribe_url": tokens.unsubscribe_url(subscriber),
            })
            return
        subscriber.territories.set(territories)
        subscriber.themes.set(themes)
        subscriber.confirmation_sent_at = _next_sending_time(subscriber.confirmation_sent_at)
        subscriber.save(update_fields=["confirmation_sent_at"])
        _mail(subscriber, CONFIRM_MAIL, {
            "confirm_url": tokens.confirm_url(subscriber),
            "days": confirm_days(),
            "territories": [t.name for t in sorted(territories, key=territory_order)],
            "themes": [t.name for t in sorted(themes, key=lambda t: (t.position, t.name))],
            "home": _home_name(),
        })


def _next_sending_time(previous):
    """Now — or one second after the previous mail: links carry whole seconds, and only the newest may work."""
    now = timezone.now()
    if previous is not None and int(now.timestamp()) <= int(previous.timestamp()):
        return previous.replace(microsecond=0) + timedelta(seconds=1)
    return now


def _mail_allowed(email):
    """Count one mail to `email`; False once MAILS_PER_ADDRESS_PER_HOUR were sent this hour."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{email}".encode()).hexdigest()[:24]
    key = f"{_MAIL_COUNTER}:{digest}:{int(clock.now() // 3600)}"
    cache.add(key, 0, timeout=3600 + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired or evicted between add() and incr()
        cache.set(key, 1, timeout=3600 + 60)
        count = 1
    return count <= MAILS_PER_ADDRESS_PER_HOUR


def _mail(subscriber, template, context):
    enqueue_on_commit(send_templated_mail_task, template, context, [subscriber.email])


def _home_name():
    home = Territory.objects.home()
    return home.name if home else ""


_LEVELS = list(Territory.Level.values)


def territory_order(territory):
    return (_LEVELS.index(territory.level) if territory.level in _LEVELS else len(_LEVELS), territory.name)


# Confirming ---------------------------------------------------------------------------------------------------


def subscriber_to_confirm(token):
    """The subscriber a confirmation link confirms. LinkInvalid (404) or tokens.ExpiredToken (410)."""
    subscriber = tokens.read_confirm_token(token)
    if subscriber is None:
        raise LinkInvalid
    if subscriber.confirmation_sent_at is None:  # used, or the address unsubscribed since
        raise tokens.ExpiredToken
    return subscriber


def confirm(token):
    """Confirm the subscription of a confirmation link (its POST): ACTIVE, consent recorded. Returns it.

    Raises LinkInvalid or tokens.ExpiredToken as subscriber_to_confirm(); the row is locked and the
    link checked again, so that two clicks confirm once.
    """
    subscriber = subscriber_to_confirm(token)
    now = timezone.now()
    with transaction.atomic():
        locked = Subscriber.objects.select_for_update().filter(pk=subscriber.pk).first()
        if locked is None:
            raise LinkInvalid
        if locked.confirmation_sent_at is None or locked.confirmation_sent_at != subscriber.confirmation_sent_at:
            raise tokens.ExpiredToken
        locked.state = State.ACTIVE
        locked.confirmed_at = locked.consent_at = now
        locked.consent_text = consent_text()
        locked.unsubscribed_at = None
        locked.hard_bounces = 0
        locked.confirmation_sent_at = None  # every confirmation link of this address stops working
        locked.save(update_fields=[
            "state", "confirmed_at", "consent_at", "consent_text", "unsubscribed_at", "hard_bounces",
            "confirmation_sent_at",
        ])
    return locked


# The subscriber's own links -----------------------------------------------------------------------------------


def subscriber_of(token):
    """The subscriber of a preferences or unsubscribe link; LinkInvalid (404) if not genuine."""
    subscriber = tokens.read_subscriber_token(token)
    if subscriber is None:
        raise LinkInvalid
    return subscriber


def can_change_preferences(subscriber):
    return subscriber.state in (State.ACTIVE, State.PENDING)


def save_preferences(subscriber, *, territories=(), themes=()):
    with transaction.atomic():
        subscriber.territories.set(list(territories))
        subscriber.themes.set(list(themes))


def unsubscribe(subscriber):
    """Stop every letter to `subscriber` (idempotent). Returns True when it was not unsubscribed yet."""
    with transaction.atomic():
        locked = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if locked.state == State.UNSUBSCRIBED:
            return False
        locked.state = State.UNSUBSCRIBED
        locked.unsubscribed_at = timezone.now()
        locked.confirmation_sent_at = None  # an outstanding confirmation link would subscribe it again
        locked.save(update_fields=["state", "unsubscribed_at", "confirmation_sent_at"])
    subscriber.state, subscriber.unsubscribed_at = locked.state, locked.unsubscribed_at
    return True


def masked(email):
    """« c…@example.org »: enough for a person to recognise their address on a page reached by a link."""
    local, _sep, domain = email.partition("@")
    return f"{local[:1]}…@{domain}" if domain else "…"


# Purging ------------------------------------------------------------------------------------------------------


def expired_pending(now=None):
    """PENDING subscribers whose newest confirmation link has expired (never confirmed)."""
    cutoff = (now or timezone.now()) - timedelta(days=confirm_days())
    return Subscriber.objects.filter(state=State.PENDING).filter(
        Q(confirmation_sent_at__lt=cutoff) | Q(confirmation_sent_at__isnull=True, created_at__lt=cutoff)
    )


def purge_expired_pending(now=None):
    """Delete them (their address was never confirmed: there is no consent to keep it). Returns the count."""
    _total, per_model = expired_pending(now).delete()
    return per_model.get(Subscriber._meta.label, 0)


# Personal data (registered in apps.py) ------------------------------------------------------------------------


def export_personal_data(user):
    """The letter subscriptions of the account's addresses."""
    from creative.accounts.personal_data import addresses_of

    rows = Subscriber.objects.filter(email__in=addresses_of(user)).prefetch_related("territories", "themes")
    return [
        {
            "email": s.email,
            "state": s.state,
            "state_label": str(s.get_state_display()),
            "territories": sorted(t.name for t in s.territories.all()),
            "themes": [t.name for t in sorted(s.themes.all(), key=lambda t: (t.position, t.name))],
            "subscribed_at": s.created_at,
            "consent_text": s.consent_text,
            "consent_at": s.consent_at,
            "confirmed_at": s.confirmed_at,
            "unsubscribed_at": s.unsubscribed_at,
        }
        for s in rows.order_by("email")
    ]


def erase_personal_data(user, *, anonymous, addresses):
    """The account's addresses leave the letter: their subscriber rows (and outbox rows) are deleted."""
    Subscriber.objects.filter(email__in=[normalise_email(a) for a in addresses]).delete()

