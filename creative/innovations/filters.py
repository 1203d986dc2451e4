"""The filters shared by the list, the map and the map endpoint.

They read the same URL parameters everywhere, so a filtered list and a filtered
map are links to each other. Unknown values are ignored and reported in
`errors`, never turned into a server error.
"""

import hashlib
from urllib.parse import urlencode

from django.db.models import Count, Exists, F, OuterRef
from django.db.models.functions import Mod
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from creative.territories.models import Territory

from .models import CarrierKind, Innovation, Theme
from .search import Query
from .services import cached_per_version, content_version

FILTER_PARAMS = ("q", "theme", "territoire", "porteur", "statut")
ORDERS = {
    "decouvrir": gettext_lazy("Découvrir"),
    "recentes": gettext_lazy("Les plus récentes"),
    "az": gettext_lazy("De A à Z"),
    "pertinence": gettext_lazy("Pertinence"),
}
FACET_CACHE_SECONDS = 600
# A Mersenne prime: multiplying ids by a day-dependent factor modulo it shuffles them.
_SHUFFLE_PRIME = 2_147_483_647


def daily_factor(day=None):
    """A multiplier in [2, prime) that changes every day and is the same all day long."""
    day = day or timezone.localdate()
    digest = hashlib.sha256(f"decouvrir-{day.isoformat()}".encode()).digest()
    return 2 + int.from_bytes(digest[:8], "big") % (_SHUFFLE_PRIME - 2)


