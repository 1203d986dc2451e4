from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from creative.innovations.models import Innovation

from .models import Territory


@require_GET
def territory_index(request):
    home = Territory.objects.home()
    if home is None:
        return redirect("home")
    return redirect(home)


@require_GET
def territory_detail(request, slug):
    territory = get_object_or_404(Territory.objects.select_related("parent__parent__parent__parent"), slug=slug)
    innovations = (
        Innovation.objects.published().in_territory(territory)
        .select_related("carrier_kind").prefetch_related("themes", "places__commune")
        .order_by("-published_at", "-pk")
    )
    page = Paginator(innovations, 20).get_page(request.GET.get("page"))
    children = (
        territory.children.annotate(
            n=Count("innovations", filter=Q(innovations__state=Innovation.State.PUBLISHED))
        ).order_by("-n", "name")
    )
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
    return render(request, "territories/detail.html", context)
