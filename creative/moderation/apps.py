from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "creative.moderation"
    verbose_name = _("Modération")

    def ready(self):
        from creative.accounts import personal_data

        from . import content  # noqa: F401  (registers the moderatable content types)
        from . import personal_data as moderation_data

        personal_data.register("reports", export=moderation_data.export, erase=moderation_data.erase)
