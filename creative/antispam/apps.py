from django.apps import AppConfig


class AntispamConfig(AppConfig):
    name = "creative.antispam"
    verbose_name = "Anti-spam"

    def ready(self):
        from . import checks  # noqa: F401 (registers the system checks)
