"""Every index a model declares exists in a freshly migrated database, SQLite included: the
history searches rely on them (without them 'events: duplicated' scans the whole log)."""

import pytest
from django.apps import apps
from django.db import connection

pytestmark = [pytest.mark.django_db]


def test_a_migrated_database_has_every_declared_index():
    missing = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            if not model._meta.managed or model._meta.proxy or not model._meta.indexes:
                continue
            existing = connection.introspection.get_constraints(cursor, model._meta.db_table)
            missing += [f"{model._meta.label}.{index.name}" for index in model._meta.indexes if index.name not in existing]
    assert missing == []
