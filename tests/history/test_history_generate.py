"""The benchmark's generated history (bench/history_generator.py) is realistic: folding its events gives
back its projections."""

import pytest
from django.core.management import call_command

from bench.history_generator import main as generate_history
from calls.models import Call
from conferences.models import Conference, Participant
from dashboard.models import Event, OperatorAction, RejectedWebhook

pytestmark = pytest.mark.django_db

CALL_FIELDS = [
    "call_control_id",
    "state",
    "is_alive",
    "from_number",
    "to_number",
    "start_time",
    "answered_at",
    "ended_at",
    "hangup_cause",
    "hangup_source",
    "conference_id",
    "event_count",
    "caller_id_name",
]


def test_generated_history_folds_back_to_the_same_calls_and_conferences(capsys):
    generate_history(
        ["--events", "1000", "--calls", "100", "--actions", "30", "--rejected", "5", "--live", "7"]
    )
    assert "1000 events, 100 calls (7 live), 10 conferences, 30 participants" in capsys.readouterr().out
    assert (Event.objects.count(), OperatorAction.objects.count(), RejectedWebhook.objects.count()) == (
        1000,
        30,
        5,
    )
    calls = list(Call.objects.order_by("call_control_id").values(*CALL_FIELDS))
    conferences = list(
        Conference.objects.order_by("conference_id").values(
            "conference_id", "status", "created_at", "ended_at", "end_reason"
        )
    )
    participants = list(
        Participant.objects.order_by("call_control_id").values(
            "call_control_id", "status", "joined_at", "left_at"
        )
    )
    call_command("rebuild_state")
    assert list(Call.objects.order_by("call_control_id").values(*CALL_FIELDS)) == calls
    assert (
        list(
            Conference.objects.order_by("conference_id").values(
                "conference_id", "status", "created_at", "ended_at", "end_reason"
            )
        )
        == conferences
    )
    assert (
        list(
            Participant.objects.order_by("call_control_id").values(
                "call_control_id", "status", "joined_at", "left_at"
            )
        )
        == participants
    )


def test_too_few_events_for_the_calls_is_refused():
    with pytest.raises(SystemExit, match="too few"):
        generate_history(["--events", "10", "--calls", "100"])


def test_it_never_mixes_invented_calls_into_a_real_log_unless_told(capsys):
    generate_history(["--events", "60", "--calls", "10", "--actions", "0", "--rejected", "0"])
    with pytest.raises(SystemExit, match="already holds events"):
        generate_history(["--events", "60", "--calls", "10"])
    generate_history(["--events", "60", "--calls", "10", "--prefix", "more", "--add"])
    assert Event.objects.count() == 120
