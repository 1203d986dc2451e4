"""Follows and notifications for account holders.

- `Follow` — a person follows a fiche, a territory, a theme, a person or an organisation
  (one nullable foreign key per kind of target, exactly one set: deleting the target deletes
  the follow, and "who follows this fiche" is one indexed query).
- `Notification` — one thing that happened, for one person: shown in the site (list, unread
  count) and mailed at once, in a daily digest (the default) or in a weekly digest, as the
  person chose in `NotificationSettings`. `emailed_at` stays empty until a mail carried it:
  a digest takes every notification not yet mailed, so none is mailed twice or forgotten.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Follow(models.Model):
    class Target(models.TextChoices):
        INNOVATION = "innovation", _("fiche")
        TERRITORY = "territory", _("territoire")
        THEME = "theme", _("thème")
        PERSON = "person", _("personne")
        ORGANISATION = "organisation", _("organisation")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    target = models.CharField(_("suivi"), max_length=16, choices=Target.choices)
    innovation = models.ForeignKey(
        "innovations.Innovation", null=True, blank=True, on_delete=models.CASCADE, related_name="followers",
    )
    territory = models.ForeignKey(
        "territories.Territory", null=True, blank=True, on_delete=models.CASCADE, related_name="followers",
    )
    theme = models.ForeignKey(
        "innovations.Theme", null=True, blank=True, on_delete=models.CASCADE, related_name="followers",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="followers",
    )
    organisation = models.ForeignKey(
        "network.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="followers",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    TARGET_FIELDS = ("innovation", "territory", "theme", "person", "organisation")

    class Meta:
        verbose_name = _("abonnement")
        verbose_name_plural = _("abonnements")
        ordering = ["-created_at"]
        constraints = [
            # Exactly the target's own field is set.
            models.CheckConstraint(
                condition=(
                    Q(target="innovation", innovation__isnull=False, territory__isnull=True, theme__isnull=True,
                      person__isnull=True, organisation__isnull=True)
                    | Q(target="territory", innovation__isnull=True, territory__isnull=False, theme__isnull=True,
                        person__isnull=True, organisation__isnull=True)
                    | Q(target="theme", innovation__isnull=True, territory__isnull=True, theme__isnull=False,
                        person__isnull=True, organisation__isnull=True)
                    | Q(target="person", innovation__isnull=True, territory__isnull=True, theme__isnull=True,
                        person__isnull=False, organisation__isnull=True)
                    | Q(target="organisation", innovation__isnull=True, territory__isnull=True, theme__isnull=True,
                        person__isnull=True, organisation__isnull=False)
                ),
                name="notifications_follow_one_target",
            ),
            *[
                models.UniqueConstraint(
                    fields=["user", field], condition=Q(target=field), name=f"notifications_follow_unique_{field}",
                )
                for field in ("innovation", "territory", "theme", "person", "organisation")
            ],
        ]

    def __str__(self):
        return f"{self.user_id} → {self.target} {self.target_object}"

    @property
    def target_object(self):
        return getattr(self, self.target)


class NotificationSettings(models.Model):
    class Frequency(models.TextChoices):
        INSTANT = "instant", _("à chaque fois, tout de suite")
        DAILY = "daily", _("un résumé par jour")
        WEEKLY = "weekly", _("un résumé par semaine")
        NEVER = "never", _("jamais par courriel (seulement sur le site)")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="notification_settings",
    )
    frequency = models.CharField(
        _("recevoir les notifications par courriel"), max_length=8, choices=Frequency.choices,
        default=Frequency.DAILY,
    )
    last_digest_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("préférences de notification")
        verbose_name_plural = _("préférences de notification")

    def __str__(self):
        return f"{self.user_id}: {self.frequency}"


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    class Kind(models.TextChoices):
        REVISION = "revision", _("Nouvelle version d'une fiche suivie")
        COMMENT = "comment", _("Nouveau commentaire")
        NEW_INNOVATION = "new_innovation", _("Nouvelle fiche")
        NEW_EVENT = "new_event", _("Nouvel atelier ou rencontre")
        REVIEW = "review", _("Réponse dans un fil de relecture")
        REPRODUCTION = "reproduction", _("Votre fiche a été reproduite")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    # A snapshot of what to say and where to go (the site's path), rendered when it happened.
    text = models.CharField(_("texte"), max_length=300)
    url = models.CharField(_("adresse"), max_length=500)
    # Why the person gets it ("vous suivez le thème Alimentation").
    reason = models.CharField(_("raison"), max_length=200, blank=True)
    # One notification per recipient and event, however many follows lead to it.
    key = models.CharField(max_length=120)
    created_at = models.DateTimeField(_("date"), default=timezone.now)
    read_at = models.DateTimeField(_("lue le"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("envoyée par courriel le"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notifications_once_per_event"),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notifications_recipient_recent"),
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notifications_unread",
            ),
            models.Index(fields=["emailed_at", "recipient"], name="notifications_to_mail"),
        ]

    def __str__(self):
        return self.text
