"""Delete guests' event registrations that were never confirmed (run daily by a cron)."""

from django.core.management.base import BaseCommand

from creative.events import services


class Command(BaseCommand):
    help = "Delete the guests' registrations whose confirmation link expired unconfirmed (addresses not kept)."

    def handle(self, *args, **options):
        deleted = services.purge_unconfirmed_registrations()
        self.stdout.write(f"{deleted} unconfirmed registration(s) deleted.")
