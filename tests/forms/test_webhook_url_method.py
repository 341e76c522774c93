"""webhook_url_method=GET: seed 002 (dial and answer), "webhook_url_method / Default: "POST" /
HTTP request type used for webhook_url. Enum: "POST" "GET"". Telnyx then sends the call's
webhooks with GET, to webhook_url. The dashboard's own endpoint takes POST only, so a form takes
GET only together with a webhook_url of another receiver, and says so clearly otherwise."""

import pytest

from calls.actions import CALL_ACTIONS
from tests.support.commands import CALL_COMMANDS

FORMS = {spec.name: spec.form for spec in CALL_ACTIONS}
LEG_SETUP = ("answer", "dial", "transfer")


def bound(action: str, **changes: str):
    return FORMS[action]({**CALL_COMMANDS[action], **changes})


@pytest.mark.parametrize("action", LEG_SETUP)
def test_get_with_a_receiver_of_ones_own(action):
    form = bound(action, webhook_url="https://hooks.example.com/telnyx", webhook_url_method="GET")
    assert form.is_valid(), form.errors
    assert form.to_params()["webhook_url_method"] == "GET"


@pytest.mark.parametrize("action", LEG_SETUP)
def test_get_without_a_webhook_url_is_refused(action):
    form = bound(action, webhook_url_method="GET")
    assert form.errors == {
        "webhook_url_method": [
            "GET is the method for a webhook URL: give the URL of your own receiver, or choose POST."
        ]
    }


@pytest.mark.parametrize("action", LEG_SETUP)
@pytest.mark.parametrize(
    "url",
    [
        "http://localhost/webhooks/telnyx/",
        "https://localhost:8443/webhooks/telnyx/texml/",
        "http://127.0.0.1:8000/webhooks/telnyx",
    ],
)
def test_get_to_the_dashboards_own_endpoint_is_refused(action, url):
    form = bound(action, webhook_url=url, webhook_url_method="GET")
    assert form.errors == {
        "webhook_url_method": [
            "This dashboard's webhook endpoint takes POST only: choose POST, or a webhook URL elsewhere "
            "that takes GET."
        ]
    }
    assert bound(action, webhook_url=url, webhook_url_method="POST").is_valid()


def test_the_same_path_on_another_host_is_another_receiver():
    form = bound("dial", webhook_url="https://relay.example.net/webhooks/telnyx/", webhook_url_method="GET")
    assert form.is_valid(), form.errors


def test_the_dashboards_own_host_is_whatever_it_serves(settings):
    settings.ALLOWED_HOSTS = ["switchboard.example.com"]
    url = "https://switchboard.example.com/webhooks/telnyx/"
    assert not bound("answer", webhook_url=url, webhook_url_method="GET").is_valid()
    assert bound(
        "answer", webhook_url="http://127.0.0.1/webhooks/telnyx/", webhook_url_method="GET"
    ).is_valid()
