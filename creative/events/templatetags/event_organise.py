"""The organiser tools block of the event page: `{% load event_organise %}{% organiser_tools event %}`.

It renders nothing for people who do not manage the event (creative.events.permissions).
"""

from django import template
from django.db.models import Count

from ..models import Event, Registration
from ..permissions import can_edit_event, can_manage_event, can_validate

register = template.Library()


@register.inclusion_tag("events/organise/_tools.html", takes_context=True)
def organiser_tools(context, event):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not isinstance(event, Event) or not can_manage_event(user, event):
        return {"show": False}
    counts = dict(
        event.registrations.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return {
        "show": True,
        "event": event,
        "can_edit": can_edit_event(user, event),
        "can_decide": event.state == Event.State.PROPOSED and can_validate(user, event),
        "confirmed": counts.get(Registration.Status.CONFIRMED, 0),
        "waiting": counts.get(Registration.Status.WAITING, 0),
        "pending": counts.get(Registration.Status.PENDING, 0),
    }
