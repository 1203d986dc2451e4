"""The three legal pages with their default texts (see legal/defaults.py).

Administrators complete and change them in the admin afterwards; this only creates what is missing.
"""

from django.db import migrations


def seed(apps, schema_editor):
    from creative.legal.defaults import seed_pages

    seed_pages(apps)


class Migration(migrations.Migration):
    dependencies = [("legal", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
