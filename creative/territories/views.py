from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from creative.innovations.models import Innovation
from creative.innovations.services import cached_per_version
from creative.innovations.views import card_queryset

from . import lookup
from .models import Territory

COUNTS_CACHE_SECONDS = 600
COMMUNES_MAX_AGE = 300
# Above this many published fiches, a territory's newest are found by scanning in date order.
LARGE_TERRITORY = 2_000


@require_GET
def territory_index(request):
    home = Territory.objects.home()
    if home is None:
        return redirect("home")
    return redirect(home)


def published_counts(territory):
    """(published fiches in `territory`, {child id: published fiches in it}).

    Counting through the fiche–territory links is the cost of the page for a pays or a
    département (tens of thousands of links): cached per content version, like the facets.
    """

    def compute():
        links = Innovation.territories.through.objects.filter(innovation__state=Innovation.State.PUBLISHED)
        total = links.filter(territory=territory).count()
        per_child = dict(
            links.filter(territory__parent=territory).values_list("territory").annotate(n=Count("*"))
            .values_list("territory", "n")
        )
        return total, per_child

    return cached_per_version("territory-counts", territory.pk, compute=compute, timeout=COUNTS_CACHE_SECONDS)


@require_GET
def territory_detail(request, slug):
    territory = get_object_or_404(Territory.objects.select_related("parent__parent__parent__parent"), slug=slug)
    total, counts = published_counts(territory)
    published = Innovation.objects.published()
    if total > LARGE_TERRITORY:
        # Newest first, read in index order; EXISTS keeps the first 20 inside the territory
        # without sorting tens of thousands of fiches.
        links = Innovation.territories.through.objects.filter(territory=territory, innovation=OuterRef("pk"))
        innovations = published.filter(Exists(links))
    else:
        # A commune: its few fiches are found through the links, then sorted.
        innovations = published.in_territory(territory)
    innovations = card_queryset(innovations).order_by("-published_at", "-pk")
    paginator = Paginator(innovations, 20)
    paginator.count = total  # a cached_property: the count is already known
    page = paginator.get_page(request.GET.get("page"))
    children = sorted(territory.children.all(), key=lambda child: (-counts.get(child.pk, 0), child.name))
    for child in children:
        child.n = counts.get(child.pk, 0)
    context = {
        "territory": territory,
        "page": page,
        "children": children,
        "map_config": {
            "endpoint": reverse("innovations:map_points"),
            "query": f"territoire={territory.slug}",
            "bounds": territory.bounds,
        },
    }
    response = render(request, "territories/detail.html", context)
    from creative.stats.counting import count_view

    count_view(request, "territory", territory.pk)
    return response


@require_GET
def commune_search(request):
    """Communes matching `q` (accents and case ignored), for the places step's autocomplete.

    `{"query": q, "results": [{"code", "name", "label", "lat", "lng"}, …]}`, at most 15, best
    first (see lookup.search_communes). The answer depends on `q` alone: browsers and proxies
    may keep it a few minutes.
    """
    query = request.GET.get("q", "")[: lookup.MAX_QUERY_LENGTH]
    communes = lookup.search_communes(query, limit=lookup.MAX_RESULTS)
    response = JsonResponse({"query": query, "results": [commune.as_json() for commune in communes]})
    patch_cache_control(response, public=True, max_age=COMMUNES_MAX_AGE)
    return response
