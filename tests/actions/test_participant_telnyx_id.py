"""The participant PATCH names the participant by Telnyx's own id, not by its call_control_id.

Seed 001: `PATCH /conferences/{id}/participants/{participant_id}`, "participant_id ... Uniquely
identifies the participant", which is the ConferenceParticipant's `id` ("Uniquely identifies the
participant."), a field apart from its `call_control_id` ("Unique identifier and token for
controlling the participant's call leg."). No webhook carries it: the dashboard reads it from
`GET /conferences/{id}/participants` (reconciliation, or on demand before the first PATCH) and
keeps it in the event log.
"""

import pytest

from conferences.models import Conference, Participant
from dashboard.eventlog.rebuild import state_rebuild
from dashboard.models import Event, OperatorAction
from operations.reconcile import reconcile_with_telnyx
from tests.support.waiting import eventually

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def conference(simulator):
    handle = simulator.world.start_conference(name="Incident bridge", participants=3)
    joined = eventually(
        lambda: Participant.objects.filter(conference__conference_id=handle.id, status="joined").count() == 3
    )
    assert joined, "the simulator's conference never reached the dashboard"
    return Conference.objects.get(conference_id=handle.id)


def telnyx_ids(simulator, conference: Conference) -> dict[str, str]:
    """call_control_id → Telnyx's participant id, as the simulator knows them."""
    info = simulator.world.conference_info(conference.conference_id)
    return {item["call_control_id"]: item["id"] for item in info["participants"]}


def patch(client, participant: Participant, data: dict):
    conference = participant.conference
    url = (
        f"/api/conferences/{conference.conference_id}/participants/"
        f"{participant.call_control_id}/actions/participant_update/"
    )
    return client.post(url, data, content_type="application/json")


def listings(simulator, conference: Conference) -> list[dict]:
    path = f"/v2/conferences/{conference.conference_id}/participants"
    return [item for item in simulator.received if item["method"] == "GET" and item["path"] == path]


def test_the_patch_sends_the_participants_telnyx_id_read_once_and_kept(
    supervisor_client, simulator, conference
):
    ids = telnyx_ids(simulator, conference)
    first, second = conference.participants.order_by("pk")[:2]
    assert first.telnyx_participant_id == "" and ids[first.call_control_id] != first.call_control_id

    response = patch(supervisor_client, first, {"beep_enabled": "never"})

    assert response.status_code == 200, response.json()
    assert response.json()["outcome"] == "ok"
    sent = simulator.received[-1]
    path = f"/v2/conferences/{conference.conference_id}/participants/{ids[first.call_control_id]}"
    assert (sent["method"], sent["path"], sent["body"]) == ("PATCH", path, {"beep_enabled": "never"})
    assert len(listings(simulator, conference)) == 1
    # One read of the list identifies every participant: the next PATCH asks nothing first.
    stored = dict(conference.participants.values_list("call_control_id", "telnyx_participant_id"))
    assert stored == ids
    assert patch(supervisor_client, second, {"end_conference_on_exit": "true"}).json()["outcome"] == "ok"
    assert simulator.received[-1]["path"].endswith(f"/participants/{ids[second.call_control_id]}")
    assert len(listings(simulator, conference)) == 1
    # The ids are facts in the log: a rebuild keeps them.
    state_rebuild()
    rebuilt = dict(
        Participant.objects.filter(conference__conference_id=conference.conference_id).values_list(
            "call_control_id", "telnyx_participant_id"
        )
    )
    assert rebuilt == ids


def test_reconciliation_learns_the_ids_so_the_patch_needs_no_lookup(supervisor_client, simulator, conference):
    ids = telnyx_ids(simulator, conference)

    report = reconcile_with_telnyx()

    assert sorted(report.participants_identified) == sorted(ids)
    assert dict(conference.participants.values_list("call_control_id", "telnyx_participant_id")) == ids
    assert Event.objects.filter(event_type="reconcile.participant.identified").count() == 3
    assert reconcile_with_telnyx().participants_identified == []
    before = len(listings(simulator, conference))
    participant = conference.participants.order_by("pk").first()
    assert patch(supervisor_client, participant, {"beep_enabled": "on_exit"}).json()["outcome"] == "ok"
    assert len(listings(simulator, conference)) == before
    assert simulator.received[-1]["path"].endswith(f"/participants/{ids[participant.call_control_id]}")
    assert Participant.objects.get(pk=participant.pk).beep_enabled == "on_exit"


def test_a_participant_telnyx_no_longer_lists_is_refused_and_audited(
    supervisor_client, simulator, conference
):
    participant = conference.participants.order_by("pk").first()
    simulator.world.leave_conference(conference.conference_id, participant.call_control_id)
    assert eventually(lambda: Participant.objects.get(pk=participant.pk).status == "left")
    # The dashboard has not heard of the leave yet (else it refuses itself, and asks Telnyx nothing).
    Participant.objects.filter(pk=participant.pk).update(status="joined")

    response = patch(supervisor_client, participant, {"beep_enabled": "never"})

    assert response.status_code == 422
    assert not [item for item in simulator.received if item["method"] == "PATCH"]
    record = OperatorAction.objects.get(action="participant_update")
    assert (record.outcome, record.error_title) == ("refused", "Participant not found")
