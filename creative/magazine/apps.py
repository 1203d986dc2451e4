from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MagazineConfig(AppConfig):
    name = "creative.magazine"
    verbose_name = _("Magazine")

    def ready(self):
        from .categories import seed_after_migrate

        # Also after a test-database flush, so transactional tests find the default categories.
        post_migrate.connect(seed_after_migrate, sender=self, dispatch_uid="creative.magazine.seed")

        from .integrations import register_integrations

        # Reports and moderation, comments, and the weekly letter's "article" items.
        register_integrations()
