from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "creative.calls"
    verbose_name = _("Appels à l'aide")

    def ready(self):
        from . import signals  # noqa: F401
