"""Action forms show the few fields most uses need; everything else waits under "Advanced"."""

import re

import pytest

from calls.forms import DialForm
from tests.support.webhooks import fixture, post_webhook

pytestmark = pytest.mark.django_db


def _dial_panel(page: str) -> str:
    return page.split('id="dial-panel"', 1)[1].split("</details>\n</div>", 1)[0]


def _before_advanced(panel: str) -> list[str]:
    return re.findall(r'name="(\w+)"', panel.split('class="advanced"', 1)[0])


def test_dial_shows_four_fields_and_keeps_the_other_27_under_advanced(supervisor_client):
    panel = _dial_panel(supervisor_client.get("/calls/").content.decode())
    assert _before_advanced(panel) == [
        "csrfmiddlewaretoken",
        "submission_id",
        "to",
        "from_",
        "from_display_name",
        "timeout_secs",
    ]
    assert '<details class="advanced"><summary>Advanced <span class="help">(27 more fields)</span>' in panel
    assert len(DialForm().fields) == 31


def test_every_call_form_shows_at_most_five_fields_up_front(supervisor_client, client):
    for name in ("call.initiated", "call.answered"):
        post_webhook(client, fixture(name))
    page = supervisor_client.get("/calls/v3:u5OAKGEPT3Dx8SZSSDRWEMdNH2OripQhO/").content.decode()
    forms = re.findall(r'action="([^"]+)" class="action-form"(.*?)</form>', page, re.S)
    assert len(forms) > 10
    for url, form in forms:
        up_front = [n for n in _before_advanced(form) if n not in ("csrfmiddlewaretoken", "submission_id")]
        assert len(up_front) <= 5, (url, up_front)
        if not url.endswith("/client_state_update/"):
            assert "client_state" not in up_front, url


def test_an_error_in_an_advanced_field_opens_advanced(supervisor_client, simulator):
    response = supervisor_client.post("/calls/dial/", {"to": "+18005550123", "webhook_url": "not a url"})
    assert response.status_code == 400
    panel = _dial_panel(response.content.decode())
    assert "data-invalid" in panel
    assert '<details class="advanced" open>' in panel
    assert not simulator.received


def test_an_error_in_a_common_field_leaves_advanced_closed(supervisor_client, simulator):
    response = supervisor_client.post("/calls/dial/", {"to": "12"})
    panel = _dial_panel(response.content.decode())
    assert '<details class="advanced">' in panel and 'class="field has-error"' in panel
