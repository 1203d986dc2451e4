"""Registrations to events: seats, waiting list, guests' double opt-in, cancellation, mails, reminders.

Who registers how
    Account holders — accounts allowed to contribute (`permissions.can_contribute`: a verified
    email address, or a role given by the team) — register in one click: their address is known
    to be theirs. Everybody else, visitors and signed-in accounts whose address is not verified
    yet, registers as a guest with a name and an address, and confirms by email (double opt-in)
    before a seat is theirs: a PENDING registration holds no seat, the seat (or the place on the
    waiting list) is decided when the link is used.

Capacity
    Every decision about seats (register, confirm, cancel, promote) runs in one transaction that
    first locks the event row (`select_for_update`): PostgreSQL serialises them on that row, and
    SQLite runs its transactions IMMEDIATE (config/settings.py), one writer at a time. The count
    of confirmed registrations read under the lock is therefore exact: capacity is never exceeded.
    Lowering the capacity below the confirmed count removes nobody; new people go to the waiting
    list until enough seats free.

Waiting list
    In order of `waiting_since`. When a seat frees (a cancellation, a raised capacity) the first
    waiting people are promoted at once, until the event starts, and told by email.

Mails
    All go through the task worker after commit, to `Registration.email` (for account holders,
    their address when they registered), never to anybody else: one message per registration.
    Each carries the link of the person's registration page (`events:cancel`, the registration's
    secret token), which shows the registration, the online link when it is time, and cancels it.
    Confirmations, promotions, reminders and changes carry the event as an `.ics` attachment.

Duplicates
    One live registration per address and event. Registering again returns the existing one; a
    guest form naming an address already registered sends a reminder of that registration to that
    address only, and the page says the same thing whatever the case, so nothing leaks.

Reminders
    On confirmation a task is enqueued for `starts_at − EVENTS_REMINDER_HOURS`; the task (and the
    `send_event_reminders` safety-net command) locks the registration row and sends only once
    (`reminded_at`). A person confirmed less than EVENTS_REMINDER_HOURS before the start gets no
    separate reminder: their confirmation mail, just sent, says the same thing.
"""

import logging
from contextlib import suppress
from datetime import timedelta
from functools import reduce
from operator import or_

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from creative.accounts.permissions import can_contribute
from creative.core.tasks import enqueue_on_commit, send_templated_mail_task

from . import ical
from .models import Event, Registration

logger = logging.getLogger(__name__)

CONFIRM_SALT = "events.confirm"
CHANGES = ("date", "place", "cancelled")
Status = Registration.Status


class RegistrationRefused(Exception):
    """Registering (or confirming) is not possible now; str() is a French reason for the person."""


class LinkGone(Exception):
    """A confirmation or registration link that no longer works (expired, used, cancelled): HTTP 410."""

    def __init__(self, message, registration=None):
        super().__init__(message)
        self.registration = registration


class LinkInvalid(Exception):
    """A confirmation link that was never ours (altered, truncated): HTTP 404."""


# Reading ---------------------------------------------------------------------------------------------------


def is_account_holder(user):
    """Registers in one click: a signed-in, active account whose address is verified (can_contribute)."""
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active
                and user.email and can_contribute(user))


def seats_left(event):
    """Free seats (never negative), or None when the event has no capacity limit."""
    if event.capacity is None:
        return None
    taken = Registration.objects.filter(event=event, status=Status.CONFIRMED).count()
    return max(0, event.capacity - taken)


def waiting_count(event):
    return Registration.objects.filter(event=event, status=Status.WAITING).count()


def waiting_position(registration):
    """1 for the first person on the waiting list; None when not waiting."""
    if registration.status != Status.WAITING or registration.waiting_since is None:
        return None
    since = registration.waiting_since
    return Registration.objects.filter(event_id=registration.event_id, status=Status.WAITING).filter(
        Q(waiting_since__lt=since) | Q(waiting_since=since, pk__lte=registration.pk)
    ).count()


def registration_open(event, now=None):
    """(True, "") when one may register now, else (False, the reason in French)."""
    now = now or timezone.now()
    if event.state == Event.State.CANCELLED:
        return False, _("Cet événement est annulé : les inscriptions sont fermées.")
    if event.state != Event.State.PUBLISHED:
        return False, _("Cet événement n'est pas publié : on ne peut pas encore s'y inscrire.")
    if event.ends_at <= now:
        return False, _("Cet événement est passé.")
    if event.starts_at <= now:
        return False, _("Cet événement a commencé : les inscriptions sont closes.")
    if event.registration_opens_at and now < event.registration_opens_at:
        return False, _("Les inscriptions ouvrent le %(date)s.") % {"date": local(event.registration_opens_at)}
    if event.registration_closes_at and now >= event.registration_closes_at:
        return False, _("Les inscriptions sont closes depuis le %(date)s.") % {
            "date": local(event.registration_closes_at)}
    return True, ""


