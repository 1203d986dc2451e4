from django.conf import settings


def platform(request):
    """Instance-wide values every page needs (name, map tiles)."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "MAP_TILES": {"url": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION},
    }
