"""A forged webhook costs no database write: refusals are counted in memory per minute, reason and
source, and written as one row per group once a minute, with the start of a few bodies kept; the
delivery page still shows them. A body that trickles in is cut off by a read deadline (408),
and an oversized one still gets 413."""

import asyncio
import json
import re
import time

import pytest
from django.db import connection
from django.db.models import Max
from django.test.utils import CaptureQueriesContext

from dashboard.models import RejectedWebhook
from dashboard.webhooks import rejections as rejections_module
from dashboard.webhooks.asgi_endpoint import webhook_app

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_rows():
    """Rows written from this test on: a server another test started in this process may flush its
    own counts into the shared test database at any time."""
    before = RejectedWebhook.objects.aggregate(last=Max("pk"))["last"] or 0
    return lambda: RejectedWebhook.objects.filter(pk__gt=before)


def forged(client, body: bytes = b'{"data": {}}', addr: str = "203.0.113.7"):  # noqa: ANN001, ANN201
    return client.post(
        "/webhooks/telnyx/",
        data=body,
        content_type="application/json",
        HTTP_TELNYX_SIGNATURE_ED25519="A" * 88,
        HTTP_TELNYX_TIMESTAMP=str(int(time.time())),
        REMOTE_ADDR=addr,
    )


def test_a_forged_webhook_costs_no_database_write(client, new_rows):
    with CaptureQueriesContext(connection) as queries:
        for _ in range(20):
            assert forged(client).status_code == 403

    assert not [q for q in queries.captured_queries if "rejectedwebhook" in q["sql"].lower()]
    assert not new_rows().exists()


def test_refusals_are_written_as_one_row_per_minute_reason_and_source_with_a_few_samples(
    client, rejections, new_rows
):
    for n in range(200):
        forged(client, json.dumps({"n": n, "pad": "x" * 3000}).encode())
    forged(client, addr="198.51.100.1")
    client.post("/webhooks/telnyx/", data=b"{}", content_type="application/json")  # no signature at all

    rejections.flush()

    rows = list(new_rows())
    counts: dict[tuple, int] = {}
    for row in rows:  # one row per group, or two if the run crossed a minute
        counts[(row.reason, row.remote_addr)] = counts.get((row.reason, row.remote_addr), 0) + row.count
    assert counts == {
        ("signature is not 64 bytes", "203.0.113.7"): 200,
        ("signature is not 64 bytes", "198.51.100.1"): 1,
        ("missing signature header", "127.0.0.1"): 1,
    }
    assert len(rows) <= 2 * len(counts)
    samples = [row.sample for row in rows if row.sample]
    assert 1 <= len(samples) <= 3 * 2 * 2 and all(len(sample) <= 1024 for sample in samples)


def test_a_flood_from_many_sources_is_one_row_beyond_a_bound(client, rejections, monkeypatch, new_rows):
    monkeypatch.setattr(rejections_module, "SOURCES_PER_MINUTE", 5)
    for n in range(50):
        forged(client, addr=f"10.0.0.{n}")

    rejections.flush()

    assert new_rows().count() <= 6
    assert sum(new_rows().values_list("count", flat=True)) == 50


def rejected_figure(client) -> int:  # noqa: ANN001
    page = client.get("/history/delivery/").content.decode()
    return int(re.search(r'id="figure-rejected">(\d+)<', page).group(1))


def test_the_delivery_page_shows_the_counted_rejections(supervisor_client, rejections):
    before = rejected_figure(supervisor_client)
    for _ in range(7):
        forged(supervisor_client)
    rejections.flush()

    assert rejected_figure(supervisor_client) == before + 7


def test_only_finished_minutes_are_written_by_the_minutely_flush(client, rejections):
    forged(client)

    assert rejections.flush(everything=False) == 0  # this minute is still being counted
    assert rejections.flush() == 1


def asgi_post(
    body_messages: list[dict], headers: list | None = None, hang: bool = False
) -> tuple[int, float]:
    """Drive the webhook fast path directly; returns its status and how long it took."""
    sent: list[dict] = []

    async def receive() -> dict:
        if body_messages:
            return body_messages.pop(0)
        if hang:
            await asyncio.sleep(3600)  # a sender that never sends the rest
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/webhooks/telnyx/",
        "headers": headers or [(b"content-type", b"application/json")],
        "client": ("203.0.113.9", 5555),
    }
    started = time.monotonic()
    asyncio.run(asyncio.wait_for(webhook_app(scope, receive, send), timeout=30))
    return sent[0]["status"], time.monotonic() - started


def test_a_body_that_trickles_in_is_cut_off_at_the_read_deadline(settings, rejections, new_rows):
    settings.WEBHOOK_READ_TIMEOUT_SECS = 1
    status, took = asgi_post([{"type": "http.request", "body": b'{"da', "more_body": True}], hang=True)

    assert status == 408 and took < 5
    rejections.flush()
    assert new_rows().get().status == 408


def test_an_oversized_body_still_gets_413_declared_or_streamed(settings):
    limit = settings.WEBHOOK_MAX_BODY_BYTES
    declared = [(b"content-length", str(limit + 1).encode())]
    assert asgi_post([], headers=declared)[0] == 413
    chunk = b"x" * (limit // 2 + 1)
    streamed = [{"type": "http.request", "body": chunk, "more_body": True}] * 2
    assert asgi_post(list(streamed), hang=True)[0] == 413
