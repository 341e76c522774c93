"""A call starts when Telnyx says it started: `payload.start_time`, which call.initiated,
call.answered and call.hangup all carry (seed 002's hangup sample: "start_time":
"2018-02-02T22:20:27.521992Z", with "occurred_at": "2018-02-02T22:25:27.521992Z"). A missed
call.initiated must shift neither the start nor the duration; `occurred_at` is the fallback only."""

import itertools
from datetime import UTC, datetime

import pytest

from calls.models import Call
from calls.projection import fold_call
from dashboard.eventlog.rebuild import state_rebuild
from tests.support.webhooks import fixture, post_webhook

pytestmark = pytest.mark.django_db

STARTED = datetime(2026, 11, 21, 10, 0, 1, tzinfo=UTC)  # the fixtures' start_time


def deliver(client, *names: str, without_start_time: bool = False) -> None:
    for name in names:
        document = fixture(name)
        if without_start_time:
            document["data"]["payload"].pop("start_time", None)
        assert post_webhook(client, document).status_code == 200


def test_a_missed_initiated_shifts_neither_start_nor_duration(client):
    deliver(client, "call.answered", "call.hangup")
    call = Call.objects.get()
    hangup = fixture("call.hangup")["data"]
    assert call.start_time == STARTED
    ended = datetime.fromisoformat(hangup["occurred_at"])
    assert call.ended_at == ended
    assert (call.ended_at - call.start_time) == ended - STARTED
    assert "start_time_estimated" not in call.details


def test_the_start_is_telnyxs_even_when_the_first_event_comes_much_later(client):
    document = fixture("call.hangup")
    document["data"]["occurred_at"] = "2026-11-21T10:05:00.000000Z"
    assert post_webhook(client, document).status_code == 200
    assert Call.objects.get().start_time == STARTED


def test_occurred_at_is_only_the_fallback_and_gives_way(client):
    deliver(client, "call.initiated", without_start_time=True)
    initiated_at = datetime.fromisoformat(fixture("call.initiated")["data"]["occurred_at"])
    call = Call.objects.get()
    assert call.start_time == initiated_at and call.details["start_time_estimated"] is True
    document = fixture("call.answered")
    document["data"]["payload"]["start_time"] = "2026-11-21T09:59:59.500000Z"
    assert post_webhook(client, document).status_code == 200
    call = Call.objects.get()
    assert call.start_time == datetime(2026, 11, 21, 9, 59, 59, 500000, tzinfo=UTC)
    assert "start_time_estimated" not in call.details
    state_rebuild()
    assert Call.objects.get().start_time == datetime(2026, 11, 21, 9, 59, 59, 500000, tzinfo=UTC)


class _Event:
    def __init__(self, name: str, index: int) -> None:
        data = fixture(name)["data"]
        self.event_id, self.event_type, self.payload = data["id"], data["event_type"], data["payload"]
        self.occurred_at = datetime.fromisoformat(data["occurred_at"])
        self.received_at = self.occurred_at


def test_any_order_of_any_subset_folds_to_telnyxs_start():
    names = ("call.initiated", "call.answered", "call.hangup")
    for size in (1, 2, 3):
        for subset in itertools.permutations(names, size):
            state = fold_call([_Event(name, index) for index, name in enumerate(subset)])
            assert state["start_time"] == STARTED, subset