class InnovationFilters:
    """Parse filter parameters from a QueryDict and apply them to fiches."""

    def __init__(self, params):
        self.params = params
        self.errors = []
        self.query = Query(params.get("q", ""))
        self.themes = self._pick(Theme, "theme", _("thème"))
        self.carrier_kinds = self._pick(CarrierKind, "porteur", _("type de porteur"))
        self.statuses = []
        for value in params.getlist("statut"):
            if value in Innovation.Status.values:
                self.statuses.append(value)
            elif value:
                self.errors.append(_("Avancement inconnu ignoré : « %(value)s ».") % {"value": value[:50]})
        self.territory = None
        slug = params.get("territoire", "").strip()
        if slug:
            self.territory = Territory.objects.select_related("parent").filter(slug=slug[:160]).first()
            if self.territory is None:
                self.errors.append(_("Territoire inconnu ignoré : « %(value)s ».") % {"value": slug[:50]})
        order = params.get("tri", "")
        default = "pertinence" if self.query else "decouvrir"
        if order and (order not in ORDERS or (order == "pertinence" and not self.query)):
            if order not in ORDERS:
                self.errors.append(_("Tri inconnu ignoré : « %(value)s ».") % {"value": order[:50]})
            order = default
        self.order = order or default

    def _pick(self, model, param, label):
        slugs = [s for s in self.params.getlist(param) if s][:20]
        if not slugs:
            return []
        found = list(model.objects.filter(slug__in=slugs))
        unknown = set(slugs) - {obj.slug for obj in found}
        for slug in sorted(unknown):
            self.errors.append(
                _("Valeur inconnue ignorée pour %(label)s : « %(value)s ».") % {"label": label, "value": slug[:50]}
            )
        return found

    # --- Applying -------------------------------------------------------------------------

    @property
    def is_active(self):
        return bool(self.query or self.themes or self.carrier_kinds or self.statuses or self.territory)

    def apply(self, queryset, *, search=True, exclude=()):
        """Filter `queryset`; `exclude` leaves out some facets (for their own counts)."""
        if self.themes and "theme" not in exclude:
            # Several themes: fiches having any of them.
            queryset = queryset.filter(pk__in=Innovation.themes.through.objects.filter(
                theme__in=self.themes).values("innovation_id"))
        if self.carrier_kinds and "porteur" not in exclude:
            queryset = queryset.filter(carrier_kind__in=self.carrier_kinds)
        if self.statuses and "statut" not in exclude:
            queryset = queryset.filter(status__in=self.statuses)
        if self.territory and "territoire" not in exclude:
            queryset = queryset.filter(pk__in=Innovation.territories.through.objects.filter(
                territory=self.territory).values("innovation_id"))
        if search and self.query:
            queryset = self.query.filter(queryset)
        return queryset

    def ordered(self, queryset):
        if self.order == "recentes":
            return queryset.order_by("-published_at", "-pk")
        if self.order == "az":
            return queryset.order_by("title", "pk")
        return queryset.annotate(shuffle=Mod(F("pk") * daily_factor(), _SHUFFLE_PRIME)).order_by("shuffle", "pk")

    # --- Facets ---------------------------------------------------------------------------

    def facets(self, base, home):
        """Counts per value for each facet, each computed with the other filters applied,
        and the number of fiches matching all the filters ("total").

        Cached per filter combination and content version: counting over 100,000 fiches is
        the expensive part of the list page, and any change to a fiche bumps the version.
        """
        return cached_per_version(
            "facets:v2", home and home.pk, self.cache_key(),
            compute=lambda: self._compute_facets(base, home), timeout=FACET_CACHE_SECONDS,
        )

    def _compute_facets(self, base, home):
        through = Innovation.themes.through
        themes = dict(
            through.objects.filter(innovation__in=self.apply(base, exclude={"theme"}))
            .values_list("theme").annotate(n=Count("innovation")).values_list("theme", "n")
        )
        kinds = dict(
            self.apply(base, exclude={"porteur"}).exclude(carrier_kind=None)
            .values_list("carrier_kind").annotate(n=Count("*")).values_list("carrier_kind", "n")
        )
        statuses = dict(
            # COUNT(*), not COUNT(id): PostgreSQL then reads the (state, status) index alone.
            self.apply(base, exclude={"statut"}).values_list("status").annotate(n=Count("*"))
            .values_list("status", "n")
        )
        parent = self.territory or home
        territories = {}
        if parent is not None:
            territory_through = Innovation.territories.through
            # EXISTS, not IN: the child territories' links are far fewer than the published
            # fiches, whose full id list SQLite would otherwise build first.
            matching = self.apply(base, exclude={"territoire"}).order_by().filter(pk=OuterRef("innovation_id"))
            territories = dict(
                territory_through.objects.filter(Exists(matching), territory__parent=parent)
                .values_list("territory").annotate(n=Count("innovation")).values_list("territory", "n")
            )
        return {
            "total": self.apply(base).count(),
            "themes": [(t.slug, t.name, themes.get(t.pk, 0)) for t in Theme.objects.all()],
            "carrier_kinds": [(k.slug, k.name, kinds.get(k.pk, 0)) for k in CarrierKind.objects.all()],
            "statuses": [(v, label, statuses.get(v, 0)) for v, label in Innovation.Status.choices],
            "territories": [
                (t.slug, t.name, territories.get(t.pk, 0))
                for t in (parent.children.order_by("name") if parent else [])
                if territories.get(t.pk, 0)
            ],
        }

    def results_cache_key(self):
        """Names the ordered results of these filters for the current content and day."""
        order = f"{self.order}:{daily_factor()}" if self.order == "decouvrir" else self.order
        return hashlib.sha256(f"{content_version()}|{order}|{self.cache_key()}".encode()).hexdigest()

    # --- URLs -----------------------------------------------------------------------------

    def cache_key(self):
        return urlencode(sorted(self.as_params()))

    def as_params(self, **overrides):
        """The current filters as (name, value) pairs, with `overrides` replacing some."""
        current = {
            "q": [self.query.text] if self.query.text else [],
            "theme": [t.slug for t in self.themes],
            "territoire": [self.territory.slug] if self.territory else [],
            "porteur": [k.slug for k in self.carrier_kinds],
            "statut": list(self.statuses),
        }
        current.update(overrides)
        return [(name, value) for name in FILTER_PARAMS for value in current.get(name, [])]

    def querystring(self, **overrides):
        return urlencode(self.as_params(**overrides))

