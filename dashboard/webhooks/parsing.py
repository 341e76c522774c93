"""Turn a verified request body into an IncomingEvent, or say clearly why it cannot be one."""

import hashlib
import json
import math
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl

from django.utils.dateparse import parse_datetime

from dashboard.db.storable import storable
from dashboard.eventlog.incoming import IncomingEvent

_ID_LIMIT = 200
_TYPE_LIMIT = 120
# What can decode to a NUL or a lone surrogate (high or low): only then is the document walked.
_ESCAPED_UNSTORABLE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")
# meta.attempt goes into a 32-bit column; Telnyx counts a handful of attempts.
_ATTEMPT_MAX = 2**31 - 1
# Moments outside these years are nobody's call, and arithmetic on them (durations, grace periods,
# UTC conversion) overflows: such a field is dropped (null), and the raw body keeps what was sent.
_EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
_LATEST = datetime(9000, 1, 1, tzinfo=UTC)
# Payload fields that hold moments and end up in columns or details: stored in UTC.
_PAYLOAD_MOMENTS = ("occurred_at", "start_time", "end_time")


class MalformedWebhook(Exception):
    """The body is not a webhook we can store; the message is returned to the sender."""


def _iso(value: str) -> datetime | None:
    try:
        return parse_datetime(value)
    except ValueError:
        return None


def _in_range(moment: datetime) -> datetime | None:
    """`moment` in UTC (naive means UTC), or None when it lies outside the years we accept."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        moment = moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    return moment if _EARLIEST <= moment < _LATEST else None


def _timestamp(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    moment = _iso(value)
    if moment is None:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    return _in_range(moment)


def _in_utc(payload: dict) -> dict:
    """The payload's moments in UTC (a +05:30 offset would be kept as text in derived details,
    and differ from a rebuild's); one out of range becomes null. Telnyx's own `...Z` form is
    left as sent, so the usual webhook is not copied."""
    changes = {}
    for key in _PAYLOAD_MOMENTS:
        value = payload.get(key)
        if not isinstance(value, str) or (value.endswith("Z") and "1970" <= value[:4] < "9000"):
            continue
        moment = _iso(value)
        if moment is not None:  # not a moment at all: the projections ignore it as they are
            utc = _in_range(moment)
            changes[key] = utc.isoformat().replace("+00:00", "Z") if utc else None
    return {**payload, **changes} if changes else payload


def _attempt(value: object) -> int:
    """meta.attempt as the column holds it: a positive integer, clamped; anything else is 1."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return min(value, _ATTEMPT_MAX)
    return 1


def _id(value: object) -> str:
    return value[:_ID_LIMIT] if isinstance(value, str) else ""


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedWebhook("body is not UTF-8") from None


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _finite(literal: str) -> float | None:
    """A JSON number as a float; one beyond a double's range (1e400) is null, not infinity,
    which neither JSON nor PostgreSQL can hold."""
    value = float(literal)
    return value if math.isfinite(value) else None


def parse_call_control(body: bytes) -> IncomingEvent:
    text = _decode(body)
    try:
        document = json.loads(text, parse_constant=_reject_constant, parse_float=_finite)
    except (ValueError, RecursionError):
        raise MalformedWebhook("body is not valid JSON") from None
    if _ESCAPED_UNSTORABLE.search(text):
        document = storable(document)
    if not isinstance(document, dict) or not isinstance(document.get("data"), dict):
        raise MalformedWebhook("body has no `data` object")
    data = document["data"]
    event_id, event_type = data.get("id"), data.get("event_type")
    if not isinstance(event_id, str) or not event_id.strip():
        raise MalformedWebhook("`data.id` is missing or not a string")
    if len(event_id) > _ID_LIMIT:
        raise MalformedWebhook("`data.id` is too long")
    if not isinstance(event_type, str) or not event_type.strip():
        raise MalformedWebhook("`data.event_type` is missing or not a string")
    if len(event_type) > _TYPE_LIMIT:
        raise MalformedWebhook("`data.event_type` is too long")
    payload = data.get("payload")
    if payload is None:
        payload = {}
    if not isinstance(payload, dict):
        raise MalformedWebhook("`data.payload` is not an object")
    payload = _in_utc(payload)
    meta = document.get("meta")
    attempt = meta.get("attempt") if isinstance(meta, dict) else None
    # conference.ended carries its time in the payload only.
    occurred_at = _timestamp(data.get("occurred_at")) or _timestamp(payload.get("occurred_at"))
    return IncomingEvent(
        event_id=event_id,
        event_type=event_type,
        source="telnyx",
        occurred_at=occurred_at,
        attempt=_attempt(attempt),
        payload=payload,
        raw_body=text,
        call_control_id=_id(payload.get("call_control_id")),
        call_session_id=_id(payload.get("call_session_id")),
        call_leg_id=_id(payload.get("call_leg_id")),
        conference_id=_id(payload.get("conference_id")),
    )


TEXML_EVENTS = {"conference-start", "participant-join", "participant-leave", "conference-end"}


def parse_texml_callback(body: bytes) -> IncomingEvent:
    text = _decode(body)
    try:
        fields = dict(parse_qsl(text, keep_blank_values=True, strict_parsing=True, max_num_fields=200))
    except ValueError:
        raise MalformedWebhook("body is not form-encoded") from None
    if "\x00" in text:
        # A form body carries a NUL only percent-encoded; a raw one could not be kept byte-exact.
        raise MalformedWebhook("body contains a raw NUL byte")
    fields = storable(fields)
    status = fields.get("StatusCallbackEvent", "")
    conference_sid = fields.get("ConferenceSid", "")
    if not status:
        raise MalformedWebhook("`StatusCallbackEvent` is missing")
    if not conference_sid:
        raise MalformedWebhook("`ConferenceSid` is missing")
    if len(status) > 60 or len(conference_sid) > _ID_LIMIT:
        raise MalformedWebhook("a field is too long")
    call_sid = _id(fields.get("CallSid", ""))
    # TeXML callbacks have no event id: the conference's sequence number identifies each one.
    identity = "|".join(
        [conference_sid, fields.get("SequenceNumber", ""), status, call_sid, fields.get("Timestamp", "")]
    )
    event_id = "texml-" + hashlib.sha256(identity.encode()).hexdigest()[:40]
    return IncomingEvent(
        event_id=event_id,
        event_type=f"texml.{status}",
        source="texml",
        occurred_at=_timestamp(fields.get("Timestamp")),
        attempt=1,
        payload=fields,
        raw_body=text,
        call_control_id=call_sid,
        conference_id=conference_sid,
    )