def online_link_available_at(event):
    """When the online link starts being shown to registered people (None for events in a place)."""
    if not (event.is_online and event.online_url):
        return None
    return event.starts_at - timedelta(minutes=settings.EVENTS_ONLINE_LINK_MINUTES)


def online_link_visible(event, registration, now=None):
    """Whether `registration` (the person's own, confirmed) may see the online link now.

    From EVENTS_ONLINE_LINK_MINUTES before the start until the end, for a published online event.
    """
    now = now or timezone.now()
    available_at = online_link_available_at(event)
    return bool(
        available_at is not None
        and registration is not None
        and registration.event_id == event.pk
        and registration.status == Status.CONFIRMED
        and event.state == Event.State.PUBLISHED
        and available_at <= now <= event.ends_at
    )


def registration_of(event, user):
    """The live registration of an account holder to `event` (by account, else by address), or None."""
    if not is_account_holder(user):
        return None
    found = list(
        Registration.objects.filter(event=event).active()
        .filter(Q(user=user) | Q(email__iexact=user.email)).order_by("pk")[:2]
    )
    mine = [r for r in found if r.user_id == user.pk]
    return (mine or found or [None])[0]


# Formatting (mails and messages) -----------------------------------------------------------------------


def local(value, fmt=None):
    """A date and time in Europe/Paris, in French: « mardi 3 mars 2026 à 18 h 30 »."""
    with translation.override(settings.LANGUAGE_CODE):
        moment = timezone.localtime(value)
        return _("%(day)s à %(time)s") % {"day": formats.date_format(moment, fmt or "l j F Y"),
                                          "time": formats.date_format(moment, r"G \h i")}


def when_text(event):
    """« mardi 3 mars 2026, de 18 h 30 à 20 h 00 », or « du … au … » over several days."""
    with translation.override(settings.LANGUAGE_CODE):
        start, end = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
        if start.date() == end.date():
            return _("%(day)s, de %(start)s à %(end)s") % {
                "day": formats.date_format(start, "l j F Y"),
                "start": formats.date_format(start, r"G \h i"),
                "end": formats.date_format(end, r"G \h i"),
            }
        return _("du %(start)s au %(end)s") % {"start": local(start), "end": local(end)}


def place_text(event):
    if event.is_online:
        return _("En ligne")
    parts = [event.address, event.commune.name if event.commune_id else ""]
    return ", ".join(p for p in parts if p)


def organiser_text(event):
    names = []
    if event.organiser_id:
        names.append(str(event.organiser.display_name))
    if event.organisation_id:
        names.append(event.organisation.name)
    return " — ".join(names)


def _absolute(path):
    return settings.SITE_URL.rstrip("/") + path


def manage_url(registration):
    """The person's registration page (status, online link, cancellation): works without signing in."""
    return _absolute(reverse("events:cancel", args=[registration.token]))


def confirmation_token(registration):
    return signing.dumps({"r": registration.pk, "t": registration.token.hex}, salt=CONFIRM_SALT, compress=True)


def confirmation_url(registration):
    return _absolute(reverse("events:confirm", args=[confirmation_token(registration)]))


def registration_from_confirmation(token):
    """The registration a guest's confirmation link names.

    Raises LinkInvalid for a link that is not ours, LinkGone for an expired one (with the
    registration, so the page can say more) or one naming a registration that no longer exists.
    """
    max_age = settings.EVENTS_GUEST_CONFIRM_HOURS * 3600
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=max_age)
    except signing.SignatureExpired:
        data = _unsigned(token)
        registration = _registration_for(data) if data else None
        raise LinkGone(_(
            "Ce lien de confirmation a expiré : il était valable %(hours)s heures. Inscrivez-vous de nouveau depuis "
            "la page de l'événement, un nouveau lien vous sera envoyé."
        ) % {"hours": settings.EVENTS_GUEST_CONFIRM_HOURS}, registration) from None
    except signing.BadSignature:
        raise LinkInvalid(_("Ce lien de confirmation n'existe pas. Vérifiez qu'il a été copié en entier.")) from None
    registration = _registration_for(data)
    if registration is None:
        raise LinkGone(_("Cette inscription n'existe plus."))
    return registration


