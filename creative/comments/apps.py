from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "creative.comments"
    verbose_name = _("Commentaires")

    def ready(self):
        from .targets import register_defaults

        register_defaults()  # fiches take comments

        from creative.accounts import personal_data

        from . import personal_data as comments_data

        personal_data.register("comments", export=comments_data.export)
