"""Import a CSV or JSON file into a source: a dry run by default, `--apply` to write.

    manage.py import_fiches <source-slug> <file> [--apply]

Prints a progress bar, then the report (counts, then each row that is not unchanged, with why).
Runs as the system: fiches are published directly, with an ADMIN revision and no author.
"""

import secrets
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError

from creative.imports.models import ImportRun, ImportSource
from creative.imports.tasks import process_run

BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Import fiches from a CSV/JSON file with a source's mappings (dry run unless --apply)."

    def add_arguments(self, parser):
        parser.add_argument("source", help="Slug of the ImportSource (its mappings and default licence are used).")
        parser.add_argument("file", help="Path of the CSV or JSON file.")
        parser.add_argument("--apply", action="store_true", help="Write the fiches (default: dry run).")

    def handle(self, *args, **options):
        source = ImportSource.objects.filter(slug=options["source"]).first()
        if source is None:
            raise CommandError(f"No import source {options['source']!r}.")
        if source.kind not in (ImportSource.Kind.CSV, ImportSource.Kind.JSON):
            raise CommandError("This source is harvested through its API (manage.py harvest), not from a file.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        run = ImportRun(source=source, dry_run=not options["apply"])
        # An unguessable stored name: the file may hold data that is never published (emails…).
        run.file.save(f"{secrets.token_urlsafe(18)}{path.suffix.lower()[:8]}", ContentFile(path.read_bytes()),
                      save=False)
        run.save()
        process_run(run, progress=self._bar)
        self.stdout.write("")
        run.refresh_from_db()
        if run.status == ImportRun.Status.FAILED:
            raise CommandError(run.error)
        self._report(run)

    def _bar(self, done, total):
        total = max(total, 1)
        filled = int(BAR_WIDTH * done / total)
        self.stdout.write(f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {int(100 * done / total):3d} % "
                          f"({done}/{total})", ending="")
        self.stdout.flush()

    def _report(self, run):
        counts = run.counts or {}
        mode = "DRY RUN — nothing written" if run.dry_run else "Applied"
        self.stdout.write(f"{mode}: {counts.get('created', 0)} created, {counts.get('updated', 0)} updated, "
                          f"{counts.get('unchanged', 0)} unchanged, {counts.get('skipped', 0)} skipped "
                          f"({run.total_rows} rows).")
        if counts.get("duplicates"):
            self.stdout.write(f"{counts['duplicates']} possible duplicate(s) to review.")
        for line in run.report or []:
            if line.get("action") == "unchanged":
                continue
            text = f"  row {line.get('row')}: {line.get('action')} — {line.get('title') or '?'}"
            if line.get("reason"):
                text += f" — {line['reason']}"
            self.stdout.write(text)
            for warning in line.get("warnings", []):
                self.stdout.write(f"      ! {warning}")
        for tag, n in sorted((counts.get("unmapped_tags") or {}).items()):
            self.stdout.write(f"Unmapped tag {tag!r} ({n} row(s)): add it to the source's theme mapping.")
        if run.dry_run:
            self.stdout.write("Run again with --apply to import.")
