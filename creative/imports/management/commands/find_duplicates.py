"""Look for possible duplicates among all fiches (similar names, places close to each other)."""

from django.core.management.base import BaseCommand

from creative.imports import duplicates


class Command(BaseCommand):
    help = "Propose pairs of fiches that look like duplicates (reviewed by editors at /doublons/)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--distance", type=int, default=None,
            help="Maximum distance in metres between two places (default: IMPORTS_DUPLICATE_DISTANCE_M).",
        )

    def handle(self, *args, distance=None, **options):
        if distance is not None and distance < 0:
            distance = 0
        found = duplicates.find_all(distance_m=distance)
        self.stdout.write(f"{len(found)} new possible duplicate pair(s).")