def _unsigned(token):
    try:  # the signature is valid (only too old): its content can be trusted
        return signing.loads(token, salt=CONFIRM_SALT)
    except signing.BadSignature:
        return None


def _registration_for(data):
    if not isinstance(data, dict):
        return None
    registration = Registration.objects.select_related("event").filter(pk=data.get("r")).first()
    if registration is None or registration.token.hex != data.get("t"):
        return None
    return registration


# Mails ------------------------------------------------------------------------------------------------------


def _context(registration, event, now=None):
    """What every event mail says, as JSON-ready values (the worker renders it later)."""
    now = now or timezone.now()
    available_at = online_link_available_at(event)
    visible = online_link_visible(event, registration, now)
    return {
        "name": registration.name,
        "title": event.title,
        "event_url": _absolute(event.get_absolute_url()),
        "when": when_text(event),
        "place": place_text(event),
        "is_online": event.is_online,
        "online_url": event.online_url if visible else "",
        "online_from": local(available_at) if available_at is not None and not visible else "",
        "organiser": organiser_text(event),
        "accessibility": event.accessibility,
        "price": "" if event.is_free else event.price_info,
        "status": registration.status,
        "status_label": str(registration.get_status_display()),
        "position": waiting_position(registration),
        "cancel_url": manage_url(registration),
        "is_cancelled_event": event.state == Event.State.CANCELLED,
    }


def ics_attachment(event, registration=None, *, method="PUBLISH", cancelled=False, now=None):
    """The event as an .ics attachment (a dict for send_templated_mail_task).

    The online link is in it only when `registration` may see it now; `cancelled` marks this
    copy cancelled (the person's own cancellation), as a cancelled event is.
    """
    online = {event.pk: event.online_url} if online_link_visible(event, registration, now) else None
    data = ical.calendar([event], name=event.title, method=method, online_urls=online)
    if cancelled and event.state != Event.State.CANCELLED:
        import icalendar

        document = icalendar.Calendar.from_ical(data)
        for component in document.walk("VEVENT"):
            component.pop("STATUS", None)
            component.add("status", "CANCELLED")
        data = document.to_ical()
    return {
        "filename": f"{(event.slug or 'evenement')[:80]}.ics",
        "content": data.decode("utf-8"),
        "mimetype": f"text/calendar; method={method}",
    }


def _mail(registration, template, *, event=None, ics=None, extra=None, now=None):
    """Enqueue `emails/<template>` for the person of `registration` alone, after commit."""
    event = event or registration.event
    context = {**_context(registration, event, now), **(extra or {})}
    attachments = [ics] if ics else None
    enqueue_on_commit(send_templated_mail_task, template, context, [registration.email], attachments=attachments)


def _mail_seat(registration, event, template, now=None):
    """The mail of a confirmed seat (confirmation or promotion), with the .ics, and the reminder's schedule."""
    registration.event = event
    _mail(registration, template, event=event, ics=ics_attachment(event, registration, now=now), now=now)
    schedule_reminder(registration, now=now)


# Deciding seats ---------------------------------------------------------------------------------------------


def _lock(event):
    """The event row, locked until the end of the transaction: the one place seats are decided."""
    return Event.objects.select_for_update().get(pk=event.pk)


def _lock_registration(registration):
    return Registration.objects.select_for_update().get(pk=registration.pk)


def _seat_or_wait(event, registration, now):
    """Give `registration` a seat if one is free (after the people already waiting), else a waiting place.

    Call with the event locked. Sends the matching mail. Returns the registration, saved.
    """
    _promote_locked(event, now)
    left = seats_left(event)
    if left is None or left > 0:
        registration.status, registration.confirmed_at = Status.CONFIRMED, now
        registration.save()
        _mail_seat(registration, event, "event_registration_confirmed", now)
    else:
        registration.status, registration.waiting_since = Status.WAITING, now
        registration.save()
        _mail(registration, "event_waiting_list", event=event, now=now)
    return registration


