"""Statistics without tracking: daily view counts, and the searches that found nothing.

- `ViewCount` — how many distinct visitors saw a page (a fiche, an article, an event, a territory)
  on a day. Counted on the server: no cookie, no third-party script, bots filtered by user agent.
- `DailySalt` — the secret of one day. A visitor is recognised within that day only, by a keyed hash
  of (salt, address, user agent, page) kept in `SeenToday`; the address is never stored. Both
  are deleted after the day, so yesterday's hashes can neither be recomputed nor linked.
- `SearchMiss` — a search that found nothing, per day, territory filter and normalised query
  (what the territory is missing, for the editors' dashboard); the text only, nobody's identity.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ViewKind(models.TextChoices):
    INNOVATION = "innovation", _("fiche")
    ARTICLE = "article", _("article")
    EVENT = "event", _("événement")
    TERRITORY = "territory", _("territoire")


class ViewCount(models.Model):
    kind = models.CharField(max_length=12, choices=ViewKind.choices)
    object_id = models.PositiveBigIntegerField()
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)
    # Synthetic counts loaded by the demo (so that « les plus lus » shows something), labelled so.
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("vues d'une page")
        verbose_name_plural = _("vues des pages")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id", "day", "is_demo"], name="stats_view_once_per_day"),
        ]
        indexes = [
            models.Index(fields=["kind", "day"], name="stats_view_kind_day"),
            models.Index(fields=["kind", "object_id"], name="stats_view_object"),
        ]

    def __str__(self):
        return f"{self.kind} {self.object_id} {self.day}: {self.views}"


class DailySalt(models.Model):
    day = models.DateField(unique=True)
    salt = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("sel du jour")
        verbose_name_plural = _("sels du jour")

    def __str__(self):
        return str(self.day)


class SeenToday(models.Model):
    day = models.DateField()
    digest = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "digest"], name="stats_seen_once")]

    def __str__(self):
        return f"{self.day} {self.digest[:8]}"


class SearchMiss(models.Model):
    day = models.DateField()
    query = models.CharField(max_length=200)
    territory = models.ForeignKey(
        "territories.Territory", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
    )
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("recherche sans résultat")
        verbose_name_plural = _("recherches sans résultat")
        constraints = [
            models.UniqueConstraint(fields=["day", "query", "territory"], name="stats_miss_once_per_day"),
            models.UniqueConstraint(
                fields=["day", "query"], condition=models.Q(territory__isnull=True), name="stats_miss_once_anywhere",
            ),
        ]
        indexes = [models.Index(fields=["day"], name="stats_miss_day")]

    def __str__(self):
        return f"{self.day} {self.query!r}: {self.count}"
