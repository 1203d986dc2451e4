"""Territories: one hierarchy from the commune up to the region.

Levels are data (a `level` column and a `parent` link), not separate models, so a
territory file with another shape — or a country with more levels — needs no migration.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


class TerritoryQuerySet(models.QuerySet):
    def communes(self):
        return self.filter(level=Territory.Level.COMMUNE)

    def descendants_of(self, territory, *, level=None):
        """Territories under `territory` (one query per level of depth)."""
        ids, frontier = [], [territory.pk]
        while frontier:
            frontier = list(Territory.objects.filter(parent__in=frontier).values_list("pk", flat=True))
            ids.extend(frontier)
        queryset = self.filter(pk__in=ids)
        return queryset.filter(level=level) if level else queryset

    def home(self):
        """The instance's home territory (settings.HOME_TERRITORY), or None before import."""
        return self.filter(slug=settings.HOME_TERRITORY).first()


class Territory(models.Model):
    """A commune, EPCI, pays, département or région."""

    class Level(models.TextChoices):
        # Ordered from the largest to the smallest.
        REGION = "region", _("région")
        DEPARTEMENT = "departement", _("département")
        PAYS = "pays", _("pays")
        EPCI = "epci", _("intercommunalité")
        COMMUNE = "commune", _("commune")

    level = models.CharField(_("niveau"), max_length=16, choices=Level.choices)
    code = models.CharField(_("code officiel"), max_length=20, help_text=_("INSEE, SIREN…"))
    name = models.CharField(_("nom"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("territoire parent"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    # Depth in the hierarchy (0 for the root) — lets ancestors be ordered without recursion.
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    postal_codes = models.CharField(_("codes postaux"), max_length=200, blank=True)
    # Reference point (communes) or centre of the bounding box (larger territories).
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    # Bounding box of the territory's communes, for fitting maps.
    south = models.FloatField(null=True, blank=True, editable=False)
    west = models.FloatField(null=True, blank=True, editable=False)
    north = models.FloatField(null=True, blank=True, editable=False)
    east = models.FloatField(null=True, blank=True, editable=False)

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("territoire")
        verbose_name_plural = _("territoires")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["level", "code"], name="territory_unique_level_code"),
        ]
        indexes = [models.Index(fields=["parent", "name"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("territories:detail", args=[self.slug])

    @property
    def level_label(self):
        return self.get_level_display()

    @cached_property
    def ancestors(self):
        """From the root down to the parent (excluding self)."""
        chain = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]

    @property
    def bounds(self):
        """[[south, west], [north, east]] for Leaflet's fitBounds, or None."""
        if self.south is None:
            return None
        return [[self.south, self.west], [self.north, self.east]]
