"""Republication: a fiche's compact card and the map widget (framable by any site), and oEmbed.

The card and the widget are standalone pages (no site chrome, their own small stylesheet)
whose links open in a new tab. They show published fiches only. The oEmbed endpoint
(https://oembed.com/, "rich" type) answers for a fiche's address with the card's iframe.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from creative.innovations.filters import InnovationFilters
from creative.innovations.models import Innovation, SlugRedirect
from creative.territories.models import Territory

from ..attribution import CARD_HEIGHT, CARD_WIDTH, attribution_for, card_embed_code, map_embed_url
from ..framing import framable

MAX_URL_LENGTH = 2000
# Addresses of a fiche that oEmbed answers for: its page and its card.
FICHE_VIEWS = ("innovations:detail", "opendata:embed_card")


def published_fiche(slug):
    """(fiche, moved): the published fiche at `slug`, or the one that used to be there."""
    fiche = Innovation.objects.published().filter(slug=slug).first()
    if fiche is not None:
        return fiche, False
    moved = SlugRedirect.objects.select_related("innovation").filter(old_slug=slug).first()
    if moved is not None and moved.innovation.is_published:
        return moved.innovation, True
    return None, False


@framable
@require_GET
def card(request, slug):
    fiche, moved = published_fiche(slug)
    if fiche is None:
        raise Http404
    if moved:
        return redirect("opendata:embed_card", slug=fiche.slug, permanent=True)
    places = fiche.places.select_related("commune")
    communes = list(dict.fromkeys(place.commune.name for place in places))
    context = {
        "innovation": fiche,
        "page_url": request.build_absolute_uri(fiche.get_absolute_url()),
        "cover": fiche.images.filter(is_cover=True).first(),
        "communes": communes,
        "themes": fiche.themes.all(),
        "attribution": attribution_for(fiche, request),
    }
    return render(request, "opendata/embed_card.html", context)


@framable
@require_GET
def map_widget(request):
    """The innovations map for other sites, with the same filters (GET parameters) as /carte/."""
    filters = InnovationFilters(request.GET)
    fit = filters.territory or Territory.objects.home()
    querystring = filters.querystring()
    suffix = f"?{querystring}" if querystring else ""
    context = {
        "filters": filters,
        "map_config": {
            "endpoint": reverse("innovations:map_points"),
            "query": querystring,
            "bounds": fit.bounds if fit else None,
        },
        "list_url": request.build_absolute_uri(reverse("innovations:list")) + suffix,
        "map_url": request.build_absolute_uri(reverse("innovations:map")) + suffix,
        "embed_url": map_embed_url(request, querystring),
    }
    return render(request, "opendata/embed_map.html", context)


def oembed_error(message, status):
    return cors(JsonResponse({"error": message}, status=status))


def cors(response):
    response["Access-Control-Allow-Origin"] = "*"
    return response


def parse_size(request, name, default):
    """An optional positive integer (maxwidth, maxheight); None when invalid."""
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 0 < int(raw) <= 10_000:
        return None
    return min(default, int(raw))


def fiche_from_url(request, url):
    """The published fiche that `url` (its page or its card on this site) shows, or None."""
    if len(url) > MAX_URL_LENGTH:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    own_hosts = {request.get_host().lower(), urlsplit(settings.SITE_URL).netloc.lower()}
    if parts.scheme not in ("http", "https") or parts.netloc.lower() not in own_hosts:
        return None
    try:
        match = resolve(parts.path or "/")
    except Resolver404:
        return None
    if match.view_name not in FICHE_VIEWS or "slug" not in match.kwargs:
        return None
    return published_fiche(match.kwargs["slug"])[0]


@require_GET
def oembed(request):
    """oEmbed 1.0 for a fiche's address: a "rich" answer whose html is the card's iframe."""
    fmt = request.GET.get("format", "").strip() or "json"
    if fmt != "json":
        return oembed_error(_("Seul le format json est disponible."), 501)
    url = request.GET.get("url", "").strip()
    if not url:
        return oembed_error(_("Le paramètre url (l'adresse d'une fiche) est obligatoire."), 400)
    width = parse_size(request, "maxwidth", CARD_WIDTH)
    height = parse_size(request, "maxheight", CARD_HEIGHT)
    if width is None or height is None:
        return oembed_error(_("maxwidth et maxheight doivent être des nombres entiers positifs."), 400)
    fiche = fiche_from_url(request, url)
    if fiche is None:
        return oembed_error(_("Aucune fiche publiée à cette adresse sur ce site."), 404)
    attribution = attribution_for(fiche, request)
    data = {
        "version": "1.0",
        "type": "rich",
        "title": fiche.title,
        "author_name": attribution.credit,
        "provider_name": settings.SITE_NAME,
        "provider_url": attribution.site_url,
        "html": str(card_embed_code(fiche, request, width, height)),
        "width": width,
        "height": height,
        "cache_age": 86400,
        # Not in the oEmbed standard, but what a republisher needs to credit the fiche.
        "url": attribution.url,
        "license": attribution.licence,
        "license_url": attribution.licence_url,
    }
    return cors(JsonResponse(data, json_dumps_params={"ensure_ascii": False}))
