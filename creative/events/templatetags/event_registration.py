"""The registration block of an event page (templates/events/_registration.html).

    {% load event_registration %}{% registration_panel event as panel %}

`panel` holds what the block shows: seats left, whether one may register (or why not), the
signed-in account holder's own registration (status, waiting position, their registration page,
the online link when it is time), and the guest form for everybody else. Three small queries.
"""

from django import template
from django.urls import reverse
from django.utils import timezone

from creative.events import services
from creative.events.views.registration import guest_form

register = template.Library()


@register.simple_tag(takes_context=True)
def registration_panel(context, event):
    request = context.get("request")
    user = getattr(request, "user", None)
    now = timezone.now()
    is_open, reason = services.registration_open(event, now)
    account = services.is_account_holder(user)
    mine = services.registration_of(event, user) if account else None
    return {
        "open": is_open,
        "reason": reason,
        "capacity": event.capacity,
        "seats_left": services.seats_left(event),
        "account": account,
        "signed_in": bool(getattr(user, "is_authenticated", False)),
        "mine": mine,
        "position": services.waiting_position(mine) if mine is not None else None,
        "manage_url": reverse("events:cancel", args=[mine.token]) if mine is not None else "",
        "online_visible": services.online_link_visible(event, mine, now),
        "online_from": services.online_link_available_at(event),
        "form": guest_form(user) if is_open and not account and mine is None else None,
        "register_url": reverse("events:register", args=[event.slug]),
        "login_url": f"{reverse('account_login')}?next={event.get_absolute_url()}",
        "past": event.ends_at <= now,
        "started": event.starts_at <= now,
    }
