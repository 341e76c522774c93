"""Permissions are checked on the server for every single action: a viewer who crafts the request
by hand (API or form post) is refused with 403, audited as denied, and nothing reaches Telnyx."""

import pytest

from calls.models import Call
from conferences.models import Participant
from dashboard.actions.spec import actions_for
from dashboard.models import OperatorAction
from tests.support.webhooks import FIXTURES, fixture, post_webhook

pytestmark = pytest.mark.django_db

# Where a crafted request would go if the permission check were missing: nowhere that answers.
UNREACHABLE_TELNYX = "http://127.0.0.1:9/v2"


@pytest.fixture
def targets(client, settings) -> dict:
    settings.TELNYX_API_BASE = UNREACHABLE_TELNYX
    for name in ("call.initiated", "call.answered", "conference.created", "conference.participant.joined"):
        assert post_webhook(client, fixture(name)).status_code == 200
    texml = (FIXTURES / "texml" / "participant-join.txt").read_bytes()
    assert (
        post_webhook(
            client, texml, path="/webhooks/telnyx/texml/", content_type="application/x-www-form-urlencoded"
        ).status_code
        == 200
    )
    return {
        "call": Call.objects.get(
            call_control_id=fixture("call.initiated")["data"]["payload"]["call_control_id"]
        ),
        "participant": Participant.objects.select_related("conference").get(conference__kind="call_control"),
        "texml_participant": Participant.objects.select_related("conference").get(conference__kind="texml"),
    }


def action_paths(targets: dict) -> list[tuple[str, str, str]]:
    """(kind, action, path below /api or /) of every operator action the dashboard offers."""
    call = targets["call"].call_control_id
    paths = [("call", "dial", "calls/dial/")]
    paths += [
        ("call", spec.name, f"calls/{call}/actions/{spec.name}/") for spec in actions_for("call") if spec.name != "dial"
    ]
    conference = targets["participant"].conference.conference_id
    paths += [
        ("conference", spec.name, f"conferences/{conference}/actions/{spec.name}/")
        for spec in actions_for("conference")
    ]
    for action in (spec.name for spec in actions_for("participant")):
        participant = targets["texml_participant" if action == "texml_update" else "participant"]
        prefix = (
            f"conferences/{participant.conference.conference_id}/participants/{participant.call_control_id}"
        )
        paths.append(("participant", action, f"{prefix}/actions/{action}/"))
    return paths


def test_every_action_is_covered(targets):
    every_action = {(kind, spec.name) for kind in ("call", "conference", "participant") for spec in actions_for(kind)}
    assert {(kind, action) for kind, action, _ in action_paths(targets)} == every_action
    assert len(every_action) > 40


@pytest.mark.parametrize("channel", ["api", "web"])
def test_a_viewer_is_refused_every_action_and_each_refusal_is_audited(
    viewer_client, viewer, targets, channel
):
    refused = []
    for kind, action, path in action_paths(targets):
        if channel == "api":
            response = viewer_client.post(
                f"/api/{path}", {"to": "+14155550100"}, content_type="application/json"
            )
        else:
            response = viewer_client.post(f"/{path}", {"to": "+14155550100"})
        assert response.status_code == 403, (kind, action, response.status_code)
        if channel == "api":
            assert response.json()["error"]["type"] == "permission_denied"
        refused.append((kind, action))

    records = OperatorAction.objects.order_by("pk")
    assert [(r.target_type, r.action) for r in records] == refused
    for record in records:
        # Denied before anything was sent: no command id was ever drawn, no Telnyx status exists.
        assert (record.outcome, record.username, record.channel) == ("denied", viewer.username, channel)
        assert (record.command_id, record.http_status) == ("", None)
