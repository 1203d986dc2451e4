"""iCal feeds of the agenda, and the page giving a person the address of their private feed.

- `agenda/<slug>.ics`: one event (the "Ajouter à mon agenda" link);
- `agenda.ics`: the agenda (upcoming events and those of the last 30 days), with the agenda's filters;
- `agenda/territoire/<slug>.ics`, `agenda/theme/<slug>.ics`: the same, for a territory or a theme;
- `agenda/mes-inscriptions/<token>.ics`: a person's registrations (confirmed, and waiting as
  TENTATIVE), with the connection link of online events once it is shown to them. The token is
  secret and revocable (`compte/calendrier/`); an unknown or revoked token answers 404.

Public feeds may be cached by anybody for five minutes; the private one only by its reader.
"""

import hashlib
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from creative.innovations.models import Theme
from creative.territories.models import Territory

from .. import ical
from ..filters import EventFilters
from ..models import CalendarToken, Event, Registration

RECENT_DAYS = 30
FEED_LIMIT = 2000
PUBLIC_MAX_AGE = 300


def ics_response(request, content, filename, *, private=False):
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if private:
        patch_cache_control(response, private=True, max_age=0, no_cache=True)
        response["X-Robots-Tag"] = "noindex"
    else:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    # The documents depend on the data only (DTSTAMP is the event's last change): a stable ETag.
    etag = '"%s"' % hashlib.sha256(content).hexdigest()[:32]  # noqa: UP031
    response["ETag"] = etag
    return get_conditional_response(request, etag=etag, response=response)


def feed_events(queryset, now=None):
    """Public events still useful in a calendar: the coming ones and those of the last 30 days."""
    since = (now or timezone.now()) - timedelta(days=RECENT_DAYS)
    return list(
        queryset.published().filter(ends_at__gte=since).select_related("kind", "commune").order_by("starts_at", "pk")[
            :FEED_LIMIT
        ]
    )


def feed_name(*parts):
    return " — ".join([settings.SITE_NAME, _("Agenda"), *parts])


@require_GET
def event_ics(request, slug):
    event = get_object_or_404(Event.objects.select_related("kind", "commune"), slug=slug)
    if not event.is_public:
        from .agenda import may_manage

        if not may_manage(request.user, event):
            raise Http404
    content = ical.calendar([event], name=event.title)
    return ics_response(request, content, f"{event.slug}.ics", private=not event.is_public)


@require_GET
def agenda_feed(request):
    filters = EventFilters(request.GET)
    events = feed_events(filters.apply(Event.objects.all()))
    parts = [filters.territory.name] if filters.territory else []
    return ics_response(request, ical.calendar(events, name=feed_name(*parts)), "agenda.ics")


@require_GET
def territory_feed(request, slug):
    territory = get_object_or_404(Territory, slug=slug)
    inside = Event.territories.through.objects.filter(territory=territory).values("event_id")
    events = feed_events(Event.objects.filter(pk__in=inside))
    return ics_response(request, ical.calendar(events, name=feed_name(territory.name)), f"agenda-{territory.slug}.ics")


@require_GET
def theme_feed(request, slug):
    theme = get_object_or_404(Theme, slug=slug)
    inside = Event.themes.through.objects.filter(theme=theme).values("event_id")
    events = feed_events(Event.objects.filter(pk__in=inside))
    return ics_response(request, ical.calendar(events, name=feed_name(theme.name)), f"agenda-{theme.slug}.ics")


def link_visible(event, registration, now):
    """Whether this person's copy may carry the connection link of an online event."""
    try:
        from creative.events.services import online_link_visible
    except ImportError:
        online_link_visible = None
    if online_link_visible is not None:
        return online_link_visible(event, registration, now=now)
    if registration.status != Registration.Status.CONFIRMED or event.state != Event.State.PUBLISHED:
        return False
    opens = event.starts_at - timedelta(minutes=settings.EVENTS_ONLINE_LINK_MINUTES)
    return opens <= now <= event.ends_at


@require_GET
def my_feed(request, token):
    calendar_token = CalendarToken.objects.select_related("user").filter(token=token).first()
    if calendar_token is None or not calendar_token.user.is_active:
        raise Http404
    now = timezone.now()
    since = now - timedelta(days=RECENT_DAYS)
    registrations = list(
        Registration.objects.filter(
            user=calendar_token.user,
            status__in=(Registration.Status.CONFIRMED, Registration.Status.WAITING),
            event__state__in=(Event.State.PUBLISHED, Event.State.CANCELLED),
            event__ends_at__gte=since,
        ).select_related("event__kind", "event__commune").order_by("event__starts_at", "pk")[:FEED_LIMIT]
    )
    events, online_urls, statuses, seen = [], {}, {}, set()
    for registration in registrations:
        event = registration.event
        if event.pk in seen:
            continue
        seen.add(event.pk)
        events.append(event)
        if registration.status == Registration.Status.WAITING:
            statuses[event.pk] = "TENTATIVE"
        if event.is_online and event.online_url and link_visible(event, registration, now):
            online_urls[event.pk] = event.online_url
    content = ical.calendar(
        events, name=f"{settings.SITE_NAME} — {_('Mes inscriptions')}", online_urls=online_urls, statuses=statuses,
    )
    return ics_response(request, content, "mes-inscriptions.ics", private=True)


def private_feed_url(token):
    return settings.SITE_URL.rstrip("/") + reverse("events:my_feed", args=[token.token])


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def calendar_token(request):
    token, _created = CalendarToken.objects.get_or_create(user=request.user)
    if request.method == "POST":
        token.token = uuid.uuid4()
        token.created_at = timezone.now()
        token.save(update_fields=["token", "created_at"])
        from creative.audit import record

        record(request.user, "events.calendar_token_renewed", token)
        messages.success(request, _(
            "Une nouvelle adresse a été créée. L'ancienne ne fonctionne plus : remplacez-la dans votre agenda."
        ))
        return redirect("events:calendar_token")
    feed_url = private_feed_url(token)
    context = {
        "token": token,
        "feed_url": feed_url,
        "webcal_url": "webcal://" + feed_url.split("://", 1)[-1],
    }
    return render(request, "events/calendar_token.html", context)


urlpatterns = [
    path("agenda.ics", agenda_feed, name="feed"),
    path("agenda/territoire/<slug:slug>.ics", territory_feed, name="territory_feed"),
    path("agenda/theme/<slug:slug>.ics", theme_feed, name="theme_feed"),
    path("agenda/mes-inscriptions/<uuid:token>.ics", my_feed, name="my_feed"),
    path("agenda/<slug:slug>.ics", event_ics, name="event_ics"),
    path("compte/calendrier/", calendar_token, name="calendar_token"),
]
