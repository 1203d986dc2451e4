"""Imports and aggregation: where fiches come from, import runs, duplicates and merges.

- `ImportSource` — a file format with its column and category mappings (reusable across runs),
  or another Brest Créative instance harvested through its API.
- `ImportRun` — one run (dry or real): progress, counts and the row-by-row report (created,
  updated, skipped, and why).
- `Provenance` — for an imported fiche: its source, original id and address, original authors and
  licence, when it was imported and last synchronised, the hash of what was imported (a
  re-synchronisation updates only what changed at the source), and whether it is read-only here.
- `DuplicateCandidate` — two fiches that look like the same innovation (similar names within
  `IMPORTS_DUPLICATE_DISTANCE_M`), for an editor to merge or dismiss.
- `Merge` — a fiche merged into another: the merged one stays (archived, with its own history)
  and its address leads to the kept one; both histories are kept.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportSource(models.Model):
    class Kind(models.TextChoices):
        CSV = "csv", _("fichier CSV")
        JSON = "json", _("fichier JSON")
        INSTANCE = "instance", _("autre instance Brest Créative (API)")

    name = models.CharField(_("nom"), max_length=150, unique=True)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    # An instance's address (https://bretagne-creative.example/), for harvesting.
    url = models.URLField(_("adresse"), blank=True)
    # {our field: source column}, and {source tag: theme slug}; reused at every run.
    column_mapping = models.JSONField(_("correspondance des colonnes"), default=dict, blank=True)
    theme_mapping = models.JSONField(_("correspondance des catégories"), default=dict, blank=True)
    # The licence of the source's content when rows do not say (never relicensed).
    default_licence = models.CharField(_("licence par défaut"), max_length=20, blank=True)
    read_only = models.BooleanField(
        _("fiches en lecture seule"), default=True,
        help_text=_("Les fiches importées ne se modifient qu'à la source."),
    )
    last_synced_at = models.DateTimeField(_("dernière synchronisation"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("source d'import")
        verbose_name_plural = _("sources d'import")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ImportRun(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("en attente")
        RUNNING = "running", _("en cours")
        DONE = "done", _("terminé")
        FAILED = "failed", _("échec")

    source = models.ForeignKey(ImportSource, on_delete=models.CASCADE, related_name="runs")
    dry_run = models.BooleanField(_("essai à blanc"), default=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(_("fichier"), upload_to="imports/%Y/", blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    # {"created": n, "updated": n, "skipped": n, "duplicates": n}
    counts = models.JSONField(default=dict, blank=True)
    # [{"row": n, "action": "created"|"updated"|"skipped", "title": …, "reason": …}, …] (bounded)
    report = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.source} — {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self):
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0


class Provenance(models.Model):
    innovation = models.OneToOneField("innovations.Innovation", on_delete=models.CASCADE, related_name="provenance")
    source = models.ForeignKey(ImportSource, on_delete=models.PROTECT, related_name="provenances")
    original_id = models.CharField(_("identifiant d'origine"), max_length=200)
    original_url = models.URLField(_("adresse d'origine"), max_length=500, blank=True)
    original_authors = models.CharField(_("auteurs d'origine"), max_length=500, blank=True)
    original_licence = models.CharField(_("licence d'origine"), max_length=40, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    read_only = models.BooleanField(_("lecture seule"), default=True)
    imported_at = models.DateTimeField(_("importée le"), default=timezone.now)
    synced_at = models.DateTimeField(_("synchronisée le"), default=timezone.now)

    class Meta:
        verbose_name = _("provenance")
        verbose_name_plural = _("provenances")
        constraints = [
            models.UniqueConstraint(fields=["source", "original_id"], name="imports_provenance_once_per_source"),
        ]

    def __str__(self):
        return f"{self.source}: {self.original_id}"


class DuplicateCandidate(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("à examiner")
        MERGED = "merged", _("fusionnées")
        DISMISSED = "dismissed", _("ce ne sont pas des doublons")

    # Always first < second (one row per pair).
    first = models.ForeignKey("innovations.Innovation", on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey("innovations.Innovation", on_delete=models.CASCADE, related_name="+")
    similarity = models.FloatField(_("ressemblance des noms"))
    distance_m = models.FloatField(_("distance (m)"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    found_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("doublon possible")
        verbose_name_plural = _("doublons possibles")
        ordering = ["-similarity", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="imports_duplicate_pair_once"),
            models.CheckConstraint(condition=Q(first__lt=F("second")), name="imports_duplicate_pair_ordered"),
        ]

    def __str__(self):
        return f"{self.first_id} ~ {self.second_id} ({self.similarity:.2f})"


class Merge(models.Model):
    kept = models.ForeignKey("innovations.Innovation", on_delete=models.CASCADE, related_name="merges_received")
    merged = models.OneToOneField("innovations.Innovation", on_delete=models.CASCADE, related_name="merged_into")
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    merged_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("fusion")
        verbose_name_plural = _("fusions")
        ordering = ["-merged_at"]

    def __str__(self):
        return f"{self.merged_id} → {self.kept_id}"
