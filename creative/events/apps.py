from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "creative.events"
    verbose_name = _("Agenda")

    def ready(self):
        from .kinds import seed_after_migrate

        # Also after a test-database flush, so transactional tests find the default kinds.
        post_migrate.connect(seed_after_migrate, sender=self, dispatch_uid="creative.events.seed")

        from creative.accounts import personal_data

        from . import services

        # A person's registrations: in their download; cancelled (future events) and anonymised on erasure.
        personal_data.register(
            "event_registrations", export=services.export_personal_data, erase=services.erase_personal_data,
        )

        from creative.matchmaking.services import register_provider

        from .matchmaking import open_workshops_nearby

        register_provider("events", open_workshops_nearby, title=_("Ateliers et rencontres à venir près de chez vous"))
