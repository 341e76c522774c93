"""Alerts in a browser: raised on an open page without a reload, acknowledged for one person only; the
header badge says when Telnyx's webhooks stop, and goes back to "live" the moment one arrives."""

import json
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from dashboard.models import Event, UserProfile
from operations.alerts.models import Alert, AlertKind
from operations.alerts.services import evaluate
from tests.browser.conftest import screenshot
from tests.queues.support import _send, queued_call
from tests.support.signing import as_http_headers, sign
from tests.support.waiting import eventually
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
    assert eventually(lambda: Alert.objects.filter(kind=AlertKind.FEED, cleared_at__isnull=True).exists())
    page = login(supervisor, "pw-" + supervisor.username)
    page.evaluate("window.notReloaded = true")
    badge = page.locator("#live-status .live-state")
    expect(badge).to_have_text("feed silent 10 min", timeout=10_000)
    expect(page.locator("#delivery-warning")).to_contain_text("No webhook received for 10")
    screenshot(page, "feed-silent")
    assert _serious_axe_findings(page) == []  # the warning is one alert, not a stray list item

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


def test_an_alert_raised_between_render_and_connect_is_on_the_page(browser, live_dashboard, supervisor):
    """Its frame reached no socket of the page (there was none yet): the page reads the list on connecting."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(live_dashboard.url + "/accounts/login/")
    page.fill("input[name=username]", supervisor.username)
    page.fill("input[name=password]", "pw-" + supervisor.username)
    page.click("button[type=submit]")
    page.wait_for_url("**/calls/")
    held = []
    page.route("**/static/live*.js", lambda route: held.append(route))  # no socket until the alert is raised
    page.goto(live_dashboard.url + "/history/calls/", wait_until="commit")
    page.wait_for_selector("#alerts", state="attached")
    assert eventually(lambda: held)
    expect(page.locator("#alert-items li")).to_have_count(0)

    _send("call.initiated", "v3:ringing-between", 45, caller="+14155550144", state="parked")
    evaluate()
    for route in held:
        route.continue_()
    expect(page.locator("#alert-items li", has_text="+14155550144")).to_have_count(1, timeout=10_000)
    context.close()


# Records what the page asks of the browser instead of ringing and notifying for real.
SPY = """
window.signals = [];
window.Notification = class { constructor(title, options) { window.signals.push(["notification", title, options.body]); }
  addEventListener() {} close() {} };
window.Notification.permission = "granted";
window.AudioContext = class { constructor() { this.state = "running"; this.currentTime = 0; this.destination = {}; }
  resume() {} createGain() { return { gain: { setValueAtTime() {}, exponentialRampToValueAtTime() {} }, connect: (x) => x }; }
  createOscillator() { window.signals.push(["sound"]); return { frequency: {}, connect: (x) => x, start() {}, stop() {} }; } };
"""


@pytest.mark.parametrize("opted_in", [False, True], ids=["off-by-default", "opted-in"])
def test_sound_and_desktop_notification_only_for_who_opted_in(browser, live_dashboard, supervisor, opted_in):
    if opted_in:
        UserProfile.objects.create(user=supervisor, alert_sound=True, alert_desktop=True)
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.add_init_script(SPY)
    page = context.new_page()
    page.goto(live_dashboard.url + "/accounts/login/")
    page.fill("input[name=username]", supervisor.username)
    page.fill("input[name=password]", "pw-" + supervisor.username)
    page.click("button[type=submit]")
    page.wait_for_url("**/calls/")
    page.wait_for_selector("#live-status[data-state=live]")
    _send("call.initiated", "v3:ringing-signal", 45, caller="+14155550166", state="parked")
    expect(page.locator("#alert-items li", has_text="+14155550166")).to_have_count(1, timeout=10_000)
    signals = page.evaluate("window.signals")
    if opted_in:
        assert ["sound"] in signals
        assert ["notification", "Ringing too long", "+14155550166: ringing for over 30 s"] in signals
    else:
        assert signals == []
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_alert_list_passes_axe_in_both_themes(browser, live_dashboard, supervisor, scheme):
    _send("call.initiated", "v3:ringing-axe", 45, caller="+14155550155", state="parked")
    queued_call("support", waited=200)  # a queue alert too: each kind has its colour
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme=scheme)
    page = context.new_page()
    page.goto(live_dashboard.url + "/accounts/login/")
    page.fill("input[name=username]", supervisor.username)
    page.fill("input[name=password]", "pw-" + supervisor.username)
    page.click("button[type=submit]")
    page.goto(live_dashboard.url + "/profile/")
    expect(page.locator("#alert-items li")).to_have_count(2, timeout=10_000)
    assert _serious_axe_findings(page) == []
    width, window = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= window
    page.screenshot(path=f"tests/browser/screenshots/alerts-390-{scheme}.png")
    context.close()


def _serious_axe_findings(page) -> list[str]:
    return [
        f"{violation['id']}: {[node['target'] for node in violation['nodes'][:3]]}"
        for violation in Axe().run(page).response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
