from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "creative.notifications"
    verbose_name = _("Abonnements et notifications")

    def ready(self):
        from creative.accounts import personal_data

        from . import services

        # A person's follows, notifications and preference: in their download; deleted on erasure
        # (with the follows of their person, whose page disappears).
        personal_data.register(
            "notifications", export=services.export_personal_data, erase=services.erase_personal_data,
        )
