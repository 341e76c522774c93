"""Past a window of rows, the live calls page sends only the first rows in the page's order and
filters, with the count of every live call that matches; below it, every live call, as before."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from calls import views
from calls.live import render_call_row
from calls.models import Call

pytestmark = pytest.mark.django_db

WINDOW = 5


@pytest.fixture(autouse=True)
def small_window(monkeypatch):
    monkeypatch.setattr(views, "LIVE_WINDOW", WINDOW)


def make_calls(count: int, *, start: int = 0, **fields) -> list[Call]:
    """Live calls, the first started longest ago; `fields` may hold callables of the index."""
    now = timezone.now()
    calls = []
    for index in range(start, start + count):
        values = {key: value(index) if callable(value) else value for key, value in fields.items()}
        values.setdefault("state", "answered")
        started = now - timedelta(seconds=1000 - index)
        calls.append(Call(
            call_control_id=f"v3:window-{index:04d}", direction=values.pop("direction", "incoming"),
            from_number=values.pop("from_number", f"+1415555{index:04d}"), to_number="+18005550100",
            caller_id_name=values.pop("caller_id_name", f"Caller {index}"), start_time=started,
            state_since=started, is_alive=True, last_event_at=started, event_count=1, version=1, **values,
        ))
    return Call.objects.bulk_create(calls)


def rows(page: str) -> list[str]:
    """The call control ids of the page's rows, in order."""
    return re.findall(r'data-key="call:([^"]+)"', page)


def note(page: str) -> str:
    found = re.search(r'<p class="window-note" id="window-note"[^>]*>(.*?)</p>', page, re.S)
    return found.group(1) if found else ""


def count(page: str) -> str:
    return re.search(r'id="call-count" data-live-count>(\d+)<', page).group(1)


def test_up_to_the_window_every_live_call_is_on_the_page_whatever_the_url_filters(supervisor_client):
    make_calls(WINDOW, state=lambda i: "parked" if i % 2 else "answered")
    page = supervisor_client.get("/calls/?state=answered&sort=from&order=desc").content.decode()
    # The page filters and sorts them itself (static/live.js), as it always did.
    assert rows(page) == [f"v3:window-{i:04d}" for i in range(WINDOW)]
    assert count(page) == str(WINDOW)
    assert 'id="window-note" data-sync-region data-total="5" hidden' in page


def test_past_the_window_the_page_shows_the_first_rows_and_counts_them_all(supervisor_client, viewer_client):
    make_calls(WINDOW * 3)
    for client in (supervisor_client, viewer_client):
        page = client.get("/calls/").content.decode()
        assert rows(page) == [f"v3:window-{i:04d}" for i in range(WINDOW)]  # as they came: the oldest first
        assert count(page) == "15"
        assert note(page) == "Showing the first 5 of 15 live calls, in this order: filter or sort to see others."
        assert f'data-window="{WINDOW}"' in page


def test_a_windowed_list_is_filtered_over_every_live_call(supervisor_client):
    make_calls(WINDOW * 2)  # answered, incoming
    make_calls(3, start=100, state="parked", direction="outgoing")  # past the first window
    make_calls(2, start=200, state="bridged", on_hold=True, caller_id_name="Ada Lovelace")
    page = supervisor_client.get("/calls/?state=parked").content.decode()
    assert rows(page) == ["v3:window-0100", "v3:window-0101", "v3:window-0102"]
    assert count(page) == "3" and note(page) == "All 3 live calls that match."

    page = supervisor_client.get("/calls/?direction=incoming").content.decode()
    assert count(page) == "12" and len(rows(page)) == WINDOW
    assert note(page).startswith("Showing the first 5 of 12 live calls that match")

    assert rows(supervisor_client.get("/calls/?state=hold").content.decode()) == ["v3:window-0200", "v3:window-0201"]
    # The search reads the from number, the number called and the name, in any case.
    assert rows(supervisor_client.get("/calls/?q=ada%20LOVE").content.decode()) == ["v3:window-0200", "v3:window-0201"]
    assert rows(supervisor_client.get("/calls/?q=5550101").content.decode()) == ["v3:window-0101"]
    assert len(rows(supervisor_client.get("/calls/?q=%2B18005550100").content.decode())) == WINDOW


def test_a_windowed_list_takes_the_order_of_the_url(supervisor_client):
    make_calls(WINDOW * 2, conference_id=lambda i: f"conf-{(i * 7) % 10}", state="conference")
    newest = [f"v3:window-{i:04d}" for i in range(WINDOW * 2 - 1, WINDOW - 1, -1)]
    assert rows(supervisor_client.get("/calls/?sort=duration&order=asc").content.decode()) == newest
    oldest = [f"v3:window-{i:04d}" for i in range(WINDOW)]
    assert rows(supervisor_client.get("/calls/?sort=duration&order=desc").content.decode()) == oldest
    by_caller = rows(supervisor_client.get("/calls/?sort=from&order=desc").content.decode())
    assert by_caller == newest  # +14155550009 first
    by_conference = rows(supervisor_client.get("/calls/?sort=conference&order=asc").content.decode())
    assert by_conference == [f"v3:window-{i:04d}" for i in (0, 3, 6, 9, 2)]  # conf-0, conf-1, conf-2, ...


def test_a_windowed_list_sorts_states_by_the_word_shown(supervisor_client):
    states = ["queued", "parked", "answered", "conference", "bridged", "bridging"]
    make_calls(len(states), state=lambda i: states[i])
    page = supervisor_client.get("/calls/?sort=state&order=asc").content.decode()
    shown = [states[int(ccid[-4:])] for ccid in rows(page)]
    # answered, bridged, bridging, in conference, queued (ringing is sixth, past the window)
    assert shown == ["answered", "bridged", "bridging", "conference", "queued"]


def test_a_windowed_row_is_the_row_a_socket_is_pushed(supervisor_client):
    make_calls(WINDOW + 1)
    page = supervisor_client.get("/calls/").content.decode()
    call = Call.objects.get(call_control_id="v3:window-0000")
    assert render_call_row(call, can_act=True).html in page
