"""The live floor in a supervisor's browser: one socket per page through network drops, per-row
actions with confirmation, and only the actions that fit a call's state."""

import time

import pytest

from calls.models import Call
from conferences.models import Conference, Participant
from dashboard.models import OperatorAction
from tests.support.waiting import eventually

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every WebSocket the page opens, so the test can count the open ones.
COUNT_SOCKETS = """
window.__sockets = [];
const NativeWebSocket = window.WebSocket;
window.WebSocket = class extends NativeWebSocket {
  constructor(...args) { super(...args); window.__sockets.push(this); }
};
"""
OPEN_SOCKETS = "window.__sockets.filter((s) => s.readyState <= WebSocket.OPEN).length"


def wait_until(page, expression: str, timeout_ms: int = 10_000) -> None:
    """Poll a page expression from here: wait_for_function evaluates strings in the page, which the
    Content-Security-Policy forbids."""
    deadline = time.monotonic() + timeout_ms / 1000
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        page.wait_for_timeout(100)


def test_a_network_drop_during_the_back_off_leaves_one_open_socket(login, supervisor):
    page = login(supervisor, "pw-" + supervisor.username)
    page.context.add_init_script(COUNT_SOCKETS)
    page.reload()
    page.wait_for_selector("#live-status[data-state=live]")
    assert page.evaluate(OPEN_SOCKETS) == 1
    for _ in range(3):
        page.context.set_offline(True)
        # Chromium's offline mode keeps open sockets open: the drop ends this one as a dead link would.
        page.evaluate("window.__sockets.at(-1).close()")
        wait_until(page, "document.querySelector('#live-status').dataset.state !== 'live'", 10_000)
        # In the back-off wait: the "online" event and the timer both want to connect.
        page.context.set_offline(False)
        page.wait_for_selector("#live-status[data-state=live]", timeout=15_000)
        page.wait_for_timeout(3_000)  # past any back-off the drop scheduled
        assert page.evaluate(OPEN_SOCKETS) == 1


def _row(page, call: Call) -> str:
    selector = f"#call-{call.pk}"
    page.wait_for_selector(selector, timeout=10_000)
    return selector


def test_hanging_up_from_the_row_asks_first(login, supervisor, simulator, live_dashboard):
    page = login(supervisor, "pw-" + supervisor.username)
    page.wait_for_selector("#live-status[data-state=live]")
    handle = simulator.world.answered_call(from_="+14155550142", caller_id_name="Ana Ruiz")
    call = eventually(
        lambda: Call.objects.filter(call_control_id=handle.call_control_id, state="answered").first()
    )
    row = _row(page, call)
    page.wait_for_selector(f"{row}[data-state=answered]", timeout=10_000)
    asked = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.click(f"{row} button:has-text('Hang up')")
    page.wait_for_timeout(500)
    assert asked == ["Hang up the call with Ana Ruiz? This cannot be undone."]
    assert not [r for r in simulator.received if r["path"].endswith("/actions/hangup")]

    page.once("dialog", lambda dialog: dialog.accept())
    page.focus(f"{row} button:has-text('Hang up')")  # the keyboard way: focus, then Enter
    page.keyboard.press("Enter")
    page.wait_for_selector(".messages .success", timeout=10_000)
    assert "Hung up Ana Ruiz" in page.locator(".messages").inner_text()
    page.wait_for_selector(f"{row}[data-alive='0']", state="attached", timeout=10_000)
    assert [r for r in simulator.received if r["path"].endswith("/actions/hangup")]
    assert OperatorAction.objects.get(action="hangup").outcome == "ok"


def test_a_ringing_call_and_an_answered_one_offer_what_fits_them(
    login, supervisor, simulator, live_dashboard
):
    page = login(supervisor, "pw-" + supervisor.username)
    page.wait_for_selector("#live-status[data-state=live]")
    ringing = simulator.world.incoming_call(from_="+14155550143")
    answered = simulator.world.answered_call(from_="+14155550144")
    calls = {
        name: eventually(
            lambda h=handle, s=state: Call.objects.filter(call_control_id=h.call_control_id, state=s).first()
        )
        for name, handle, state in (("ringing", ringing, "parked"), ("answered", answered, "answered"))
    }
    for call in calls.values():
        page.wait_for_selector(f"#call-{call.pk}[data-state={call.state}]", timeout=10_000)
        # Both rows can be hung up and transferred.
        assert page.locator(f"#call-{call.pk} button:has-text('Hang up')").count() == 1
        assert page.locator(f"#call-{call.pk} button:has-text('Transfer')").count() == 1

    def offered(call: Call) -> set[str]:
        page.goto(f"{live_dashboard.url}/calls/{call.call_control_id}/")
        return set(page.locator("#call-actions details > summary").all_inner_texts())

    ringing_offers = offered(calls["ringing"])
    assert {"Answer", "Hang up", "Transfer"} <= ringing_offers
    assert not {"Bridge", "Enqueue", "Speak", "Start recording"} & ringing_offers
    answered_offers = offered(calls["answered"])
    assert "Answer" not in answered_offers
    assert {"Bridge", "Enqueue", "Speak", "Start recording", "Hang up"} <= answered_offers
    assert not {"Pause recording", "Stop forking", "Leave queue"} & answered_offers


