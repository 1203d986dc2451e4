"""The agenda's public pages: upcoming events by day, their map, the past archive, an event's page.

Only public events (published, or cancelled and marked so) are listed. An event not public yet
(proposed, rejected) answers 404 to everybody but the people who manage it.
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render
from django.urls import path, register_converter, reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.views.decorators.http import require_GET

from creative.accounts.models import Profile
from creative.core.markdown import render_markdown
from creative.innovations.models import Innovation
from creative.territories.models import Territory

from ..filters import ONLINE_CHOICES, EventFilters
from ..models import Event, EventKind, Registration
from .syndication import syndication_urls

PAGE_SIZE = 20
MAP_LIMIT = 500
# Words used by the agenda's fixed addresses (here and in the other views modules): never an event's slug.
RESERVED_WORDS = (
    "passes", "carte", "proposer", "a-valider", "mes-inscriptions", "mes-evenements", "territoire", "theme",
    "series", "serie", "inscription", "inscriptions", "organiser", "gerer", "calendrier",
)


class EventSlugConverter:
    """A slug that is not one of the agenda's fixed words, so `agenda/passes/` never reads as an event."""

    regex = r"(?!(?:%s)/)[-a-zA-Z0-9_]+" % "|".join(RESERVED_WORDS)  # noqa: UP031 (regex text)

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(EventSlugConverter, "event_slug")


# --- Shared helpers -------------------------------------------------------------------------


def card_queryset(queryset):
    """Events with what their cards show, and the number of seats taken (for the "complet" mark)."""
    return queryset.select_related("kind", "commune", "organisation").annotate(
        confirmed_count=Count("registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED))
    )


def mark_full(events):
    for event in events:
        taken = getattr(event, "confirmed_count", None)
        event.is_full = bool(event.capacity and taken is not None and taken >= event.capacity)
    return events


def group_by_day(events):
    """[(local date, [events]), …] in the order given."""
    days = []
    for event in events:
        day = timezone.localdate(event.starts_at)
        if days and days[-1][0] == day:
            days[-1][1].append(event)
        else:
            days.append((day, [event]))
    return days


def filter_context(filters, events):
    return {
        "filters": filters,
        "territory_choices": filters.territory_choices(events),
        "theme_choices": list(_themes()),
        "kind_choices": list(EventKind.objects.all()),
        "online_choices": list(ONLINE_CHOICES.items()),
        "selected_themes": filters.selected("theme"),
        "selected_kinds": filters.selected("type"),
    }


def _themes():
    from creative.innovations.models import Theme

    return Theme.objects.all()


def feed_url(filters):
    """The iCal feed matching these filters (the whole agenda's, with the same parameters)."""
    url = reverse("events:feed")
    query = filters.querystring()
    return f"{url}?{query}" if query else url


def may_manage(user, event):
    """Whether `user` manages `event` (sees it before publication, edits it)."""
    if not getattr(user, "is_authenticated", False):
        return False
    try:
        from creative.events.permissions import can_manage_event
    except ImportError:  # the organise work is not there yet: the organiser and administrators
        from creative.accounts.permissions import is_administrator

        return user.pk in (event.organiser_id, event.created_by_id) or is_administrator(user)
    return can_manage_event(user, event)


def seats_left(event):
    """Seats still free, None when the event has no limit."""
    try:
        from creative.events.services import seats_left as service
    except ImportError:
        service = None
    if service is not None:
        return service(event)
    if event.capacity is None:
        return None
    return max(0, event.capacity - event.registrations.holding_seats().count())


def organisers(event):
    """[{"kind", "name", "url"}]: the organisation (linked when public), the person (linked when public)."""
    people = []
    if event.organisation_id:
        organisation = event.organisation
        public = organisation.__class__.objects.public().filter(pk=organisation.pk).exists()
        people.append({
            "kind": "organisation", "name": organisation.name, "url": organisation.get_absolute_url() if public else "",
        })
    if event.organiser_id:
        user = event.organiser
        profile = Profile.objects.public().filter(pk=user.pk).first()
        people.append({
            "kind": "person", "name": str(user.display_name), "url": profile.get_absolute_url() if profile else "",
        })
    return people


def absolute(path_or_url):
    return settings.SITE_URL.rstrip("/") + path_or_url


def json_ld(event, page_url, organiser_list, seats):
    """schema.org Event for search engines; never the private online link nor anybody's address."""
    start = timezone.localtime(event.starts_at)
    end = timezone.localtime(event.ends_at)
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "startDate": start.isoformat(),
        "endDate": end.isoformat(),
        "eventStatus": "https://schema.org/EventCancelled"
        if event.state == Event.State.CANCELLED else "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OnlineEventAttendanceMode"
        if event.is_online else "https://schema.org/OfflineEventAttendanceMode",
        "url": page_url,
        "isAccessibleForFree": event.is_free,
        "inLanguage": "fr",
    }
    description = " ".join(strip_tags(render_markdown(event.description)).split())
    if description:
        data["description"] = Truncator(description).chars(500)
    if event.is_online:
        data["location"] = {"@type": "VirtualLocation", "url": page_url}
    elif event.commune_id or event.address:
        address = {"@type": "PostalAddress", "addressCountry": "FR"}
        if event.address:
            address["streetAddress"] = event.address
        if event.commune_id:
            address["addressLocality"] = event.commune.name
            postal = event.commune.postal_codes.replace(",", " ").split()
            if postal:
                address["postalCode"] = postal[0]
        place = {"@type": "Place", "name": event.address or event.commune.name, "address": address}
        point = event.map_point
        if point:
            place["geo"] = {"@type": "GeoCoordinates", "latitude": point[0], "longitude": point[1]}
        data["location"] = place
    organizers = [
        {"@type": "Organization" if o["kind"] == "organisation" else "Person", "name": o["name"],
         **({"url": absolute(o["url"])} if o["url"] else {})}
        for o in organiser_list
    ]
    if organizers:
        data["organizer"] = organizers[0] if len(organizers) == 1 else organizers
    if event.capacity is not None:
        data["maximumAttendeeCapacity"] = event.capacity
        if seats is not None:
            data["remainingAttendeeCapacity"] = seats
    if event.kind_id:
        data["keywords"] = event.kind.name
    return data


