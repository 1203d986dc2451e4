"""Ambassador-consultants: carriers who offer to pass on what they know of one fiche.

- Who declares: a verified account (`can_contribute`) with author rights on the fiche
  (`has_author_rights`: its authors and the carriers of its team), not blocked.
- Who is shown (`shown()`): active offers, on published fiches, by people whose profile is
  public (`Profile.objects.public()`: chosen public, not held, account active and not blocked).
- The directory (`AmbassadorFilters`, `map_points`): filters by territory (the fiche inside it, or
  the person's commune inside it), theme of the fiche, means, and a text query; the map places a
  person at their commune, else at the fiche's first place — never more precisely than a
  commune, unless it is the fiche's own public place.

Writes are recorded in the audit log: ambassador.declared, ambassador.updated, ambassador.withdrawn.
"""

from urllib.parse import urlencode

from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery, TextField
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.translation import gettext as _

from creative.accounts.models import Profile
from creative.accounts.permissions import can_contribute, has_author_rights
from creative.antispam.scoring import remember
from creative.audit import record
from creative.innovations.models import Innovation, Place, Theme
from creative.moderation.services import is_blocked
from creative.territories.models import Territory

from .models import Ambassador

FILTER_PARAMS = ("q", "territoire", "theme", "moyen")
MAP_LIMIT = 1000  # markers on the directory's map; the list pages through every result
Q_MAX_LENGTH = 100


# Who may declare --------------------------------------------------------------------------------

def declare_refusal(user, innovation):
    """Why `user` may not offer to be an ambassador of `innovation` (a French sentence), or None."""
    if not user.is_authenticated:
        return _("Connectez-vous pour proposer d'être ambassadeur de cette fiche.")
    if is_blocked(user):
        return _("Votre compte a été bloqué par l'équipe de modération : vous ne pouvez pas vous déclarer "
                 "ambassadeur.")
    if not can_contribute(user):
        return _("Confirmez d'abord votre adresse électronique : suivez le lien du message que nous vous avons "
                 "envoyé, ou demandez-en un nouveau depuis la page de votre adresse.")
    if not has_author_rights(user, innovation):
        return _("Seules les personnes qui portent cette fiche (ses auteurs et les porteurs de son équipe) peuvent "
                 "s'en déclarer ambassadeur.")
    return None


def can_declare(user, innovation):
    return declare_refusal(user, innovation) is None


# Who is shown -----------------------------------------------------------------------------------

def shown():
    """Offers anybody may see: active, on a published fiche, by a person whose profile is public."""
    return Ambassador.objects.filter(
        is_active=True,
        innovation__state=Innovation.State.PUBLISHED,
        user_id__in=Profile.objects.public().values("user_id"),
    )


def is_shown(ambassador):
    return shown().filter(pk=ambassador.pk).exists()


def shown_on(innovation):
    return shown().filter(innovation=innovation).select_related("user__profile__commune").order_by("created_at", "pk")


def hidden_reasons(ambassador):
    """Why the person's own offer is not shown publicly (French sentences); empty when it is."""
    reasons = []
    if not ambassador.is_active:
        reasons.append(_("vous l'avez marquée comme indisponible"))
    if ambassador.innovation.state != Innovation.State.PUBLISHED:
        reasons.append(_("la fiche n'est pas publiée"))
    if not Profile.objects.public().filter(user_id=ambassador.user_id).exists():
        reasons.append(_("votre profil n'est pas public"))
    return reasons


# Writes -----------------------------------------------------------------------------------------

def save_offer(user, innovation, form, *, make_public=False):
    """Save a valid AmbassadorForm of `user` on `innovation`; returns (ambassador, created).

    `make_public` also makes the person's profile public (the offer is shown only then).
    """
    with transaction.atomic():
        ambassador = form.save(commit=False)
        created = ambassador.pk is None
        ambassador.innovation, ambassador.user = innovation, user
        ambassador.save()
        made_public = False
        if make_public:
            made_public = Profile.objects.filter(user=user, is_public=False).update(is_public=True) > 0
        record(
            user, "ambassador.declared" if created else "ambassador.updated", ambassador,
            innovation=innovation.pk, means=list(ambassador.means), travel_km=ambassador.travel_km,
            is_active=ambassador.is_active, made_profile_public=made_public,
        )
    remember([ambassador.topics, ambassador.availability], scope=form.spam_scope)
    return ambassador, created


def withdraw(user, ambassador):
    with transaction.atomic():
        record(user, "ambassador.withdrawn", ambassador, innovation=ambassador.innovation_id)
        ambassador.delete()


# The directory ------------------------------------------------------------------------------------

