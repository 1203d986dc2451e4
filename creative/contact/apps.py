from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactConfig(AppConfig):
    name = "creative.contact"
    verbose_name = _("Messages entre personnes")

    def ready(self):
        from creative.accounts import personal_data

        from . import personal_data as contact_data

        personal_data.register("contact_messages", export=contact_data.export, erase=contact_data.erase)
