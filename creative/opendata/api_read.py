"""The read endpoints of /api/v1/: public content only, JSON, no authentication.

Fiches are filtered with the list page's own filters (innovations.filters.InnovationFilters,
so `q` is the site's full-text search) plus a bounding box and `updated_since`, and walked
with a cursor on (updated_at, id): a harvester asks for what changed since its last run.
"""

from datetime import datetime, time
from typing import Annotated

from django.db.models import Exists, Max, OuterRef, Prefetch
from django.http import Http404, HttpResponsePermanentRedirect, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.errors import HttpError

from creative.innovations import mapdata
from creative.innovations.filters import InnovationFilters
from creative.innovations.models import CarrierKind, Innovation, Licence, Place, Section, SlugRedirect, Theme
from creative.territories.models import Territory

from . import api_schemas as s
from .pagination import DEFAULT_LIMIT, MAX_LIMIT, BadCursor, paginate

router = Router(tags=["Lecture"])

ERRORS = {400: s.Error, 404: s.Error, 422: s.Error, 429: s.Error}
LIMIT = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Nombre de résultats par page (au plus {MAX_LIMIT}).")
CURSOR = Query(None, max_length=500, description="Curseur opaque : reprenez le lien « next » de la page précédente.")


# --- Helpers ------------------------------------------------------------------------------------

def absolute(request, path):
    return request.build_absolute_uri(path)


def set_last_modified(request, moments):
    """Tell the API wrapper the newest modification among `moments`, for Last-Modified."""
    moments = [m for m in moments if m is not None]
    if moments:
        request.api_last_modified = max(moments)


def page(request, queryset, limit, cursor, keys=("id",)):
    try:
        return paginate(request, queryset, limit=limit, cursor=cursor, keys=keys)
    except BadCursor as exc:
        raise HttpError(400, str(exc)) from None


def territory_ref(t):
    return {"slug": t.slug, "code": t.code, "name": t.name, "level": t.level}


def point(lat, lng):
    return {"lat": lat, "lng": lng} if lat is not None and lng is not None else None


def place_out(place):
    return {
        "commune": territory_ref(place.commune),
        "address": place.address,
        "point": {"lat": place.map_lat, "lng": place.map_lng},
        "precise": place.has_point,
    }


def innovation_api_url(request, slug):
    return absolute(request, reverse("api:innovation_detail", args=[slug]))


def parse_since(raw):
    """An ISO 8601 date or date-time; naive ones are in the site's time zone."""
    raw = (raw or "").strip()
    try:
        moment = parse_datetime(raw)
        if moment is None:
            day = parse_date(raw)
            moment = datetime.combine(day, time.min) if day else None
    except ValueError:
        moment = None
    if moment is None:
        raise HttpError(400, _("updated_since doit être une date ISO 8601, par exemple 2025-01-31 ou "
                               "2025-01-31T08:00:00+01:00."))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def unknown_filter_values(params, filters):
    """Why the filters were refused: the list page ignores unknown values, the API names them."""
    found = {
        "theme": {t.slug for t in filters.themes},
        "porteur": {k.slug for k in filters.carrier_kinds},
        "statut": set(filters.statuses),
        "territoire": {filters.territory.slug} if filters.territory else set(),
    }
    names = {"theme": "theme", "porteur": "kind", "statut": "status", "territoire": "territory"}
    return [
        _("Valeur inconnue pour %(param)s : « %(value)s ».") % {"param": names[key], "value": value[:50]}
        for key in names for value in params.getlist(key)[:20] if value and value not in found[key]
    ]


# --- Fiches -------------------------------------------------------------------------------------

def summary_out(request, fiche):
    return {
        "slug": fiche.slug,
        "title": fiche.title,
        "pitch": fiche.pitch,
        "url": absolute(request, fiche.get_absolute_url()),
        "api_url": innovation_api_url(request, fiche.slug),
        "status": fiche.status,
        "kind": fiche.carrier_kind.slug if fiche.carrier_kind_id else None,
        "themes": [t.slug for t in fiche.themes.all()],
        "places": [place_out(p) for p in fiche.places.all()],
        "licence": fiche.licence,
        "published_at": fiche.published_at,
        "updated_at": fiche.updated_at,
    }


