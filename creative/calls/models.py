"""Calls for help a fiche publishes: volunteers, skills, materials, premises, partners, funding."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CallQuerySet(models.QuerySet):
    def open(self, today=None):
        """Open, not past their end date, on a published fiche."""
        today = today or timezone.localdate()
        return self.filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=today),
            status=CallForHelp.Status.OPEN,
            innovation__state="published",
        )


class CallForHelp(models.Model):
    class Kind(models.TextChoices):
        VOLUNTEERS = "volunteers", _("bénévoles")
        SKILLS = "skills", _("compétences")
        MATERIALS = "materials", _("matériel")
        PREMISES = "premises", _("local")
        PARTNERS = "partners", _("partenaires")
        FUNDING = "funding", _("financement")

    class Status(models.TextChoices):
        OPEN = "open", _("ouvert")
        FULFILLED = "fulfilled", _("pourvu")
        CLOSED = "closed", _("clos")

    innovation = models.ForeignKey("innovations.Innovation", on_delete=models.CASCADE, related_name="calls")
    kind = models.CharField(_("besoin"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("titre"), max_length=150, help_text=_("Par exemple : deux bénévoles le samedi matin."))
    description = models.TextField(_("description"), max_length=3000, blank=True, help_text=_("Markdown."))
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.OPEN)
    ends_on = models.DateField(_("jusqu'au"), null=True, blank=True)
    # Normalised words (search.normalise) of the title and description: searched with the
    # same French stemming as the fiches, on SQLite and PostgreSQL alike.
    search_text = models.TextField(editable=False, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(_("publié le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("appel à l'aide")
        verbose_name_plural = _("appels à l'aide")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "ends_on"], name="call_status_end")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        from creative.innovations.search import normalise

        self.search_text = normalise(f"{self.title} {self.get_kind_display()} {self.description}")
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    @property
    def is_open(self):
        return self.status == self.Status.OPEN and (self.ends_on is None or self.ends_on >= timezone.localdate())
