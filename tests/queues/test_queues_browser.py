"""The queue page in a browser, with the simulator's calls: callers appear as they are enqueued and go
as they leave, with the figures following, and no reload."""

import re

import pytest
from playwright.sync_api import expect

from calls.models import Call
from tests.browser.conftest import screenshot
from tests.support.waiting import eventually

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def queued(simulator, number: str, name: str, queue: str) -> str:
    handle = simulator.world.answered_call(number, "+13125550100", caller_id_name=name)
    assert eventually(
        lambda: Call.objects.filter(call_control_id=handle.call_control_id, state="answered").exists()
    )
    simulator.world.enqueue(handle.call_control_id, queue)
    return handle.call_control_id


def test_the_queue_page_follows_calls_entering_and_leaving(login, supervisor, simulator, live_dashboard):
    page = login(supervisor, "pw-" + supervisor.username)
    page.goto(live_dashboard.url + "/queues/")
    page.wait_for_selector("#live-status[data-state=live]")
    page.evaluate("window.notReloaded = true")
    expect(page.locator("#queues-empty")).to_be_visible()

    first = queued(simulator, "+13125550141", "Ana Ruiz", "support")
    second = queued(simulator, "+13125550142", "Bo Chen", "support")
    card = page.locator('article[data-queue="support"]')
    expect(card.locator('[data-fact="waiting"]')).to_have_text("2", timeout=10_000)
    rows = card.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Ana Ruiz")  # longest waiting first
    expect(rows.nth(0).locator(".waited .tick")).to_have_text(re.compile(r"^0:0\d$"))
    screenshot(page, "queues-two-waiting")

    rows.nth(0).get_by_role("button", name=re.compile("^Remove from queue")).click()
    expect(card.locator('[data-fact="waiting"]')).to_have_text("1", timeout=10_000)
    expect(rows).to_have_count(1)
    expect(rows.nth(0)).to_contain_text("Bo Chen")
    expect(card.locator('[data-fact="average"]')).to_have_text(re.compile(r"^0:0\d$"))
    assert eventually(
        lambda: simulator.world.call_info(first)["is_alive"]
    )  # out of the queue, still on the line

    # Bridged to an agent on the line: answered.
    agent = simulator.world.answered_call("+13125550177", "+13125550100", caller_id_name="Agent Kim")
    assert eventually(
        lambda: Call.objects.filter(call_control_id=agent.call_control_id, state="answered").exists()
    )
    third = queued(simulator, "+13125550143", "Cy Diaz", "support")
    expect(rows).to_have_count(2, timeout=10_000)
    row = card.locator("tbody tr", has_text="Cy Diaz")
    row.locator("summary", has_text="Bridge to").click()
    row.get_by_label("Call to bridge with").fill(agent.call_control_id)
    # The list holds still while the form is open in it; the figures above it do not.
    queued(simulator, "+13125550144", "Di Park", "support")
    expect(card.locator('[data-fact="waiting"]')).to_have_text("3", timeout=10_000)
    expect(row.get_by_label("Call to bridge with")).to_have_value(agent.call_control_id)
    row.get_by_role("button", name="Bridge", exact=True).click()
    expect(card.locator('[data-fact="answered"]')).to_have_text("1", timeout=10_000)
    expect(rows).to_have_count(2)
    card.locator("tbody tr", has_text="Di Park").get_by_role(
        "button", name=re.compile("^Remove from queue")
    ).click()
    expect(rows).to_have_count(1, timeout=10_000)
    assert eventually(lambda: simulator.world.call_info(third)["is_alive"])

    page.once("dialog", lambda dialog: dialog.accept())
    rows.nth(0).get_by_role("button", name=re.compile("^Hang up")).click()
    expect(card.locator('[data-fact="waiting"]')).to_have_text("0", timeout=10_000)
    expect(card.locator('[data-fact="abandoned"]')).to_have_text("1")
    expect(card).to_contain_text("Nobody waiting.")
    assert eventually(lambda: not simulator.world.call_info(second)["is_alive"])
    assert page.evaluate("window.notReloaded") is True


def test_a_focused_button_keeps_the_focus_when_the_board_changes(
    login, supervisor, simulator, live_dashboard
):
    # The board is read again on every change; a keyboard user on a caller's button stays on it.
    page = login(supervisor, "pw-" + supervisor.username)
    page.goto(live_dashboard.url + "/queues/")
    page.wait_for_selector("#live-status[data-state=live]")
    queued(simulator, "+13125550151", "Di Park", "support")
    card = page.locator('article[data-queue="support"]')
    rows = card.locator("tbody tr")
    expect(rows).to_have_count(1, timeout=10_000)
    remove = rows.nth(0).get_by_role("button", name=re.compile("^Remove from queue"))
    remove.focus()
    row_id = rows.nth(0).get_attribute("id")

    queued(simulator, "+13125550152", "Ed Moss", "support")
    expect(rows).to_have_count(2, timeout=10_000)
    focused = page.evaluate("[document.activeElement.closest('tr')?.id, document.activeElement.textContent]")
    assert focused[0] == row_id
    assert focused[1].startswith("Remove from queue")