def register(event, *, user=None, name="", email="", request=None):
    """Register to `event`: an account holder in one click, anybody else as a guest (name and address).

    Returns the Registration: CONFIRMED or WAITING for an account holder, PENDING for a guest
    (a mail asks them to confirm). When the person (the account, or the address) already has a
    live registration, that one is returned with `was_existing = True` and nothing is created;
    a guest is then reminded of it by mail, at that address only. Raises RegistrationRefused
    (French reason) outside the registration window or for an unusable name or address.
    `request` is the web request, when there is one (its rate limit is the view's).
    """
    now = timezone.now()
    if is_account_holder(user):
        return _register_account(event, user, now)
    return _register_guest(event, name, email, now)


def _register_account(event, user, now):
    name = str(user.display_name)[:120]
    with transaction.atomic():
        event = _lock(event)
        existing = registration_of(event, user)
        if existing is not None:
            existing = _lock_registration(existing)
        if existing is not None and existing.status != Status.PENDING:
            existing.was_existing = True
            return existing
        ok, reason = registration_open(event, now)
        if not ok:
            raise RegistrationRefused(reason)
        if existing is not None:
            # A guest registration with the account's verified address, never confirmed: the account
            # proves the address, the seat is decided now.
            existing.user, existing.name = user, existing.name or name
            registration = existing
        else:
            registration = Registration(event=event, user=user, name=name, email=user.email.strip().lower())
        registration.was_existing = False
        return _seat_or_wait(event, registration, now)


