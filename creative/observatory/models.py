"""The editors' dashboard keeps one thing: when carriers were asked to check an old fiche."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FreshnessRequest(models.Model):
    """« Votre fiche est-elle à jour ? » sent to a fiche's authors and carriers by an editor."""

    innovation = models.ForeignKey(
        "innovations.Innovation", on_delete=models.CASCADE, related_name="freshness_requests",
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("demande de mise à jour")
        verbose_name_plural = _("demandes de mise à jour")
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["innovation", "-requested_at"], name="observatory_freshness_recent")]

    def __str__(self):
        return f"{self.innovation_id} {self.requested_at:%Y-%m-%d}"
