"""The signed webhook endpoints: verify on raw bytes, parse, store, answer.

Verification and parsing run in the event loop; storage goes to the ingest writer. The answer
is 200 only once the event is durable, 403 for anything unsigned (nothing applied), 400 for a
body that is not a webhook, 413 for an oversized body and 503 when storage failed, so that
Telnyx delivers again. No input produces a 500.
"""

import logging
from collections.abc import Callable

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from dashboard.ingest import ingest_events, record_rejection
from dashboard.ingest_writer import IngestWriter

from .parsing import IncomingEvent, MalformedWebhook, parse_call_control, parse_texml_callback
from .signature import SIGNATURE_HEADER, TIMESTAMP_HEADER, SignatureError, verify_signature

logger = logging.getLogger("switchboard.webhooks")

writer = IngestWriter(ingest_events)


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


async def _store(event: IncomingEvent) -> bool:
    if settings.INGEST_WRITER_THREAD:
        return await writer.submit(event)
    # In-process test clients share one connection and transaction with the test itself.
    return (await sync_to_async(ingest_events)([event]))[0]


async def _reject(request: HttpRequest, endpoint: str, reason: str, status: int, size: int) -> JsonResponse:
    try:
        await sync_to_async(record_rejection)(
            endpoint=endpoint,
            reason=reason,
            status=status,
            remote_addr=request.META.get("REMOTE_ADDR", ""),
            body_bytes=size,
        )
    except Exception:
        logger.exception("could not record a rejected webhook")
    return _error(status, reason)


async def _receive(
    request: HttpRequest, endpoint: str, parse: Callable[[bytes], IncomingEvent]
) -> JsonResponse:
    limit = settings.WEBHOOK_MAX_BODY_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return await _reject(request, endpoint, "body too large", 413, declared)
    try:
        body = request.body
    except RequestDataTooBig:
        return await _reject(request, endpoint, "body too large", 413, declared)
    if len(body) > limit:
        return await _reject(request, endpoint, "body too large", 413, len(body))
    headers = {
        SIGNATURE_HEADER: request.headers.get(SIGNATURE_HEADER, ""),
        TIMESTAMP_HEADER: request.headers.get(TIMESTAMP_HEADER, ""),
    }
    try:
        verify_signature(
            headers,
            body,
            public_keys=settings.TELNYX_PUBLIC_KEYS,
            tolerance_secs=settings.WEBHOOK_TOLERANCE_SECS,
        )
    except SignatureError as exc:
        return await _reject(request, endpoint, exc.reason, 403, len(body))
    try:
        event = parse(body)
    except MalformedWebhook as exc:
        return await _reject(request, endpoint, str(exc), 400, len(body))
    try:
        is_new = await _store(event)
    except Exception:
        logger.exception("webhook %s not stored; asking Telnyx to deliver it again", event.event_id)
        response = _error(503, "temporarily unable to store the event; retry")
        response["Retry-After"] = "1"
        return response
    return JsonResponse({"status": "ok", "duplicate": not is_new})


@csrf_exempt
@require_POST
async def telnyx_webhook(request: HttpRequest) -> JsonResponse:
    return await _receive(request, "call_control", parse_call_control)


@csrf_exempt
@require_POST
async def texml_callback(request: HttpRequest) -> JsonResponse:
    return await _receive(request, "texml", parse_texml_callback)
