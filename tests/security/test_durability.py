"""A webhook answered 200 is on disk: SQLite runs in WAL mode with synchronous=FULL (NORMAL can
lose the last commits to a power cut, and Telnyx does not redeliver what it saw acknowledged)."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from switchboard.settings import sqlite_synchronous

FULL = 2  # PRAGMA synchronous's answer for FULL


@pytest.mark.django_db
def test_sqlite_commits_are_synced_in_full():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's setting; PostgreSQL syncs every commit by default")
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA synchronous").fetchone()[0] == FULL
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_weaker_or_unknown_setting_is_named_at_start(monkeypatch):
    monkeypatch.setenv("SQLITE_SYNCHRONOUS", "off")
    with pytest.raises(ImproperlyConfigured, match="SQLITE_SYNCHRONOUS"):
        sqlite_synchronous()
