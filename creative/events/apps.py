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
