"""Write the dump of public data (run daily, see docs/deployment.md#scheduled-commands)."""

from django.core.management.base import BaseCommand
from django.template.defaultfilters import filesizeformat

from creative.opendata.dumps import dump_dir, write_dump


class Command(BaseCommand):
    help = (
        "Write the open data dump (CSV, GeoJSON and JSON-LD of all published fiches, referentials, "
        "LICENCE, AUTHORS, README and a manifest) into OPEN_DATA_DIR (default MEDIA_ROOT/opendata). "
        "Each file replaces the previous one atomically. Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="Write there instead of OPEN_DATA_DIR.")
        parser.add_argument("--base-url", help="Address of the site in the links (default SITE_URL).")

    def handle(self, *args, **options):
        directory = options["dir"] or dump_dir()
        manifest = write_dump(directory, base_url=options["base_url"])
        for entry in manifest["files"]:
            self.stdout.write(f"  {entry['name']:<22} {filesizeformat(entry['size'])}")
        self.stdout.write(self.style.SUCCESS(
            f"{manifest['counts']['innovations']} fiches exported to {directory}."
        ))
