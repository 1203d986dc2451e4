"""The kinds of event the pays de Brest runs (creative/events/kinds.py); editors change them in the admin."""

from django.db import migrations


def seed(apps, schema_editor):
    from creative.events.kinds import seed_kinds

    seed_kinds(apps)


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
