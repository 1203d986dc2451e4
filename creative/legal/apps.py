from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class LegalConfig(AppConfig):
    name = "creative.legal"
    verbose_name = _("Pages légales")

    def ready(self):
        from .defaults import seed_after_migrate

        # Also after a test-database flush, so transactional tests find the pages.
        post_migrate.connect(seed_after_migrate, sender=self, dispatch_uid="creative.legal.seed")
