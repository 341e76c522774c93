"""Text that strangers control (caller names, numbers, SIP and custom headers, client state, queue
and conference names, participant labels, recording links) is shown as text wherever it appears:
live rows pushed over the websocket, the call and conference pages, their timelines and payload
views, the history pages and the admin. It never becomes markup, and never a script link."""

import base64
import json
import re
import time
import uuid
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from calls.models import Call
from conferences.models import Conference
from dashboard.eventlog.ingest import ingest_events
from dashboard.models import Event
from dashboard.webhooks.parsing import parse_call_control
from switchboard.asgi import application
from tests.support.webhooks import FIXTURES, envelope, fixture, post_webhook

# One string that tries to open an element and, quoted into an attribute, to break out of it.
HOSTILE = "<script>alert('xss')</script>\"'><img src=x onerror=alert(1)>"
ESCAPED = "&lt;script&gt;alert("
SCRIPT_URL = "javascript:alert(document.cookie)"
SCRIPT_LINK = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)
CALL = "v3:hostile-call"
CONFERENCE = "hostile-conference"


def assert_inert(html: str, where: str) -> None:
    # Escaped, the hostile string keeps none of its `<`: any raw element from it is a break-out.
    assert "<script>alert(" not in html, f"a script element from outside text in {where}"
    assert "<img src=x" not in html, f"an element (or an attribute break-out) from outside text in {where}"


def hostile_call_webhooks() -> list[dict]:
    caller = {
        **fixture("call.initiated")["data"]["payload"],
        "call_control_id": CALL,
        "caller_id_name": HOSTILE,
        "from": HOSTILE,
        "to": HOSTILE,
        "client_state": base64.b64encode(HOSTILE.encode()).decode(),
        "custom_headers": [{"name": HOSTILE, "value": HOSTILE}],
        "sip_headers": [{"name": HOSTILE, "value": HOSTILE}],
    }
    steps = [
        ("call.initiated", {}),
        ("call.answered", {"state": "answered"}),
        ("call.dtmf.received", {"digit": HOSTILE}),
        ("call.enqueued", {"queue": HOSTILE, "current_position": 1}),
        (
            "call.recording.saved",
            {
                "recording_urls": {"mp3": SCRIPT_URL, HOSTILE: SCRIPT_URL},
                "public_recording_urls": {"wav": SCRIPT_URL},
            },
        ),
        ("conference.created", {"conference_id": CONFERENCE, "name": HOSTILE}),
        ("conference.participant.joined", {"conference_id": CONFERENCE}),
        (
            "conference.recording.saved",
            {"conference_id": CONFERENCE, "recording_urls": {HOSTILE: "https://s3.example.com/c.mp3"}},
        ),
        ("call.hangup", {"state": "hangup", "hangup_cause": HOSTILE[:40], "hangup_source": HOSTILE[:20]}),
        ("conference.ended", {"conference_id": CONFERENCE, "reason": HOSTILE[:40]}),
    ]
    return [
        envelope(
            kind, {**caller, **extra}, event_id=str(uuid.uuid4()), occurred_at=f"2026-11-21T10:00:{n:02d}Z"
        )
        for n, (kind, extra) in enumerate(steps)
    ]


def hostile_texml_callbacks() -> list[bytes]:
    callbacks = []
    for name in ("conference-start", "participant-join"):
        fields = dict(parse_qsl((FIXTURES / "texml" / f"{name}.txt").read_text()))
        fields.update(FriendlyName=HOSTILE, ParticipantLabel=HOSTILE)
        callbacks.append(urlencode(fields).encode())
    return callbacks


