"""External opinions on a text, plugged in with ANTISPAM_CHECKER (a dotted path, off by default).

A checker is a class built without arguments whose `check(text, *, author, kind, request)`
answers True (spam), False (not spam) or None (no opinion). scoring.assess() calls it last;
a True adds ANTISPAM_HOLD_SCORE points, so it holds the text alone. Exceptions are logged and
add nothing: an unreachable service never blocks posting.
"""

import logging
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings

logger = logging.getLogger(__name__)

# Akismet's comment types for our kinds of text.
AKISMET_TYPES = {
    "comment": "comment",
    "message": "message",
    "fiche": "blog-post",
    "profile": "signup",
    "contact": "contact-form",
    "report": "message",
}


class AkismetChecker:
    """Akismet's comment-check (https://akismet.com/developers/), or any compatible service.

    Settings: ANTISPAM_AKISMET_KEY (the API key), ANTISPAM_AKISMET_URL (the endpoint, with
    `{key}` replaced by the key; a local stub in tests), ANTISPAM_CHECKER_TIMEOUT (seconds).
    Only what Akismet needs is sent: the text, its kind, the author's public name, the client's
    address and browser when known, the site's address and language. Never an email address.
    """

    name = "Akismet"

    def __init__(self):
        self.key = settings.ANTISPAM_AKISMET_KEY
        self.url = settings.ANTISPAM_AKISMET_URL.replace("{key}", urllib.parse.quote(self.key, safe=""))
        self.timeout = settings.ANTISPAM_CHECKER_TIMEOUT

    def payload(self, text, *, author=None, kind="comment", request=None):
        data = {
            "api_key": self.key,
            "blog": settings.SITE_URL,
            "blog_lang": "fr, br, en",
            "blog_charset": "UTF-8",
            "comment_type": AKISMET_TYPES.get(kind, "comment"),
            "comment_content": text,
        }
        if author is not None and getattr(author, "is_authenticated", False):
            data["comment_author"] = str(getattr(author, "display_name", "") or "")
        if request is not None:
            from .ratelimit import client_ip

            data["user_ip"] = client_ip(request)
            data["user_agent"] = request.META.get("HTTP_USER_AGENT", "")
            data["referrer"] = request.META.get("HTTP_REFERER", "")
            data["permalink"] = request.build_absolute_uri()
        return data

    def check(self, text, *, author=None, kind="comment", request=None):
        """True for spam, False for not spam, None when the service cannot say (logged)."""
        body = urllib.parse.urlencode(self.payload(text, author=author, kind=kind, request=request)).encode()
        # The URL is a setting read by env_url (http or https only), never a person's input.
        post = urllib.request.Request(  # noqa: S310
            self.url, data=body, method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                     "User-Agent": f"{settings.SITE_NAME} anti-spam | Akismet-compatible/1.1"},
        )
        try:
            with urllib.request.urlopen(post, timeout=self.timeout) as response:  # noqa: S310 (see above)
                answer = response.read(100).decode("utf-8", "replace").strip()
                help_text = response.headers.get("X-akismet-debug-help", "")
        except (OSError, ValueError) as exc:  # URLError, timeouts, refused connections, bad URLs
            logger.warning("Akismet is unreachable (%s): the text is scored without it.", exc)
            return None
        if answer == "true":
            return True
        if answer == "false":
            return False
        logger.warning("Akismet answered %r (%s): the text is scored without it.", answer, help_text)
        return None
