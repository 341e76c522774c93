"""A supervisor's browser: live updates without reloads, reconnection, and hostile text kept as text."""

import json
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.sync_api import expect

from dashboard.eventlog.ingest import ingest_events
from dashboard.webhooks.parsing import parse_call_control
from tests.browser.conftest import screenshot
from tests.support.signing import as_http_headers, sign
from tests.support.webhooks import envelope

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def call_events(call_id: str, *, caller_name: str = "Grace Hopper", number: str = "+14155550123") -> dict:
    base = {
        "call_control_id": call_id,
        "call_leg_id": str(uuid.uuid4()),
        "call_session_id": str(uuid.uuid4()),
        "connection_id": "1494404757140276705",
        "from": number,
        "to": "+18005550100",
    }
    return {
        "initiated": envelope(
            "call.initiated",
            {
                **base,
                "direction": "incoming",
                "state": "parked",
                "caller_id_name": caller_name,
                "start_time": "2026-11-21T10:00:00Z",
            },
            event_id=str(uuid.uuid4()),
            occurred_at="2026-11-21T10:00:00.000000Z",
        ),
        "answered": envelope(
            "call.answered",
            {**base, "state": "answered"},
            event_id=str(uuid.uuid4()),
            occurred_at="2026-11-21T10:00:02.000000Z",
        ),
        "hangup": envelope(
            "call.hangup",
            {**base, "state": "hangup", "hangup_cause": "normal_clearing", "hangup_source": "caller"},
            event_id=str(uuid.uuid4()),
            occurred_at="2026-11-21T10:00:09.000000Z",
        ),
    }


def post(server, document: dict) -> None:
    body = json.dumps(document).encode()
    headers = {"content-type": "application/json", **as_http_headers(sign(body))}
    response = httpx.post(server.url + "/webhooks/telnyx/", content=body, headers=headers, timeout=10)
    assert response.status_code == 200, response.text


def row_for(page, number: str):
    return page.locator("#live-rows tr", has_text=number)


def test_a_call_appears_live_and_leaves_when_it_hangs_up(login, supervisor, live_dashboard):
    page = login(supervisor, "pw-" + supervisor.username)
    page.wait_for_selector("#live-status[data-state=live]")
    events = call_events("v3:browser-live-1", number="+14155550101")
    post(live_dashboard, events["initiated"])
    row = row_for(page, "+14155550101")
    # Assertions that retry: the row may be replaced (a re-sync) between two reads.
    expect(row).to_contain_text("ringing", timeout=10_000)
    post(live_dashboard, events["answered"])
    page.wait_for_selector("#live-rows tr[data-state=answered]", timeout=10_000)
    expect(page.locator("#call-count")).to_have_text("1")
    screenshot(page, "live-calls")
    post(live_dashboard, events["hangup"])
    row.wait_for(state="detached", timeout=15_000)
    expect(page.locator("#call-count")).to_have_text("0")


def test_filters_keep_applying_to_rows_that_arrive_later(login, supervisor, live_dashboard):
    page = login(supervisor, "pw-" + supervisor.username)
    page.wait_for_selector("#live-status[data-state=live]")
    page.select_option("select[name=state]", "answered")
    post(live_dashboard, call_events("v3:browser-filter-1", number="+14155550102")["initiated"])
    row = row_for(page, "+14155550102")
    row.wait_for(state="attached", timeout=10_000)
    assert row.is_hidden()
    page.select_option("select[name=state]", "")
    assert row.is_visible()


def test_a_hostile_caller_name_shows_as_text(login, supervisor, live_dashboard):
    page = login(supervisor, "pw-" + supervisor.username)
    page.wait_for_selector("#live-status[data-state=live]")
    hostile = '<img src=x onerror="window.pwned=1"><script>window.pwned=1</script>'
    post(
        live_dashboard,
        call_events("v3:browser-xss-1", caller_name=hostile, number="+14155550103")["initiated"],
    )
    row = row_for(page, "+14155550103")
    row.wait_for(timeout=10_000)
    expect(row.locator(".caller-name")).to_have_text(hostile)
    assert row.locator("img").count() == 0
    assert page.evaluate("window.pwned") is None
    row.locator("a").first.click()
    page.wait_for_selector(".call-detail")
    assert page.locator(".facts .caller-name").inner_text() == hostile
    assert page.evaluate("window.pwned") is None
    screenshot(page, "call-detail")


