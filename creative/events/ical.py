"""iCalendar (RFC 5545) documents of events: one event, the agenda, a person's registrations.

Times are written in the Europe/Paris zone (TIME_ZONE) with its VTIMEZONE, so a calendar shows
an event at the wall-clock time the organiser chose on either side of a daylight-saving change.
Each event keeps one UID for life and a SEQUENCE raised by every change of date, place or state
(`Event.sequence`), so calendar clients update the copy they have instead of adding another.
Nobody's address appears in a document: the organiser is named, never mailed.
"""

import zoneinfo

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.html import strip_tags

from creative.core.markdown import render_markdown

PRODID = "-//Brest Créative//Agenda//FR"


def uid(event):
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "brest-creative"
    return f"event-{event.pk}@{host}"


def _location(event):
    if event.is_online:
        return "En ligne"
    parts = [event.address, event.commune.name if event.commune_id else ""]
    return ", ".join(p for p in parts if p)


def vevent(event, *, online_url="", dtstamp=None, status=None):
    """The VEVENT of `event`; `online_url` is added only for a registered person's own copy.

    `dtstamp` defaults to now (the time an invitation is made); a published feed passes the
    event's last change instead, so the same data gives the same document. `status` overrides
    the STATUS read from the event ("TENTATIVE" for a place on a waiting list).
    """
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    component = icalendar.Event()
    component.add("uid", uid(event))
    component.add("sequence", event.sequence)
    component.add("dtstamp", dtstamp or timezone.now())
    component.add("dtstart", event.starts_at.astimezone(zone))
    component.add("dtend", event.ends_at.astimezone(zone))
    component.add("summary", event.title)
    url = settings.SITE_URL.rstrip("/") + event.get_absolute_url()
    component.add("url", url)
    description = strip_tags(render_markdown(event.description)).strip()
    if online_url:
        description = f"{description}\n\nLien de connexion : {online_url}"
    component.add("description", f"{description}\n\n{url}".strip())
    location = online_url or _location(event)
    if location:
        component.add("location", location)
    point = event.map_point if not event.is_online else None
    if point:
        component.add("geo", point)
    if event.state == event.State.CANCELLED:
        component.add("status", "CANCELLED")
    else:
        component.add("status", status or "CONFIRMED")
    if event.kind_id:
        component.add("categories", [event.kind.name])
    return component


def calendar(events, *, name, method=None, online_urls=None, statuses=None):
    """A VCALENDAR with `events` (an iterable of Event). Returns bytes.

    `online_urls` maps event ids to the connection link for a registered person's own copy.
    `statuses` maps event ids to a STATUS overriding the event's (see `vevent`).
    `method` ("PUBLISH", "REQUEST", "CANCEL") for invitations attached to mails. Without a
    method (a published feed), DTSTAMP is the event's last change (RFC 5545, 3.8.7.2).
    """
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    if method:
        cal.add("method", method)
    online_urls = online_urls or {}
    statuses = statuses or {}
    for event in events:
        stamp = None if method else getattr(event, "updated_at", None)
        cal.add_component(
            vevent(event, online_url=online_urls.get(event.pk, ""), dtstamp=stamp, status=statuses.get(event.pk))
        )
    cal.add_missing_timezones()
    return cal.to_ical()
