"""TeXML conference participants (seed 003) and the signed, form-encoded status callbacks."""

import re
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import pytest

from simulator.server import SimulatorServer
from tests.simulator.receiver import WebhookReceiver

ACCOUNT = "AC-switchboard-demo"
BASE = f"/texml/Accounts/{ACCOUNT}/Conferences"
CALLBACK_FIELDS = {
    "AccountSid",
    "CallSid",
    "ConferenceSid",
    "ConnectionId",
    "FriendlyName",
    "SequenceNumber",
    "StatusCallbackEvent",
    "Timestamp",
}


def dial_in(api: httpx.Client, conference: str, to: str, **fields: str) -> httpx.Response:
    return api.post(f"{BASE}/{conference}/Participants", data={"To": to, "From": "+13125550100", **fields})


@pytest.fixture
def room(sim: SimulatorServer, api: httpx.Client, receiver: WebhookReceiver) -> dict[str, Any]:
    """A TeXML conference with two connected participants; callbacks so far cleared."""
    first = dial_in(api, "Escalation", "+13125550111", Label="customer").json()
    second = dial_in(api, "Escalation", "+13125550112", Label="agent").json()
    sim.wait_idle()
    receiver.clear()
    return {"sid": first["conference_sid"], "customer": first["call_sid"], "agent": second["call_sid"]}


def test_dialling_in_creates_the_conference_and_sends_callbacks(
    sim: SimulatorServer, api: httpx.Client, receiver: WebhookReceiver
) -> None:
    response = dial_in(api, "Launch review", "+442079460111", Label="host")
    assert response.status_code == 200, response.text
    participant = response.json()
    assert participant["status"] == "connecting" and participant["account_sid"] == ACCOUNT
    sim.wait_idle()
    callbacks = receiver.texml()
    assert [item["StatusCallbackEvent"] for item in callbacks] == ["conference-start", "participant-join"]
    first = callbacks[0]
    assert set(first) >= CALLBACK_FIELDS
    assert (
        first["ConferenceSid"] == participant["conference_sid"] and first["FriendlyName"] == "Launch review"
    )
    assert first["CallSid"] == participant["call_sid"] and first["AccountSid"] == ACCOUNT
    assert first["ConnectionId"] == sim.options.connection_id
    assert (first["From"], first["To"], first["ParticipantLabel"]) == (
        "+13125550100",
        "+442079460111",
        "host",
    )
    assert [item["SequenceNumber"] for item in callbacks] == ["1", "2"]
    assert parsedate_to_datetime(first["Timestamp"]).tzinfo is not None
    assert all(item.path == "/webhooks/telnyx/texml/" and item.verified for item in receiver.requests)
    assert receiver.events() == []  # a TeXML conference sends no Call Control webhooks
    fetched = api.get(f"{BASE}/{participant['conference_sid']}/Participants/host").json()
    assert fetched["status"] == "connected" and fetched["call_sid"] == participant["call_sid"]


def test_update_participant_with_a_form(api: httpx.Client, room: dict[str, Any]) -> None:
    url = f"{BASE}/{room['sid']}/Participants/{room['customer']}"
    response = api.post(
        url,
        data={
            "Muted": "true",
            "Hold": "true",
            "HoldUrl": "https://example.com/hold.xml",
            "HoldMethod": "GET",
        },
    )
    assert response.status_code == 200, response.text
    participant = response.json()
    assert participant["muted"] is True and participant["hold"] is True
    assert participant["uri"] == f"/v2{BASE}/{room['sid']}/Participants/{room['customer']}.json"
    assert re.match(r"^\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0000$", participant["date_updated"])
    assert api.post(url, data={"Muted": "false"}).json()["muted"] is False


def test_update_participant_by_label_with_json(api: httpx.Client, room: dict[str, Any]) -> None:
    url = f"{BASE}/{room['sid']}/Participants/agent"
    body = {
        "Coaching": True,
        "CallSidToCoach": room["customer"],
        "EndConferenceOnExit": True,
        "BeepOnExit": False,
    }
    participant = api.post(url, json=body).json()
    assert participant["coaching"] is True and participant["coaching_call_sid"] == room["customer"]
    assert participant["end_conference_on_exit"] is True


