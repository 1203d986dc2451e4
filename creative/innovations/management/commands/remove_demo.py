from django.core.management.base import BaseCommand

from creative.innovations.demo import remove_demo


class Command(BaseCommand):
    help = "Delete every demo fiche (is_demo=True). Real contributions are untouched."

    def handle(self, **options):
        count = remove_demo()
        self.stdout.write(self.style.SUCCESS(f"{count} demo fiche(s) removed."))
