"""Turn a verified request body into an IncomingEvent, or say clearly why it cannot be one."""

import hashlib
import json
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl

from django.utils.dateparse import parse_datetime

from dashboard.eventlog.incoming import IncomingEvent

_ID_LIMIT = 200
_TYPE_LIMIT = 120
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89abAB]")


class MalformedWebhook(Exception):
    """The body is not a webhook we can store; the message is returned to the sender."""


def _timestamp(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = parse_datetime(value)
    except ValueError:
        moment = None
    if moment is None:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def _id(value: object) -> str:
    return value[:_ID_LIMIT] if isinstance(value, str) else ""


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedWebhook("body is not UTF-8") from None


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _storable(document: object, text: str) -> None:
    """Refuse what no database column can hold: NUL characters and unpaired surrogates."""
    if "\x00" in text or "\\u0000" in text:
        raise MalformedWebhook("body contains NUL characters")
    if _ESCAPED_SURROGATE.search(text):
        try:
            json.dumps(document, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise MalformedWebhook("body contains an unpaired surrogate") from None


def parse_call_control(body: bytes) -> IncomingEvent:
    text = _decode(body)
    try:
        document = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise MalformedWebhook("body is not valid JSON") from None
    _storable(document, text)
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
    meta = document.get("meta")
    attempt = meta.get("attempt") if isinstance(meta, dict) else None
    # conference.ended carries its time in the payload only.
    occurred_at = _timestamp(data.get("occurred_at")) or _timestamp(payload.get("occurred_at"))
    return IncomingEvent(
        event_id=event_id,
        event_type=event_type,
        source="telnyx",
        occurred_at=occurred_at,
        attempt=attempt if isinstance(attempt, int) and not isinstance(attempt, bool) and attempt > 0 else 1,
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
    if any("\x00" in key or "\x00" in value for key, value in fields.items()):
        raise MalformedWebhook("body contains NUL characters")
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
