"""The Telnyx API key, and passwords an operator types into a command, are never stored, logged or
shown: not in an audit record, not in the event log, not in a log line, not on any page or API
answer, even when whatever answers on Telnyx's behalf echoes them back."""

import json
import logging
from urllib.parse import quote

import pytest
from django.core import serializers
from django.test import Client

from calls.models import Call
from dashboard.models import Event, OperatorAction
from tests.faults.telnyx_fake import MisbehavingTelnyx, Reply
from tests.support.webhooks import fixture, post_webhook

pytestmark = pytest.mark.django_db

API_KEY = "KEY01CANARY-telnyx-api-key-never-shown"
SIP_PASSWORD = "canary-sip-password-never-shown"


def echoing(status: int, where: str) -> Reply:
    """A gateway in front of Telnyx that quotes our request headers back in its error."""
    return Reply(
        status, {"errors": [{"code": "10009", "title": "Rejected", "detail": f"{where}: Bearer {API_KEY}"}]}
    )


def everything_stored() -> str:
    rows = [*OperatorAction.objects.all(), *Event.objects.all(), *Call.objects.all()]
    return serializers.serialize("json", rows)


def everything_shown(supervisor_client: Client, admin_client: Client) -> str:
    call = Call.objects.get()
    pages = [
        "/calls/",
        f"/calls/{call.call_control_id}/",
        "/overview/",
        "/history/actions/",
        "/history/events/",
        "/history/actions/export.json",
        "/history/actions/export.csv",
        f"/api/calls/{call.call_control_id}/",
        "/api/events/",
        "/api/history/actions/",
    ]
    pages += [f"/history/actions/{pk}/" for pk in OperatorAction.objects.values_list("pk", flat=True)]
    pages += [f"/history/events/{pk}/" for pk in Event.objects.values_list("pk", flat=True)]
    shown = []
    for url in pages:
        response = supervisor_client.get(url)
        assert response.status_code == 200, url
        shown.append(b"".join(response.streaming_content) if response.streaming else response.content)
    admin_pages = ["/admin/dashboard/operatoraction/"]
    admin_pages += [
        f"/admin/dashboard/operatoraction/{pk}/change/"
        for pk in OperatorAction.objects.values_list("pk", flat=True)
    ]
    for url in admin_pages:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        shown.append(response.content)
    return b"\n".join(shown).decode()


def test_the_api_key_and_typed_passwords_never_leave_the_process(
    client, supervisor, admin_user, settings, caplog
):
    settings.TELNYX_API_KEY = API_KEY
    caplog.set_level(logging.DEBUG)  # every logger, httpx and httpcore included
    for name in ("call.initiated", "call.answered"):
        assert post_webhook(client, fixture(name)).status_code == 200
    call_id = Call.objects.get().call_control_id
    supervisor_client = Client()
    supervisor_client.force_login(supervisor)
    admin_client = Client()
    admin_client.force_login(admin_user)
    answers = []

    with MisbehavingTelnyx(
        [echoing(401, "refused"), echoing(503, "failing"), echoing(503, "failing")]
    ) as telnyx:
        settings.TELNYX_API_BASE = telnyx.base_url
        # Refused (401 is not retried), then failing once before it goes through.
        for _ in range(2):
            answers.append(
                supervisor_client.post(
                    f"/api/calls/{call_id}/actions/hangup/", {}, content_type="application/json"
                )
            )
        answers.append(
            supervisor_client.post(
                f"/calls/{call_id}/actions/transfer/",
                {"to": "+14155550100", "sip_auth_username": "agent", "sip_auth_password": SIP_PASSWORD},
                follow=True,
            )
        )
        answers.append(
            supervisor_client.post(
                "/api/calls/dial/",
                {
                    "to": "+14155550101",
                    "from_": "+14155550102",
                    "sip_auth_username": "agent",
                    "sip_auth_password": SIP_PASSWORD,
                },
                content_type="application/json",
            )
        )

    # The canaries were really in play: the key went to Telnyx, and so did the typed password.
    assert {request["headers"]["Authorization"] for request in telnyx.requests} == {f"Bearer {API_KEY}"}
    assert any(SIP_PASSWORD in json.dumps(request["body"]) for request in telnyx.requests)
    assert [record.outcome for record in OperatorAction.objects.order_by("pk")] == [
        "refused",
        "ok",
        "ok",
        "ok",
    ]

    leaks = {
        "stored": everything_stored(),
        "logged": caplog.text,
        "answered": "\n".join(answer.content.decode() for answer in answers),
        "shown": everything_shown(supervisor_client, admin_client),
    }
    for where, text in leaks.items():
        assert API_KEY not in text, f"the API key was {where}"
        assert SIP_PASSWORD not in text, f"a typed SIP password was {where}"


