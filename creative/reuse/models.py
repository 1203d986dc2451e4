"""Where an innovation was reproduced or inspired another: the links between fiches.

A `Reproduction` links a derived fiche to its original. The carriers of the derived fiche
declare it; the original's carriers are told and may confirm it (or decline it, when the
link is wrong). Declined links are kept for the record but never shown.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReproductionQuerySet(models.QuerySet):
    def shown(self):
        """Links the public sees: not declined, both fiches published."""
        return self.exclude(status=Reproduction.Status.DECLINED).filter(
            original__state="published", derived__state="published"
        )


class Reproduction(models.Model):
    class Kind(models.TextChoices):
        REPRODUCTION = "reproduction", _("reproduction")
        INSPIRATION = "inspiration", _("inspiration")

    class Status(models.TextChoices):
        PENDING = "pending", _("à confirmer")
        CONFIRMED = "confirmed", _("confirmé")
        DECLINED = "declined", _("refusé")

    original = models.ForeignKey(
        "innovations.Innovation", verbose_name=_("fiche d'origine"), on_delete=models.CASCADE,
        related_name="descendants",
    )
    derived = models.ForeignKey(
        "innovations.Innovation", verbose_name=_("fiche inspirée"), on_delete=models.CASCADE,
        related_name="lineage",
    )
    kind = models.CharField(_("lien"), max_length=12, choices=Kind.choices, default=Kind.REPRODUCTION)
    adapted = models.TextField(
        _("ce qui a été adapté"), max_length=3000, blank=True,
        help_text=_("Ce que vous avez gardé, changé ou ajouté par rapport à l'original."),
    )
    started_year = models.PositiveSmallIntegerField(
        _("depuis"), null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.PENDING)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    declared_at = models.DateTimeField(_("déclaré le"), default=timezone.now, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    decided_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)
    is_demo = models.BooleanField(_("contenu de démonstration"), default=False)

    objects = ReproductionQuerySet.as_manager()

    class Meta:
        verbose_name = _("reproduction")
        verbose_name_plural = _("reproductions")
        ordering = ["-declared_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["original", "derived"], name="reproduction_unique"),
            models.CheckConstraint(condition=~Q(original=F("derived")), name="reproduction_not_itself"),
        ]

    def __str__(self):
        return f"{self.derived} ← {self.original}"
