from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "creative.stats"
    verbose_name = _("Statistiques")

    def ready(self):
        from django.core.signals import request_finished

        from .counting import flush_if_due

        # After the response went out: the batched view counts are written when due.
        request_finished.connect(flush_if_due, dispatch_uid="stats_flush_views")