@router.get(
    "/innovations/", response={200: s.InnovationList, **ERRORS}, url_name="innovations",
    summary="Les fiches publiées",
    description="Filtres combinables ; les valeurs multiples (theme, kind, status) se répètent "
                "(`?theme=numerique&theme=solidarites` : l'un ou l'autre). Ordre : date de modification puis "
                "identifiant, croissants.",
)
def innovations(
    request,
    q: str = Query("", max_length=200, description="Recherche plein texte, comme sur le site."),
    theme: Annotated[list[str] | None, Query(description="Slug de thème (répétable).")] = None,
    territory: str = Query("", max_length=160, description="Slug de territoire (commune, EPCI, pays…)."),
    kind: Annotated[list[str] | None, Query(description="Slug de type de porteur (répétable).")] = None,
    status: Annotated[list[str] | None, Query(
        description="Avancement : idee, demarrage, en-cours, terminee (répétable).")] = None,
    bbox: str = Query("", max_length=200, description="Emprise ouest,sud,est,nord en degrés décimaux (WGS 84)."),
    updated_since: str = Query("", max_length=40, description="Fiches modifiées depuis cette date (ISO 8601)."),
    limit: int = LIMIT,
    cursor: str | None = CURSOR,
):
    params = QueryDict(mutable=True)
    params.setlist("q", [q] if q else [])
    params.setlist("theme", [v for v in theme or [] if v])
    params.setlist("territoire", [territory] if territory else [])
    params.setlist("porteur", [v for v in kind or [] if v])
    params.setlist("statut", [v for v in status or [] if v])
    filters = InnovationFilters(params)
    if filters.errors:
        raise HttpError(400, " ".join(unknown_filter_values(params, filters)) or _("Filtre invalide."))
    if q.strip() and not filters.query:
        raise HttpError(400, _("La recherche q ne contient aucun mot cherchable."))
    queryset = filters.apply(Innovation.objects.published())
    if bbox:
        try:
            box = mapdata.BBox.parse(bbox)
        except mapdata.BadMapRequest as exc:
            raise HttpError(400, str(exc)) from None
        inside = Place.objects.filter(
            innovation=OuterRef("pk"), map_lat__gte=box.south, map_lat__lte=box.north,
            map_lng__gte=box.west, map_lng__lte=box.east,
        )
        queryset = queryset.filter(Exists(inside))
    if updated_since:
        queryset = queryset.filter(updated_at__gte=parse_since(updated_since))
    queryset = queryset.select_related("carrier_kind").prefetch_related(
        "themes", Prefetch("places", queryset=Place.objects.select_related("commune").order_by("pk")),
    )
    rows, next_url = page(request, queryset, limit, cursor, keys=("updated_at", "id"))
    set_last_modified(request, [f.updated_at for f in rows])
    return {"next": next_url, "results": [summary_out(request, f) for f in rows]}


@router.get(
    "/innovations/{slug}/", response={200: s.InnovationDetail, **ERRORS}, url_name="innovation_detail",
    summary="Une fiche publiée",
    description="Une ancienne adresse de la fiche redirige (301) vers l'actuelle.",
)
def innovation_detail(request, slug: str):
    from creative.editorial.people import authors_and_contributors
    from creative.innovations.views import attribution_text

    fiche = Innovation.objects.published().select_related("carrier_kind").filter(slug=slug[:160]).first()
    if fiche is None:
        moved = SlugRedirect.objects.select_related("innovation").filter(old_slug=slug[:160]).first()
        if moved is not None and moved.innovation.is_published:
            target = reverse("api:innovation_detail", args=[moved.innovation.slug])
            return HttpResponsePermanentRedirect(target)
        raise Http404
    answers = {a.section_id: a for a in fiche.answers.select_related("section")}
    sections = [
        {"slug": section.slug, "title": section.title, "body": answers[section.pk].body}
        for section in Section.objects.all() if section.pk in answers
    ]
    places = list(fiche.places.select_related("commune").order_by("pk"))
    authors, contributors = authors_and_contributors(fiche)
    page_url = absolute(request, fiche.get_absolute_url())
    provenance = _provenance(fiche)
    set_last_modified(request, [fiche.updated_at])
    return {
        "slug": fiche.slug,
        "title": fiche.title,
        "pitch": fiche.pitch,
        "description": fiche.description,
        "url": page_url,
        "api_url": innovation_api_url(request, fiche.slug),
        "original_url": (provenance or {}).get("original_url") or page_url,
        "status": fiche.status,
        "start_year": fiche.start_year,
        "website": fiche.website,
        "carrier_name": fiche.carrier_name,
        "kind": {"slug": fiche.carrier_kind.slug, "name": fiche.carrier_kind.name} if fiche.carrier_kind_id else None,
        "themes": [{"slug": t.slug, "name": t.name, "description": t.description} for t in fiche.themes.all()],
        "sections": sections,
        "places": [place_out(p) for p in places],
        "territories": [territory_ref(t) for t in fiche.territories.order_by("depth", "name")],
        "links": [{"label": link.label, "url": link.url} for link in fiche.links.all()],
        "images": [
            {"url": absolute(request, image.file.url), "alt_text": image.alt_text, "caption": image.caption,
             "credit": image.credit, "is_cover": image.is_cover}
            for image in fiche.images.all() if image.file
        ],
        "licence": {
            "code": fiche.licence, "name": fiche.get_licence_display(), "url": fiche.licence_url,
            "shareable_as_cc_by_sa": Licence.shareable_as_cc_by_sa(fiche.licence),
        },
        "authors": [{"name": p.name, "url": absolute(request, p.url) if p.url else None} for p in authors],
        "contributors": [{"name": p.name, "url": absolute(request, p.url) if p.url else None} for p in contributors],
        "attribution": attribution_text(fiche, page_url, authors, contributors),
        "provenance": provenance,
        "revision": fiche.revision_number,
        "published_at": fiche.published_at,
        "updated_at": fiche.updated_at,
    }


