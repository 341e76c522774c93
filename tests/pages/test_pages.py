"""Pages behind login: what an operator reads, escaped everywhere."""

import json

import pytest

from calls.models import Call
from conferences.models import Conference
from tests.support.webhooks import FIXTURES, fixture, post_webhook

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert(1)</script>"


def deliver(client, *names: str) -> None:
    for name in names:
        assert post_webhook(client, fixture(name)).status_code == 200


@pytest.mark.parametrize("url", ["/calls/", "/conferences/", "/calls/x/", "/conferences/x/", "/api/calls/"])
def test_pages_require_login(client, url):
    response = client.get(url)
    assert response.status_code in (302, 401, 403)  # the API answers 401 (WWW-Authenticate: Token)
    if response.status_code == 302:
        assert response["Location"].startswith("/accounts/login/")


def test_the_login_page_is_served(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b"Log in" in response.content


def test_an_operator_logs_in_and_lands_on_live_calls(client, supervisor):
    response = client.post(
        "/accounts/login/", {"username": supervisor.username, "password": "pw-" + supervisor.username}
    )
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200


def test_the_live_list_shows_live_calls_only(supervisor_client):
    deliver(supervisor_client, "call.initiated", "call.answered")
    page = supervisor_client.get("/calls/").content.decode()
    assert "+35319605860" in page and "+13129457420" in page
    assert "answered" in page
    deliver(supervisor_client, "call.hangup")
    assert "+35319605860" not in supervisor_client.get("/calls/").content.decode()


def test_the_seed_samples_show_the_call_and_its_timeline(supervisor_client):
    for name in ("call.answered", "call.hangup"):
        post_webhook(supervisor_client, json.loads((FIXTURES / "seed" / f"{name}.json").read_text()))
    call = Call.objects.get()
    page = supervisor_client.get(f"/calls/{call.call_control_id}/").content.decode()
    assert "call.answered" in page and "call.hangup" in page
    assert "call_rejected" in page and "SIP 603" in page
    assert "have a nice day" in page  # the decoded client state


def test_the_call_page_shows_recordings_and_details(supervisor_client):
    deliver(supervisor_client, "call.initiated", "call.dtmf.received", "call.hangup", "call.recording.saved")
    call = Call.objects.get()
    page = supervisor_client.get(f"/calls/{call.call_control_id}/").content.decode()
    assert 'href="https://s3.example.com/rec.mp3"' in page
    assert "X-Queue: sales" in page


def test_conference_pages_show_participants(supervisor_client):
    deliver(
        supervisor_client, "conference.created", "conference.participant.joined", "conference.floor.changed"
    )
    assert "in progress" in supervisor_client.get("/conferences/").content.decode()
    conference = Conference.objects.get()
    page = supervisor_client.get(f"/conferences/{conference.conference_id}/").content.decode()
    assert "joined" in page and "talking" in page
    assert 'id="participant-' in page


@pytest.mark.parametrize(
    "field", ["caller_id_name", "from", "to", "client_state", "custom_headers", "sip_headers"]
)
def test_hostile_outside_text_renders_as_text(supervisor_client, field):
    import base64

    document = fixture("call.initiated")
    payload = document["data"]["payload"]
    if field == "client_state":
        payload[field] = base64.b64encode(HOSTILE.encode()).decode()
    elif field.endswith("headers"):
        payload[field] = [{"name": HOSTILE, "value": HOSTILE}]
    else:
        payload[field] = HOSTILE
    post_webhook(supervisor_client, document)
    call = Call.objects.get()
    for url in ("/calls/", f"/calls/{call.call_control_id}/"):
        page = supervisor_client.get(url).content.decode()
        assert HOSTILE not in page
    detail = supervisor_client.get(f"/calls/{call.call_control_id}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail


def test_an_unknown_call_is_a_404(supervisor_client):
    assert supervisor_client.get("/calls/v3:nope/").status_code == 404


def test_the_overview_counts_what_is_live_and_why_calls_ended(supervisor_client):
    from django.utils import timezone

    from operations.overview import overview

    deliver(supervisor_client, "call.initiated", "conference.created")
    page = supervisor_client.get("/overview/").content.decode()
    assert 'id="figure-live-calls">1<' in page and 'id="figure-live-conferences">1<' in page
    deliver(supervisor_client, "call.hangup")
    Call.objects.update(ended_at=timezone.now(), start_time=timezone.now() - timezone.timedelta(minutes=3))
    figures = overview()
    assert figures["live_calls"] == 0
    assert figures["hangup_causes_today"] == [{"hangup_cause": "normal_clearing", "count": 1}]
    assert len(figures["series"]) == 60
    assert (
        figures["series"][-3]["calls"] == 1
        and figures["series"][-5]["calls"] == 0
        and figures["series"][-1]["calls"] == 0
    )


def test_repeated_failed_logins_lock_the_account(client, supervisor, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        response = client.post("/accounts/login/", {"username": supervisor.username, "password": "wrong"})
        assert response.status_code == 200 and "_auth_user_id" not in client.session
    # The failure that reaches the limit is answered with the lockout page already.
    response = client.post("/accounts/login/", {"username": supervisor.username, "password": "wrong"})
    assert response.status_code == 429
    response = client.post("/accounts/login/", {"username": supervisor.username, "password": "pw-" + supervisor.username})
    assert response.status_code == 429
    assert "Too many failed attempts; try again in 15 minutes." in response.content.decode()
    assert "_auth_user_id" not in client.session
