"""A live row's Transfer and Hang up: small buttons filled into the page's one dialog and forms,
each acting on its own row's call, from the mouse or the keyboard."""

import pytest
from playwright.sync_api import expect

from calls.models import Call
from dashboard.models import OperatorAction
from tests.support.waiting import eventually

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sent(simulator, path_end: str) -> list[dict]:
    return [item for item in simulator.received if item["method"] == "POST" and item["path"].endswith(path_end)]


def answered(simulator, number: str, name: str) -> Call:
    handle = simulator.world.answered_call(from_=number, caller_id_name=name)
    return eventually(lambda: Call.objects.filter(call_control_id=handle.call_control_id, state="answered").first())


def test_transfer_opens_one_dialog_for_the_row_and_sends_to_its_call(login, supervisor, simulator):
    ana = answered(simulator, "+14155550171", "Ana Ruiz")
    bo = answered(simulator, "+14155550172", "Bo Chen")
    page = login(supervisor, "pw-" + supervisor.username)
    page.wait_for_selector(f"#call-{bo.pk}[data-state=answered]", timeout=10_000)
    dialog = page.locator("#transfer-dialog")

    # The keyboard way: the row's button, Enter; the dialog names the call and takes the destination.
    button = page.locator(f"#call-{bo.pk}").get_by_role("button", name="Transfer Bo Chen")
    button.focus()
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading")).to_have_text("Transfer Bo Chen")
    page.keyboard.type("not a number")
    page.keyboard.press("Enter")
    # Refused: said inside the dialog, which stays open; nothing sent.
    expect(dialog.locator("[data-form-answer]")).to_be_visible(timeout=10_000)
    assert not sent(simulator, "/actions/transfer")
    dialog.get_by_label("Destination").fill("+18005550177")
    dialog.get_by_role("button", name="Transfer").click()
    expect(dialog).to_be_hidden(timeout=10_000)
    expect(page.locator(".messages .success")).to_be_visible()
    [transfer] = sent(simulator, "/actions/transfer")
    assert transfer["path"].endswith(f"/calls/{bo.call_control_id}/actions/transfer")
    assert transfer["body"]["to"] == "+18005550177"
    # Focus back on the row (its button; the row itself once a newer version replaced it).
    assert page.evaluate("document.activeElement.closest('tr') && document.activeElement.closest('tr').id") == f"call-{bo.pk}"

    # Cancel: nothing sent for Ana.
    page.locator(f"#call-{ana.pk}").get_by_role("button", name="Transfer Ana Ruiz").click()
    expect(dialog.get_by_role("heading")).to_have_text("Transfer Ana Ruiz")
    expect(dialog.get_by_label("Destination")).to_have_value("")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    assert len(sent(simulator, "/actions/transfer")) == 1


def test_hang_up_from_two_rows_hangs_up_each_call_once(login, supervisor, simulator):
    ana = answered(simulator, "+14155550181", "Ana Ruiz")
    bo = answered(simulator, "+14155550182", "Bo Chen")
    page = login(supervisor, "pw-" + supervisor.username)
    page.wait_for_selector(f"#call-{bo.pk}[data-state=answered]", timeout=10_000)
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.locator(f"#call-{ana.pk}").get_by_role("button", name="Hang up Ana Ruiz").dblclick()
    page.locator(f"#call-{bo.pk}").get_by_role("button", name="Hang up Bo Chen").click()
    assert eventually(lambda: OperatorAction.objects.filter(action="hangup").count() == 2)
    page.wait_for_timeout(500)
    hung_up = sorted(item["path"] for item in sent(simulator, "/actions/hangup"))
    assert hung_up == sorted(f"/v2/calls/{call.call_control_id}/actions/hangup" for call in (ana, bo))
    assert asked[0] == "Hang up the call with Ana Ruiz? This cannot be undone."
    assert asked[-1] == "Hang up the call with Bo Chen? This cannot be undone."
