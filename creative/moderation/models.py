"""Moderation: reports on public content, the queue of items to decide, blocked accounts.

Any model registered in `registry` (comments, fiches, profiles, later articles and events)
can be reported and held. One `ModerationItem` per object gathers its reports and holds;
it is what a moderator decides on. `Visibility` is the public state of moderatable content
that carries its own field (comments, profiles); fiches use their editorial state.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    VISIBLE = "visible", _("visible")
    HELD = "held", _("en attente de modération")
    HIDDEN = "hidden", _("masqué par la modération")
    REMOVED = "removed", _("supprimé comme indésirable")


class ReportReason(models.TextChoices):
    SPAM = "spam", _("Publicité ou message indésirable")
    ABUSIVE = "abusive", _("Propos injurieux, haineux ou harcèlement")
    PERSONAL_DATA = "personal-data", _("Données personnelles exposées")
    COPYRIGHT = "copyright", _("Atteinte au droit d'auteur")
    WRONG = "wrong", _("Information fausse ou trompeuse")
    OTHER = "other", _("Autre raison")


class ModerationItemQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=ModerationItem.Status.OPEN)

    def for_object(self, obj):
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))


class ModerationItem(models.Model):
    """A piece of content a moderator has to look at: reported by people, or held on arrival."""

    class Status(models.TextChoices):
        OPEN = "open", _("à traiter")
        CLOSED = "closed", _("traité")

    class Cause(models.TextChoices):
        REPORTS = "reports", _("signalements")
        PREMODERATION = "premoderation", _("premier message d'un nouveau compte")
        SPAM = "spam", _("indices de message indésirable")
        BLOCKED = "blocked", _("auteur bloqué")

    class Decision(models.TextChoices):
        DISMISSED = "dismissed", _("signalements écartés")
        APPROVED = "approved", _("publié")
        HIDDEN = "hidden", _("masqué")
        RESTORED = "restored", _("rétabli")
        DELETED = "deleted", _("supprimé comme indésirable")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    content_object = GenericForeignKey("content_type", "object_id")
    # Who wrote the content (to block them, and to lift pre-moderation once one post is approved).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("auteur du contenu"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="moderation_items",
    )
    excerpt = models.TextField(_("extrait"), blank=True, help_text=_("Le texte au moment du signalement."))
    status = models.CharField(_("état"), max_length=8, choices=Status.choices, default=Status.OPEN)
    cause = models.CharField(_("motif"), max_length=16, choices=Cause.choices, default=Cause.REPORTS)
    report_count = models.PositiveIntegerField(_("signalements distincts"), default=0)
    spam_score = models.FloatField(_("score de spam"), null=True, blank=True)
    spam_reasons = models.JSONField(_("indices"), default=list, blank=True)
    auto_hidden = models.BooleanField(_("masqué automatiquement"), default=False)
    opened_at = models.DateTimeField(_("ouvert le"), default=timezone.now)
    last_activity_at = models.DateTimeField(_("dernière activité"), default=timezone.now)
    closed_at = models.DateTimeField(_("traité le"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("traité par"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    decision = models.CharField(_("décision"), max_length=16, choices=Decision.choices, blank=True)
    note = models.TextField(_("note de modération"), blank=True)

    objects = ModerationItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("élément à modérer")
        verbose_name_plural = _("éléments à modérer")
        ordering = ["-last_activity_at"]
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="moderation_item_unique_object"),
        ]
        indexes = [models.Index(fields=["status", "-report_count", "-last_activity_at"], name="moderation_queue")]

    def __str__(self):
        return f"{self.content_type.name} #{self.object_id}"


class Report(models.Model):
    """One person's report of one piece of content. Counted once per person (or per visitor and day)."""

    item = models.ForeignKey(ModerationItem, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(_("raison"), max_length=16, choices=ReportReason.choices)
    text = models.TextField(_("précisions"), blank=True, max_length=2000)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signalé par"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    # "user:<id>" for accounts; for visitors a keyed hash of the address rotated daily (never the IP itself).
    fingerprint = models.CharField(max_length=80)
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["item", "fingerprint"], name="report_once_per_person")]

    def __str__(self):
        return f"{self.get_reason_display()} — {self.item}"


class AccountBlockQuerySet(models.QuerySet):
    def active(self):
        return self.filter(lifted_at__isnull=True)


class AccountBlock(models.Model):
    """A moderator's decision that an account may no longer post. Lifting it keeps the record."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("compte"), on_delete=models.CASCADE, related_name="blocks",
    )
    reason = models.TextField(_("motif"))
    blocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("bloqué par"), null=True, on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(_("bloqué le"), default=timezone.now)
    lifted_at = models.DateTimeField(_("débloqué le"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("débloqué par"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    objects = AccountBlockQuerySet.as_manager()

    class Meta:
        verbose_name = _("blocage de compte")
        verbose_name_plural = _("blocages de comptes")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=Q(lifted_at__isnull=True), name="one_active_block"),
        ]

    def __str__(self):
        return str(self.user)


class Standing(models.Model):
    """An account one of whose posts a moderator or editor approved: no more pre-moderation."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="moderation_standing",
    )
    approved_at = models.DateTimeField(_("approuvé le"), default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approuvé par"), null=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("compte approuvé")
        verbose_name_plural = _("comptes approuvés")

    def __str__(self):
        return str(self.user)
