"""Muting a participant from the page: seen muted there and in another supervisor's browser."""

import time

import pytest
from playwright.sync_api import expect

from conferences.models import Conference, Participant
from dashboard.models import OperatorAction
from tests.browser.conftest import screenshot
from tests.support.waiting import eventually

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_muting_a_participant_shows_in_both_browsers(
    login, supervisor, admin_user, simulator, live_dashboard
):
    handle = simulator.world.start_conference(name="Escalations", participants=2)
    assert eventually(
        lambda: Participant.objects.filter(conference__conference_id=handle.id, status="joined").count() == 2
    )
    conference = Conference.objects.get(conference_id=handle.id)
    participant = conference.participants.order_by("pk").first()
    url = f"{live_dashboard.url}/conferences/{conference.conference_id}/"

    mine = login(supervisor, "pw-" + supervisor.username)
    theirs = login(admin_user, "pw-" + admin_user.username)
    for page in (mine, theirs):
        page.goto(url)
        page.wait_for_selector("#live-status[data-state=live]")
    row = f"#participant-{participant.pk}"
    assert mine.locator(f"{row} .muted").inner_text() == "—"

    # Time it in the page: from the click to the muted badge in this page's row.
    mine.evaluate(
        """(row) => { window.muteClicked = performance.now();
            new MutationObserver((_, observer) => {
              if (document.querySelector(row + ' .badge.muted')) {
                window.muteShown = performance.now(); observer.disconnect(); }
            }).observe(document.getElementById('live-rows'), {childList: true, subtree: true}); }""",
        row,
    )
    mine.click(f"{row} button[value=mute]")
    mine.wait_for_selector(f"{row} .badge.muted", timeout=10_000)
    theirs.wait_for_selector(f"{row} .badge.muted", timeout=10_000)
    round_trip_ms = mine.evaluate("window.muteShown - window.muteClicked")
    telnyx_ms = OperatorAction.objects.get(action="mute").latency_ms
    print(
        f"first mute, click to muted badge: {round_trip_ms:.0f} ms (Telnyx leg {telnyx_ms:.0f} ms, cold client)"
    )
    assert mine.locator(f"{row} button[value=unmute]").count() == 1
    mine.wait_for_selector(".messages .success")
    assert "Muted " in mine.locator(".messages").inner_text()  # "Muted Ana Ruiz. Telnyx accepted it."
    mine.click(f"{row} button[value=unmute]")
    theirs.wait_for_selector(f"{row} button[value=mute]", timeout=10_000)
    mine.wait_for_selector(f"{row} button[value=mute]", timeout=10_000)
    started = time.monotonic()
    mine.click(f"{row} button[value=mute]")
    mine.wait_for_selector(f"{row} .badge.muted", timeout=10_000)
    print(f"warm mute, click to muted badge: {(time.monotonic() - started) * 1000:.0f} ms")
    screenshot(mine, "conference-detail")

    theirs.goto(f"{live_dashboard.url}/conferences/")
    theirs.wait_for_selector(f"#conference-{conference.pk}")
    screenshot(theirs, "conferences")
    theirs.goto(f"{live_dashboard.url}/overview/")
    theirs.wait_for_selector("#concurrency-chart polyline")
    screenshot(theirs, "overview")


def test_a_viewer_gets_live_rows_without_action_buttons(login, viewer, simulator, live_dashboard):
    handle = simulator.world.start_conference(name="Read only", participants=1)
    assert eventually(
        lambda: Participant.objects.filter(conference__conference_id=handle.id, status="joined").exists()
    )
    conference = Conference.objects.get(conference_id=handle.id)
    page = login(viewer, "pw-" + viewer.username)
    page.goto(f"{live_dashboard.url}/conferences/{conference.conference_id}/")
    page.wait_for_selector("#live-status[data-state=live]")
    call = simulator.world.answered_call()
    simulator.world.join_conference(handle.id, call.call_control_id)
    joined = Participant.objects.filter(call_control_id=call.call_control_id)
    assert eventually(joined.exists)
    page.wait_for_selector(f"#participant-{joined.get().pk}", timeout=10_000)
    assert page.locator("#live-rows button").count() == 0


def test_a_snapshot_read_before_a_newer_push_does_not_undo_it(login, supervisor, simulator, live_dashboard):
    """Each action has the page re-read its snapshot. One read before an unmute, answering after the
    unmute's push, must not leave the row muted: the page reads again once that one is in."""
    handle = simulator.world.start_conference(name="Escalations", participants=2)
    assert eventually(
        lambda: Participant.objects.filter(conference__conference_id=handle.id, status="joined").count() == 2
    )
    conference = Conference.objects.get(conference_id=handle.id)
    first, second = (f"#participant-{p.pk}" for p in conference.participants.order_by("pk")[:2])
    page = login(supervisor, "pw-" + supervisor.username)
    page.goto(f"{live_dashboard.url}/conferences/{conference.conference_id}/")
    page.wait_for_selector("#live-status[data-state=live]")
    page.click(f"{first} button[value=mute]")
    page.wait_for_selector(f"{first} .badge.muted", timeout=10_000)

    held = []  # the next snapshot read, answered as it was when asked, released when the test says

    def hold_one_snapshot(route):
        if route.request.headers.get("x-live-snapshot") and not held:
            held.append((route, route.fetch()))
        else:
            route.continue_()

    page.route(f"**/conferences/{conference.conference_id}/", hold_one_snapshot)
    page.evaluate("window.synced = 0; document.addEventListener('switchboard:synced', () => { window.synced += 1; })")
    page.click(f"{second} button[value=mute]")  # its re-read holds the first participant muted
    for _ in range(200):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the action did not have the page read its snapshot"
    page.click(f"{first} button[value=unmute]")
    page.wait_for_selector(f"{first} button[value=mute]", timeout=10_000)  # the unmute's push

    route, stale = held[0]
    route.fulfill(response=stale)
    page.wait_for_function("() => window.synced >= 1", timeout=10_000)
    expect(page.locator(f"{first} button[value=mute]")).to_be_visible(timeout=5_000)
    expect(page.locator(f"{first} .badge.muted")).to_have_count(0)
