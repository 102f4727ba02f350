from django.db import migrations


def create_index(apps, schema_editor):
    from keyaccount.accounts import search_index

    search_index.ensure(schema_editor.connection)


def drop_index(apps, schema_editor):
    from keyaccount.accounts import search_index

    search_index.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial")]
    operations = [migrations.RunPython(create_index, drop_index)]
