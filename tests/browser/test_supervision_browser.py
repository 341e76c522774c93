"""Supervising from the browser: Listen on a live call rings the supervisor's phone (the simulator's
dial with supervise_call_control_id), the bar shows it connected on every page without a reload,
Whisper and Barge switch the role on Telnyx, Leave hangs up the supervisor's leg only."""

import re

import pytest
from playwright.sync_api import expect

from calls.models import Call
from dashboard.models import UserProfile
from tests.browser.conftest import screenshot
from tests.support.waiting import eventually

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "+13125550199"


def sent(simulator, path_end: str) -> list[dict]:
    return [item for item in simulator.received if item["method"] == "POST" and item["path"].endswith(path_end)]


def test_listen_then_whisper_barge_and_leave(login, supervisor, simulator, live_dashboard):
    UserProfile.objects.create(user=supervisor, supervisor_phone=PHONE)
    handle = simulator.world.answered_call("+13125550142", "+13125550100", caller_id_name="Ana Ruiz")
    assert eventually(lambda: Call.objects.filter(call_control_id=handle.call_control_id, state="answered").exists())
    page = login(supervisor, "pw-sam-supervisor")

    row = page.locator(f'tr[data-key="call:{handle.call_control_id}"]')
    page.keyboard.press("j")  # the only live call's row, then l: Listen (the row's button, by keyboard)
    assert page.evaluate("document.activeElement.dataset.key") == f"call:{handle.call_control_id}"
    page.keyboard.press("l")
    bar = page.locator(".supervision-bar")
    expect(bar).to_contain_text("Listening to")
    expect(bar).to_contain_text("Ana Ruiz (+13125550142)")
    expect(bar.locator(".supervision-state")).to_have_text("connected", timeout=10_000)
    [dial] = sent(simulator, "/calls")
    assert dial["body"]["supervise_call_control_id"] == handle.call_control_id
    assert (dial["body"]["supervisor_role"], dial["body"]["to"]) == ("monitor", PHONE)
    leg = simulator.world.call_info(handle.call_control_id)["supervisors"][0]
    # The live list marks both legs: the supervised call, and the supervisor's own leg.
    expect(row.locator(".supervision-mark")).to_have_text("monitored by sam-supervisor")
    expect(page.locator(f'tr[data-key="call:{leg}"] .supervision-mark')).to_have_text("supervisor leg (sam-supervisor)")
    screenshot(page, "supervision-bar-listening")

    # The bar follows the supervisor to another page, read from the database.
    page.get_by_role("link", name="Overview").first.click()
    page.wait_for_url("**/overview/")
    bar = page.locator(".supervision-bar")
    expect(bar.locator(".supervision-state")).to_have_text("connected")

    bar.get_by_role("button", name="Whisper").click()
    expect(bar.get_by_role("button", name="Whisper")).to_have_attribute("aria-pressed", "true")
    expect(bar).to_contain_text("Whispering")
    bar.get_by_role("button", name="Barge").click()
    expect(bar.get_by_role("button", name="Barge")).to_have_attribute("aria-pressed", "true")
    expect(bar).to_contain_text("Barged in")
    assert [item["body"] for item in sent(simulator, f"/calls/{leg}/actions/switch_supervisor_role")] == [
        {"role": "whisper"},
        {"role": "barge"},
    ]
    assert simulator.world.call_info(leg)["supervisor_role"] == "barge"

    page.reload()
    bar = page.locator(".supervision-bar")
    expect(bar).to_contain_text("Barged in")
    bar.get_by_role("button", name="Leave").click()
    expect(page.locator(".supervision-bar")).to_have_count(0)
    expect(page.locator("#messages")).to_contain_text("You left Ana Ruiz (+13125550142); the call goes on.")
    assert sent(simulator, f"/calls/{leg}/actions/hangup")
    assert eventually(lambda: simulator.world.call_info(leg)["is_alive"] is False)
    assert simulator.world.call_info(handle.call_control_id)["is_alive"] is True