def _provenance(fiche):
    from creative.imports.models import Provenance

    found = Provenance.objects.select_related("source").filter(innovation=fiche).first()
    if found is None:
        return None
    return {
        "source": found.source.name,
        "original_url": found.original_url,
        "original_authors": found.original_authors,
        "original_licence": found.original_licence,
        "read_only": found.read_only,
    }


# --- Territories, themes, kinds, sections -----------------------------------------------------------

def territory_out(request, t):
    return {
        **territory_ref(t),
        "parent": t.parent.slug if t.parent_id else None,
        "url": absolute(request, t.get_absolute_url()),
        "api_url": absolute(request, reverse("api:territory_detail", args=[t.slug])),
    }


@router.get("/territories/", response={200: s.TerritoryList, **ERRORS}, url_name="territories",
            summary="Les territoires (communes, EPCI, pays, département, région)")
def territories(
    request,
    level: str = Query("", max_length=20, description="Niveau : commune, epci, pays, departement, region…"),
    parent: str = Query("", max_length=160, description="Slug du territoire parent."),
    limit: int = LIMIT,
    cursor: str | None = CURSOR,
):
    queryset = Territory.objects.select_related("parent")
    if level:
        if level not in Territory.Level.values:
            raise HttpError(400, _("Niveau de territoire inconnu : « %(value)s ».") % {"value": level[:30]})
        queryset = queryset.filter(level=level)
    if parent:
        queryset = queryset.filter(parent__slug=parent)
    rows, next_url = page(request, queryset, limit, cursor)
    return {"next": next_url, "results": [territory_out(request, t) for t in rows]}


@router.get("/territories/{slug}/", response={200: s.TerritoryDetail, **ERRORS}, url_name="territory_detail",
            summary="Un territoire")
def territory_detail(request, slug: str):
    t = Territory.objects.select_related("parent").filter(slug=slug[:160]).first()
    if t is None:
        raise Http404
    bounds = [t.west, t.south, t.east, t.north] if t.south is not None else None
    published = Innovation.objects.published().in_territory(t)
    set_last_modified(request, [published.aggregate(m=Max("updated_at"))["m"]])
    return {
        **territory_out(request, t),
        "population": t.population,
        "point": point(t.latitude, t.longitude),
        "bounds": bounds,
        "ancestors": [territory_ref(a) for a in t.ancestors],
        "children": [territory_ref(c) for c in t.children.order_by("name")],
        "innovations": published.count(),
    }


@router.get("/themes/", response={200: s.ThemeList, **ERRORS}, url_name="themes", summary="Les thèmes")
def themes(request):
    return {"next": None, "results": [
        {"slug": t.slug, "name": t.name, "description": t.description} for t in Theme.objects.all()]}


@router.get("/kinds/", response={200: s.KindList, **ERRORS}, url_name="kinds", summary="Les types de porteur")
def kinds(request):
    return {"next": None, "results": [{"slug": k.slug, "name": k.name} for k in CarrierKind.objects.all()]}


@router.get("/sections/", response={200: s.SectionList, **ERRORS}, url_name="sections",
            summary="Les sections du « code source » des fiches")
def sections(request):
    return {"next": None, "results": [
        {"slug": x.slug, "title": x.title, "help_text": x.help_text, "position": x.position,
         "is_active": x.is_active}
        for x in Section.objects.all()
    ]}


# --- Events, organisations, people, articles, reproductions -----------------------------------------

@router.get("/events/", response={200: s.EventList, **ERRORS}, url_name="events",
            summary="Les événements de l'agenda (publiés ou annulés)")
