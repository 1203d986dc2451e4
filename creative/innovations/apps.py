from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class InnovationsConfig(AppConfig):
    name = "creative.innovations"
    verbose_name = _("Innovations")

    def ready(self):
        from . import signals  # noqa: F401
        from .taxonomy import seed_after_migrate

        # Also after a test-database flush, so transactional tests find the defaults.
        post_migrate.connect(seed_after_migrate, sender=self, dispatch_uid="creative.innovations.seed")
        from .search import drop_orphans

        post_migrate.connect(drop_orphans, sender=self, dispatch_uid="creative.innovations.search_orphans")
