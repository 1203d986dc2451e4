"""Creating and changing events: every write of the organise views goes through here.

- `save_event(event, themes=, innovations=)` — save an event, keep `Event.territories` (the
  commune and every territory containing it, for the agenda's filters) and raise `sequence`
  (iCalendar SEQUENCE) when its date, place, online mode or state changed.
- `propose(form, user)` — a valid EventForm becomes one event, or a Series of dates created in
  one go. Editors of the commune (and administrators) publish directly; anybody else's events
  wait as PROPOSED for those editors, who are mailed. A description scored as spam is still
  proposed, logged ("spam.suspected") and held in the moderation queue.
- `publish / reject(events, editor)` — an editor's decision, mailed to the organiser.
- `update(event, form, user)` — an organiser's change; the registered people hear of a new
  date or place (services.notify_change), a raised capacity promotes the waiting list.
- `cancel(event, user, message)` — the event stays in the agenda, marked cancelled.
- `write_to_attendees(event, user, subject, message)` — one mail per registered person.

Every change is recorded in the audit log ("event.*").
"""

import inspect
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from creative.accounts import roles
from creative.accounts.roles import Role
from creative.antispam.scoring import assess, remember
from creative.audit import record
from creative.core.tasks import enqueue_on_commit, mail_each, send_templated_mail_task

from .forms import describe_local
from .models import Event, Registration, Series
from .permissions import can_validate

logger = logging.getLogger(__name__)

# What raises an event's SEQUENCE, by aspect (the "what" of a change).
ASPECTS = {
    "date": ("starts_at", "ends_at"),
    "place": ("commune_id", "address", "is_online"),
    "point": ("latitude", "longitude"),
    "state": ("state",),
}
SCORED_KIND = "event"


# Saving ------------------------------------------------------------------------------------------

def changed_aspects(event):
    """The aspects ("date", "place", "point", "state") of `event` that differ from its saved row."""
    if event.pk is None:
        return set()
    fields = [field for names in ASPECTS.values() for field in names]
    saved = Event.objects.filter(pk=event.pk).values(*fields).first()
    if saved is None:
        return set()
    return {aspect for aspect, names in ASPECTS.items() if any(getattr(event, n) != saved[n] for n in names)}


def territories_of(commune):
    return [commune, *commune.ancestors] if commune is not None else []


@transaction.atomic
def save_event(event, *, themes=None, innovations=None):
    """Save `event`; keep its territories; raise its sequence when its date, place or state changed.

    `themes` and `innovations` (iterables) replace the event's when given. Returns the event.
    """
    if event.pk is not None and changed_aspects(event):
        saved = Event.objects.filter(pk=event.pk).values_list("sequence", flat=True).first() or 0
        event.sequence = max(event.sequence, saved) + 1
    event.save()
    event.territories.set(territories_of(event.commune))
    if themes is not None:
        event.themes.set(themes)
    if innovations is not None:
        event.innovations.set(innovations)
    return event


# Proposing ----------------------------------------------------------------------------------------

def _scope(organiser_pk):
    """One anti-spam scope per organiser: their weekly workshop's text is not a repeat of itself."""
    return f"events-of:{organiser_pk}"


def _score(texts, user, scope, request):
    """The anti-spam verdict on `texts`, or None when the check itself fails (never blocks a proposal)."""
    texts = [text for text in texts if text and text.strip()]
    if not texts:
        return None
    try:
        verdict = assess(texts, author=user, kind=SCORED_KIND, scope=scope, request=request)
        remember(texts, scope=scope)
        return verdict
    except Exception:
        logger.exception("Anti-spam check of an event failed; it is saved unchecked.")
        return None


def _flag_spam(events, user, verdict):
    """Log the suspicion and hold each event in the moderation queue (when events are moderatable)."""
    from creative.moderation.models import ModerationItem
    from creative.moderation.services import ModerationError, hold

    for event in events:
        record(user, "spam.suspected", event, score=verdict.score, reasons=verdict.codes)
        try:
            hold(event, cause=ModerationItem.Cause.SPAM, score=verdict.score, reasons=verdict.reasons)
        except ModerationError:
            logger.warning("Events are not moderatable content: event %s is only logged as suspected spam.", event.pk)


