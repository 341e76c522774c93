"""A live list past its window in the browser: the first rows, a count of all, filters and order
applied by the server to every live call, and live updates that keep the window and count true."""

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from calls.models import Call
from calls.views import LIVE_WINDOW
from tests.browser.test_every_page_browser import PHONE, SCREENSHOTS, WIDE, axe, open_as
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


def findings(page, label: str, context: dict) -> list[str]:
    """Sideways scrolling and serious axe findings, axe over `context` only (over 500 rows it takes
    seconds a run); a screenshot to look at in var/screenshots/."""
    page.screenshot(path=str(SCREENSHOTS / f"{label}.png"))
    problems = []
    width, window = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if width > window:
        problems.append(f"{label}: the page is {width} px wide in a {window} px window")
    for violation in axe.run(page, context=context).response["violations"]:
        if violation["impact"] in ("serious", "critical"):
            problems.append(f"{label}: {violation['impact']} {violation['id']} at {[n['target'] for n in violation['nodes'][:3]]}")
    return problems


def test_a_windowed_list_and_the_transfer_dialog_fit_and_pass_axe(browser, live_dashboard, supervisor):
    many_calls()
    # A webhook arrived: no "no webhook received" banner (its list item in a role=alert list is axe's own finding).
    post(live_dashboard, new_call("v3:window-axe", "+14155550997")["initiated"])
    page = open_as(browser, live_dashboard, supervisor, WIDE)
    page.wait_for_selector("#live-status[data-state=live]")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # The rows past the first few are the same markup again (the short list is checked whole elsewhere);
    # axe takes seconds a run over 500 rows: once with the dialog open in each theme, at each width.
    the_page = {"exclude": [["#live-rows > tr:nth-child(n+6)"]]}
    problems = []
    for viewport, scheme in ((PHONE, "light"), (PHONE, "dark"), (WIDE, "light"), (WIDE, "dark")):
        page.set_viewport_size(viewport)
        page.emulate_media(color_scheme=scheme)
        label = f"{viewport['width']}-{scheme}"
        page.screenshot(path=str(SCREENSHOTS / f"{label}-live-calls-windowed.png"))
        page.locator("#live-rows > tr").first.get_by_role("button", name=re.compile("^Transfer")).click()
        page.wait_for_selector("#transfer-dialog[open]")
        if (viewport, scheme) in ((PHONE, "light"), (WIDE, "dark")):
            problems += findings(page, f"{label}-live-calls-transfer-dialog", the_page)
        page.keyboard.press("Escape")
        page.wait_for_selector("#transfer-dialog:not([open])", state="attached")
    assert not problems, "\n".join(problems)
    page.context.close()
