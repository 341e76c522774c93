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
