"""Covering indexes for the counts and filters measured by `python -m bench`.

See docs/benchmarks.md for the queries each one serves and what it saved. They are plain
SQL (the same on SQLite and PostgreSQL), so the model state does not change: the
many-to-many tables they index are created by Django, not declared in models.py.
"""

from django.db import migrations

INDEXES = {
    # "Is this fiche published?" for each row of a join (territory counts, map EXISTS)
    # answered from a small index instead of the wide fiche rows.
    "innovation_id_state": "innovations_innovation (id, state)",
    # Facet counts per avancement and per type of porteur, read from the index alone.
    "innovation_state_status": "innovations_innovation (state, status)",
    "innovation_state_carrier": "innovations_innovation (state, carrier_kind_id)",
    # "Fiches with this theme / in this territory" (filters and facet counts) without
    # visiting the link tables: Django's own indexes hold one column each.
    "innovation_themes_theme_fiche": "innovations_innovation_themes (theme_id, innovation_id)",
    "innovation_territories_fiche": "innovations_innovation_territories (territory_id, innovation_id)",
    # The map's bounding-box queries and grid clusters, read from the index alone.
    "place_map_point_fiche": "innovations_place (map_lat, map_lng, innovation_id)",
}


class Migration(migrations.Migration):
    dependencies = [("innovations", "0003_seed_taxonomy")]

    operations = [
        migrations.RunSQL(
            [f"CREATE INDEX IF NOT EXISTS {name} ON {target}" for name, target in INDEXES.items()],
            [f"DROP INDEX IF EXISTS {name}" for name in INDEXES],
        ),
    ]