def test_no_supervisor_phone_sends_nothing_and_links_to_the_profile(login, supervisor, simulator):
    handle = simulator.world.answered_call()
    assert eventually(lambda: Call.objects.filter(call_control_id=handle.call_control_id, state="answered").exists())
    page = login(supervisor, "pw-sam-supervisor")
    page.locator(f'tr[data-key="call:{handle.call_control_id}"]').get_by_role("button", name=re.compile("^Listen")).click()
    message = page.locator("#messages")
    expect(message).to_contain_text("Nothing was sent: no supervisor phone is set.")
    message.get_by_role("link", name="Set your supervisor phone").click()
    page.wait_for_url("**/profile/**")
    expect(page.get_by_label("Supervisor phone")).to_be_visible()
    assert not sent(simulator, "/calls")


def test_telnyxs_refusal_shows_in_the_bar(login, supervisor, simulator):
    UserProfile.objects.create(user=supervisor, supervisor_phone=PHONE)
    handle = simulator.world.incoming_call()
    assert eventually(lambda: Call.objects.filter(call_control_id=handle.call_control_id).exists())
    page = login(supervisor, "pw-sam-supervisor")
    page.goto(page.url.rsplit("/calls/", 1)[0] + f"/calls/{handle.call_control_id}/")
    page.locator(".supervise-buttons").get_by_role("button", name="Barge").click()
    bar = page.locator(".supervision-bar")
    expect(bar.locator(".supervision-state")).to_have_text("not started")
    expect(bar).to_contain_text("90033 Unable to execute command")
    expect(page.locator("#messages")).to_contain_text("90033")
    bar.get_by_role("button", name="Close").click()
    expect(page.locator(".supervision-bar")).to_have_count(0)


@pytest.mark.parametrize(
    ("width", "scheme"), [(390, "light"), (390, "dark"), (1440, "dark")], ids=["390-light", "390-dark", "1440-dark"]
)
def test_the_bar_fits_and_passes_axe(browser, login, supervisor, simulator, live_dashboard, width, scheme):
    from tests.browser.test_every_page_browser import check, open_as

    UserProfile.objects.create(user=supervisor, supervisor_phone=PHONE)
    handle = simulator.world.answered_call("+13125550142", "+13125550100", caller_id_name="Ana Ruiz")
    assert eventually(lambda: Call.objects.filter(call_control_id=handle.call_control_id, state="answered").exists())
    first = login(supervisor, "pw-sam-supervisor")
    first.locator(f'tr[data-key="call:{handle.call_control_id}"]').get_by_role("button", name=re.compile("^Listen")).click()
    expect(first.locator(".supervision-bar .supervision-state")).to_have_text("connected", timeout=10_000)

    # Another device of the same person: the bar is there from the first render.
    page = open_as(browser, live_dashboard, supervisor, {"width": width, "height": 844 if width == 390 else 900}, scheme)
    try:
        problems = []
        for name, path in (("live-calls", "/calls/"), ("call", f"/calls/{handle.call_control_id}/")):
            page.goto(live_dashboard.url + path)
            page.wait_for_selector("#live-status[data-state=live]")
            expect(page.locator(".supervision-bar .supervision-state")).to_have_text("connected")
            if name == "live-calls":
                expect(page.locator(f'tr[data-key="call:{handle.call_control_id}"] .supervision-mark')).to_be_visible()
            problems += check(page, f"{width}-{scheme}-supervision-{name}", full_page=False)
        assert problems == []
    finally:
        page.context.close()


def test_the_bar_follows_the_call_ending_without_a_reload(login, supervisor, simulator):
    UserProfile.objects.create(user=supervisor, supervisor_phone=PHONE)
    handle = simulator.world.answered_call("+13125550142", "+13125550100", caller_id_name="Ana Ruiz")
    assert eventually(lambda: Call.objects.filter(call_control_id=handle.call_control_id, state="answered").exists())
    page = login(supervisor, "pw-sam-supervisor")
    page.locator(f'tr[data-key="call:{handle.call_control_id}"]').get_by_role("button", name=re.compile("^Listen")).click()
    bar = page.locator(".supervision-bar")
    expect(bar.locator(".supervision-state")).to_have_text("connected", timeout=10_000)
    page.evaluate("window.notReloaded = true")

    simulator.world.hangup(handle.call_control_id)  # the customer hangs up: Telnyx ends the supervisor's leg too
    expect(bar.locator(".supervision-state")).to_have_text("ended", timeout=10_000)
    expect(bar).to_contain_text("The supervision ended: the call or your phone hung up.")
    assert page.evaluate("window.notReloaded") is True
