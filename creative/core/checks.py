"""System checks for the instance's configuration (`manage.py check --deploy`).

Django's own deploy checks cover HTTPS, HSTS, cookies and framing (security.W0xx); these add
what is specific to this platform. See docs/deployment.md#security.
"""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

CONSOLE_MAILER = "django.core.mail.backends.console.EmailBackend"
LOCAL_HOSTS = {"localhost", "testserver"}


@register(Tags.compatibility, deploy=True)
def check_mailer(app_configs=None, **kwargs):
    backend = getattr(settings, "MAILERS", {}).get("default", {}).get("BACKEND")
    if not settings.DEBUG and backend == CONSOLE_MAILER:
        return [
            Warning(
                "Mail is printed on the console, not sent: MAILERS uses the console backend without DEBUG.",
                hint="Leave MAILERS to the settings (SMTP_HOST, SMTP_PORT, SMTP_SECURITY, SMTP_USER, SMTP_PASSWORD); "
                "see docs/configuration.md. Check with `manage.py send_test_email --now you@example.org`.",
                id="creative.W001",
            )
        ]
    return []


@register(Tags.security)
def check_password_hasher(app_configs=None, **kwargs):
    """The preferred hasher must load, or every sign-up and password change fails."""
    from django.contrib.auth.hashers import get_hashers

    hasher = get_hashers()[0]
    try:
        if hasher.library:
            hasher._load_library()
    except ValueError as exc:
        return [
            Error(
                f"Passwords cannot be hashed: {exc}.",
                hint="Install the dependencies from requirements.lock (`make install`): argon2-cffi is missing.",
                id="creative.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_secret_key_is_not_a_development_key(app_configs=None, **kwargs):
    # The keys of development (config/settings.py) and tests (tests/environment.py) are public.
    if not settings.DEBUG and settings.SECRET_KEY.startswith("insecure-"):
        return [
            Error(
                "SECRET_KEY is a development or test key, published with the code.",
                hint="Set SECRET_KEY (or SECRET_KEY_FILE) to a long random string and leave "
                "ALLOW_INSECURE_SECRET_KEY unset.",
                id="creative.E002",
            )
        ]
    return []


def _is_local(host):
    if host in LOCAL_HOSTS or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@register(Tags.security, deploy=True)
def check_site_url_uses_https(app_configs=None, **kwargs):
    """Links in mail (password reset, confirmation) are built from SITE_URL: they must be https."""
    url = urlsplit(settings.SITE_URL)
    if not settings.DEBUG and url.scheme != "https" and not _is_local(url.hostname or ""):
        return [
            Warning(
                f"SITE_URL is {settings.SITE_URL}: links in emails (password reset, address "
                "confirmation) would travel over plain HTTP.",
                hint="Set SITE_URL to the public https:// address of the site.",
                id="creative.W002",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_login_rate_limits(app_configs=None, **kwargs):
    """Without the failed-login limit, passwords can be guessed at the speed of the server."""
    limits = getattr(settings, "ACCOUNT_RATE_LIMITS", {})  # an action left out keeps allauth's default
    if not settings.DEBUG and (limits is False or not limits.get("login_failed", "default").strip()):
        return [
            Warning(
                "Failed logins are not rate limited (ACCOUNT_RATE_LIMITS).",
                hint="Leave ACCOUNT_RATE_LIMITS unset for the defaults, or give login_failed a rate "
                "such as 10/m/ip,5/15m/key; see docs/configuration.md.",
                id="creative.W003",
            )
        ]
    return []
