from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InnovationsConfig(AppConfig):
    name = "creative.innovations"
    verbose_name = _("Innovations")

    def ready(self):
        from . import signals  # noqa: F401
