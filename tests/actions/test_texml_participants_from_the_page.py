"""TeXML conferences, as `make demo` now makes them (simulator/scenarios.py dials participants in
over the TeXML REST API): their participants are offered seed 003's update on the conference page
as Call Control participants are offered theirs, quick buttons first, and it reaches Telnyx
form-encoded: "Muted / Whether the participant should be muted.", "Hold / Whether the participant
should be on hold."."""

import pytest

from conferences.models import Participant
from dashboard.models import OperatorAction
from tests.support.waiting import eventually

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def texml_participant(simulator) -> Participant:
    simulator.world.texml_dial_participant("Morning standup #1234", to="+18005550150", label="Grace Hopper")
    participant = eventually(
        lambda: Participant.objects.filter(status="joined", conference__kind="texml").first()
    )
    assert participant is not None, "the TeXML participant never reached the dashboard"
    return participant


def action_url(participant: Participant) -> str:
    conference = participant.conference.conference_id
    return f"/conferences/{conference}/participants/{participant.call_control_id}/actions/texml_update/"


def test_the_page_offers_the_texml_update_like_the_call_control_actions(supervisor_client, texml_participant):
    page = supervisor_client.get(
        f"/conferences/{texml_participant.conference.conference_id}/"
    ).content.decode()
    url = action_url(texml_participant)
    assert page.count(f'action="{url}"') == 3  # Mute, Hold, and the form with every field
    assert '<input type="hidden" name="Muted" value="true">' in page
    assert '<input type="hidden" name="Hold" value="true">' in page
    assert "Hold URL" in page and "Announce URL" in page and "Call SID to coach" in page
    # No Call Control participant command is offered for a TeXML participant.
    assert "/actions/mute/" not in page and "/actions/participant_update/" not in page


def test_mute_from_the_page_is_a_form_encoded_texml_update(supervisor_client, simulator, texml_participant):
    response = supervisor_client.post(
        action_url(texml_participant),
        {"submission_id": "texml-mute-1", "Muted": "true"},
        HTTP_ACCEPT="application/json",
    )
    answer = response.json()
    assert answer["outcome"] == "ok" and answer["message"].endswith("Telnyx accepted it."), answer
    request = simulator.received[-1]
    conference = texml_participant.conference.conference_id
    assert request["method"] == "POST"
    assert request["path"].endswith(
        f"/Conferences/{conference}/Participants/{texml_participant.call_control_id}"
    )
    assert request["body"] == {"Muted": "true"}
    assert eventually(lambda: Participant.objects.get(pk=texml_participant.pk).muted is True)
    page = supervisor_client.get(f"/conferences/{conference}/").content.decode()
    assert '<input type="hidden" name="Muted" value="false">' in page  # now offered: Unmute


def test_hold_without_script_redirects_with_the_outcome(supervisor_client, simulator, texml_participant):
    response = supervisor_client.post(
        action_url(texml_participant), {"submission_id": "texml-hold-1", "Hold": "true"}, follow=True
    )
    assert "Telnyx accepted it." in response.content.decode()
    assert simulator.received[-1]["body"] == {"Hold": "true"}
    assert eventually(lambda: Participant.objects.get(pk=texml_participant.pk).on_hold is True)
    assert OperatorAction.objects.get(action="texml_update").outcome == "ok"
