"""Agenda template helpers.

    {% load events %}
    {% fiche_events innovation %}   the « Ateliers et rencontres liés » block of a fiche
    {{ event|event_when }}          "mardi 3 mars 2026, 18 h 00 – 20 h 00" in local time
"""

from django import template
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from creative.events.models import Event

register = template.Library()

PAST_ON_FICHE = 3
UPCOMING_ON_FICHE = 20


def _day(value):
    return dateformat.format(value, "l j F Y")


def _time(value):
    return dateformat.format(value, r"G \h i")


def when(event):
    """The dates of `event` in words, in local time (Europe/Paris), across midnight if need be."""
    start = timezone.localtime(event.starts_at)
    end = timezone.localtime(event.ends_at)
    if start.date() == end.date():
        return _("%(day)s, %(start)s – %(end)s") % {"day": _day(start), "start": _time(start), "end": _time(end)}
    return _("%(day)s, %(start)s – %(end_day)s, %(end)s") % {
        "day": _day(start), "start": _time(start), "end_day": _day(end), "end": _time(end),
    }


@register.filter
def event_when(event):
    return when(event)


@register.filter
def event_time(event):
    """"18 h 00 – 20 h 00" (the day is given by the heading it sits under)."""
    start = timezone.localtime(event.starts_at)
    end = timezone.localtime(event.ends_at)
    if start.date() == end.date():
        return _("%(start)s – %(end)s") % {"start": _time(start), "end": _time(end)}
    return _("%(start)s – %(end_day)s, %(end)s") % {"start": _time(start), "end_day": _day(end), "end": _time(end)}


@register.inclusion_tag("events/_fiche_events.html")
def fiche_events(innovation):
    """Upcoming events linked to a published fiche, and its last few past ones; nothing when none."""
    upcoming, past = [], []
    if innovation.pk and getattr(innovation, "is_published", False):
        linked = Event.objects.filter(innovations=innovation).select_related("kind", "commune", "organisation")
        now = timezone.now()
        upcoming = list(linked.upcoming(now).order_by("starts_at", "pk")[:UPCOMING_ON_FICHE])
        past = list(linked.past(now).order_by("-starts_at", "-pk")[:PAST_ON_FICHE])
    return {"innovation": innovation, "upcoming": upcoming, "past": past}
