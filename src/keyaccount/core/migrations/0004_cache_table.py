"""The database cache's table (core.cache.CACHE_TABLE), so that a fresh install and the test
database have it without a separate ``createcachetable`` step. Rate limits count in it when
KAM_REDIS_URL is not set."""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

CACHE_TABLE = "kam_cache"


def create_table(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, CACHE_TABLE, dry_run=False)


def drop_table(apps, schema_editor):
    if CACHE_TABLE in schema_editor.connection.introspection.table_names():
        schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(CACHE_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_user_reminders_notifications"),
    ]

    operations = [migrations.RunPython(create_table, drop_table)]
