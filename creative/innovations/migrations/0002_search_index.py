"""Full-text index, per database: FTS5 on SQLite, a generated tsvector on PostgreSQL.

See creative/innovations/search.py and docs/architecture.md ("Search").
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS innovations_search_fts USING fts5("
    "title, pitch, body, keywords, tokenize='unicode61 remove_diacritics 2')",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS innovations_search_fts"]

POSTGRESQL_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
        ALTER TEXT SEARCH CONFIGURATION french_unaccent
          ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
      END IF;
    END $$
    """,
    """
    ALTER TABLE innovations_searchdocument ADD COLUMN vector tsvector GENERATED ALWAYS AS (
      setweight(to_tsvector('french_unaccent'::regconfig, coalesce(title, '')), 'A') ||
      setweight(to_tsvector('french_unaccent'::regconfig, coalesce(pitch, '')), 'B') ||
      setweight(to_tsvector('french_unaccent'::regconfig, coalesce(keywords, '')), 'C') ||
      setweight(to_tsvector('french_unaccent'::regconfig, coalesce(body, '')), 'D')
    ) STORED
    """,
    "CREATE INDEX innovations_searchdocument_vector ON innovations_searchdocument USING GIN (vector)",
]
POSTGRESQL_BACKWARD = [
    "DROP INDEX IF EXISTS innovations_searchdocument_vector",
    "ALTER TABLE innovations_searchdocument DROP COLUMN IF EXISTS vector",
]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("innovations", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}),
            run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}),
        ),
    ]
