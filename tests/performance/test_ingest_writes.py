"""What ingest writes per webhook: every statement and index entry is paid on every delivery."""

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from calls.models import Call
from dashboard.eventlog.batch_sql import _prepared
from dashboard.eventlog.ingest import ingest_events
from dashboard.models import Event
from dashboard.webhooks.parsing import parse_call_control
from tests.support.webhooks import envelope

pytestmark = [pytest.mark.django_db]


def incoming(name: str, step: int, **extra: str):
    payload = {"call_control_id": "v3:writes", "from": "+14155550100", "to": "+18005550100", **extra}
    body = envelope(name, payload, event_id=f"writes-{step}", occurred_at=f"2026-11-21T10:00:0{step}Z")
    return parse_call_control(json.dumps(body).encode())


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL writes every index on any non-HOT update")
def test_on_sqlite_a_call_update_sets_only_the_columns_that_changed():
    """SQLite rewrites the index entries of every column an UPDATE sets, changed or not, and the
    calls table has 14 indexes: answering a call must not rewrite its numbers' and cause's."""
    ingest_events([incoming("call.initiated", 0, direction="incoming", state="parked")])
    with CaptureQueriesContext(connection) as queries:
        ingest_events([incoming("call.answered", 1, state="answered")])
    updates = [query["sql"] for query in queries if 'UPDATE "calls_call"' in query["sql"]]
    assert len(updates) == 1
    assert '"state" = ' in updates[0]
    for untouched in ("from_number", "to_number", "direction", "hangup_cause", "conference_id", "call_session_id"):
        assert f'"{untouched}" = ' not in updates[0]
    call = Call.objects.get(call_control_id="v3:writes")
    assert (call.state, call.from_number, call.direction, call.version) == ("answered", "+14155550100", "incoming", 2)


def test_values_ingest_writes_are_what_django_would_write():
    """The batch statements skip Django's field preparation for plain text, flags and aware times:
    what they hand the database must still be exactly what `get_db_prep_save` gives, for any value."""
    aware = datetime(2026, 11, 21, 10, 0, 1, 250_000, tzinfo=timezone(timedelta(hours=-5)))
    samples = {
        "CharField": ["v3:abc", "", None, 42],
        "TextField": ["{}", None],
        "BooleanField": [True, False, 1],
        "DateTimeField": [aware, aware.astimezone(UTC), None, "2026-11-21T10:00:01Z"],
    }
    for model in (Call, Event):
        fields = tuple(field for field in model._meta.concrete_fields if not field.primary_key)
        for field in fields:
            for value in samples.get(type(field).__name__, []):
                row = model()
                setattr(row, field.attname, value)
                ((saved,),) = _prepared(connection, (field,), [row])
                assert saved == field.get_db_prep_save(value, connection), (model.__name__, field.name, value)


def test_a_stored_call_reads_back_its_times_and_flags():
    ingest_events([incoming("call.initiated", 0, direction="incoming", state="parked")])
    ingest_events([incoming("call.answered", 1, state="answered")])
    call = Call.objects.get(call_control_id="v3:writes")
    assert call.start_time.isoformat() == "2026-11-21T10:00:00+00:00"
    assert call.last_event_at.isoformat() == "2026-11-21T10:00:01+00:00"
    assert call.is_alive is True
