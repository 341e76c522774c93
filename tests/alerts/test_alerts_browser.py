"""Alerts in a browser: raised on an open page without a reload, acknowledged for one person only; the
header badge says when Telnyx's webhooks stop, and goes back to "live" the moment one arrives."""

import json
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.sync_api import expect

from dashboard.models import Event
from tests.browser.conftest import screenshot
from tests.queues.support import _send
from tests.support.signing import as_http_headers, sign
from tests.support.webhooks import envelope

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_alert_is_raised_on_an_open_page_and_acknowledged(login, supervisor, viewer, live_dashboard):
    page = login(supervisor, "pw-" + supervisor.username)
    page.goto(live_dashboard.url + "/history/calls/")  # a page without live rows
    page.wait_for_selector("#live-status[data-state=live]")
    page.evaluate("window.notReloaded = true")
    expect(page.locator("#alerts")).to_be_hidden()

    _send("call.initiated", "v3:ringing-browser", 45, caller="+14155550177", state="parked")  # past 30 s
    item = page.locator("#alert-items li", has_text="+14155550177")
    expect(item).to_contain_text("Ringing too long", timeout=10_000)
    expect(page.locator("#alerts-count")).to_have_text("1")
    screenshot(page, "alert-raised")
    item.get_by_role("button", name="Acknowledge ringing too long: +14155550177").click()
    expect(page.locator("#alerts")).to_be_hidden()
    assert page.evaluate("window.notReloaded") is True

    page.reload()  # acknowledged for good, by this person
    expect(page.locator("#alert-items li")).to_have_count(0)
    other = login(viewer, "pw-" + viewer.username)
    expect(other.locator("#alert-items li", has_text="+14155550177")).to_have_count(1)


def test_the_feed_badge_turns_from_silent_to_live_without_a_reload(login, supervisor, live_dashboard):
    _send("call.initiated", "v3:feed-browser", 1, caller="+14155550199", state="parked")
    Event.objects.update(received_at=datetime.now(UTC) - timedelta(minutes=10))  # webhooks stopped 10 min ago
    page = login(supervisor, "pw-" + supervisor.username)
    page.evaluate("window.notReloaded = true")
    badge = page.locator("#live-status .live-state")
    expect(badge).to_have_text("feed silent 10 min", timeout=10_000)
    expect(page.locator("#delivery-warning")).to_contain_text("No webhook received for 10")
    screenshot(page, "feed-silent")

    body = json.dumps(
        envelope(
            "call.answered",
            {"call_control_id": "v3:feed-browser", "from": "+14155550199", "to": "+13125550100", "state": "answered"},
            event_id=str(uuid.uuid4()),
            occurred_at=datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        )
    ).encode()
    headers = {"content-type": "application/json", **as_http_headers(sign(body))}
    assert httpx.post(live_dashboard.url + "/webhooks/telnyx/", content=body, headers=headers, timeout=10).status_code == 200

    expect(badge).to_have_text("live", timeout=5_000)
    expect(page.locator("#delivery-warning")).to_have_count(0)
    assert page.evaluate("window.notReloaded") is True
