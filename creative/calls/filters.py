"""The filters of the open-calls page: territory, theme, kind of help, words; and the order.

Like the fiche filters, unknown values are ignored and reported in `errors`, never a server error.
"""

from urllib.parse import urlencode

from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from creative.innovations.models import Innovation, Theme
from creative.territories.models import Territory

from .models import CallForHelp
from .services import search_calls

EVERYWHERE = "partout"
ORDERS = {
    "recents": gettext_lazy("Les plus récents"),
    "echeance": gettext_lazy("Échéance la plus proche"),
}
DEFAULT_ORDER = "recents"
MAX_QUERY_LENGTH = 200


class CallFilters:
    """Parse the GET parameters of the open-calls page and apply them to calls."""

    def __init__(self, params, home=None):
        self.params = params
        self.errors = []
        self.home = home
        self.q = (params.get("q") or "").strip()[:MAX_QUERY_LENGTH]
        # Territory: the home territory unless another (or "partout") is asked for.
        self.everywhere = False
        self.territory = home
        slug = (params.get("territoire") or "").strip()[:160]
        if slug == EVERYWHERE:
            self.everywhere, self.territory = True, None
        elif slug:
            found = Territory.objects.select_related("parent").filter(slug=slug).first()
            if found is None:
                self.errors.append(_("Territoire inconnu ignoré : « %(value)s ».") % {"value": slug[:50]})
            else:
                self.territory = found
        self.themes = []
        slugs = [s for s in params.getlist("theme") if s][:20]
        if slugs:
            self.themes = list(Theme.objects.filter(slug__in=slugs))
            for slug in sorted(set(slugs) - {t.slug for t in self.themes}):
                self.errors.append(_("Thème inconnu ignoré : « %(value)s ».") % {"value": slug[:50]})
        self.kinds = []
        for value in params.getlist("besoin")[:20]:
            if value in CallForHelp.Kind.values:
                if value not in self.kinds:
                    self.kinds.append(value)
            elif value:
                self.errors.append(_("Besoin inconnu ignoré : « %(value)s ».") % {"value": value[:50]})
        order = params.get("tri") or DEFAULT_ORDER
        if order not in ORDERS:
            self.errors.append(_("Tri inconnu ignoré : « %(value)s ».") % {"value": order[:50]})
            order = DEFAULT_ORDER
        self.order = order

    @property
    def is_active(self):
        changed_territory = self.everywhere or (self.territory is not None and self.territory != self.home)
        return bool(self.q or self.themes or self.kinds or changed_territory)

    def apply(self, queryset):
        if self.territory is not None:
            # Innovation.territories holds every territory containing one of the fiche's places.
            inside = Innovation.territories.through.objects.filter(territory=self.territory)
            queryset = queryset.filter(innovation_id__in=inside.values("innovation_id"))
        if self.themes:
            tagged = Innovation.themes.through.objects.filter(theme__in=self.themes)
            queryset = queryset.filter(innovation_id__in=tagged.values("innovation_id"))
        if self.kinds:
            queryset = queryset.filter(kind__in=self.kinds)
        if self.q:
            queryset = search_calls(queryset, self.q)
        return queryset

    def ordered(self, queryset):
        if self.order == "echeance":
            return queryset.order_by(F("ends_on").asc(nulls_last=True), "-created_at", "-pk")
        return queryset.order_by("-created_at", "-pk")

    def as_params(self):
        pairs = []
        if self.q:
            pairs.append(("q", self.q))
        if self.everywhere:
            pairs.append(("territoire", EVERYWHERE))
        elif self.territory is not None and self.territory != self.home:
            pairs.append(("territoire", self.territory.slug))
        pairs += [("theme", t.slug) for t in self.themes]
        pairs += [("besoin", k) for k in self.kinds]
        if self.order != DEFAULT_ORDER:
            pairs.append(("tri", self.order))
        return pairs

    def querystring(self):
        return urlencode(self.as_params())