def propose(form, user, *, request=None):
    """Create the event(s) of a valid EventForm; returns them, first date first.

    One date, or a Series with one event per date (same local wall-clock time on each side of a
    daylight-saving change). Published at once when `user` may validate it (an editor of its
    commune, an administrator) and its text is not suspected of spam; PROPOSED otherwise.
    """
    dates = form.dates()
    verdict = _score([form.cleaned_data["title"], form.cleaned_data["description"]], user, _scope(user.pk), request)
    suspected = verdict is not None and verdict.held
    with transaction.atomic():
        series = None
        if len(dates) > 1:
            series = Series.objects.create(title=form.cleaned_data["title"], rule=form.repeat_rule, created_by=user)
        events = []
        for starts_at, ends_at in dates:
            event = form.apply(Event(), starts_at=starts_at, ends_at=ends_at)
            event.organiser = user
            event.created_by = user
            event.series = series
            direct = not suspected and can_validate(user, event)
            event.state = Event.State.PUBLISHED if direct else Event.State.PROPOSED
            save_event(event, themes=form.cleaned_data.get("themes") or [], innovations=form.linked_fiches)
            record(user, "event.published" if direct else "event.proposed", event,
                   series=series.pk if series else None, direct=direct)
            events.append(event)
        if suspected:
            _flag_spam(events, user, verdict)
        published = [e for e in events if e.state == Event.State.PUBLISHED]
        if published:
            from creative.notifications import sources as notifications

            notifications.events_published(published, user)
        proposed = [e for e in events if e.state == Event.State.PROPOSED]
        if proposed:
            mail_each(validators_of(proposed[0]), "event_proposed", _proposal_context(proposed, user), exclude=[user])
    return events


def validators_of(event):
    """Who hears of a proposal: the editors covering its commune (every editor for an online one without
    a commune); the administrators when there are none."""
    User = get_user_model()
    editors = User.objects.filter(is_active=True, groups__name=roles.GROUP_ROLES[Role.EDITOR])
    if event.commune_id is not None:
        editors = editors.filter(editor_scopes__territory__in=territories_of(event.commune))
    found = list(editors.distinct())
    return found or list(User.objects.filter(is_active=True, is_superuser=True))


# Mails ---------------------------------------------------------------------------------------------

def absolute(path):
    return settings.SITE_URL.rstrip("/") + path


def _name(user):
    return str(user.display_name) if user is not None and user.is_authenticated else ""


def _place(event):
    if event.is_online and not event.commune_id:
        return translation.gettext("en ligne")
    parts = [event.address, event.commune.name if event.commune_id else ""]
    text = ", ".join(part for part in parts if part)
    return f"{text} ({translation.gettext('et en ligne')})" if event.is_online else text


def _event_context(events):
    """JSON-safe facts about a date (or the dates of a series) for a mail."""
    first = events[0]
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "title": first.title,
            "url": absolute(first.get_absolute_url()),
            "when": describe_local(first.starts_at),
            "dates": [describe_local(event.starts_at) for event in events],
            "count": len(events),
            "place": _place(first),
        }


def _proposal_context(events, user):
    return {
        **_event_context(events),
        "actor": _name(user),
        "queue_url": absolute(reverse("events:review_queue")),
    }


def organiser_of(event):
    """Who is told of an editor's decision: the organiser, else the person who created the event."""
    return event.organiser or event.created_by


def _mail_organiser(events, template, editor, **extra):
    person = organiser_of(events[0])
    if person is None:
        return 0
    context = {**_event_context(events), "actor": _name(editor), **extra}
    return mail_each([person], template, context, exclude=[editor])


# Decisions ---------------------------------------------------------------------------------------

class DecisionError(Exception):
    """A decision that no longer applies (the event was decided meanwhile); str() is French."""


def _decide(events, editor, state, action, **data):
    decided = []
    with transaction.atomic():
        for event in Event.objects.select_for_update().filter(pk__in=[e.pk for e in events]).order_by("starts_at"):
            if event.state != Event.State.PROPOSED:
                continue
            event.state = state
            if state == Event.State.REJECTED:
                event.rejection_reason = data.get("reason", "")
            save_event(event)
            record(editor, action, event, **data)
            decided.append(event)
        if not decided:
            raise DecisionError(translation.gettext("Cet événement a déjà été traité."))
    return decided


def publish(events, editor):
    """Publish the PROPOSED events among `events`; the organiser is mailed once. Returns those published."""
    decided = _decide(events, editor, Event.State.PUBLISHED, "event.published")
    _mail_organiser(decided, "event_published", editor)
    from creative.notifications import sources as notifications

    notifications.events_published(decided, editor)
    return decided


