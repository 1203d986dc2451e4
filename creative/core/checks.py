"""System checks for the instance's configuration (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

CONSOLE_MAILER = "django.core.mail.backends.console.EmailBackend"


@register(Tags.compatibility, deploy=True)
def check_mailer(app_configs=None, **kwargs):
    backend = getattr(settings, "MAILERS", {}).get("default", {}).get("BACKEND")
    if not settings.DEBUG and backend == CONSOLE_MAILER:
        return [
            Warning(
                "Mail is printed on the console, not sent: SMTP_HOST is not set.",
                hint="Set SMTP_HOST (and SMTP_PORT, SMTP_SECURITY, SMTP_USER, SMTP_PASSWORD); "
                "see docs/configuration.md. Check with `manage.py send_test_email --now you@example.org`.",
                id="creative.W001",
            )
        ]
    return []
