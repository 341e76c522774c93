"""Live rows carry their own actions for those who may act, as the action table allows."""

import pytest

from calls.models import Call
from tests.support.webhooks import fixture, post_webhook

pytestmark = pytest.mark.django_db


@pytest.fixture
def ringing_call(client):
    post_webhook(client, fixture("call.initiated"))
    return Call.objects.get()


def test_a_supervisor_gets_hang_up_and_transfer_on_the_row(supervisor_client, ringing_call):
    page = supervisor_client.get("/calls/").content.decode()
    row = page[page.index(f'id="call-{ringing_call.pk}"'):]
    row = row[: row.index("</tr>")]
    assert 'data-row-action="hangup"' in row and 'data-row-action="transfer"' in row
    assert 'data-who="Ada Lovelace"' in row
    # The forms behind the buttons are the page's, once (static/row_actions.js fills them in).
    assert page.count("/calls/__call__/actions/hangup/") == 1 and page.count("/calls/__call__/actions/transfer/") == 1
    assert 'data-confirm="Hang up the call with __who__? This cannot be undone."' in page


def test_a_viewer_gets_the_row_without_buttons(viewer_client, ringing_call):
    page = viewer_client.get("/calls/").content.decode()
    assert f'id="call-{ringing_call.pk}"' in page
    assert "/actions/hangup/" not in page and "/actions/transfer/" not in page


def test_a_call_in_a_conference_offers_hang_up_but_no_transfer(supervisor_client, client, ringing_call):
    post_webhook(client, fixture("call.answered"))
    post_webhook(client, fixture("conference.created"))
    post_webhook(client, fixture("conference.participant.joined"))
    assert Call.objects.get().state == "conference"
    page = supervisor_client.get("/calls/").content.decode()
    assert 'data-row-action="hangup"' in page and 'data-row-action="transfer"' not in page