# --- Views ----------------------------------------------------------------------------------


@require_GET
def agenda(request):
    filters = EventFilters(request.GET)
    upcoming = Event.objects.upcoming()
    events = filters.apply(upcoming).order_by("starts_at", "pk")
    page = Paginator(card_queryset(events), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "days": group_by_day(mark_full(list(page.object_list))),
        "feed_url": feed_url(filters),
        "syndication_urls": syndication_urls(filters),
        "map_url": _with_query(reverse("events:agenda_map"), filters),
        "list_url": _with_query(reverse("events:agenda"), filters),
        **filter_context(filters, upcoming),
    }
    return render(request, "events/agenda.html", {"mode": "list", **context})


def _with_query(url, filters):
    query = filters.querystring()
    return f"{url}?{query}" if query else url


def map_places(events):
    """The events with a place, gathered by point: [{lat, lng, label, events: [...]}]."""
    places = {}
    for event in events:
        point = event.map_point
        if point is None:
            continue
        label = ", ".join(p for p in (event.address, event.commune.name if event.commune_id else "") if p)
        key = (round(point[0], 6), round(point[1], 6))
        place = places.setdefault(key, {"lat": point[0], "lng": point[1], "label": label, "events": []})
        place["events"].append({
            "title": event.title,
            "url": event.get_absolute_url(),
            "when": _when(event),
            "cancelled": event.state == Event.State.CANCELLED,
        })
    return list(places.values())


def _when(event):
    from creative.events.templatetags.events import when

    return when(event)


@require_GET
def agenda_map(request):
    filters = EventFilters(request.GET)
    upcoming = Event.objects.upcoming()
    events = list(
        filters.apply(upcoming).select_related("kind", "commune", "organisation").order_by("starts_at", "pk")[
            : MAP_LIMIT + 1
        ]
    )
    truncated = len(events) > MAP_LIMIT
    events = events[:MAP_LIMIT]
    places = map_places(events)
    context = {
        "places": places,
        "online_events": [e for e in events if e.is_online],
        "unplaced_events": [e for e in events if not e.is_online and e.map_point is None],
        "total": len(events),
        "truncated": truncated,
        "map_limit": MAP_LIMIT,
        "feed_url": feed_url(filters),
        "list_url": _with_query(reverse("events:agenda"), filters),
        "map_url": _with_query(reverse("events:agenda_map"), filters),
        **filter_context(filters, upcoming),
    }
    return render(request, "events/agenda.html", {"mode": "map", **context})


@require_GET
def past(request):
    filters = EventFilters(request.GET)
    done = Event.objects.past()
    events = filters.apply(done).order_by("-starts_at", "-pk")
    page = Paginator(card_queryset(events), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "days": group_by_day(list(page.object_list)),
        **filter_context(filters, done),
    }
    return render(request, "events/past.html", context)


@require_GET
def detail(request, slug):
    event = (
        Event.objects.select_related(
            "kind", "commune__parent__parent", "organisation", "organiser__profile",
        ).filter(slug=slug).first()
    )
    if event is None:
        raise Http404
    can_manage = may_manage(request.user, event)
    if not event.is_public and not can_manage:
        raise Http404
    page_url = absolute(event.get_absolute_url())
    organiser_list = organisers(event)
    seats = seats_left(event)
    point = None if event.is_online else event.map_point
    context = {
        "event": event,
        "can_manage": can_manage,
        "is_past": event.ends_at < timezone.now(),
        "page_url": page_url,
        "organisers": organiser_list,
        "seats_left": seats,
        "themes": list(event.themes.all()),
        "fiches": list(Innovation.objects.published().filter(events=event).order_by("title")),
        "territories": [t for t in (event.commune.ancestors if event.commune_id else [])
                        if t.level in (Territory.Level.EPCI, Territory.Level.PAYS)],
        "map_points": [{
            "lat": point[0], "lng": point[1],
            "label": ", ".join(p for p in (event.address, event.commune.name if event.commune_id else "") if p),
            "precise": event.latitude is not None,
        }] if point else [],
        "jsonld": json_ld(event, page_url, organiser_list, seats),
    }
    response = render(request, "events/detail.html", context)
    if event.is_public:
        from creative.stats.counting import count_view

        count_view(request, "event", event.pk)
    return response


urlpatterns = [
    path("agenda/", agenda, name="agenda"),
    path("agenda/carte/", agenda_map, name="agenda_map"),
    path("agenda/passes/", past, name="past"),
    path("agenda/<event_slug:slug>/", detail, name="detail"),
]
