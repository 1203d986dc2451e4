
from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from creative.accounts.permissions import can_edit_innovation, can_view_history, can_view_unpublished
from creative.editorial.people import authors_and_contributors, credit_line
from creative.territories.models import Territory

from . import mapdata
from .filters import ORDERS, InnovationFilters
from .models import Innovation, Section, SlugRedirect, Theme
from .services import cached_per_version

PAGE_SIZE = 20


# Ordered ids are cached by slices of this many (ten pages), per filters and content version.
RESULT_CHUNK = 200
RESULT_CACHE_SECONDS = 600
MAP_CACHE_SECONDS = 600


class CachedOrderResults:
    """Results in an order no index can serve, sliced page by page for Paginator.

    Relevance and the daily "découvrir" shuffle sort every matching fiche — 90,000 of them
    for the unfiltered list — to show 20. With a `cache_key` (which must name the filters,
    the order and the content version), the count and the ordered ids are cached, a chunk of
    RESULT_CHUNK at a time: the following pages, and the next visitor, skip the sort.
    """

    def __init__(self, queryset, cache_key=None, rows=None):
        self.queryset = queryset
        self.cache_key = cache_key
        # Where the fiches of a page are read from by id; the ids already passed the filters,
        # which need not run again (`rows` should still keep unpublished fiches out).
        self.rows = queryset if rows is None else rows

    def fetch_count(self):
        raise NotImplementedError

    def fetch_ids(self, offset, limit):
        raise NotImplementedError

    def _cached(self, suffix, compute):
        if self.cache_key is None:
            return compute()
        key = f"{self.cache_key}:{suffix}"
        value = cache.get(key)
        if value is None:
            value = compute()
            cache.set(key, value, RESULT_CACHE_SECONDS)
        return value

    def count(self):
        return self._cached("count", self.fetch_count)

    def ids(self, start, stop):
        if self.cache_key is None:
            return self.fetch_ids(start, stop - start)
        ids = []
        for chunk in range(start // RESULT_CHUNK, (max(stop, start + 1) - 1) // RESULT_CHUNK + 1):
            offset = chunk * RESULT_CHUNK
            part = self._cached(f"ids:{chunk}", lambda o=offset: self.fetch_ids(o, RESULT_CHUNK))
            ids += part[max(0, start - offset) : stop - offset]
        return ids

    def __getitem__(self, page):
        ids = self.ids(page.start, page.stop)
        by_id = {obj.pk: obj for obj in self.rows.order_by().filter(pk__in=ids)}
        return [by_id[pk] for pk in ids if pk in by_id]


class RankedResults(CachedOrderResults):
    """A sequence of search results in relevance order, sliced page by page for Paginator."""

    def __init__(self, queryset, query, cache_key=None, rows=None):
        super().__init__(queryset, cache_key, rows)
        self.query = query

    def fetch_count(self):
        return self.query.filter(self.queryset).count()

    def fetch_ids(self, offset, limit):
        return self.query.ranked_ids(self.queryset, offset, limit)


class ShuffledResults(CachedOrderResults):
    """Fiches in the daily "découvrir" order (`queryset` comes from InnovationFilters.ordered)."""

    def fetch_count(self):
        return self.queryset.count()

    def fetch_ids(self, offset, limit):
        return list(self.queryset.values_list("pk", flat=True)[offset : offset + limit])


def card_queryset(queryset):
    """Fiches with what their cards show: themes, places, open calls' kinds, shown reproductions."""
    from django.db.models import Prefetch

    from creative.calls.models import CallForHelp
    from creative.reuse.models import Reproduction

    return queryset.select_related("carrier_kind").prefetch_related(
        "themes",
        "places__commune",
        Prefetch("calls", queryset=CallForHelp.objects.open().only("pk", "kind", "innovation_id"),
                 to_attr="open_calls"),
        Prefetch("descendants", queryset=Reproduction.objects.shown().only("pk", "kind", "original_id"),
                 to_attr="shown_descendants"),
    )


def with_snippets(innovations, query):
    """Attach highlighted title, pitch and body excerpt to each fiche of a results page."""
    if not query:
        return innovations
    from .models import SearchDocument

    bodies = dict(SearchDocument.objects.filter(innovation__in=innovations).values_list("innovation_id", "body"))
    for innovation in innovations:
        innovation.title_html = query.highlight(innovation.title)
        innovation.pitch_html = query.highlight(innovation.pitch)
        body = bodies.get(innovation.pk, "")
        if query.has_hit(body):
            innovation.excerpt_html = query.highlight(body, window=30)
    return innovations


@require_GET
def innovation_list(request):
    filters = InnovationFilters(request.GET)
    home = Territory.objects.home()
    base = Innovation.objects.published()
    filtered = card_queryset(filters.apply(base, search=False))
    cache_key = "results:" + filters.results_cache_key()
    if filters.query and filters.order == "pertinence":
        results = RankedResults(filtered, filters.query, cache_key=cache_key, rows=card_queryset(base))
    elif filters.order == "decouvrir":
        results = ShuffledResults(
            filters.ordered(filters.apply(filtered)), cache_key=cache_key, rows=card_queryset(base)
        )
    else:
        results = filters.ordered(filters.apply(filtered))
    facets = filters.facets(base, home)
    paginator = Paginator(results, PAGE_SIZE)
    # The facets already counted the fiches matching every filter: no second COUNT.
    paginator.count = facets["total"]
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = with_snippets(list(page.object_list), filters.query)
    if filters.query and not facets["total"] and not request.GET.get("page"):
        from creative.stats.search import record_miss

        record_miss(filters.query.text, filters.territory, request=request)
    context = {
        "filters": filters,
        "facets": facets,
        "page": page,
        "orders": [(k, v) for k, v in ORDERS.items() if k != "pertinence" or filters.query],
        "home": home,
        "home_communes": home_communes(home),
    }
    return render(request, "innovations/list.html", context)


def home_communes(home):
    """(slug, name) of the home territory's communes that have published fiches, for the picker."""
    if home is None:
        return []

    def compute():
        published_here = Innovation.territories.through.objects.filter(
            territory=OuterRef("pk"), innovation__state=Innovation.State.PUBLISHED
        )
        return list(
            Territory.objects.descendants_of(home, level=Territory.Level.COMMUNE)
            .filter(Exists(published_here)).order_by("name").values_list("slug", "name")
        )

    # Five queries on every list and map page: cached per content version like the facets.
    return cached_per_version("home-communes", home.pk, compute=compute, timeout=RESULT_CACHE_SECONDS)


@require_GET
def innovation_detail(request, slug):
    # With its provenance and merge (creative.imports), when it has them: one query.
    innovation = (
        Innovation.objects.select_related("carrier_kind", "provenance__source", "merged_into__kept")
        .filter(slug=slug).first()
    )
    if innovation is None:
        moved = SlugRedirect.objects.select_related("innovation").filter(old_slug=slug).first()
        if moved is None:
            raise Http404
        return redirect(moved.innovation, permanent=True)
    merge = getattr(innovation, "merged_into", None)  # merged into another fiche (creative.imports)
    if merge is not None:
        return redirect(merge.kept, permanent=True)
    if not innovation.is_published and not can_view_unpublished(request.user, innovation):
        raise Http404
    answers = {a.section_id: a for a in innovation.answers.all()}
    sections = [
        (section, answers.get(section.pk))
        for section in Section.objects.all()
        if section.is_active or section.pk in answers
    ]
    places = list(innovation.places.select_related("commune__parent__parent"))
    authors, contributors = authors_and_contributors(innovation)
    context = {
        "innovation": innovation,
        "sections": sections,
        "places": places,
        "themes": innovation.themes.all(),
        "images": innovation.images.all(),
        "links": innovation.links.all(),
        "territories": innovation.territories.exclude(level=Territory.Level.COMMUNE).order_by("depth"),
        "map_points": [
            {"lat": p.map_lat, "lng": p.map_lng, "label": str(p), "precise": p.has_point} for p in places
        ],
        "authors": authors,
        "contributors": contributors,
        **edit_links(request.user, innovation),
    }
    page_url = request.build_absolute_uri(innovation.get_absolute_url())
    context["page_url"] = page_url
    context["attribution"] = attribution_text(innovation, page_url, authors, contributors)
    from creative.opendata.attribution import reuse_kit

    context["reuse_kit"] = reuse_kit(innovation, request, authors, contributors)
    context["jsonld"] = json_ld(innovation, page_url, places, context["themes"], authors, contributors)
    response = render(request, "innovations/detail.html", context)
    if innovation.is_published:
        from creative.stats.counting import count_view

        count_view(request, "innovation", innovation.pk)
    return response


def edit_links(user, innovation):
    """The "Modifier" and "Historique" links of a fiche, for this person."""
    from creative.editorial.revisions import goes_live

    links = {"edit_url": None, "edit_label": "", "history_url": None}
    if can_edit_innovation(user, innovation):
        links["edit_url"] = reverse("editorial:edit", args=[innovation.pk, "identite"])
        # On a published fiche, most people's edits wait for an editor: say so on the link.
        links["edit_label"] = _("Modifier") if goes_live(user, innovation) else _("Proposer une modification")
    if can_view_history(user, innovation):
        links["history_url"] = reverse("editorial:history", args=[innovation.slug])
    return links


def fallback_credit(innovation):
    """Who stands for the authors of a fiche nobody signs (demo and imported content)."""
    return innovation.carrier_name or _("les contributeurs et contributrices de %(site)s") % {
        "site": settings.SITE_NAME
    }


def attribution_text(innovation, page_url, authors=(), contributors=()):
    """The text to copy when reusing a fiche: title, authors and contributors, original address, licence."""
    return _("« %(title)s », par %(authors)s, sur %(site)s (%(url)s), licence %(licence)s — %(licence_url)s") % {
        "title": innovation.title,
        "authors": credit_line(list(authors), list(contributors), fallback=fallback_credit(innovation)),
        "site": settings.SITE_NAME,
        "url": page_url,
        "licence": innovation.get_licence_display(),
        "licence_url": innovation.licence_url,
    }


def json_ld(innovation, page_url, places, themes, authors=(), contributors=()):
    """schema.org description of the fiche, for search engines and partner sites."""
    data = {
        "@context": "https://schema.org",
        "@type": "CreativeWork",
        "name": innovation.title,
        "abstract": innovation.pitch,
        "url": page_url,
        "inLanguage": "fr",
        "license": innovation.licence_url,
        "keywords": [t.name for t in themes],
        "dateModified": innovation.updated_at.isoformat(),
        "publisher": {"@type": "Organization", "name": settings.SITE_NAME},
        "spatialCoverage": [
            {
                "@type": "Place",
                "name": place.commune.name,
                "address": {"@type": "PostalAddress", "streetAddress": place.address,
                            "addressLocality": place.commune.name, "addressCountry": "FR"},
                "geo": {"@type": "GeoCoordinates", "latitude": place.map_lat, "longitude": place.map_lng},
            }
            for place in places
        ],
    }
    if innovation.published_at:
        data["datePublished"] = innovation.published_at.isoformat()
    if innovation.carrier_name:
        data["creator"] = {"@type": "Organization", "name": innovation.carrier_name}
    if authors:
        data["author"] = [{"@type": "Person", "name": p.name} for p in authors]
    if contributors:
        data["contributor"] = [{"@type": "Person", "name": p.name} for p in contributors]
    return data


@require_GET
def map_page(request):
    filters = InnovationFilters(request.GET)
    home = Territory.objects.home()
    fit = filters.territory or home
    context = {
        "filters": filters,
        "facets": filters.facets(Innovation.objects.published(), home),
        "home": home,
        "home_communes": home_communes(home),
        "map_config": {
            "endpoint": reverse("innovations:map_points"),
            "query": filters.querystring(),
            "bounds": fit.bounds if fit else None,
        },
    }
    return render(request, "innovations/map.html", context)


@require_GET
def map_points(request):
    try:
        bbox = mapdata.BBox.parse(request.GET.get("bbox"))
        zoom = mapdata.parse_zoom(request.GET.get("zoom"))
    except mapdata.BadMapRequest as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    filters = InnovationFilters(request.GET)
    # The same view (a territory's first map, the home page's) is asked for by every visitor:
    # payloads are cached per box, zoom, filters and content version, like the facet counts.
    payload = cached_per_version(
        "map", filters.cache_key(), bbox, zoom, settings.MAP_MARKER_LIMIT,
        compute=lambda: mapdata.map_payload(filters.apply(Innovation.objects.published()), bbox, zoom),
        timeout=MAP_CACHE_SECONDS,
    )
    if filters.errors:
        payload["warnings"] = filters.errors
    response = JsonResponse(payload)
    response["Cache-Control"] = "public, max-age=60"
    return response


@require_GET
def home(request):
    published = Innovation.objects.published()
    home_territory = Territory.objects.home()
    # Counting 100,000 fiches per theme on every visit is the cost of this page: the counts
    # come from the list's facets, cached per content version (the list and the map share them).
    facets = InnovationFilters(QueryDict()).facets(published, home_territory)
    count = facets["total"]
    theme_counts = {slug: n for slug, _, n in facets["themes"]}
    themes = list(Theme.objects.all())
    for theme in themes:
        theme.n = theme_counts.get(theme.slug, 0)
    context = {
        "count": count,
        "goal": settings.INNOVATIONS_GOAL,
        "progress": min(100, round(100 * count / settings.INNOVATIONS_GOAL)),
        "latest": card_queryset(published.order_by("-published_at", "-pk"))[:6],
        "themes": themes,
        "home": home_territory,
        "map_config": {"endpoint": reverse("innovations:map_points"), "query": "",
                       "bounds": home_territory.bounds if home_territory else None},
    }
    return render(request, "home.html", context)
