from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from creative.territories.importer import TerritoryFileError, import_territories


class Command(BaseCommand):
    help = "Load (or update) communes, EPCI, pays, départements and région from a CSV file."

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", default=str(settings.TERRITORIES_FILE),
            help="CSV file (default: settings.TERRITORIES_FILE)",
        )

    def handle(self, path, **options):
        try:
            report = import_territories(path)
        except TerritoryFileError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Territories loaded from {path}: {report.summary()}"))
