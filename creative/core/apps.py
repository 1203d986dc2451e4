from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "creative.core"
    verbose_name = _("Socle")

    def ready(self):
        from creative.core import checks  # noqa: F401  (registers the system checks)