def test_a_successful_answer_that_quotes_the_api_key_is_not_stored(client, supervisor_client, settings):
    settings.TELNYX_API_KEY = API_KEY
    for name in ("call.initiated", "call.answered"):
        assert post_webhook(client, fixture(name)).status_code == 200
    quoting = Reply(200, {"data": {"result": "ok", "echo": f"Bearer {API_KEY}"}})
    with MisbehavingTelnyx([quoting]) as telnyx:
        settings.TELNYX_API_BASE = telnyx.base_url
        answer = supervisor_client.post(
            f"/api/calls/{Call.objects.get().call_control_id}/actions/hangup/",
            {},
            content_type="application/json",
        )
    assert answer.status_code == 200
    assert API_KEY not in answer.content.decode(), "the API key was answered"
    assert API_KEY not in everything_stored(), "the API key was stored"


# A key with characters that URL encoding changes, so that each echo below is a different text.
ODD_KEY = "KEY01CANARY+t/e=l_nyx-secret-never-shown"


def escaped(text: str) -> str:
    return "".join(f"\\u{ord(char):04x}" for char in text)


def refused(detail: str, title: str = "Rejected", code: str = "10009") -> Reply:
    return Reply(401, {"errors": [{"code": code, "title": title, "detail": detail}]})


def echoes_of_the_key() -> list[Reply]:
    """A gateway quoting the key back each way a server or proxy might: JSON-escaped, lower-cased,
    URL-encoded, cut short, in the detail, the title and the code."""
    raw = '{"errors": [{"code": "10009", "title": "Rejected", "detail": "Bearer ' + escaped(ODD_KEY) + '"}]}'
    return [
        Reply(401, raw=raw.encode()),
        refused(f"bearer {ODD_KEY.lower()}"),
        refused(f"Authorization=Bearer%20{quote(ODD_KEY, safe='')}"),
        refused(f"token {ODD_KEY[:14]}...", title=f"bad key {ODD_KEY.upper()[:20]}"),
        refused("denied", code=ODD_KEY[:16]),
    ]


def leaked(text: str) -> list[str]:
    """Any form of the key left in `text`: its first 12 characters, in any case and spelling."""
    forms = {ODD_KEY[:12], quote(ODD_KEY, safe="")[:12], escaped(ODD_KEY)[:36]}
    return [form for form in forms if form.lower() in text.lower()]


def test_the_key_echoed_back_in_any_form_is_scrubbed_everywhere(
    client, supervisor, admin_user, settings, caplog
):
    settings.TELNYX_API_KEY = ODD_KEY
    caplog.set_level(logging.DEBUG)
    for name in ("call.initiated", "call.answered"):
        assert post_webhook(client, fixture(name)).status_code == 200
    call_id = Call.objects.get().call_control_id
    supervisor_client = Client()
    supervisor_client.force_login(supervisor)
    admin_client = Client()
    admin_client.force_login(admin_user)
    echoes = echoes_of_the_key()
    answers = []

    with MisbehavingTelnyx(echoes) as telnyx:
        settings.TELNYX_API_BASE = telnyx.base_url
        for _ in range(len(echoes) - 1):
            answers.append(
                supervisor_client.post(
                    f"/api/calls/{call_id}/actions/hangup/", {}, content_type="application/json"
                )
            )
        # A form post: the flash message on the page it leads to says what Telnyx answered.
        answers.append(supervisor_client.post(f"/calls/{call_id}/actions/hangup/", {}, follow=True))

    assert len(telnyx.requests) == len(echoes)
    assert set(OperatorAction.objects.values_list("outcome", flat=True)) == {"refused"}
    where = {
        "stored": everything_stored(),
        "logged": caplog.text,
        "answered": "\n".join(answer.content.decode() for answer in answers),
        "shown": everything_shown(supervisor_client, admin_client),
    }
    assert {name: leaked(text) for name, text in where.items() if leaked(text)} == {}
