"""The agenda's part of "J'ai un projet": upcoming workshops near the visitor, on the idea's themes.

Registered with creative.matchmaking as the provider "events" (EventsConfig.ready).
"""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from creative.innovations.search import WORD_RE, terms
from creative.matchmaking.services import ExtraItem, haversine_km

from .models import Event

NEAR_KM = 40
CANDIDATES = 200


def open_workshops_nearby(request):
    """Upcoming public events open to registration, online or within NEAR_KM, that share a theme or
    words with the idea; those sharing more themes, then the nearest, then the soonest first."""
    now = timezone.now()
    theme_ids = {theme_id for theme_id, _name in request.themes}
    # The idea's own words (not only those the fiches use: a workshop may say what no fiche says yet).
    wanted = {}
    for word in WORD_RE.findall(request.text):
        for stem in terms(word):
            wanted.setdefault(stem, word.lower())
    events = (
        Event.objects.upcoming(now).filter(state=Event.State.PUBLISHED, starts_at__gte=now)
        .exclude(registration_closes_at__lt=now)
        .select_related("commune", "kind").prefetch_related("themes").order_by("starts_at")[:CANDIDATES]
    )
    scored = []
    for event in events:
        reasons, distance = [], None
        shared = [theme.name for theme in event.themes.all() if theme.pk in theme_ids]
        words = [wanted[stem] for stem in dict.fromkeys(terms(f"{event.title} {event.description}")) if stem in wanted]
        if not (shared or words):
            continue  # an idea about gardens does not need every workshop of the week
        if shared:
            reasons.append(_("Thèmes en commun : %(themes)s") % {"themes": ", ".join(shared)})
        if words:
            reasons.append(_("Mots en commun : %(words)s") % {"words": ", ".join(words[:5])})
        point = event.map_point
        if event.is_online:
            reasons.append(_("en ligne"))
        elif request.origin and point:
            distance = haversine_km(request.origin, point)
            if distance > NEAR_KM:
                continue
            reasons.append(_("à %(km)s km") % {"km": round(distance)})
        elif request.origin:
            continue
        when = date_format(timezone.localtime(event.starts_at), "l j F Y, H \\h i")
        scored.append((-len(shared) - len(words), distance if distance is not None else NEAR_KM, event.starts_at,
                       ExtraItem(title=event.title, url=event.get_absolute_url(), reasons=reasons,
                                 distance_km=distance, when=when)))
    scored.sort(key=lambda row: row[:3])
    return [item for *_key, item in scored[: request.limit]]