def test_the_conference_list_shows_who_is_in_each_and_acts_on_them(
    login, supervisor, simulator, live_dashboard
):
    page = login(supervisor, "pw-" + supervisor.username)
    page.goto(f"{live_dashboard.url}/conferences/")
    page.wait_for_selector("#live-status[data-state=live]")
    handle = simulator.world.start_conference(name="Escalations", participants=2)
    assert eventually(
        lambda: Participant.objects.filter(conference__conference_id=handle.id, status="joined").count() == 2
    )
    conference = Conference.objects.get(conference_id=handle.id)
    first, second = conference.participants.order_by("pk")
    row = f"#conference-{conference.pk}"
    page.wait_for_selector(
        f"{row} + #floor-participant-{first.pk} + #floor-participant-{second.pk}", timeout=10_000
    )
    assert page.locator(f"{row} [data-count=present]").inner_text() == "2"
    assert page.locator(f"{row} form[action$='/actions/mute/'] button").count() == 1

    # A participant's name opens its actions; muting shows in its row and in the conference's counts.
    member = f"#floor-participant-{first.pk}"
    page.click(f"{member} summary")
    page.click(f"{member} button[value=mute]")
    page.wait_for_selector(f"{member} .badge.muted", timeout=10_000)
    wait_until(page, f"document.querySelector('{row} [data-count=muted]').textContent === '1'", 10_000)
    assert Participant.objects.get(pk=first.pk).muted

    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.click(f"{row} form[action$='/actions/end/'] button")
    page.wait_for_selector(".messages .success", timeout=10_000)
    assert len(asked) == 1 and asked[0].endswith(" and hang up everyone in it? This cannot be undone.")
    assert eventually(lambda: Conference.objects.get(pk=conference.pk).status == "completed")
    page.wait_for_selector(f"{row}[data-alive='0']", state="attached", timeout=10_000)


def test_an_invalid_submission_brings_the_first_error_into_view_and_focus(login, supervisor, simulator):
    page = login(supervisor, "pw-" + supervisor.username)
    page.click("#dial-panel summary")
    page.fill("#dial-panel [name=to]", "+18005550123")
    page.fill("#dial-panel [name=from_]", "+18005550100")
    page.click("#dial-panel details.advanced summary")
    page.fill("#dial-panel input[name=webhook_url]", "ftp://example.com/hook")
    page.click("#dial-panel details.advanced summary")  # closed again before sending
    page.click("#dial-panel button[type=submit]")
    page.wait_for_selector("#dial-panel form[data-invalid]")
    page.wait_for_load_state("load")  # the page's scripts have run
    focused = page.evaluate("document.activeElement.name")
    assert focused == "webhook_url"
    assert page.evaluate("document.activeElement.closest('details.advanced').open")
    assert page.evaluate("document.activeElement.getBoundingClientRect().top") < page.viewport_size["height"]
    assert not simulator.received


def _numbers(page) -> list[str]:
    return page.eval_on_selector_all(
        "#live-rows > tr:not([hidden])",
        "rows => rows.map(r => r.querySelector('td.from a').textContent.trim())",
    )


def test_sorting_and_filters_live_in_the_url_and_new_rows_land_in_order(
    login, supervisor, simulator, live_dashboard
):
    for number in ("+14155550202", "+14155550201", "+14155550203"):
        simulator.world.answered_call(from_=number)
    simulator.world.incoming_call(from_="+14155550209")  # ringing: filtered out
    assert eventually(
        lambda: Call.objects.filter(state="answered").count() == 3 and Call.objects.count() == 4
    )
    page = login(supervisor, "pw-" + supervisor.username)
    page.goto(f"{live_dashboard.url}/calls/?state=answered&sort=from&order=desc")
    page.wait_for_selector("#live-status[data-state=live]")
    assert page.input_value("#call-filters select[name=state]") == "answered"
    assert _numbers(page) == ["Call from +14155550203", "Call from +14155550202", "Call from +14155550201"]
    assert page.get_attribute("#calls-table th:has(button[data-sort=from])", "aria-sort") == "descending"

    simulator.world.answered_call(from_="+14155550208")  # arrives live: first, as the order says
    wait_until(page, "document.querySelectorAll('#live-rows > tr:not([hidden])').length === 4", 10_000)
    assert _numbers(page)[0] == "Call from +14155550208"

    page.click("#calls-table button[data-sort=from]")
    assert _numbers(page)[0] == "Call from +14155550201"
    assert "order=asc" in page.url and "state=answered" in page.url
    page.select_option("#call-filters select[name=state]", "")
    assert "state=" not in page.url
    page.reload()
    page.wait_for_selector("#live-status[data-state=live]")
    assert _numbers(page)[0] == "Call from +14155550201" and len(_numbers(page)) == 5


def test_on_a_phone_the_order_select_sorts_the_cards(browser, live_dashboard, supervisor, simulator):
    for number in ("+14155550302", "+14155550301"):
        simulator.world.answered_call(from_=number)
    assert eventually(lambda: Call.objects.filter(state="answered").count() == 2)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_dashboard.url + "/accounts/login/")
    page.fill("input[name=username]", supervisor.username)
    page.fill("input[name=password]", "pw-" + supervisor.username)
    page.click("button[type=submit]")
    page.wait_for_url("**/calls/")
    assert page.eval_on_selector("#calls-table thead", "head => head.getBoundingClientRect().width") <= 1
    page.select_option("#call-filters select[name=order-by]", "from:asc")
    assert _numbers(page) == ["Call from +14155550301", "Call from +14155550302"]
    assert "sort=from" in page.url
    context.close()