def reject(events, editor, reason):
    """Reject the PROPOSED events among `events` with `reason`, mailed to the organiser."""
    decided = _decide(events, editor, Event.State.REJECTED, "event.rejected", reason=reason)
    _mail_organiser(decided, "event_rejected", editor, reason=reason)
    return decided


# Changes --------------------------------------------------------------------------------------------

def _services():
    """The registration helper's services module (imported lazily: it depends on these models)."""
    from creative.events import services

    return services


def _call_service(name, *args, **kwargs):
    function = getattr(_services(), name, None)
    if function is None:
        logger.error("creative.events.services.%s is missing: the registered people were not told.", name)
        return None
    return function(*args, **kwargs)


def update(event, form, user, *, request=None):
    """Apply a valid EventForm (without recurrence) to `event`; returns the aspects changed.

    On a published event a new date, or a new place, is mailed to the registered people
    (notify_change "date", else "place"); a capacity raised or removed promotes the waiting list.
    """
    old_capacity = event.capacity
    old_texts = (event.title, event.description)
    form.apply(event)
    aspects = changed_aspects(event)
    changed = sorted(name for name in form.changed_data if name not in ("homepage", "opened_at"))
    with transaction.atomic():
        save_event(event, themes=form.cleaned_data.get("themes") or [], innovations=form.linked_fiches)
        record(user, "event.updated", event, fields=changed, aspects=sorted(aspects))
        if (event.title, event.description) != old_texts:
            verdict = _score([event.title, event.description], user,
                             _scope(event.organiser_id or event.created_by_id or user.pk), request)
            if verdict is not None and verdict.held:
                _flag_spam([event], user, verdict)
        if event.state == Event.State.PUBLISHED:
            if "date" in aspects:
                _call_service("notify_change", event, what="date")
            elif "place" in aspects:
                _call_service("notify_change", event, what="place")
            raised = old_capacity is not None and (event.capacity is None or event.capacity > old_capacity)
            if raised:
                _call_service("capacity_changed", event)
    return aspects


def cancel(event, user, message=""):
    """Cancel `event` (it stays in the agenda, marked so); the registered people are told."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if event.state not in (Event.State.PROPOSED, Event.State.PUBLISHED):
            raise DecisionError(translation.gettext("Cet événement ne peut plus être annulé."))
        was_public = event.state == Event.State.PUBLISHED
        event.state = Event.State.CANCELLED
        save_event(event)
        record(user, "event.cancelled", event, message=message)
        if was_public:
            notify = getattr(_services(), "notify_change", None)
            if notify is None:
                logger.error("creative.events.services.notify_change is missing: nobody was told of the cancellation.")
            elif "message" in inspect.signature(notify).parameters:
                notify(event, what="cancelled", message=message)
            else:
                notify(event, what="cancelled")
                if message.strip():  # the organiser's words, in a message of their own
                    subject = translation.gettext("Annulation : %(title)s") % {"title": event.title}
                    write_to_attendees(event, user, subject, message, include_waiting=True)
    return event


# Attendees ---------------------------------------------------------------------------------------

def attendee_name(registration):
    if registration.name:
        return registration.name
    return _name(registration.user)


def attendee_email(registration):
    return registration.email or (registration.user.email if registration.user_id else "")


def write_to_attendees(event, user, subject, message, *, include_waiting=False):
    """Mail `subject`/`message` to each confirmed (and waiting) person, one message each; returns the count."""
    statuses = [Registration.Status.CONFIRMED]
    if include_waiting:
        statuses.append(Registration.Status.WAITING)
    registrations = event.registrations.filter(status__in=statuses).select_related("user")
    addresses = sorted({attendee_email(r).strip().lower() for r in registrations if attendee_email(r)})
    context = {
        **_event_context([event]),
        "subject": subject,
        "message": message,
        "actor": _name(user),
        "organisation": event.organisation.name if event.organisation_id else "",
    }
    with transaction.atomic():
        for address in addresses:
            enqueue_on_commit(send_templated_mail_task, "event_message", context, [address])
        record(user, "event.attendees_written", event, subject=subject, recipients=len(addresses),
               include_waiting=include_waiting)
    return len(addresses)


def set_attendance(registration, user, attended):
    """Check a person in (True), out (False) or clear the mark (None)."""
    registration.attended = attended
    registration.save(update_fields=["attended"])
    return registration
