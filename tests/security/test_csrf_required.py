"""Every form that changes something needs its CSRF token: a page on another site cannot make a
logged-in supervisor's browser act, log in or log out."""

import pytest
from django.test import Client

from conferences.models import Participant
from dashboard.models import OperatorAction
from tests.support.webhooks import fixture, post_webhook

pytestmark = pytest.mark.django_db

# If a forged post got through, its command would go here and fail; it must not even get that far.
UNREACHABLE_TELNYX = "http://127.0.0.1:9/v2"


@pytest.fixture
def browser(supervisor, settings) -> Client:
    """A supervisor's browser that, like a real one, is held to CSRF checks."""
    settings.TELNYX_API_BASE = UNREACHABLE_TELNYX
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(supervisor)
    return browser


@pytest.fixture
def forms(client) -> dict[str, str]:
    for name in ("call.initiated", "call.answered", "conference.created", "conference.participant.joined"):
        assert post_webhook(client, fixture(name)).status_code == 200
    participant = Participant.objects.select_related("conference").get()
    call = fixture("call.initiated")["data"]["payload"]["call_control_id"]
    conference = participant.conference.conference_id
    return {
        "call action": f"/calls/{call}/actions/hangup/",
        "dial": "/calls/dial/",
        "conference action": f"/conferences/{conference}/actions/end/",
        "participant action": f"/conferences/{conference}/participants/{participant.call_control_id}/actions/mute/",
        "action API with the session": f"/api/calls/{call}/actions/hangup/",
    }


@pytest.mark.parametrize(
    "form", ["call action", "dial", "conference action", "participant action", "action API with the session"]
)
@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_an_action_posted_without_its_token_is_refused_before_anything_happens(browser, forms, form, accept):
    response = browser.post(
        forms[form], {"to": "+14155550100", "from_": "+14155550101"}, headers={"Accept": accept}
    )

    assert response.status_code == 403
    assert (
        OperatorAction.objects.count() == 0
    )  # refused before the service ran: nothing sent, nothing audited


def test_the_same_post_with_its_token_goes_through(browser, forms):
    page = browser.get(forms["call action"].split("actions/")[0])
    token = page.cookies["csrftoken"].value
    response = browser.post(forms["call action"], {"csrfmiddlewaretoken": token})

    assert response.status_code == 302  # on to Telnyx (unreachable here), then back to the call page
    assert OperatorAction.objects.get().outcome == "failed"


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/logout/"])
def test_logging_in_or_out_without_a_token_is_refused(supervisor, path):
    browser = Client(enforce_csrf_checks=True)
    if path.endswith("logout/"):
        browser.force_login(supervisor)
    response = browser.post(path, {"username": supervisor.username, "password": "pw-" + supervisor.username})

    assert response.status_code == 403
    assert ("_auth_user_id" in browser.session) is path.endswith("logout/")
