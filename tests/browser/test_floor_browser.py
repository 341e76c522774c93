"""The live floor in a supervisor's browser: one socket per page through network drops, per-row
actions with confirmation, and only the actions that fit a call's state."""

import pytest

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
        page.wait_for_function(
            "document.querySelector('#live-status').dataset.state !== 'live'", timeout=10_000
        )
        # In the back-off wait: the "online" event and the timer both want to connect.
        page.context.set_offline(False)
        page.wait_for_selector("#live-status[data-state=live]", timeout=15_000)
        page.wait_for_timeout(3_000)  # past any back-off the drop scheduled
        assert page.evaluate(OPEN_SOCKETS) == 1