@pytest.mark.parametrize(
    ("form", "code", "pointer"),
    [
        ({"HoldMethod": "PUT"}, "10032", "/HoldMethod"),
        ({"AnnounceMethod": "DELETE"}, "10032", "/AnnounceMethod"),
        ({"Muted": "maybe"}, "10015", "/Muted"),
        ({"Coaching": "true"}, "10004", "/CallSidToCoach"),
    ],
)
def test_update_participant_refused(
    api: httpx.Client, room: dict[str, Any], form: dict[str, str], code: str, pointer: str
) -> None:
    response = api.post(f"{BASE}/{room['sid']}/Participants/{room['customer']}", data=form)
    assert response.status_code == 422
    [problem] = response.json()["errors"]
    assert (problem["code"], problem["source"]["pointer"]) == (code, pointer)


def test_not_found_is_texml_shaped(api: httpx.Client, room: dict[str, Any]) -> None:
    for path in (
        f"/texml/Accounts/AC-other/Conferences/{room['sid']}/Participants/{room['customer']}",
        f"{BASE}/no-such-conference/Participants/{room['customer']}",
        f"{BASE}/{room['sid']}/Participants/nobody",
    ):
        response = api.post(path, data={"Muted": "true"})
        assert (response.status_code, response.json()) == (
            404,
            {"errors": [{"detail": "Resource not found"}]},
        )


def test_lists(api: httpx.Client, room: dict[str, Any]) -> None:
    page = api.get(f"{BASE}/{room['sid']}/Participants.json").json()
    assert [item["call_sid"] for item in page["participants"]] == [room["customer"], room["agent"]]
    assert page["page"] == 0 and page["next_page_uri"] is None
    assert (
        len(api.get(f"{BASE}/{room['sid']}/Participants", params={"PageSize": 1}).json()["participants"]) == 1
    )
    conferences = api.get(BASE, params={"FriendlyName": "Escalation"}).json()["conferences"]
    assert [item["sid"] for item in conferences] == [room["sid"]] and conferences[0][
        "status"
    ] == "in-progress"
    assert api.get(f"{BASE}/{room['sid']}").json()["friendly_name"] == "Escalation"


def test_leaving_and_ending(
    sim: SimulatorServer, api: httpx.Client, receiver: WebhookReceiver, room: dict[str, Any]
) -> None:
    assert api.delete(f"{BASE}/{room['sid']}/Participants/agent").status_code == 204
    assert api.post(f"{BASE}/{room['sid']}", data={"Status": "completed"}).json()["status"] == "completed"
    sim.wait_idle()
    events = [(item["StatusCallbackEvent"], item["CallSid"]) for item in receiver.texml()]
    assert events == [
        ("participant-leave", room["agent"]),
        ("participant-leave", room["customer"]),
        ("conference-end", room["customer"]),
    ]
    assert [int(item["SequenceNumber"]) for item in receiver.texml()] == [4, 5, 6]


def test_a_busy_number_never_joins(
    sim: SimulatorServer, api: httpx.Client, receiver: WebhookReceiver, room: dict[str, Any]
) -> None:
    sim.world.set_dial_outcome("+13125550113", "busy")
    participant = dial_in(api, room["sid"], "+13125550113").json()
    sim.wait_idle()
    assert receiver.texml() == []
    fetched = api.get(f"{BASE}/{room['sid']}/Participants/{participant['call_sid']}").json()
    assert fetched["status"] == "completed"


def test_status_callback_url_and_events(
    sim: SimulatorServer, api: httpx.Client, receiver: WebhookReceiver
) -> None:
    fields = {
        "ConferenceStatusCallback": sim.options.webhook_url + "custom/",
        "ConferenceStatusCallbackEvent": "join leave",
    }
    created = dial_in(api, "Filtered", "+13125550120", **fields).json()
    sim.wait_idle()
    api.delete(f"{BASE}/{created['conference_sid']}/Participants/{created['call_sid']}")
    sim.wait_idle()
    assert [item["StatusCallbackEvent"] for item in receiver.texml()] == [
        "participant-join",
        "participant-leave",
    ]
    assert {item.path for item in receiver.requests} == {"/webhooks/telnyx/custom/"}


def test_create_participant_refused(api: httpx.Client) -> None:
    response = dial_in(api, "X", "not-a-number")
    assert response.json()["errors"][0]["code"] == "10016"
    response = api.post(f"{BASE}/X/Participants", data={"From": "+13125550100"})
    assert response.json()["errors"][0]["code"] == "10004"
