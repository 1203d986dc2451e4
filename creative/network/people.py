"""Queries of the people pages: the directory's filters, counts and map, and what a profile page lists.

Only public profiles (`Profile.objects.public()`) are listed, and only published fiches
are shown or used to match a theme. People are placed on the map at their commune's
reference point, never more precisely, several people of one commune in one marker.
"""

from urllib.parse import urlencode

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils.translation import gettext as _

from creative.accounts.models import Profile
from creative.innovations.models import Authorship, Innovation, Theme
from creative.territories.models import Territory

from .models import Ambassador, Membership, TeamMember

FILTER_PARAMS = ("q", "territoire", "theme")
MAX_QUERY_LENGTH = 100
MAX_THEMES = 20
MAP_NAMES_PER_COMMUNE = 12  # names listed in a marker's popup; the others are counted


def public_profiles():
    return Profile.objects.public()


def subtree(territory):
    """{pk: (parent_id, level, slug, name)} of the territories under `territory`, read once per instance."""
    cached = territory.__dict__.get("_people_subtree")
    if cached is None:
        rows = Territory.objects.descendants_of(territory).values_list("pk", "parent_id", "level", "slug", "name")
        cached = territory.__dict__["_people_subtree"] = {pk: rest for pk, *rest in rows}
    return cached


def commune_ids(territory):
    if territory.level == Territory.Level.COMMUNE:
        return [territory.pk]
    return [pk for pk, (_parent, level, _slug, _name) in subtree(territory).items() if level == Territory.Level.COMMUNE]


def in_territory(territory):
    """Profiles whose commune is `territory` or lies inside it (a commune, an EPCI, a pays…)."""
    return Q(commune_id__in=commune_ids(territory))


def with_themes(themes):
    """Profiles that chose one of `themes`, or that carry or wrote a published fiche having one of them."""
    fiches = Innovation.objects.published().filter(themes__in=themes).values("pk")
    chosen = Profile.themes.through.objects.filter(theme__in=themes).values("profile_id")
    carried = TeamMember.objects.filter(user__isnull=False, innovation__in=fiches).values("user_id")
    written = Authorship.objects.filter(innovation__in=fiches).values("user_id")
    return Q(user_id__in=chosen) | Q(user_id__in=carried) | Q(user_id__in=written)


class PeopleFilters:
    """The directory's filters read from a QueryDict; unknown values are reported in `errors` and ignored."""

    def __init__(self, params):
        self.params = params
        self.errors = []
        self.query = " ".join(params.get("q", "").split())[:MAX_QUERY_LENGTH]
        self.territory = None
        slug = params.get("territoire", "").strip()
        if slug:
            self.territory = Territory.objects.select_related("parent").filter(slug=slug[:160]).first()
            if self.territory is None:
                self.errors.append(_("Territoire inconnu ignoré : « %(value)s ».") % {"value": slug[:50]})
        slugs = list(dict.fromkeys(s.strip() for s in params.getlist("theme") if s.strip()))[:MAX_THEMES]
        self.themes = list(Theme.objects.filter(slug__in=slugs)) if slugs else []
        for unknown in sorted(set(slugs) - {t.slug for t in self.themes}):
            self.errors.append(_("Thème inconnu ignoré : « %(value)s ».") % {"value": unknown[:50]})

    @property
    def is_active(self):
        return bool(self.query or self.territory or self.themes)

    def apply(self, queryset, *, exclude=()):
        if self.query and "q" not in exclude:
            queryset = queryset.filter(display_name__icontains=self.query)
        if self.territory and "territoire" not in exclude:
            queryset = queryset.filter(in_territory(self.territory))
        if self.themes and "theme" not in exclude:
            queryset = queryset.filter(with_themes(self.themes))
        return queryset

    def as_params(self, **overrides):
        current = {
            "q": [self.query] if self.query else [],
            "territoire": [self.territory.slug] if self.territory else [],
            "theme": [t.slug for t in self.themes],
        }
        current.update(overrides)
        return [(name, value) for name in FILTER_PARAMS for value in current.get(name, [])]

    def querystring(self, **overrides):
        return urlencode(self.as_params(**overrides))


# Counts -----------------------------------------------------------------------------------------------


def theme_counts(filters, base):
    """[(slug, name, people)] for every theme, counted with the other filters applied (a theme matches as above)."""
    people = filters.apply(base, exclude={"theme"}).values("pk")
    published = Innovation.State.PUBLISHED
    pairs = set(Profile.themes.through.objects.filter(profile_id__in=people).values_list("theme_id", "profile_id"))
    pairs.update(
        TeamMember.objects.filter(user__in=people, innovation__state=published, innovation__themes__isnull=False)
        .values_list("innovation__themes", "user_id")
    )
    pairs.update(
        Authorship.objects.filter(user__in=people, innovation__state=published, innovation__themes__isnull=False)
        .values_list("innovation__themes", "user_id")
    )
    counts = {}
    for theme_id, _user_id in pairs:
        counts[theme_id] = counts.get(theme_id, 0) + 1
    return [(t.slug, t.name, counts.get(t.pk, 0)) for t in Theme.objects.all()]


