"""The people around the fiches: organisations, fiche teams, ambassador-consultants.

- `Organisation` — an association, a public service, a collective… with its members
  (`Membership`, a role each) and the fiches it carries.
- `TeamMember` — who carries or supports a fiche: a person (their public profile) or an
  organisation, with a role. Carriers who are people edit the fiche with an author's rights.
- `Ambassador` — a carrier who offers to pass on their know-how about one fiche: topics,
  means (phone, visit, workshop, mentoring), availability and how far they travel.

Public profiles themselves are `accounts.Profile` (with `is_public`).
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

from creative.core.images import ImageUploadValidator
from creative.core.markdown import render_markdown
from creative.moderation.models import Visibility
from creative.territories.models import Territory


def logo_upload_to(instance, filename):
    return f"organisations/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.webp"


class OrganisationQuerySet(models.QuerySet):
    def public(self):
        return self.filter(visibility=Visibility.VISIBLE)


class Organisation(models.Model):
    """A structure: association, service public, collectivité, entreprise, collectif d'habitants…"""

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, blank=True)
    kind = models.ForeignKey(
        "innovations.CarrierKind", verbose_name=_("type de structure"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="organisations",
    )
    description = models.TextField(_("présentation"), blank=True, max_length=5000, help_text=_("Markdown."))
    logo = models.ImageField(
        _("logo"), upload_to=logo_upload_to, blank=True, validators=[ImageUploadValidator()],
        help_text=_("Facultatif. JPEG, PNG ou WebP, 5 Mo au plus."),
    )
    commune = models.ForeignKey(
        Territory, verbose_name=_("commune"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="organisations", limit_choices_to={"level": Territory.Level.COMMUNE},
    )
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    website = models.URLField(_("site web"), blank=True)
    themes = models.ManyToManyField(
        "innovations.Theme", verbose_name=_("thèmes"), blank=True, related_name="organisations",
    )
    accepts_contact = models.BooleanField(
        _("accepter les messages"), default=True,
        help_text=_("Les visiteurs peuvent écrire aux responsables par le site, sans voir leur adresse."),
    )
    visibility = models.CharField(
        _("visibilité"), max_length=10, choices=Visibility.choices, default=Visibility.VISIBLE,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("créée par"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    is_demo = models.BooleanField(_("contenu de démonstration"), default=False)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="organisations", blank=True,
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="organisation_point_complete",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            base = slugify(self.name)[:180] or "organisation"
            slug, n = base, 2
            while Organisation.objects.filter(slug=slug).exclude(pk=self.pk).exists():
                slug, n = f"{base}-{n}", n + 1
            self.slug = slug
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("network:organisation", args=[self.slug])

    @property
    def description_html(self):
        return render_markdown(self.description)

    @property
    def map_point(self):
        """(lat, lng) of the precise point, else of the commune, else None."""
        if self.latitude is not None:
            return self.latitude, self.longitude
        if self.commune_id and self.commune.latitude is not None:
            return self.commune.latitude, self.commune.longitude
        return None


class Membership(models.Model):
    """A person in an organisation. Managers edit it and its members."""

    class Role(models.TextChoices):
        MANAGER = "manager", _("responsable")
        MEMBER = "member", _("membre")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    title = models.CharField(_("fonction"), max_length=100, blank=True, help_text=_("Par exemple : trésorière."))
    added_at = models.DateTimeField(_("ajouté le"), default=timezone.now)

    class Meta:
        verbose_name = _("membre")
        verbose_name_plural = _("membres")
        ordering = ["role", "added_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["organisation", "user"], name="membership_unique")]

    def __str__(self):
        return f"{self.user} — {self.organisation}"


class TeamMember(models.Model):
    """Someone in a fiche's team: a person or an organisation, carrier or partner, with a role."""

    class Kind(models.TextChoices):
        CARRIER = "carrier", _("porteur")
        PARTNER = "partner", _("partenaire")

    innovation = models.ForeignKey("innovations.Innovation", on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("personne"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="team_memberships",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="team_memberships",
    )
    kind = models.CharField(_("place dans l'équipe"), max_length=10, choices=Kind.choices, default=Kind.CARRIER)
    role = models.CharField(_("rôle"), max_length=120, blank=True, help_text=_("Par exemple : coordinatrice."))
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    added_at = models.DateTimeField(_("ajouté le"), default=timezone.now)

    class Meta:
        verbose_name = _("membre de l'équipe")
        verbose_name_plural = _("équipe")
        ordering = ["kind", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, organisation__isnull=True)
                | Q(user__isnull=True, organisation__isnull=False),
                name="team_member_person_or_organisation",
            ),
            models.UniqueConstraint(
                fields=["innovation", "user"], condition=Q(user__isnull=False), name="team_member_unique_person",
            ),
            models.UniqueConstraint(
                fields=["innovation", "organisation"], condition=Q(organisation__isnull=False),
                name="team_member_unique_organisation",
            ),
        ]

    def __str__(self):
        return f"{self.user or self.organisation} — {self.innovation}"


class Ambassador(models.Model):
    """A carrier who offers to pass on what they know of one fiche."""

    class Means(models.TextChoices):
        PHONE = "phone", _("échange téléphonique")
        VISIT = "visit", _("visite sur place")
        WORKSHOP = "workshop", _("atelier ou intervention")
        MENTORING = "mentoring", _("accompagnement suivi")

    innovation = models.ForeignKey("innovations.Innovation", on_delete=models.CASCADE, related_name="ambassadors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ambassadorships")
    topics = models.TextField(
        _("ce que je peux partager"), max_length=2000,
        help_text=_("Les sujets sur lesquels vous pouvez conseiller : démarrage, financement, animation…"),
    )
    means = models.JSONField(_("comment"), default=list, blank=True)
    availability = models.CharField(
        _("quand"), max_length=200, blank=True, help_text=_("Par exemple : en semaine, en soirée, une fois par mois."),
    )
    travel_km = models.PositiveSmallIntegerField(
        _("jusqu'où je me déplace (km)"), default=0, validators=[MaxValueValidator(1000)],
        help_text=_("0 si vous ne vous déplacez pas."),
    )
    is_active = models.BooleanField(_("disponible"), default=True)
    created_at = models.DateTimeField(_("déclaré le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("ambassadeur")
        verbose_name_plural = _("ambassadeurs")
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["innovation", "user"], name="ambassador_unique")]

    def __str__(self):
        return f"{self.user} — {self.innovation}"

    def get_means_display(self):
        labels = dict(self.Means.choices)
        return [labels[m] for m in self.means if m in labels]
