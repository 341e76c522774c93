"""Bugs a new user saw on the pages, each pinned by a test that failed before its fix."""

import base64
import gzip
import json

import pytest

from calls.models import Call
from conferences.models import Participant
from dashboard.actions.spec import action_spec, all_actions
from dashboard.actions.web import describe
from dashboard.models import ActionOutcome, OperatorAction
from tests.support.webhooks import fixture, post_webhook

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("/history/calls/?number=zzzz", "No calls match this search."),
        ("/history/actions/", "No operator actions match this search."),  # before any action
        ("/history/conferences/?name=nothing-like-it", "No conferences match this search."),
        ("/history/events/?event_type=call.nothing", "No events match this search."),
    ],
)
def test_a_search_with_no_results_says_so_and_keeps_its_export_links(supervisor_client, url, words):
    response = supervisor_client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert words in page
    assert "The search was not run" not in page
    assert 'id="export-csv"' in page and 'id="export-json"' in page


def test_a_search_with_wrong_fields_is_still_not_run(supervisor_client):
    response = supervisor_client.get("/history/calls/?started_after=yesterday")
    assert response.status_code == 400
    assert "The search was not run: correct the fields marked above." in response.content.decode()


def test_enum_descriptions_in_the_api_docs_keep_only_what_explains_a_value(supervisor_client):
    schema = supervisor_client.get("/api/schema/?format=json").json()
    text = json.dumps(schema)
    # drf-spectacular wrote "* `always` - always" for every choice; Swagger UI and Redoc render what
    # is left as Markdown lists (seen in the browser test of every page).
    assert "* `always` - always" not in text and "* `joined` - joined" not in text
    assert "* `parked` - ringing" in text  # a label that says more than its value stays


def ana_ruiz_call() -> Call:
    return Call(call_control_id="v3:ana", direction="incoming", from_number="+14155550123", caller_id_name="Ana Ruiz")


def record(action: str, target_type: str, parameters: dict, outcome: str = ActionOutcome.OK, **fields) -> OperatorAction:
    return OperatorAction(action=action, target_type=target_type, parameters=parameters, outcome=outcome, **fields)


def test_messages_say_what_happened_in_words():
    from calls.selectors import call_name

    spec = action_spec("call", "send_dtmf")
    message = describe(record("send_dtmf", "call", {"digits": "123"}), spec, call_name(ana_ruiz_call()))
    assert message == "Sent the digits 1 2 3 to Ana Ruiz. Telnyx accepted it."
    mute_all = describe(record("mute", "conference", {"call_control_ids": []}), action_spec("conference", "mute"), "Escalations")
    assert mute_all == "Muted everyone in Escalations. Telnyx accepted it."
    refused = describe(
        record("hangup", "call", {}, ActionOutcome.REFUSED, error_code="90018", error_title="Call has already ended"),
        action_spec("call", "hangup"),
        "Ana Ruiz",
    )
    assert refused == "Hang up for Ana Ruiz refused by Telnyx. 90018 Call has already ended"


@pytest.mark.parametrize("spec", all_actions(), ids=lambda spec: f"{spec.target}-{spec.name}")
def test_every_action_has_words_for_its_success(spec):
    assert spec.done, f"{spec.target} {spec.name} has no `done` phrase"
    message = describe(record(spec.name, spec.target, {}), spec, "Ana Ruiz")
    assert message.endswith(". Telnyx accepted it.") and "{" not in message
    assert spec.name not in message or " " not in spec.name  # never the raw action name ("send_dtmf")


def test_a_forbidden_form_post_gets_the_sites_styled_403_page(viewer_client, settings):
    settings.TELNYX_API_BASE = "http://127.0.0.1:9/v2"
    for name in ("call.initiated", "call.answered"):
        assert post_webhook(viewer_client, fixture(name)).status_code == 200
    call = Call.objects.get()
    response = viewer_client.post(f"/calls/{call.call_control_id}/actions/hangup/", {"submission_id": "v-1"})
    page = response.content.decode()
    assert response.status_code == 403
    assert '<link rel="stylesheet"' in page and 'aria-label="Main"' in page  # the site's own page
    assert "Not allowed" in page and "You may not do this." in page and "val-viewer" in page


def test_a_page_at_an_unknown_address_is_the_sites_404_page(supervisor_client):
    page = supervisor_client.get("/calls/v3:no-such-call/").content.decode()
    assert '<link rel="stylesheet"' in page and "Not found" in page


def test_pages_are_compressed_for_clients_that_accept_it(supervisor_client):
    for name in ("call.initiated", "call.answered"):
        post_webhook(supervisor_client, fixture(name))
    response = supervisor_client.get("/calls/", headers={"accept-encoding": "gzip, br"})
    assert response["Content-Encoding"] == "gzip" and "Accept-Encoding" in response["Vary"]
    assert b"+35319605860" in gzip.decompress(response.content)
    assert "Content-Encoding" not in supervisor_client.get("/calls/").headers  # not asked: not compressed


def test_a_long_client_state_is_folded_behind_an_expander(supervisor_client):
    document = fixture("call.initiated")
    state = "x" * 5000
    document["data"]["payload"]["client_state"] = base64.b64encode(state.encode()).decode()
    post_webhook(supervisor_client, document)
    call = Call.objects.get()
    page = supervisor_client.get(f"/calls/{call.call_control_id}/").content.decode()
    # Shown whole behind "show all" (the decoded state is capped at 1,000 characters), its start before it.
    assert '<details class="long-text"><summary><span class="long-text-start">' + "x" * 160 + "…</span>" in page
    assert "show all 1,000 characters" in page


def test_the_navigation_marks_where_the_reader_is(supervisor_client):
    page = supervisor_client.get("/history/events/").content.decode()
    assert '<a href="/history/calls/" aria-current="true">History</a>' in page
    page = supervisor_client.get("/overview/").content.decode()
    assert '<a href="/overview/" aria-current="page">Overview</a>' in page
    assert 'class="skip-link" href="#main"' in page and '<main id="main"' in page


def test_repeated_participant_buttons_name_the_participant(supervisor_client):
    for name in ("conference.created", "conference.participant.joined"):
        assert post_webhook(supervisor_client, fixture(name)).status_code == 200
    participant = Participant.objects.select_related("conference").get()
    who = participant.label or participant.call_control_id  # no call record here: no caller name
    page = supervisor_client.get(f"/conferences/{participant.conference.conference_id}/").content.decode()
    for button in ("Mute", "Hold", "Remove"):
        assert f'{button}<span class="sr-only"> {who}</span></button>' in page
