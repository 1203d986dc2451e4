"""Default kinds of event, created by migration 0002 and after every migrate or test flush, only where missing."""

from django.apps import apps as global_apps

KINDS = [
    ("atelier-ecriture-publique", "Atelier d'écriture publique"),
    ("atelier-outils-collaboratifs", "Atelier outils collaboratifs"),
    ("formation-animacoop", "Formation Animacoop"),
    ("rencontre", "Rencontre"),
    ("webcoffee", "Webcoffee"),
    ("visite", "Visite"),
    ("autre", "Autre"),
]


def seed_kinds(apps=global_apps, **kwargs):
    EventKind = apps.get_model("events", "EventKind")
    for position, (slug, name) in enumerate(KINDS):
        EventKind.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})


def seed_after_migrate(sender, apps=global_apps, **kwargs):
    try:
        apps.get_model("events", "EventKind")
    except LookupError:  # migrating backwards, or before this app's tables exist
        return
    seed_kinds(apps)
