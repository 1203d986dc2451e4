from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from creative.territories.models import Territory

from . import mapdata
from .filters import ORDERS, InnovationFilters
from .models import Innovation, Section, SlugRedirect, Theme

PAGE_SIZE = 20


class RankedResults:
    """A sequence of search results in relevance order, sliced page by page for Paginator."""

    def __init__(self, queryset, query):
        self.queryset = queryset
        self.query = query

    def count(self):
        return self.query.filter(self.queryset).count()

    def __getitem__(self, page):
        ids = self.query.ranked_ids(self.queryset, page.start, page.stop - page.start)
        by_id = {obj.pk: obj for obj in self.queryset.filter(pk__in=ids)}
        return [by_id[pk] for pk in ids if pk in by_id]


def card_queryset(queryset):
    return queryset.select_related("carrier_kind").prefetch_related("themes", "places__commune")


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
    if filters.query and filters.order == "pertinence":
        results = RankedResults(filtered, filters.query)
    else:
        results = filters.ordered(filters.apply(filtered))
    paginator = Paginator(results, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = with_snippets(list(page.object_list), filters.query)
    context = {
        "filters": filters,
        "facets": filters.facets(base, home),
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
    published_here = Innovation.territories.through.objects.filter(
        territory=OuterRef("pk"), innovation__state=Innovation.State.PUBLISHED
    )
    return list(
        Territory.objects.descendants_of(home, level=Territory.Level.COMMUNE)
        .filter(Exists(published_here)).order_by("name").values_list("slug", "name")
    )


@require_GET
def innovation_detail(request, slug):
    innovation = Innovation.objects.select_related("carrier_kind").filter(slug=slug).first()
    if innovation is None:
        moved = SlugRedirect.objects.select_related("innovation").filter(old_slug=slug).first()
        if moved is None:
            raise Http404
        return redirect(moved.innovation, permanent=True)
    if not innovation.is_published and not request.user.is_staff:
        raise Http404
    answers = {a.section_id: a for a in innovation.answers.all()}
    sections = [
        (section, answers.get(section.pk))
        for section in Section.objects.all()
        if section.is_active or section.pk in answers
    ]
    places = list(innovation.places.select_related("commune__parent__parent"))
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
    }
    page_url = request.build_absolute_uri(innovation.get_absolute_url())
    context["page_url"] = page_url
    context["attribution"] = attribution_text(innovation, page_url)
    context["jsonld"] = json_ld(innovation, page_url, places, context["themes"])
    return render(request, "innovations/detail.html", context)


def authors_of(innovation):
    return innovation.carrier_name or _("les contributeurs et contributrices de %(site)s") % {
        "site": settings.SITE_NAME
    }


def attribution_text(innovation, page_url):
    return _("« %(title)s », par %(authors)s, sur %(site)s (%(url)s), licence %(licence)s — %(licence_url)s") % {
        "title": innovation.title,
        "authors": authors_of(innovation),
        "site": settings.SITE_NAME,
        "url": page_url,
        "licence": innovation.get_licence_display(),
        "licence_url": innovation.licence_url,
    }


def json_ld(innovation, page_url, places, themes):
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
    payload = mapdata.map_payload(filters.apply(Innovation.objects.published()), bbox, zoom)
    if filters.errors:
        payload["warnings"] = filters.errors
    response = JsonResponse(payload)
    response["Cache-Control"] = "public, max-age=60"
    return response


@require_GET
def home(request):
    published = Innovation.objects.published()
    count = published.count()
    home_territory = Territory.objects.home()
    context = {
        "count": count,
        "goal": settings.INNOVATIONS_GOAL,
        "progress": min(100, round(100 * count / settings.INNOVATIONS_GOAL)),
        "latest": card_queryset(published.order_by("-published_at", "-pk"))[:6],
        "themes": Theme.objects.annotate(
            n=Count("innovations", filter=Q(innovations__state=Innovation.State.PUBLISHED))
        ),
        "home": home_territory,
        "map_config": {"endpoint": reverse("innovations:map_points"), "query": "",
                       "bounds": home_territory.bounds if home_territory else None},
    }
    return render(request, "home.html", context)