def test_the_page_reconnects_after_a_restart_and_catches_up(login, supervisor, live_dashboard):
    page = login(supervisor, "pw-" + supervisor.username)
    page.wait_for_selector("#live-status[data-state=live]")
    live_dashboard.stop()
    page.wait_for_selector("#live-status[data-state=reconnecting]", timeout=10_000)
    # Another worker stored this while our server was down; the page learns of it only by re-syncing.
    events = call_events("v3:browser-reconnect-1", number="+14155550104")
    ingest_events([parse_call_control(json.dumps(events["initiated"]).encode())])
    live_dashboard.start()
    page.wait_for_selector("#live-status[data-state=live]", timeout=15000)
    row_for(page, "+14155550104").wait_for(timeout=10_000)


def test_the_focused_row_keeps_the_focus_when_a_re_sync_replaces_it(login, supervisor, live_dashboard):
    # A keyboard user works down the list (j / k, m, h on the focused row); a re-sync that brings a
    # newer version of that row must leave them on it, not throw them back to the top of the page.
    calls = [call_events(f"v3:browser-focus-{index}", number=f"+141555501{index}0") for index in range(3)]
    ingest_events([parse_call_control(json.dumps(events["initiated"]).encode()) for events in calls])
    page = login(supervisor, "pw-" + supervisor.username)
    page.wait_for_selector("#live-status[data-state=live]")
    focused = row_for(page, "+14155550110")
    for _ in range(3):
        page.keyboard.press("j")
        if focused.evaluate("row => row === document.activeElement"):
            break
    row_id = focused.get_attribute("id")
    assert page.evaluate("document.activeElement.id") == row_id
    live_dashboard.stop()
    page.wait_for_selector("#live-status[data-state=reconnecting]", timeout=10_000)
    ingest_events([parse_call_control(json.dumps(calls[1]["answered"]).encode())])
    live_dashboard.start()
    page.wait_for_selector("#live-status[data-state=live]", timeout=15_000)
    expect(focused.locator(".badge", has_text="answered")).to_be_visible(timeout=10_000)
    assert page.evaluate("document.activeElement.id") == row_id


def shown_seconds(row) -> int:
    minutes, seconds = row.locator("td.duration [data-tick-from]").first.text_content().split(":")[-2:]
    return int(minutes) * 60 + int(seconds)


def test_a_row_scrolled_into_view_shows_its_current_duration(login, supervisor, live_dashboard):
    # Off-screen rows are not ticked every second (the browser does not render them): one coming
    # into view must be brought up to date as it does, not show the time it had when it left.
    started = datetime.now(UTC) - timedelta(seconds=40)
    calls = []
    for index in range(60):
        document = call_events(f"v3:browser-scroll-{index}", number=f"+1415555{2000 + index}")["initiated"]
        document["data"]["payload"]["start_time"] = started.isoformat().replace("+00:00", "Z")
        calls.append(parse_call_control(json.dumps(document).encode()))
    ingest_events(calls)
    page = login(supervisor, "pw-" + supervisor.username)
    page.wait_for_selector("#live-status[data-state=live]")
    rows = page.locator("#live-rows > tr")
    expect(rows).to_have_count(60)
    first, last = rows.first, rows.last
    assert last.bounding_box()["y"] > page.viewport_size["height"]
    page.wait_for_timeout(4_000)
    in_view = (datetime.now(UTC) - started).total_seconds()
    assert abs(shown_seconds(first) - in_view) <= 2
    last.scroll_into_view_if_needed()
    deadline = time.monotonic() + 3
    while True:
        expected = (datetime.now(UTC) - started).total_seconds()
        if abs(shown_seconds(last) - expected) <= 2 or time.monotonic() > deadline:
            break
        page.wait_for_timeout(100)
    assert abs(shown_seconds(last) - expected) <= 2, (shown_seconds(last), expected)
    # And it goes on ticking while it is in view.
    page.wait_for_timeout(3_000)
    assert abs(shown_seconds(last) - (datetime.now(UTC) - started).total_seconds()) <= 2