class AmbassadorFilters:
    """Parse the directory's parameters (unknown values are ignored and reported in `errors`)."""

    def __init__(self, params):
        self.params = params
        self.errors = []
        self.q = " ".join((params.get("q") or "").split())[:Q_MAX_LENGTH]
        slug = (params.get("territoire") or "").strip()
        self.territory = None
        if slug:
            self.territory = Territory.objects.filter(slug=slug[:160]).first()
            if self.territory is None:
                self.errors.append(_("Territoire inconnu ignoré : « %(value)s ».") % {"value": slug[:50]})
        slugs = [s for s in params.getlist("theme") if s][:20]
        self.themes = list(Theme.objects.filter(slug__in=slugs)) if slugs else []
        for unknown in sorted(set(slugs) - {t.slug for t in self.themes}):
            self.errors.append(_("Thème inconnu ignoré : « %(value)s ».") % {"value": unknown[:50]})
        self.means = []
        for value in params.getlist("moyen")[:10]:
            if value in Ambassador.Means.values:
                if value not in self.means:
                    self.means.append(value)
            elif value:
                self.errors.append(_("Moyen inconnu ignoré : « %(value)s ».") % {"value": value[:50]})

    @property
    def is_active(self):
        return bool(self.q or self.territory or self.themes or self.means)

    def apply(self, queryset):
        if self.territory is not None:
            in_fiche = Innovation.territories.through.objects.filter(territory=self.territory).values("innovation_id")
            if self.territory.level == Territory.Level.COMMUNE:
                communes = Q(user__profile__commune=self.territory)
            else:
                communes = Q(user__profile__commune__in=Territory.objects.descendants_of(
                    self.territory, level=Territory.Level.COMMUNE).values("pk"))
            queryset = queryset.filter(Q(innovation_id__in=in_fiche) | communes)
        if self.themes:
            queryset = queryset.filter(innovation_id__in=Innovation.themes.through.objects.filter(
                theme__in=self.themes).values("innovation_id"))
        if self.means:
            # The means are a JSON list of fixed values: its text holds each one in quotes
            # (JSON "contains" lookups are not available on SQLite).
            wanted = Q()
            for value in self.means:
                wanted |= Q(means_text__contains=f'"{value}"')
            queryset = queryset.annotate(means_text=Cast("means", TextField())).filter(wanted)
        if self.q:
            queryset = queryset.filter(
                Q(user__profile__display_name__icontains=self.q) | Q(topics__icontains=self.q)
                | Q(innovation__title__icontains=self.q)
            )
        return queryset

    def as_params(self):
        return [
            *([("q", self.q)] if self.q else []),
            *([("territoire", self.territory.slug)] if self.territory else []),
            *[("theme", t.slug) for t in self.themes],
            *[("moyen", m) for m in self.means],
        ]

    def querystring(self):
        return urlencode(self.as_params())

    def selected(self, name, value):
        return (name, value) in self.as_params()


def directory(filters):
    """The shown offers matching `filters`, ready for the list (no query per row)."""
    return (
        filters.apply(shown())
        .select_related("user__profile__commune", "innovation")
        .order_by("user__profile__display_name", "innovation__title", "pk")
    )


def map_points(queryset, limit=MAP_LIMIT):
    """Markers for the offers of `queryset` (at most `limit`): the person's commune, else the fiche's first place.

    Never an address: a commune's reference point, or the fiche's own place as the fiche shows it.
    """
    first_place = Place.objects.filter(innovation=OuterRef("innovation_id")).order_by("pk")
    rows = (
        queryset.order_by("pk")
        .annotate(
            place_lat=Subquery(first_place.values("map_lat")[:1]),
            place_lng=Subquery(first_place.values("map_lng")[:1]),
            place_name=Subquery(first_place.values("commune__name")[:1]),
            person_lat=F("user__profile__commune__latitude"),
            person_lng=F("user__profile__commune__longitude"),
            person_commune=F("user__profile__commune__name"),
        )
        .values(
            "pk", "user__profile__display_name", "user__profile__slug", "innovation__title", "innovation__slug",
            "place_lat", "place_lng", "place_name", "person_lat", "person_lng", "person_commune", "travel_km",
        )[:limit]
    )
    points = []
    for row in rows:
        if row["person_lat"] is not None and row["person_lng"] is not None:
            lat, lng, where = row["person_lat"], row["person_lng"], row["person_commune"]
        elif row["place_lat"] is not None:
            lat, lng, where = row["place_lat"], row["place_lng"], row["place_name"]
        else:
            continue
        points.append({
            "id": row["pk"],
            "lat": round(lat, 6),
            "lng": round(lng, 6),
            "name": row["user__profile__display_name"],
            "fiche": row["innovation__title"],
            "fiche_url": reverse("innovations:detail", args=[row["innovation__slug"]]),
            "profile_url": reverse("network:person", args=[row["user__profile__slug"]]),
            "where": where or "",
            "travel_km": row["travel_km"],
        })
    return points
