"""The delivery health page's last hour from the server's own counters, minute by minute."""

import json
import re

import pytest

from dashboard.observability import minutes
from dashboard.observability.minutes import MinuteHistory, quantile
from tests.support.webhooks import fixture, post_webhook

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_history(monkeypatch):
    fresh = MinuteHistory()
    fresh.started = True  # no thread: the test takes the snapshots
    monkeypatch.setattr(minutes, "history", fresh)
    fresh.take()
    return fresh


def test_the_minute_under_way_counts_what_arrived(client, admin_user, fresh_history):
    for name in ("call.initiated", "call.answered"):
        assert post_webhook(client, fixture(name)).status_code == 200
    assert post_webhook(client, fixture("call.answered")).json()["duplicate"] is True
    assert post_webhook(client, b"not json").status_code == 400
    body = json.dumps(fixture("call.hangup")).encode()
    assert client.post("/webhooks/telnyx/", data=body, content_type="application/json").status_code == 403

    client.force_login(admin_user)
    page = client.get("/history/delivery/").content.decode()
    table = page.split('id="metric-minutes"', 1)[1].split("</table>", 1)[0]
    first_row = re.search(r"<tbody><tr>(.*?)</tr>", table, re.S).group(1)
    cells = re.findall(r"<td>(.*?)</td>", first_row, re.S)
    assert cells[1:4] == ["5", "1", "2 (malformed 1, missing_signature 1)"]
    assert cells[4].endswith(" ms")  # p95 handling time of this minute's webhooks
    assert cells[6] == "0"
    # The admin also sees the writer's queue and the open sockets.
    assert 'id="figure-writer-queue"' in page and 'id="figure-open-sockets"' in page


def test_only_admins_see_the_queue_and_sockets(supervisor_client, fresh_history):
    page = supervisor_client.get("/history/delivery/").content.decode()
    assert 'id="metric-minutes"' in page and 'id="figure-writer-queue"' not in page


def test_p95_is_read_off_the_buckets_as_prometheus_does():
    assert quantile({0.1: 0, 0.5: 50, 1.0: 100, float("inf"): 100}, 0.95) == pytest.approx(0.95)
    assert quantile({0.1: 0, float("inf"): 0}, 0.95) is None
    assert quantile({0.1: 10, float("inf"): 20}, 0.95) == 0.1  # past the last finite bucket