@pytest.mark.django_db
def test_hostile_text_is_inert_on_every_page_that_shows_it(client, supervisor, admin_user):
    for document in hostile_call_webhooks():
        assert post_webhook(client, document).status_code == 200
    for body in hostile_texml_callbacks():
        response = post_webhook(
            client, body, path="/webhooks/telnyx/texml/", content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code == 200
    texml = Conference.objects.get(kind="texml")
    pages = [
        "/calls/",
        f"/calls/{CALL}/",
        "/conferences/",
        f"/conferences/{CONFERENCE}/",
        f"/conferences/{texml.conference_id}/",
        "/overview/",
        "/history/calls/",
        "/history/conferences/",
        "/history/events/",
    ]
    pages += [f"/history/events/{pk}/" for pk in Event.objects.values_list("pk", flat=True)]
    operator = Client()
    operator.force_login(supervisor)
    for url in pages:
        html = operator.get(url).content.decode()
        assert_inert(html, url)
    # The hostile text is there, as text: the pages showed it rather than dropping it.
    for url in (f"/calls/{CALL}/", f"/conferences/{CONFERENCE}/", f"/conferences/{texml.conference_id}/"):
        assert ESCAPED in operator.get(url).content.decode(), url

    admin = Client()
    admin.force_login(admin_user)
    call = Call.objects.get(call_control_id=CALL)
    admin_pages = ["/admin/calls/call/", f"/admin/calls/call/{call.pk}/change/", "/admin/dashboard/event/"]
    admin_pages += [
        f"/admin/dashboard/event/{pk}/change/" for pk in Event.objects.values_list("pk", flat=True)
    ]
    for url in admin_pages:
        response = admin.get(url)
        assert response.status_code == 200, url
        assert_inert(response.content.decode(), url)


@pytest.mark.django_db
def test_a_script_url_given_as_a_recording_never_becomes_a_link(supervisor_client):
    recording = {"recording_urls": {"mp3": SCRIPT_URL}, "public_recording_urls": {"wav": SCRIPT_URL}}
    call = {
        **fixture("call.initiated")["data"]["payload"],
        "call_control_id": CALL,
        "conference_id": CONFERENCE,
    }
    steps = ["call.initiated", "call.recording.saved", "conference.created", "conference.recording.saved"]
    for n, kind in enumerate(steps):
        payload = {**call, **(recording if kind.endswith("recording.saved") else {})}
        document = envelope(
            kind, payload, event_id=str(uuid.uuid4()), occurred_at=f"2026-11-21T10:00:{n:02d}Z"
        )
        assert post_webhook(supervisor_client, document).status_code == 200
    pages = [f"/calls/{CALL}/", f"/conferences/{CONFERENCE}/"]
    pages += [f"/history/events/{pk}/" for pk in Event.objects.values_list("pk", flat=True)]
    for url in pages:
        html = supervisor_client.get(url).content.decode()
        assert not SCRIPT_LINK.search(html), f"a script link in {url}"


@sync_to_async
def deliver_in_process(documents: list[dict]) -> None:
    ingest_events([parse_call_control(json.dumps(document).encode()) for document in documents])


@sync_to_async
def session_cookie(user) -> bytes:  # noqa: ANN001
    browser = Client()
    browser.force_login(user)
    return f"sessionid={browser.cookies['sessionid'].value}".encode()


async def live_page(path: str, cookie: bytes) -> WebsocketCommunicator:
    page = WebsocketCommunicator(
        application,
        path,
        headers=[(b"origin", b"http://127.0.0.1:8000"), (b"host", b"127.0.0.1"), (b"cookie", cookie)],
    )
    page.scope["server"] = ("127.0.0.1", 8000)
    assert (await page.connect())[0]
    assert (await page.receive_json_from())["type"] == "hello"
    return page


def _rows_of(message: dict) -> list[dict]:
    if message.get("type") == "frame":  # the floor's and the user's frames (alerts, feed), not rows
        return []
    return message["items"] if message.get("type") == "batch" else [message]  # a batch frame holds rows


async def pushed_rows(pages: list[WebsocketCommunicator], enough: Callable[[list[dict]], bool]) -> list[dict]:
    """The rows the pages receive: until `enough` of them came (a loaded machine may take seconds),
    then whatever else follows within a quiet 0.3 s."""
    rows: list[dict] = []
    deadline = time.monotonic() + 15
    while not enough(rows) and time.monotonic() < deadline:
        for page in pages:
            # receive_nothing only peeks: a receive that times out would cancel the consumer.
            if not await page.receive_nothing(timeout=0.1):
                rows += _rows_of(await page.receive_json_from())
    for page in pages:
        while not await page.receive_nothing(timeout=0.3):
            rows += _rows_of(await page.receive_json_from())
        await page.disconnect()
    return rows


@pytest.mark.django_db(transaction=True)
async def test_hostile_text_is_inert_in_rows_pushed_to_live_pages(supervisor):
    webhooks = hostile_call_webhooks()
    joined = next(i for i, w in enumerate(webhooks) if w["data"]["event_type"] == "conference.created")
    await deliver_in_process(webhooks[: joined + 1])  # the conference exists: its page can be opened
    cookie = await session_cookie(supervisor)
    calls_page = await live_page("/ws/live/calls/", cookie)
    conference_page = await live_page(f"/ws/live/conferences/{CONFERENCE}/", cookie)

    await deliver_in_process(webhooks[joined + 1 :])

    def escaped_in(rows: list[dict], kind: str) -> bool:
        return any(ESCAPED in row["html"] for row in rows if row["kind"] == kind)

    rows = await pushed_rows(
        [calls_page, conference_page],
        enough=lambda rows: (
            escaped_in(rows, "participant")
            and escaped_in(rows, "conference")
            and any(row["kind"] == "call" for row in rows)
        ),
    )
    assert {row["kind"] for row in rows} == {"call", "conference", "participant"}
    for row in rows:
        assert_inert(row["html"], f"a pushed {row['kind']} row")
    assert escaped_in(rows, "participant") and escaped_in(rows, "conference")
