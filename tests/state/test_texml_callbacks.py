"""TeXML conference status callbacks update the same Conference and Participant records."""

import pytest

from conferences.models import Conference, Participant
from dashboard.models import Event
from tests.support.webhooks import FIXTURES, post_webhook

pytestmark = pytest.mark.django_db


def deliver(client, status: str):
    body = (FIXTURES / "texml" / f"{status}.txt").read_bytes()
    return post_webhook(
        client, body, path="/webhooks/telnyx/texml/", content_type="application/x-www-form-urlencoded"
    )


def test_a_texml_conference_lives_and_ends(client):
    assert deliver(client, "conference-start").status_code == 200
    conference = Conference.objects.get()
    assert (conference.kind, conference.name, conference.status) == (
        "texml",
        "Morning standup",
        "in_progress",
    )
    deliver(client, "participant-join")
    participant = Participant.objects.get()
    assert (participant.call_control_id, participant.label, participant.status) == (
        "v3:texml-call-1",
        "agent-7",
        "joined",
    )
    deliver(client, "participant-leave")
    deliver(client, "conference-end")
    participant.refresh_from_db()
    conference.refresh_from_db()
    assert participant.status == "left"
    assert conference.status == "completed"


def test_a_repeated_callback_is_a_duplicate(client):
    deliver(client, "participant-join")
    response = deliver(client, "participant-join")
    assert response.json()["duplicate"] is True
    assert Event.objects.count() == 1


def test_an_unsigned_callback_is_refused(client):
    body = (FIXTURES / "texml" / "conference-start.txt").read_bytes()
    response = client.post(
        "/webhooks/telnyx/texml/", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 403
    assert Conference.objects.count() == 0


@pytest.mark.parametrize("body", [b"FriendlyName=x", b"StatusCallbackEvent=conference-start", b"a=%00"])
def test_a_callback_missing_its_fields_gets_400(client, body):
    response = post_webhook(
        client, body, path="/webhooks/telnyx/texml/", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
