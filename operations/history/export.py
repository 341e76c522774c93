"""CSV and JSON exports of a history search, streamed: memory stays flat whatever the row count.

Rows are read in short queries, never through one cursor held for the whole download: a client
that stops reading must not pin a read transaction (SQLite's WAL could not checkpoint behind it).
The matching keys are read first, in the search's order, as one compact array (8 bytes a row);
then the rows, CHUNK_ROWS keys at a time. Each user runs at most EXPORTS_PER_USER at once.
"""

import csv
import io
import json
import re
from array import array
from collections.abc import AsyncIterator, Callable, Generator, Iterable, Iterator
from contextlib import suppress
from datetime import datetime

from asgiref.sync import sync_to_async
from django.core.cache import cache
from django.core.handlers.asgi import ASGIRequest
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils import timezone

from dashboard.actions.api import error_body
from dashboard.eventlog.api import utc_iso
from dashboard.observability import metrics

FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
CHUNK_ROWS = 2000
EXPORTS_PER_USER = 2
# A slot outlives no export by more than this, even if a worker dies before releasing it.
_SLOT_SECONDS = 3600
_ROWS_PER_WRITE = 500
# Spreadsheets run a cell starting with these as a formula; a payload is outside text. A number
# like "+13129457420" is not a formula and is left alone.
_FORMULA = re.compile(r"^[=@\t\r]|^[+-](?![\d\s().]*$)")

# Per resource: (exported name, queryset field). Names are Telnyx's, as in the API.
COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "calls": (
        ("call_control_id", "call_control_id"),
        ("call_session_id", "call_session_id"),
        ("call_leg_id", "call_leg_id"),
        ("direction", "direction"),
        ("state", "state"),
        ("is_alive", "is_alive"),
        ("from", "from_number"),
        ("to", "to_number"),
        ("caller_id_name", "caller_id_name"),
        ("start_time", "start_time"),
        ("answered_at", "answered_at"),
        ("end_time", "ended_at"),
        ("duration_secs", "duration_secs"),
        ("hangup_cause", "hangup_cause"),
        ("hangup_source", "hangup_source"),
        ("sip_hangup_cause", "sip_hangup_cause"),
        ("client_state", "client_state"),
        ("conference_id", "conference_id"),
        ("queue", "queue_name"),
    ),
    "conferences": (
        ("id", "conference_id"),
        ("name", "name"),
        ("kind", "kind"),
        ("status", "status"),
        ("created_at", "created_at"),
        ("ended_at", "ended_at"),
        ("duration_secs", "duration_secs"),
        ("end_reason", "end_reason"),
        ("participants", "participants_total"),
    ),
    "events": (
        ("id", "event_id"),
        ("event_type", "event_type"),
        ("source", "source"),
        ("occurred_at", "occurred_at"),
        ("received_at", "received_at"),
        ("attempt", "attempt"),
        ("duplicates", "duplicates"),
        ("last_delivery_at", "last_delivery_at"),
        ("call_control_id", "call_control_id"),
        ("call_session_id", "call_session_id"),
        ("call_leg_id", "call_leg_id"),
        ("conference_id", "conference_id"),
        ("payload", "payload"),
    ),
    "actions": (
        ("id", "pk"),
        ("created_at", "created_at"),
        ("user", "username"),
        ("channel", "channel"),
        ("action", "action"),
        ("target_type", "target_type"),
        ("call_control_id", "call_control_id"),
        ("conference_id", "conference_id"),
        ("participant_id", "participant_id"),
        ("outcome", "outcome"),
        ("http_status", "http_status"),
        ("error_code", "error_code"),
        ("error_title", "error_title"),
        ("error_detail", "error_detail"),
        ("latency_ms", "latency_ms"),
        ("command_id", "command_id"),
        ("parameters", "parameters"),
    ),
}


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return utc_iso(value)
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, str) and _FORMULA.match(value):
        return "'" + value
    return value


def csv_chunks(headers: list[str], rows: Iterable[tuple]) -> Generator[bytes, None, None]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for count, row in enumerate(rows, 1):
        writer.writerow([_cell(value) for value in row])
        if count % _ROWS_PER_WRITE == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


