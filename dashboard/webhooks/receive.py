"""The webhook core shared by the ASGI fast path and the Django view: verify, parse, store, answer.

Verification and parsing run in the event loop; storage goes to the ingest writer. The answer
is 200 only once the event is durable, 403 for anything unsigned (nothing applied), 400 for a
body that is not a webhook, 413 for an oversized body, 408 for one that does not arrive within
WEBHOOK_READ_TIMEOUT_SECS, and 503 when storage failed, so that Telnyx delivers again. No input
produces a 500. Refusals are counted in memory and written once a minute (`rejections.py`).
"""

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from asgiref.sync import sync_to_async
from django.conf import settings

from dashboard.eventlog.ingest import ingest_events
from dashboard.eventlog.writer import IngestWriter
from dashboard.observability import context, metrics
from dashboard.webhooks.parsing import (
    IncomingEvent,
    MalformedWebhook,
    parse_call_control,
    parse_texml_callback,
)
from dashboard.webhooks.rejections import rejections
from dashboard.webhooks.signature import SIGNATURE_HEADER, TIMESTAMP_HEADER, SignatureError, verify_signature

logger = logging.getLogger("switchboard.webhooks")

PARSERS: dict[str, Callable[[bytes], IncomingEvent]] = {
    "call_control": parse_call_control,
    "texml": parse_texml_callback,
}
writer = IngestWriter(ingest_events)

# Rejection reasons as metric labels: a fixed set, whatever text a rejection carries.
_REASON_LABELS = {
    "missing signature header": "missing_signature",
    "missing timestamp header": "missing_timestamp",
    "timestamp is not an integer": "bad_timestamp",
    "timestamp outside tolerance": "stale_timestamp",
    "signature is not base64": "bad_signature",
    "signature is not 64 bytes": "bad_signature",
    "signature does not match": "signature_mismatch",
    "body too large": "too_large",
    "body not received in time": "slow_body",
}


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict
    headers: dict[str, str] = field(default_factory=dict)


def _error(status: int, message: str, **headers: str) -> Answer:
    return Answer(status, {"error": message}, headers)


async def _store(event: IncomingEvent) -> bool:
    if settings.INGEST_WRITER_THREAD:
        return await writer.submit(event)
    # In-process test clients share one connection and transaction with the test itself.
    return (await sync_to_async(ingest_events)([event]))[0]


def _reason_label(reason: str, status: int) -> str:
    return _REASON_LABELS.get(reason, "malformed" if status == 400 else "other")


def reject(endpoint: str, reason: str, status: int, remote_addr: str, size: int, body: bytes = b"") -> Answer:
    """Count a refusal (in memory: no database write per forgery) and answer it."""
    metrics.WEBHOOKS.labels(endpoint, "rejected").inc()
    metrics.WEBHOOK_REJECTIONS.labels(endpoint, _reason_label(reason, status)).inc()
    rejections.add(
        endpoint=endpoint, reason=reason, status=status, remote_addr=remote_addr, size=size, body=body
    )
    return _error(status, reason)


async def receive_webhook(endpoint: str, body: bytes, headers: Mapping[str, str], remote_addr: str) -> Answer:
    """`headers` must have lower-case names; the body must already be within the size limit."""
    started = time.perf_counter()
    answer = await _receive(endpoint, body, headers, remote_addr)
    metrics.WEBHOOK_SECONDS.labels(endpoint).observe(time.perf_counter() - started)
    return answer


async def _receive(endpoint: str, body: bytes, headers: Mapping[str, str], remote_addr: str) -> Answer:
    signed = {
        SIGNATURE_HEADER: headers.get(SIGNATURE_HEADER, ""),
        TIMESTAMP_HEADER: headers.get(TIMESTAMP_HEADER, ""),
    }
    try:
        verify_signature(
            signed,
            body,
            public_keys=settings.TELNYX_PUBLIC_KEYS,
            tolerance_secs=settings.WEBHOOK_TOLERANCE_SECS,
        )
    except SignatureError as exc:
        return reject(endpoint, exc.reason, 403, remote_addr, len(body), body)
    try:
        event = PARSERS[endpoint](body)
    except MalformedWebhook as exc:
        return reject(endpoint, str(exc), 400, remote_addr, len(body), body)
    context.bind(call_control_id=event.call_control_id)
    try:
        is_new = await _store(event)
    except Exception:
        metrics.WEBHOOKS.labels(endpoint, "failed").inc()
        logger.exception("webhook %s not stored; asking Telnyx to deliver it again", event.event_id)
        return _error(503, "temporarily unable to store the event; retry", **{"Retry-After": "1"})
    metrics.WEBHOOKS.labels(endpoint, "stored" if is_new else "duplicate").inc()
    return Answer(200, {"status": "ok", "duplicate": not is_new})
