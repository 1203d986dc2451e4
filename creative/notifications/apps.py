from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "creative.notifications"
    verbose_name = _("Abonnements et notifications")
