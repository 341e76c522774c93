"""The fragment render thread keeps its database connection between bursts (no pool checkout per
burst); a connection the database dropped under it (restart, terminated session) costs no update."""

import json
import uuid

import pytest
from django.db import connection

from calls.models import Call
from dashboard.eventlog.ingest import ingest_events
from dashboard.realtime import fragments
from dashboard.webhooks.parsing import parse_call_control
from tests.support.webhooks import FIXTURES

pytestmark = [pytest.mark.django_db(transaction=True)]


def _new_call() -> int:
    document = json.loads((FIXTURES / "webhooks" / "call.initiated.json").read_bytes())
    document["data"]["id"] = str(uuid.uuid4())
    document["data"]["payload"]["call_control_id"] = "v3:render-after-drop"
    ingest_events([parse_call_control(json.dumps(document).encode())])
    return Call.objects.get(call_control_id="v3:render-after-drop").pk


def _in_render_thread(function, *args):  # noqa: ANN001, ANN202
    return fragments._renderer.submit(function, *args).result(timeout=10)


def _drop_the_threads_connection() -> None:
    # Closed underneath Django, as a database restart leaves it: Django still holds it as open.
    connection.ensure_connection()
    connection.connection.close()


def test_a_row_is_rendered_after_the_render_threads_connection_was_dropped():
    pk = _new_call()
    assert _in_render_thread(fragments._render_all, [("call", pk, False)])[0] is not None
    _in_render_thread(_drop_the_threads_connection)

    (row,) = _in_render_thread(fragments._render_all, [("call", pk, True)])

    assert row is not None
    assert row.dom_id == f"call-{pk}"
    assert "Hang up" in row.html


def test_a_burst_of_rows_of_several_kinds_comes_back_in_the_order_asked_with_gone_rows_as_none():
    pk = _new_call()
    missing = pk + 1000

    rows = _in_render_thread(fragments._render_all, [("call", missing, False), ("call", pk, False), ("call", pk, True)])

    assert rows[0] is None
    assert [row.dom_id for row in rows[1:]] == [f"call-{pk}", f"call-{pk}"]
    assert "Hang up" not in rows[1].html and "Hang up" in rows[2].html
