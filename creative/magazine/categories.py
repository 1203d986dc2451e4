"""Default magazine categories, created after every migrate or test flush, only where missing."""

from django.apps import apps as global_apps

DEFAULT_CATEGORIES = [
    ("actualite", "Actualité"),
    ("portrait", "Portrait"),
    ("dossier", "Dossier"),
    ("compte-rendu-atelier", "Compte rendu d'atelier"),
    ("tribune", "Tribune"),
]


def seed_categories(apps=global_apps, **kwargs):
    Category = apps.get_model("magazine", "Category")
    for position, (slug, name) in enumerate(DEFAULT_CATEGORIES):
        if not Category.objects.filter(slug=slug).exists() and not Category.objects.filter(name=name).exists():
            Category.objects.create(slug=slug, name=name, position=position)


def seed_after_migrate(sender, apps=global_apps, **kwargs):
    try:
        apps.get_model("magazine", "Category")
    except LookupError:  # migrating backwards, or before this app's tables exist
        return
    seed_categories(apps)
