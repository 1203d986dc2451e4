"""Re-synchronise the copies harvested from other Brest Créative instances (issue 8 §5).

`manage.py harvest` walks every source of kind "instance" (or only the slugs given) and asks each
for what changed since its last successful synchronisation (`--full`: everything). Run it from a
cron, e.g. every night: `15 3 * * * cd /srv/creative && .venv/bin/python manage.py harvest`.
Exits with status 1 when a source failed (its run says why), so the cron reports it.
"""

from django.core.management.base import BaseCommand, CommandError

from creative.imports.harvest import harvest, instance_sources
from creative.imports.models import ImportRun


class Command(BaseCommand):
    help = "Harvest (re-synchronise) the fiches of the other Brest Créative instances set up as import sources."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", metavar="source-slug", help="only these sources (default: all)")
        parser.add_argument("--full", action="store_true", help="read every fiche, not only those changed since "
                                                                "the last synchronisation")

    def handle(self, *args, slugs=(), full=False, **options):
        sources = list(instance_sources(slugs))
        unknown = sorted(set(slugs) - {s.slug for s in sources})
        if unknown:
            raise CommandError(f"Unknown instance source(s): {', '.join(unknown)}")
        failed = 0
        for source in sources:
            run = harvest(source, full=full)
            counts = ", ".join(f"{k} {v}" for k, v in run.counts.items() if v) or "nothing changed"
            self.stdout.write(f"{source.slug}: {run.get_status_display()} — {counts}")
            if run.error:
                self.stderr.write(f"{source.slug}: {run.error}")
            failed += bool(run.error) or run.status == ImportRun.Status.FAILED
        if not sources:
            self.stdout.write("No instance source to harvest.")
        if failed:
            raise CommandError(f"{failed} source(s) failed.")
