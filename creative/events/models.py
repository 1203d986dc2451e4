"""The agenda: workshops, trainings and meetings, and registrations to them.

- `EventKind` — the editable list of kinds (atelier d'écriture publique, formation Animacoop…).
- `Series` — the dates of a recurring event, created in one go; each date is its own `Event`.
- `Event` — one date: organiser (a person and/or an organisation), start and end (stored in
  UTC, shown in Europe/Paris), a place (commune, address, point) or online (the link is shown
  to registered people only, shortly before the start), capacity and registration window.
  Contributors propose events; editors of the event's territory publish them.
- `Registration` — one person's seat or place on the waiting list. Guests confirm by email
  before the seat is theirs. Capacity is enforced under a row lock on the event
  (see services.py), so concurrent requests never overbook it.
- `CalendarToken` — the secret of a person's private "my registrations" iCal feed.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from creative.territories.models import Territory


class EventKind(models.Model):
    name = models.CharField(_("nom"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("type d'événement")
        verbose_name_plural = _("types d'événement")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class Series(models.Model):
    """Dates created together (every Tuesday for ten weeks); each is an Event of its own."""

    title = models.CharField(_("titre"), max_length=200)
    rule = models.CharField(_("récurrence"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("série")
        verbose_name_plural = _("séries")

    def __str__(self):
        return self.title


class EventQuerySet(models.QuerySet):
    def published(self):
        """Public events: published or cancelled (a cancelled date stays visible, marked as such)."""
        return self.filter(state__in=(Event.State.PUBLISHED, Event.State.CANCELLED))

    def upcoming(self, now=None):
        return self.published().filter(ends_at__gte=now or timezone.now())

    def past(self, now=None):
        return self.published().filter(ends_at__lt=now or timezone.now())


class Event(models.Model):
    class State(models.TextChoices):
        PROPOSED = "proposed", _("proposé, en attente de validation")
        PUBLISHED = "published", _("publié")
        REJECTED = "rejected", _("refusé")
        CANCELLED = "cancelled", _("annulé")

    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True, blank=True)
    description = models.TextField(_("description"), max_length=10000, blank=True, help_text=_("Markdown."))
    kind = models.ForeignKey(
        EventKind, verbose_name=_("type"), null=True, blank=True, on_delete=models.SET_NULL, related_name="events",
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("organisateur ou organisatrice"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="organised_events",
    )
    organisation = models.ForeignKey(
        "network.Organisation", verbose_name=_("organisation"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="events",
    )
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    is_online = models.BooleanField(_("en ligne"), default=False)
    online_url = models.URLField(
        _("lien de connexion"), blank=True,
        help_text=_("Montré aux seules personnes inscrites, peu avant le début."),
    )
    commune = models.ForeignKey(
        Territory, verbose_name=_("commune"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="events", limit_choices_to={"level": Territory.Level.COMMUNE},
    )
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    capacity = models.PositiveIntegerField(
        _("nombre de places"), null=True, blank=True, help_text=_("Vide : sans limite."),
    )
    registration_opens_at = models.DateTimeField(_("ouverture des inscriptions"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("clôture des inscriptions"), null=True, blank=True)
    is_free = models.BooleanField(_("gratuit"), default=True)
    price_info = models.CharField(_("tarif"), max_length=200, blank=True)
    accessibility = models.TextField(_("accessibilité"), max_length=2000, blank=True)
    themes = models.ManyToManyField("innovations.Theme", verbose_name=_("thèmes"), blank=True, related_name="events")
    innovations = models.ManyToManyField(
        "innovations.Innovation", verbose_name=_("fiches liées"), blank=True, related_name="events",
    )
    # Every territory containing the commune (commune, EPCI, pays…), kept by services.save_event:
    # filtering the agenda at any level is one indexed join, as for fiches.
    territories = models.ManyToManyField(Territory, related_name="events_inside", editable=False, blank=True)
    series = models.ForeignKey(
        Series, verbose_name=_("série"), null=True, blank=True, on_delete=models.SET_NULL, related_name="events",
    )
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.PROPOSED)
    rejection_reason = models.TextField(_("motif du refus"), blank=True)
    # iCalendar SEQUENCE: raised at each change of date, place or state, so calendars update the event.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    is_demo = models.BooleanField(_("contenu de démonstration"), default=False)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["state", "starts_at"], name="event_state_start"),
            models.Index(fields=["state", "ends_at"], name="event_state_end"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gte=models.F("starts_at")), name="event_ends_after_start"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="event_point_complete",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            base = f"{slugify(self.title)[:180] or 'evenement'}-{timezone.localtime(self.starts_at):%Y-%m-%d}"
            slug, n = base, 2
            while Event.objects.filter(slug=slug).exclude(pk=self.pk).exists():
                slug, n = f"{base}-{n}", n + 1
            self.slug = slug
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("events:detail", args=[self.slug])

    @property
    def is_public(self):
        return self.state in (self.State.PUBLISHED, self.State.CANCELLED)

    @property
    def map_point(self):
        if self.latitude is not None:
            return self.latitude, self.longitude
        if self.commune_id and self.commune.latitude is not None:
            return self.commune.latitude, self.commune.longitude
        return None


class RegistrationQuerySet(models.QuerySet):
    def holding_seats(self):
        return self.filter(status=Registration.Status.CONFIRMED)

    def waiting(self):
        return self.filter(status=Registration.Status.WAITING).order_by("waiting_since", "pk")

    def active(self):
        """Registrations that still count: not cancelled, not expired unconfirmed guests."""
        return self.exclude(status=Registration.Status.CANCELLED)


class Registration(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("en attente de confirmation par courriel")
        CONFIRMED = "confirmed", _("inscrit·e")
        WAITING = "waiting", _("sur liste d'attente")
        CANCELLED = "cancelled", _("désinscrit·e")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="registrations",
    )
    # A guest's name and address (an account holder's come from the account). Never shown publicly.
    name = models.CharField(_("nom"), max_length=120)
    email = models.EmailField(_("adresse électronique"))
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.PENDING)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("demandée le"), default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(_("confirmée le"), null=True, blank=True)
    # Order of the waiting list: when the person joined it.
    waiting_since = models.DateTimeField(_("en attente depuis"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)
    attended = models.BooleanField(_("présent·e"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("rappel envoyé le"), null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["created_at", "pk"]
        constraints = [
            # One live registration per address and event (a cancelled one may be followed by a new one).
            models.UniqueConstraint(
                fields=["event", "email"], condition=~Q(status="cancelled"), name="registration_unique_live",
            ),
        ]
        indexes = [models.Index(fields=["event", "status"], name="registration_event_status")]

    def __str__(self):
        return f"{self.name} — {self.event}"


class CalendarToken(models.Model):
    """The secret in the address of a person's private "mes inscriptions" iCal feed; revocable."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token")
    token = models.UUIDField(default=uuid.uuid4, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("jeton de calendrier")
        verbose_name_plural = _("jetons de calendrier")

    def __str__(self):
        return str(self.user)
