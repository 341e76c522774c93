"""A live list past its window in the browser: the first rows, a count of all, filters and order
applied by the server to every live call, and live updates that keep the window and count true."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from calls.models import Call
from calls.views import LIVE_WINDOW
from tests.browser.test_live_calls_browser import call_events, post

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MANY = LIVE_WINDOW + 12


def many_calls() -> None:
    """MANY answered calls, oldest first; the last few (past the window) ringing."""
    now = timezone.now()
    Call.objects.bulk_create([
        Call(call_control_id=f"v3:many-{index:04d}", direction="incoming", from_number=f"+1415666{index:04d}",
             to_number="+18005550100", caller_id_name=f"Caller {index}",
             state="parked" if index >= MANY - 3 else "answered",
             start_time=now - timedelta(seconds=2000 - index), state_since=now - timedelta(seconds=2000 - index),
             is_alive=True, last_event_at=now, event_count=1, version=1)
        for index in range(MANY)
    ], batch_size=500)


def new_call(call_id: str, number: str) -> dict:
    """A call's webhooks, started now: the newest call of the list."""
    events = call_events(call_id, number=number)
    now = timezone.now()
    for offset, name in enumerate(("initiated", "answered")):
        moment = (now + timedelta(seconds=offset)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        events[name]["data"]["occurred_at"] = moment
    events["initiated"]["data"]["payload"]["start_time"] = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    return events


def shown(page) -> list[str]:
    return page.eval_on_selector_all("#live-rows > tr:not([hidden])", "rows => rows.map(r => r.dataset.key.slice(5))")


def wait_until(check, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while not (result := check()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)
    return result


def test_a_long_list_shows_a_window_the_filters_and_order_re_read(login, supervisor, live_dashboard):
    many_calls()
    page = login(supervisor, "pw-" + supervisor.username)
    page.wait_for_selector("#live-status[data-state=live]")
    assert len(shown(page)) == LIVE_WINDOW
    assert shown(page)[0] == "v3:many-0000"
    assert page.inner_text("#call-count") == str(MANY)
    assert page.inner_text("#window-note").startswith(f"Showing the first {LIVE_WINDOW} of {MANY} live calls")

    # Ringing calls are all past the window: the filter asks the server for them.
    page.select_option("#call-filters select[name=state]", "parked")
    wait_until(lambda: shown(page) == [f"v3:many-{index:04d}" for index in range(MANY - 3, MANY)])
    assert page.inner_text("#call-count") == "3"
    assert page.inner_text("#window-note") == "All 3 live calls that match."

    # A new ringing call arrives and matches; answered, it no longer does.
    events = new_call("v3:window-live-1", "+14155550999")
    post(live_dashboard, events["initiated"])
    wait_until(lambda: "v3:window-live-1" in shown(page))
    wait_until(lambda: page.inner_text("#call-count") == "4")
    post(live_dashboard, events["answered"])
    wait_until(lambda: "v3:window-live-1" not in shown(page))
    wait_until(lambda: page.inner_text("#call-count") == "3")

    # Every call again, newest first: the newest are past the first window in the list's own order.
    page.select_option("#call-filters select[name=state]", "")
    page.select_option("#call-filters select[name=order-by]", "duration:asc")
    wait_until(lambda: shown(page)[:2] == ["v3:window-live-1", f"v3:many-{MANY - 1:04d}"])
    assert len(shown(page)) == LIVE_WINDOW
    assert page.inner_text("#call-count") == str(MANY + 1)
    assert "sort=duration" in page.url and "order=asc" in page.url


def test_a_new_call_past_the_window_is_counted_but_not_added(login, supervisor, live_dashboard):
    many_calls()
    page = login(supervisor, "pw-" + supervisor.username)
    page.wait_for_selector("#live-status[data-state=live]")
    events = new_call("v3:window-live-2", "+14155550998")
    post(live_dashboard, events["initiated"])
    # As they came: the new call is last, past the window.
    wait_until(lambda: page.inner_text("#call-count") == str(MANY + 1))
    assert len(shown(page)) == LIVE_WINDOW and "v3:window-live-2" not in shown(page)
    assert page.locator("#live-rows > tr").count() == LIVE_WINDOW