class _ExportEncoder(DjangoJSONEncoder):
    def default(self, o: object) -> object:
        return utc_iso(o) if isinstance(o, datetime) else super().default(o)


def json_chunks(headers: list[str], rows: Iterable[tuple]) -> Generator[bytes, None, None]:
    encoder = _ExportEncoder(ensure_ascii=False)
    parts: list[str] = ["["]
    separator = "\n"
    for count, row in enumerate(rows, 1):
        parts.append(separator + encoder.encode(dict(zip(headers, row, strict=True))))
        separator = ",\n"
        if count % _ROWS_PER_WRITE == 0:
            yield "".join(parts).encode()
            parts = []
    parts.append("\n]\n")
    yield "".join(parts).encode()


async def _pulled_through_the_request_thread(chunks: Generator[bytes, None, None]) -> AsyncIterator[bytes]:
    """Under ASGI, Django drains a synchronous iterator into a list before sending it. Pulling each
    chunk through sync_to_async keeps one chunk in memory, and keeps the database cursor on the
    thread (and connection) of the request that opened it."""
    next_chunk = sync_to_async(next, thread_sensitive=True)
    try:
        while (chunk := await next_chunk(chunks, None)) is not None:
            yield chunk
    finally:
        await sync_to_async(chunks.close, thread_sensitive=True)()


def _counted(chunks: Generator[bytes, None, None]) -> Generator[bytes, None, None]:
    """The export as running (switchboard_exports_running) from its first chunk to its end or abort."""
    metrics.EXPORTS_RUNNING.inc()
    try:
        yield from chunks
    finally:
        metrics.EXPORTS_RUNNING.dec()


def _rows_by_key_pages(queryset: QuerySet, fields: list[str]) -> Generator[tuple, None, None]:
    keys = array("q", queryset.values_list("pk", flat=True))  # read at the first chunk, not before
    for start in range(0, len(keys), CHUNK_ROWS):
        page = keys[start : start + CHUNK_ROWS]
        rows = {row[0]: row[1:] for row in queryset.filter(pk__in=page).values_list("pk", *fields)}
        yield from (rows[key] for key in page if key in rows)


def export_rows(queryset: QuerySet, resource: str) -> tuple[list[str], Iterator[tuple]]:
    columns = COLUMNS[resource]
    return [name for name, _ in columns], _rows_by_key_pages(queryset, [field for _, field in columns])


def _slot_key(user: object) -> str:
    return f"switchboard:exports-running:{getattr(user, 'pk', '')}"


def take_export_slot(user: object) -> Callable[[], None] | None:
    """One of the user's EXPORTS_PER_USER slots (shared by every worker through the cache), and
    the function that gives it back; None when all are taken."""
    key = _slot_key(user)
    cache.add(key, 0, _SLOT_SECONDS)
    if cache.incr(key) > EXPORTS_PER_USER:
        cache.decr(key)
        return None
    released = False

    def release() -> None:
        nonlocal released
        if not released:
            released = True
            with suppress(ValueError):  # the slot expired already
                cache.decr(key)

    return release


def _too_many(request: HttpRequest) -> HttpResponse:
    message = f"You already have {EXPORTS_PER_USER} exports running: let one finish, then try again."
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(error_body("throttled", message), status=429)
    else:
        response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = "10"
    return response


def export_response(request: HttpRequest, queryset: QuerySet, resource: str, fmt: str) -> HttpResponse:
    """The export, streamed; a 429 saying why when the user has EXPORTS_PER_USER running."""
    release = take_export_slot(request.user)
    if release is None:
        return _too_many(request)
    headers, rows = export_rows(queryset, resource)
    chunks = _counted(csv_chunks(headers, rows) if fmt == "csv" else json_chunks(headers, rows))
    content = _pulled_through_the_request_thread(chunks) if isinstance(request, ASGIRequest) else chunks
    response = StreamingHttpResponse(content, content_type=FORMATS[fmt])
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    response["Content-Disposition"] = f'attachment; filename="switchboard-{resource}-{stamp}.{fmt}"'
    response["Cache-Control"] = "no-store"
    # Closed by the server once sent, or when the client goes away, started or not.
    response._resource_closers.append(release)
    return response
