"""Trigram index for accent-free name search on PostgreSQL.

Searching is ``name_folded LIKE '%text%'``; a btree cannot serve that, a
pg_trgm GIN index can. SQLite has no such index type: there the migration does
nothing and search scans, which is fine at its scale.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS worker_name_trgm ON people_worker "
        "USING gin (name_folded gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS worker_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
