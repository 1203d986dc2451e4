from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "creative.accounts"
    verbose_name = _("Comptes et rôles")

    def ready(self):
        from .roles import sync_role_groups

        # After every migrate (and every test-database flush), the role groups and their
        # permissions are made to match roles.py.
        post_migrate.connect(sync_role_groups, sender=self, dispatch_uid="creative.accounts.sync_role_groups")
