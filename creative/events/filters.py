"""The agenda's filters, shared by the list, the map, the past archive and the iCal feed.

They read the same URL parameters everywhere (`q`, `territoire`, `theme`, `type`, `en-ligne`),
so a filtered list, its map and its feed are links to each other. Unknown values are ignored
and reported in `errors`, never turned into a server error.

Territories: an event is inside every territory holding its commune (`Event.territories`, kept
by editing.save_event), so a pays, an EPCI or a commune filter is one join. Online events have
no territory: with a territory filter they are left out, unless "en ligne : oui" is asked for,
which keeps them (they can be followed from anywhere).
"""

from urllib.parse import urlencode

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from creative.innovations.models import Theme
from creative.territories.models import Territory

from .models import Event, EventKind

FILTER_PARAMS = ("q", "territoire", "theme", "type", "en-ligne")
ONLINE_CHOICES = {"oui": gettext_lazy("En ligne seulement"), "non": gettext_lazy("Sur place seulement")}
MAX_QUERY_LENGTH = 100
MAX_VALUES = 20


class EventFilters:
    """Parse the filter parameters of a QueryDict and apply them to events."""

    def __init__(self, params):
        self.params = params
        self.errors = []
        self.query = " ".join(params.get("q", "").split())[:MAX_QUERY_LENGTH]
        self.themes = self._pick(Theme, "theme", _("thème"))
        self.kinds = self._pick(EventKind, "type", _("type d'événement"))
        self.territory = None
        slug = params.get("territoire", "").strip()
        if slug:
            self.territory = Territory.objects.select_related("parent__parent__parent__parent").filter(
                slug=slug[:160]
            ).first()
            if self.territory is None:
                self.errors.append(_("Territoire inconnu ignoré : « %(value)s ».") % {"value": slug[:50]})
        self.online = ""
        online = params.get("en-ligne", "").strip()
        if online in ONLINE_CHOICES:
            self.online = online
        elif online:
            self.errors.append(
                _("Valeur inconnue ignorée pour « en ligne » : « %(value)s » (oui ou non).") % {"value": online[:50]}
            )

    def _pick(self, model, param, label):
        slugs = list(dict.fromkeys(s.strip() for s in self.params.getlist(param) if s.strip()))[:MAX_VALUES]
        if not slugs:
            return []
        found = list(model.objects.filter(slug__in=[s[:200] for s in slugs]))
        for slug in sorted(set(slugs) - {obj.slug for obj in found}):
            self.errors.append(
                _("Valeur inconnue ignorée pour %(label)s : « %(value)s ».") % {"label": label, "value": slug[:50]}
            )
        return found

    @property
    def is_active(self):
        return bool(self.query or self.themes or self.kinds or self.territory or self.online)

    def apply(self, queryset):
        if self.themes:
            queryset = queryset.filter(
                pk__in=Event.themes.through.objects.filter(theme__in=self.themes).values("event_id")
            )
        if self.kinds:
            queryset = queryset.filter(kind__in=self.kinds)
        if self.territory:
            inside = Q(pk__in=Event.territories.through.objects.filter(territory=self.territory).values("event_id"))
            queryset = queryset.filter(inside | Q(is_online=True) if self.online == "oui" else inside)
        if self.online:
            queryset = queryset.filter(is_online=self.online == "oui")
        if self.query:
            queryset = queryset.filter(title__icontains=self.query)
        return queryset

    # --- Choices for the form -------------------------------------------------------------

    def territory_choices(self, events):
        """[(level label, [(slug, name), …]), …]: the territories holding some of `events`, largest first."""
        inside = Event.territories.through.objects.filter(event__in=events.order_by().values("pk"))
        territories = list(
            Territory.objects.filter(pk__in=inside.values("territory_id"))
            .exclude(level__in=(Territory.Level.REGION, Territory.Level.DEPARTEMENT))
            .order_by("depth", "name")
            .only("slug", "name", "level", "depth")
        )
        if self.territory and self.territory.pk not in {t.pk for t in territories}:
            territories.append(self.territory)
        groups = []
        for level, label in Territory.Level.choices:
            members = [(t.slug, t.name) for t in territories if t.level == level]
            if members:
                groups.append((label, members))
        return groups

    # --- URLs -----------------------------------------------------------------------------

    def as_params(self, **overrides):
        current = {
            "q": [self.query] if self.query else [],
            "territoire": [self.territory.slug] if self.territory else [],
            "theme": [t.slug for t in self.themes],
            "type": [k.slug for k in self.kinds],
            "en-ligne": [self.online] if self.online else [],
        }
        current.update(overrides)
        return [(name, value) for name in FILTER_PARAMS for value in current.get(name, [])]

    def querystring(self, **overrides):
        return urlencode(self.as_params(**overrides))

    def selected(self, name):
        return [value for key, value in self.as_params() if key == name]