def territory_counts(filters, base, parent):
    """[(slug, name, people)] for the territories just under `parent` that have people, other filters applied.

    One grouped query per commune; each commune is then walked up, in memory, to the child of
    `parent` it lies in.
    """
    if parent is None or parent.level == Territory.Level.COMMUNE:
        return []
    per_commune = (
        filters.apply(base, exclude={"territoire"}).filter(in_territory(parent)).order_by()
        .values_list("commune").annotate(n=Count("pk")).values_list("commune", "n")
    )
    nodes = subtree(parent)
    children = {}
    for commune_id, n in per_commune:
        node = commune_id
        while node in nodes and nodes[node][0] != parent.pk:
            node = nodes[node][0]
        if node in nodes:
            children[node] = children.get(node, 0) + n
    rows = [(nodes[pk][2], nodes[pk][3], n) for pk, n in children.items()]
    return sorted(rows, key=lambda row: row[1])


def communes_with_people(base, home):
    """(slug, name) of the communes of `home` where public people live, for the picker."""
    if home is None:
        return []
    nodes = subtree(home)
    used = base.filter(in_territory(home)).order_by().values_list("commune", flat=True).distinct()
    return sorted(((nodes[pk][2], nodes[pk][3]) for pk in used), key=lambda row: row[1])


# Map -----------------------------------------------------------------------------------------------------


def map_points(queryset):
    """One point per commune with people: its reference point, how many, and some names with their page.

    [{"commune", "slug", "url", "lat", "lng", "count", "people": [{"name", "url"}], "more"}], in
    commune name order. Never a person's own position: the commune's reference point only.
    """
    located = queryset.exclude(commune=None).filter(commune__latitude__isnull=False, commune__longitude__isnull=False)
    counts = dict(located.order_by().values_list("commune").annotate(n=Count("pk")).values_list("commune", "n"))
    if not counts:
        return []
    names = {}
    ranked = located.order_by().annotate(
        rank=Window(RowNumber(), partition_by=[F("commune_id")], order_by=[F("display_name").asc(), F("pk").asc()])
    ).filter(rank__lte=MAP_NAMES_PER_COMMUNE).values_list("commune_id", "display_name", "slug")
    for commune_id, name, slug in ranked:
        names.setdefault(commune_id, []).append({"name": name, "url": reverse("network:person", args=[slug])})
    points = []
    for commune in Territory.objects.filter(pk__in=counts).order_by("name"):
        people = sorted(names.get(commune.pk, []), key=lambda p: p["name"].casefold())
        points.append({
            "commune": commune.name,
            "slug": commune.slug,
            "url": commune.get_absolute_url(),
            "lat": round(commune.latitude, 5),
            "lng": round(commune.longitude, 5),
            "count": counts[commune.pk],
            "people": people,
            "more": counts[commune.pk] - len(people),
        })
    return points


# A profile page ---------------------------------------------------------------------------------------


def carried_fiches(user):
    """The published fiches `user` is in the team of (carrier or partner), with their role."""
    return (
        TeamMember.objects.filter(user=user, innovation__state=Innovation.State.PUBLISHED)
        .select_related("innovation").order_by("kind", "innovation__title", "pk")
    )


def written_fiches(user):
    return (
        Innovation.objects.published().filter(authorships__user=user)
        .order_by("title", "pk").distinct()
    )


def organisations_of(user):
    """`user`'s memberships of public organisations."""
    from creative.moderation.models import Visibility

    return (
        Membership.objects.filter(user=user, organisation__visibility=Visibility.VISIBLE)
        .select_related("organisation").order_by("organisation__name", "pk")
    )


def ambassador_offers(user):
    """`user`'s active ambassador offers on published fiches."""
    return (
        Ambassador.objects.filter(user=user, is_active=True, innovation__state=Innovation.State.PUBLISHED)
        .select_related("innovation").order_by("innovation__title", "pk")
    )


def person_json_ld(profile, page_url, request):
    """schema.org Person: the public name, the page, the photo and the commune. Never an email address."""
    data = {"@context": "https://schema.org", "@type": "Person", "name": profile.display_name, "url": page_url}
    if profile.photo:
        data["image"] = request.build_absolute_uri(profile.photo.url)
    if profile.commune_id:
        data["homeLocation"] = {
            "@type": "Place", "name": profile.commune.name,
            "address": {"@type": "PostalAddress", "addressLocality": profile.commune.name, "addressCountry": "FR"},
        }
    return data


def organised_events(user, limit=10):
    """The upcoming public events this person organises, soonest first."""
    from creative.events.models import Event

    return list(Event.objects.upcoming().filter(organiser=user).select_related("commune").order_by("starts_at")[:limit])
