from django.conf import settings
from django.utils.functional import SimpleLazyObject


def platform(request):
    """Instance-wide values every page needs (name, map tiles), and what the navigation offers."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "MAP_TILES": {"url": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION},
        "nav_rights": SimpleLazyObject(lambda: _nav_rights(request)),
    }


def _nav_rights(request):
    from creative.accounts import permissions

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "review_queue": permissions.can_use_review_queue(user),
        "audit_log": permissions.can_read_audit_log(user),
        "moderation_queue": permissions.can_moderate(user),
    }
