"""Every logged-in page holds exactly one websocket: live pages to their rows, the others to the user."""

import pytest

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("path", "socket_path"),
    [("/history/", "/ws/live/me/"), ("/profile/", "/ws/live/me/"), ("/calls/", "/ws/live/calls/")],
)
def test_a_page_opens_one_socket(login, supervisor, live_dashboard, path, socket_path):
    page = login(supervisor, "pw-" + supervisor.username).context.new_page()
    sockets = []
    page.on("websocket", lambda socket: sockets.append(socket.url))
    page.goto(live_dashboard.url + path)
    page.wait_for_selector("#live-status[data-state=live]")
    page.wait_for_timeout(300)
    assert len(sockets) == 1 and sockets[0].split("?")[0].endswith(socket_path)


RED = "rgb(185, 28, 28)"


@pytest.mark.parametrize(("path", "red"), [("/profile/", False), ("/calls/", True)])
def test_a_closed_socket_reads_disconnected_and_is_red_only_on_live_pages(login, supervisor, live_dashboard, path, red):
    page = login(supervisor, "pw-" + supervisor.username)
    page.goto(live_dashboard.url + path)
    page.wait_for_selector("#live-status[data-state=live]")
    other = page.context.new_page()  # logging out in another tab closes this tab's socket for good
    other.goto(live_dashboard.url + "/profile/")
    other.get_by_role("button", name="Log out").click()
    page.wait_for_selector("#live-status[data-state=offline]", timeout=10_000)
    assert page.locator("#live-status .live-state").text_content() == "disconnected"
    colour = page.eval_on_selector("#live-status", "el => getComputedStyle(el).backgroundColor")
    assert (colour == RED) is red
