"""Missed webhooks: reconciliation asks Telnyx what is live and mends ghosts and gaps."""

import pytest
from django.core.management import call_command

from calls.models import Call
from conferences.models import Conference, Participant
from dashboard.eventlog.rebuild import state_rebuild
from dashboard.models import Event
from simulator.options import Delivery, Timings
from simulator.server import SimulatorServer
from tests.support.webhooks import fixture, post_webhook

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture
def deaf_simulator(settings):
    """A simulator whose webhooks never reach us: everything it does is 'missed'."""
    with SimulatorServer(
        webhook_url="http://127.0.0.1:9/webhooks/telnyx/",
        timings=Timings.fast(),
        delivery=Delivery(max_attempts=1, retry_backoff=0.01, timeout=0.2),
        seed=3,
    ) as sim:
        settings.TELNYX_API_BASE = sim.base_url
        yield sim


def test_a_ghost_call_is_ended_and_a_missed_call_is_added(client, deaf_simulator, capsys):
    post_webhook(client, fixture("call.initiated"))  # a call Telnyx no longer has
    ghost = Call.objects.get()
    missed = deaf_simulator.world.answered_call(caller_id_name="Missed Caller")

    call_command("reconcile")

    ghost.refresh_from_db()
    assert (ghost.is_alive, ghost.state, ghost.hangup_source) == (False, "hangup", "reconcile")
    found = Call.objects.get(call_control_id=missed.call_control_id)
    assert (found.is_alive, found.state) == (True, "answered")
    assert "calls: 1 ghosts ended, 1 missing added;" in capsys.readouterr().out
    assert set(Event.objects.filter(source="reconcile").values_list("event_type", flat=True)) == {
        "reconcile.call.ended",
        "reconcile.call.found",
    }


def test_conferences_and_participants_are_reconciled_and_survive_a_rebuild(client, deaf_simulator):
    for name in ("conference.created", "conference.participant.joined"):
        post_webhook(client, fixture(name))  # a conference Telnyx has ended
    handle = deaf_simulator.world.start_conference(name="Missed bridge", participants=2)

    call_command("reconcile")

    ghost = Conference.objects.exclude(conference_id=handle.id).get()
    assert (ghost.status, ghost.end_reason) == ("completed", "reconciled")
    found = Conference.objects.get(conference_id=handle.id)
    assert found.status == "in_progress" and found.name == "Missed bridge"
    assert Participant.objects.filter(conference=found, status="joined").count() == 2
    before = sorted(Participant.objects.values_list("call_control_id", "status"))
    state_rebuild()
    assert sorted(Participant.objects.values_list("call_control_id", "status")) == before


def test_a_second_run_changes_nothing(client, deaf_simulator):
    deaf_simulator.world.answered_call()
    call_command("reconcile")
    events = Event.objects.count()
    call_command("reconcile")
    assert Event.objects.count() == events


def test_reconciliation_names_a_conference_its_webhooks_left_nameless(client, deaf_simulator, settings, capsys):
    handle = deaf_simulator.world.start_conference(name="Incident bridge", participants=1)
    document = fixture("conference.created")
    document["data"]["payload"]["conference_id"] = handle.id
    post_webhook(client, document)
    assert Conference.objects.get(conference_id=handle.id).name == ""
    call_command("reconcile")
    assert Conference.objects.get(conference_id=handle.id).name == "Incident bridge"
    # The summary counts every kind of correction, naming included.
    assert "1 named" in capsys.readouterr().out