def _register_guest(event, name, email, now):
    name, email = (name or "").strip(), (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        email = ""
    if not name or not email:
        raise RegistrationRefused(_("Indiquez votre nom et votre adresse électronique."))
    with transaction.atomic():
        event = _lock(event)
        # The window first: answering "closed" only to unknown addresses would tell who is registered.
        ok, reason = registration_open(event, now)
        if not ok:
            raise RegistrationRefused(reason)
        existing = Registration.objects.filter(event=event, email__iexact=email).active().first()
        if existing is not None:
            existing.was_existing = True
            if existing.status == Status.PENDING:
                # A new link, valid from now: the unconfirmed request is kept that long again.
                Registration.objects.filter(pk=existing.pk).update(created_at=now)
                _mail(existing, "event_guest_confirm", event=event, now=now, extra={
                    "confirm_url": confirmation_url(existing), "hours": settings.EVENTS_GUEST_CONFIRM_HOURS})
            else:
                _mail(existing, "event_already_registered", event=event, now=now)
            return existing
        registration = Registration.objects.create(event=event, name=name[:120], email=email, status=Status.PENDING)
        registration.was_existing = False
        _mail(registration, "event_guest_confirm", event=event, now=now, extra={
            "confirm_url": confirmation_url(registration), "hours": settings.EVENTS_GUEST_CONFIRM_HOURS})
        return registration


def confirm_guest(registration):
    """A guest used their confirmation link: a seat if one is free, else the waiting list (decided now).

    Raises LinkGone when the registration is no longer pending (the link was used, or it was
    cancelled), RegistrationRefused when the registration window has closed meanwhile.
    """
    now = timezone.now()
    with transaction.atomic():
        event = _lock(registration.event)
        registration = _lock_registration(registration)
        if registration.status != Status.PENDING:
            raise LinkGone(used_link_message(registration), registration)
        ok, reason = registration_open(event, now)
        if not ok:
            raise RegistrationRefused(reason)
        return _seat_or_wait(event, registration, now)


def used_link_message(registration):
    if registration.status == Status.CONFIRMED:
        return _("Ce lien a déjà servi : votre inscription est confirmée, votre place est réservée.")
    if registration.status == Status.WAITING:
        return _("Ce lien a déjà servi : vous êtes sur la liste d'attente.")
    return _("Cette inscription a été annulée : ce lien ne sert plus.")


def cancel(registration, *, by=None, notify=True):
    """Cancel `registration` (its person, through their link, or an organiser `by`); frees the seat.

    The first waiting people are promoted into freed seats. The person gets an acknowledgement
    (unless `notify` is False). An organiser's cancellation is recorded in the audit log
    ("events.registration_cancelled_by_organiser"). Raises LinkGone when already cancelled or
    when the event has started.
    """
    now = timezone.now()
    with transaction.atomic():
        event = _lock(registration.event)
        registration = _lock_registration(registration)
        if registration.status == Status.CANCELLED:
            raise LinkGone(_("Cette inscription est déjà annulée."), registration)
        if event.starts_at <= now and event.state != Event.State.CANCELLED:
            raise LinkGone(_("L'événement a commencé : l'inscription ne peut plus être annulée."), registration)
        held_seat = registration.status == Status.CONFIRMED
        registration.status, registration.cancelled_at = Status.CANCELLED, now
        registration.save(update_fields=["status", "cancelled_at"])
        by_organiser = by is not None and getattr(by, "is_authenticated", False) and by.pk != registration.user_id
        if by_organiser:
            from creative.audit import record

            record(by, "events.registration_cancelled_by_organiser", event, registration=registration.pk)
        if notify:
            ics = ics_attachment(event, registration, method="CANCEL", cancelled=True, now=now) if held_seat else None
            _mail(registration, "event_registration_cancelled", event=event, ics=ics, now=now,
                  extra={"by_organiser": by_organiser})
        if held_seat:
            _promote_locked(event, now)
    return registration


def _promote_locked(event, now):
    """Promote waiting people into free seats, first come first served. Call with the event locked."""
    if event.state != Event.State.PUBLISHED or event.starts_at <= now:
        return []
    promoted = []
    left = seats_left(event)
    while left is None or left > 0:
        first = (Registration.objects.select_for_update().filter(event=event, status=Status.WAITING)
                 .order_by("waiting_since", "pk").first())
        if first is None:
            break
        first.status, first.confirmed_at = Status.CONFIRMED, now
        first.save(update_fields=["status", "confirmed_at"])
        _mail_seat(first, event, "event_promoted", now)
        promoted.append(first)
        left = None if left is None else left - 1
    return promoted


def promote_waiting(event):
    """Give free seats to the first waiting people (told by mail). Returns the promoted registrations."""
    with transaction.atomic():
        return _promote_locked(_lock(event), timezone.now())


def capacity_changed(event):
    """After the capacity changed: a raised (or removed) limit promotes as many waiting people as new seats."""
    return promote_waiting(event)


def notify_change(event, *, what, message=""):
    """Tell every confirmed and waiting person that the date or place changed, or that the event is cancelled.

    `message`: the organisers' words (why it is cancelled…), quoted in the mail.
    Confirmed people get the updated .ics (its SEQUENCE is `event.sequence`, raised by the edit;
    METHOD:CANCEL for a cancelled event); waiting people, who had no calendar copy, the mail only.
    A new date reschedules the reminders. Returns the number of mails enqueued.
    """
    if what not in CHANGES:
        raise ValueError(f"what must be one of {CHANGES}, not {what!r}")
    now = timezone.now()
    event = Event.objects.select_related("commune", "organiser__profile", "organisation").get(pk=event.pk)
    registrations = list(
        Registration.objects.filter(event=event, status__in=(Status.CONFIRMED, Status.WAITING)).order_by("pk")
    )
    method = "CANCEL" if what == "cancelled" else "PUBLISH"
    ics = None  # the same document for every confirmed person
    for registration in registrations:
        if registration.status == Status.CONFIRMED and ics is None:
            ics = ics_attachment(event, registration, method=method, cancelled=what == "cancelled", now=now)
        _mail(registration, "event_changed", event=event, now=now,
              ics=ics if registration.status == Status.CONFIRMED else None,
              extra={"what": what, "message": (message or "").strip()})
    if what == "date":
        due = event.starts_at - timedelta(hours=settings.EVENTS_REMINDER_HOURS)
        for registration in registrations:
            if registration.status != Status.CONFIRMED:
                continue
            if registration.reminded_at is not None and due > now:
                # The reminder was for the old date: the new one gets its own.
                Registration.objects.filter(pk=registration.pk).update(reminded_at=None)
                registration.reminded_at = None
            registration.event = event
            schedule_reminder(registration, now=now)
    return len(registrations)


# Reminders --------------------------------------------------------------------------------------------------


def reminder_time(event):
    return event.starts_at - timedelta(hours=settings.EVENTS_REMINDER_HOURS)


def _reminder_wanted(registration, event, now):
    """Why no reminder is due for `registration` (a short code), or None when one is (now or later)."""
    if registration.status != Status.CONFIRMED:
        return "not_confirmed"
    if registration.reminded_at is not None:
        return "already_sent"
    if event.state != Event.State.PUBLISHED:
        return "not_published"
    if event.starts_at <= now:
        return "started"
    if registration.confirmed_at is not None and registration.confirmed_at >= reminder_time(event):
        return "confirmed_late"  # the confirmation mail, sent within the reminder window, stands for it
    return None


def schedule_reminder(registration, now=None):
    """Enqueue (after commit) the reminder of a confirmed registration for `starts_at − EVENTS_REMINDER_HOURS`.

    Returns the time it will run, or None when no reminder is wanted. Extra tasks are harmless:
    the task sends only once.
    """
    from . import tasks

    now = now or timezone.now()
    event = registration.event
    if _reminder_wanted(registration, event, now):
        return None
    due = reminder_time(event)
    enqueue_on_commit(tasks.send_reminder.using(run_after=due), registration.pk)
    return due


def send_reminder(registration_id, now=None):
    """Send the reminder of one registration if it is due and was never sent; the task's and the command's work.

    Locks the registration row: run twice, concurrently or not, it mails once. Too early (the
    date moved later), it schedules itself again for the new time. Returns what it did:
    "sent", "rescheduled", or the reason it skipped.
    """
    from . import tasks

    now = now or timezone.now()
    with transaction.atomic():
        registration = (Registration.objects.select_for_update(of=("self",)).select_related("event")
                        .filter(pk=registration_id).first())
        if registration is None:
            return "gone"
        event = registration.event
        skip = _reminder_wanted(registration, event, now)
        if skip:
            return skip
        due = reminder_time(event)
        if now < due:
            enqueue_on_commit(tasks.send_reminder.using(run_after=due), registration.pk)
            return "rescheduled"
        registration.reminded_at = now
        registration.save(update_fields=["reminded_at"])
        _mail(registration, "event_reminder", event=event, ics=ics_attachment(event, registration, now=now), now=now)
    return "sent"


def due_reminders(now=None):
    """Ids of the registrations whose reminder is due now and unsent (for the safety-net command)."""
    now = now or timezone.now()
    ahead = timedelta(hours=settings.EVENTS_REMINDER_HOURS)
    return list(
        Registration.objects.filter(
            status=Status.CONFIRMED, reminded_at__isnull=True, event__state=Event.State.PUBLISHED,
            event__starts_at__gt=now, event__starts_at__lte=now + ahead,
        ).filter(Q(confirmed_at__isnull=True) | Q(confirmed_at__lt=F("event__starts_at") - ahead))
        .order_by("event__starts_at", "pk").values_list("pk", flat=True)
    )


def purge_unconfirmed_registrations(now=None):
    """Delete the guests' registrations never confirmed within their link's lifetime.

    A PENDING registration holds no seat; once its confirmation link has expired
    (``EVENTS_GUEST_CONFIRM_HOURS`` after the request, or after the last link sent) nothing can
    confirm it, and an address given without confirmation is not kept. Returns the number deleted.
    """
    now = now or timezone.now()
    limit = now - timedelta(hours=settings.EVENTS_GUEST_CONFIRM_HOURS)
    deleted, _counts = Registration.objects.filter(status=Status.PENDING, created_at__lt=limit).delete()
    return deleted


# Personal data (registered in apps.py) ----------------------------------------------------------------------


def _theirs(user, addresses):
    by_address = reduce(or_, (Q(email__iexact=a) for a in addresses), Q())
    return Registration.objects.filter(Q(user=user) | by_address)


def export_personal_data(user):
    """The person's registrations (by account or by one of their addresses)."""
    from creative.accounts.personal_data import addresses_of

    rows = _theirs(user, addresses_of(user)).select_related("event").order_by("created_at", "pk")
    return [
        {
            "event": registration.event.title,
            "url": _absolute(registration.event.get_absolute_url()) if registration.event.is_public else None,
            "starts_at": registration.event.starts_at,
            "name": registration.name,
            "email": registration.email,
            "status": registration.status,
            "status_label": str(registration.get_status_display()),
            "created_at": registration.created_at,
            "confirmed_at": registration.confirmed_at,
            "waiting_since": registration.waiting_since,
            "cancelled_at": registration.cancelled_at,
            "reminded_at": registration.reminded_at,
            "attended": registration.attended,
        }
        for registration in rows
    ]


def erase_personal_data(user, *, anonymous, addresses):
    """Cancel the person's registrations to events still to come (seats go to the waiting list, no mail
    to them), then anonymise all of them: name « — », an undeliverable placeholder address, no account.
    Past registrations stay (as attendance counts for the organisers).
    """
    now = timezone.now()
    theirs = _theirs(user, addresses)
    for registration in theirs.active().filter(event__starts_at__gt=now).select_related("event"):
        with suppress(LinkGone):  # started meanwhile
            cancel(registration, notify=False)
    for pk in theirs.values_list("pk", flat=True):
        Registration.objects.filter(pk=pk).update(name="—", email=f"effacee-{pk}@invalid", user=None)
