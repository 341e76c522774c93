"""Create the event log's history indexes where a fresh SQLite database lacks them.

0003 created them outside the models' state, and SQLite rebuilds a table from the state when a
later migration alters it (0004), which dropped them; 0007 then only taught the state about
them. PostgreSQL alters in place and has them all along: only what is missing is created.
"""

from django.db import migrations


def create_missing_indexes(apps, schema_editor) -> None:  # noqa: ANN001
    model = apps.get_model("dashboard", "Event")
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        existing = connection.introspection.get_constraints(cursor, model._meta.db_table)
    for index in model._meta.indexes:
        if index.name not in existing:
            schema_editor.add_index(model, index)


class Migration(migrations.Migration):
    dependencies = [("dashboard", "0011_rejected_webhooks_counted_per_minute")]

    operations = [migrations.RunPython(create_missing_indexes, migrations.RunPython.noop)]
