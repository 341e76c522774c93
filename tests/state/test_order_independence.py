"""Invariant 2: any delivery order, with duplicates, folds to the state of in-order delivery.
Invariant 1: rebuilding from the log gives the state built incrementally."""

import json

import pytest
from django.forms.models import model_to_dict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calls.models import Call
from conferences.models import Conference, Participant
from dashboard.eventlog.ingest import ingest_events
from dashboard.eventlog.rebuild import state_rebuild
from dashboard.models import Event
from dashboard.webhooks.parsing import parse_call_control, parse_texml_callback
from tests.support.webhooks import FIXTURES

pytestmark = pytest.mark.django_db

CALL_EVENTS = [
    parse_call_control((FIXTURES / "webhooks" / f).read_bytes())
    for f in sorted(p.name for p in (FIXTURES / "webhooks").glob("*.json"))
]
TEXML_EVENTS = [
    parse_texml_callback((FIXTURES / "texml" / f).read_bytes())
    for f in sorted(p.name for p in (FIXTURES / "texml").glob("*.txt"))
]
ALL_EVENTS = CALL_EVENTS + TEXML_EVENTS
IGNORED = {"id", "version", "conference"}


def snapshot() -> dict:
    def rows(model, key):
        return {
            key(obj): {k: v for k, v in model_to_dict(obj).items() if k not in IGNORED}
            for obj in model.objects.all()
        }

    return json.loads(
        json.dumps(
            {
                "calls": rows(Call, lambda c: c.call_control_id),
                "conferences": rows(Conference, lambda c: c.conference_id),
                "participants": rows(
                    Participant, lambda p: p.conference.conference_id + "/" + p.call_control_id
                ),
            },
            default=str,
            sort_keys=True,
        )
    )


def reset() -> None:
    for model in (Participant, Conference, Call, Event):
        model.objects.all().delete()


def in_order_state() -> dict:
    reset()
    for event in sorted(ALL_EVENTS, key=lambda e: (e.occurred_at, e.event_id)):
        ingest_events([event])
    return snapshot()


@pytest.fixture(scope="module")
def expected(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        state = in_order_state()
        reset()
    return state


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    order=st.permutations(ALL_EVENTS),
    repeats=st.lists(st.sampled_from(ALL_EVENTS), max_size=15),
    batch=st.integers(min_value=1, max_value=8),
)
def test_any_order_with_duplicates_ends_in_the_same_state(expected, order, repeats, batch):
    reset()
    deliveries = list(order)
    for i, event in enumerate(repeats):
        deliveries.insert((i * 7) % (len(deliveries) + 1), event)
    for start in range(0, len(deliveries), batch):
        ingest_events(deliveries[start : start + batch])
    assert snapshot() == expected
    assert Event.objects.count() == len(ALL_EVENTS)


def test_the_expected_state_is_not_empty(expected):
    assert expected["calls"] and expected["conferences"] and expected["participants"]
    call = next(iter(expected["calls"].values()))
    assert call["state"] == "hangup"


def test_rebuild_from_the_log_equals_the_incremental_state(expected):
    reset()
    for event in reversed(ALL_EVENTS):
        ingest_events([event])
    incremental = snapshot()
    counts = state_rebuild()
    assert snapshot() == incremental == expected
    assert counts == {"calls": 1, "conferences": 2, "participants": 2}


def test_the_rebuild_command_reports_what_it_rebuilt(capsys):
    from django.core.management import call_command

    ingest_events(CALL_EVENTS[:3])
    call_command("rebuild_state")
    assert "rebuilt 1 calls" in capsys.readouterr().out
