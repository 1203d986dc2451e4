"""Delete the daily salts and visitor marks older than yesterday (statistics without tracking)."""

from django.core.management.base import BaseCommand

from creative.stats import counting
from creative.stats.models import DailySalt, SeenToday


class Command(BaseCommand):
    help = (
        "Delete the daily salts and the visitors' marks (keyed hashes) older than yesterday, so that no "
        "past view can be recomputed or linked to anybody; the day counts stay. Writes this process's "
        "buffered views first. Run it daily (cron or systemd timer), e.g. `manage.py purge_view_marks`; "
        "--dry-run counts only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count what would be deleted, delete nothing")

    def handle(self, *, dry_run, **options):
        if dry_run:
            from datetime import timedelta

            limit = counting.today() - timedelta(days=1)
            salts = DailySalt.objects.filter(day__lt=limit).count()
            marks = SeenToday.objects.filter(day__lt=limit).count()
            self.stdout.write(f"{salts} salt(s) and {marks} mark(s) older than yesterday would be deleted.")
            return
        counting.flush()
        salts, marks = counting.purge_old()
        self.stdout.write(self.style.SUCCESS(f"{salts} salt(s) and {marks} mark(s) older than yesterday deleted."))
