from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LettersConfig(AppConfig):
    name = "creative.letters"
    verbose_name = _("Lettre hebdomadaire")

    def ready(self):
        from creative.accounts import personal_data

        from . import subscriptions

        # The letter subscriptions of the account's addresses: in their download; deleted on erasure.
        personal_data.register(
            "letter_subscriptions",
            export=subscriptions.export_personal_data,
            erase=subscriptions.erase_personal_data,
        )
