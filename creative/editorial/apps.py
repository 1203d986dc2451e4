from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditorialConfig(AppConfig):
    name = "creative.editorial"
    verbose_name = _("Écriture accompagnée")
