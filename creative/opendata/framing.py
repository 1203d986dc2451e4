"""Embeds may be framed by any site; nothing else may.

The site sends `X-Frame-Options: DENY` (XFrameOptionsMiddleware) and a strict CSP with
`frame-ancestors 'none'` (settings.SECURE_CSP) on every response. The embed views (the
compact card, the map widget) opt out of both, and only of that: their CSP is the site's
policy with `frame-ancestors *`, every other directive unchanged.
"""

from functools import wraps

from django.conf import settings
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override

ANY_SITE = "*"


def framable_policy():
    """The site's CSP with `frame-ancestors *` (read at request time: tests override settings)."""
    return {**settings.SECURE_CSP, "frame-ancestors": [ANY_SITE]}


def framable(view):
    """Let any site frame `view`'s responses, keeping the rest of the content security policy."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return csp_override(framable_policy())(view)(request, *args, **kwargs)

    return xframe_options_exempt(wrapped)