def events(
    request,
    upcoming: bool = Query(False, description="Seulement ceux qui ne sont pas terminés."),
    limit: int = LIMIT,
    cursor: str | None = CURSOR,
):
    from creative.events.models import Event

    queryset = Event.objects.published()
    if upcoming:
        queryset = queryset.filter(ends_at__gte=timezone.now())
    queryset = queryset.select_related("kind", "commune", "organisation").prefetch_related(
        "themes", Prefetch("innovations", queryset=Innovation.objects.published().only("pk", "slug")),
    )
    rows, next_url = page(request, queryset, limit, cursor)
    set_last_modified(request, [e.updated_at for e in rows])
    return {"next": next_url, "results": [
        {
            "slug": e.slug, "title": e.title, "description": e.description,
            "url": absolute(request, e.get_absolute_url()),
            "kind": e.kind.slug if e.kind_id else None, "state": e.state,
            "starts_at": e.starts_at, "ends_at": e.ends_at, "is_online": e.is_online,
            "commune": territory_ref(e.commune) if e.commune_id else None, "address": e.address,
            "point": point(*(e.map_point or (None, None))),
            "is_free": e.is_free, "price_info": e.price_info, "accessibility": e.accessibility,
            "organisation": e.organisation.slug if e.organisation_id and e.organisation.visibility == "visible"
            else None,
            "themes": [t.slug for t in e.themes.all()],
            "innovations": [f.slug for f in e.innovations.all()],
            "updated_at": e.updated_at,
        }
        for e in rows
    ]}


@router.get("/organisations/", response={200: s.OrganisationList, **ERRORS}, url_name="organisations",
            summary="Les organisations")
def organisations(request, limit: int = LIMIT, cursor: str | None = CURSOR):
    from creative.network.models import Organisation

    queryset = Organisation.objects.public().select_related("kind", "commune").prefetch_related("themes")
    rows, next_url = page(request, queryset, limit, cursor)
    set_last_modified(request, [o.updated_at for o in rows])
    return {"next": next_url, "results": [
        {
            "slug": o.slug, "name": o.name, "description": o.description,
            "url": absolute(request, o.get_absolute_url()), "kind": o.kind.slug if o.kind_id else None,
            "commune": territory_ref(o.commune) if o.commune_id else None, "address": o.address,
            "point": point(*(o.map_point or (None, None))), "website": o.website,
            "themes": [t.slug for t in o.themes.all()], "updated_at": o.updated_at,
        }
        for o in rows
    ]}


@router.get("/people/", response={200: s.PersonList, **ERRORS}, url_name="people",
            summary="Les personnes qui ont choisi un profil public")
def people(request, limit: int = LIMIT, cursor: str | None = CURSOR):
    from creative.accounts.models import Profile

    queryset = Profile.objects.public().select_related("commune").prefetch_related("themes")
    rows, next_url = page(request, queryset, limit, cursor, keys=("user_id",))
    set_last_modified(request, [p.updated_at for p in rows])
    return {"next": next_url, "results": [
        {
            "slug": p.slug or "", "name": p.display_name, "url": absolute(request, p.get_absolute_url()),
            "commune": territory_ref(p.commune) if p.commune_id else None, "bio": p.bio,
            "links": p.link_list, "themes": [t.slug for t in p.themes.all()],
        }
        for p in rows
    ]}


@router.get("/articles/", response={200: s.ArticleList, **ERRORS}, url_name="articles",
            summary="Les articles publiés du magazine")
def articles(request, limit: int = LIMIT, cursor: str | None = CURSOR):
    from creative.magazine.models import Article

    queryset = Article.objects.published().select_related("category").prefetch_related(
        "themes", "territories", "authors__profile",
        Prefetch("innovations", queryset=Innovation.objects.published().only("pk", "slug")),
    )
    rows, next_url = page(request, queryset, limit, cursor)
    set_last_modified(request, [a.updated_at for a in rows])
    return {"next": next_url, "results": [
        {
            "slug": a.slug, "title": a.title, "lead": a.lead, "body": a.body,
            "url": absolute(request, a.get_absolute_url()),
            "category": {"slug": a.category.slug, "name": a.category.name}, "is_dossier": a.is_dossier,
            "authors": [str(u.display_name) for u in a.authors.all()],
            "themes": [t.slug for t in a.themes.all()], "territories": [t.slug for t in a.territories.all()],
            "innovations": [f.slug for f in a.innovations.all()],
            "published_at": a.published_at, "updated_at": a.updated_at,
        }
        for a in rows
    ]}


@router.get("/reproductions/", response={200: s.ReproductionList, **ERRORS}, url_name="reproductions",
            summary="Les liens d'essaimage entre fiches (reproductions, inspirations)")
def reproductions(request, limit: int = LIMIT, cursor: str | None = CURSOR):
    from creative.reuse.models import Reproduction

    queryset = Reproduction.objects.shown().select_related("original", "derived")
    rows, next_url = page(request, queryset, limit, cursor)

    def ref(fiche):
        return {"slug": fiche.slug, "title": fiche.title, "url": absolute(request, fiche.get_absolute_url())}

    return {"next": next_url, "results": [
        {
            "id": r.pk, "kind": r.kind, "status": r.status, "original": ref(r.original), "derived": ref(r.derived),
            "adapted": r.adapted, "started_year": r.started_year, "declared_at": r.declared_at,
        }
        for r in rows
    ]}
