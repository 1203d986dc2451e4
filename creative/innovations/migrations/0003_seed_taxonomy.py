"""Default themes, kinds of carrier and code-source sections (see innovations/taxonomy.py).

The fields named by the 2013 project page. Editors change them in the admin afterwards;
this only creates what is missing.
"""

from django.db import migrations


def seed(apps, schema_editor):
    from creative.innovations.taxonomy import seed_taxonomy

    seed_taxonomy(apps)


class Migration(migrations.Migration):
    dependencies = [("innovations", "0002_search_index")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
