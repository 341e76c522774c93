"""/queues/: who waits where and for how long, and what happened to the calls that left today."""

import pytest

from calls.queues.selectors import queue_board
from tests.queues.support import dequeued, hung_up, queued_call

pytestmark = [pytest.mark.django_db]


def test_each_queue_lists_its_waiting_calls_longest_first_with_the_days_outcomes():
    recent = queued_call("support", waited=10, caller="+14155550111")
    oldest = queued_call("support", waited=200, caller="+14155550122")
    queued_call("billing", waited=30)
    answered = queued_call("support", waited=40)
    dequeued(answered, "support", reason="bridged", wait_time_secs=40)
    gave_up = queued_call("support", waited=80)
    dequeued(gave_up, "support", reason="hangup", wait_time_secs=80)
    hung_up(gave_up)

    board = {facts.name: facts for facts in queue_board()}

    assert list(board) == ["billing", "support"]
    support = board["support"]
    assert [call.call_control_id for call in support.waiting] == [oldest, recent]
    assert support.waiting_count == 2
    assert support.answered_today == 1 and support.abandoned_today == 1
    assert support.average_wait_secs == 60 and support.average_wait == "1:00"
    assert board["billing"].waiting_count == 1 and board["billing"].average_wait == "—"


def test_a_wait_telnyx_does_not_report_is_measured_from_the_enqueue():
    call_id = queued_call("support", waited=90)
    dequeued(call_id, "support", reason="leave")
    (support,) = queue_board()
    assert support.waiting_count == 0 and 88 <= support.average_wait_secs <= 92
    assert support.answered_today == 0 and support.abandoned_today == 0


def test_the_page_shows_the_queues_and_actions_on_waiting_calls(supervisor_client):
    call_id = queued_call("support", waited=150, caller="+14155550133")
    page = supervisor_client.get("/queues/").content.decode()
    assert 'data-queue="support"' in page and "+14155550133" in page
    assert f"/calls/{call_id}/actions/leave_queue/" in page
    assert f"/calls/{call_id}/actions/hangup/" in page and "Bridge to…" in page
    assert 'data-state="queued"' in page  # coloured by the page's script past ALERT_QUEUED_SECS
    assert 'href="/queues/"' in page


def test_a_viewer_sees_the_queues_without_actions(viewer_client):
    call_id = queued_call("support", waited=15)
    page = viewer_client.get("/queues/").content.decode()
    assert 'data-queue="support"' in page
    assert f"/calls/{call_id}/actions/" not in page and f"/supervision/calls/{call_id}/" not in page


def test_an_empty_floor_says_so(supervisor_client):
    assert "No queue has had a call today" in supervisor_client.get("/queues/").content.decode()


def test_the_overview_has_a_queue_card(supervisor_client):
    queued_call("support", waited=20)
    queued_call("billing", waited=25)
    page = supervisor_client.get("/overview/").content.decode()
    card = page[page.index('id="queue-card"') :]
    assert 'id="figure-queued">2<' in card[:400] and 'href="/queues/"' in page
