"""Running an operator action: permission, validation, the Telnyx command, the audit record.

Every attempt ends as one OperatorAction, whatever happens: denied, invalid, refused by Telnyx,
failed (timeout, 5xx, unreachable) or ok. Commands Telnyx confirms with no webhook (mute, hold,
client state, ...) are recorded as events in the log on success and folded like any other, so a
rebuild from the log keeps them.
"""

import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django import forms
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from dashboard.eventlog.incoming import IncomingEvent
from dashboard.eventlog.ingest import ingest_events
from dashboard.models import ActionOutcome, OperatorAction
from dashboard.realtime.broadcast import nudge
from dashboard.telnyx import TelnyxClient, TelnyxError, TelnyxResponse, new_command_id

logger = logging.getLogger("switchboard.actions")

_SECRET_NAME = re.compile(r"pass(word)?|secret|token|auth|api_?key", re.IGNORECASE)
REDACTED = "[redacted]"

Send = Callable[[TelnyxClient, dict, str], TelnyxResponse]
Confirm = Callable[[TelnyxResponse, dict, str], list[IncomingEvent]]


class ActionDenied(Exception):
    def __init__(self, record: OperatorAction) -> None:
        super().__init__("You do not have permission to do this.")
        self.record = record


class ActionInvalid(Exception):
    def __init__(self, errors: dict, record: OperatorAction) -> None:
        super().__init__("The command was not sent: some fields are invalid.")
        self.errors = errors
        self.record = record


@dataclass(frozen=True)
class ActionTarget:
    kind: str  # call, conference or participant
    call_control_id: str = ""
    conference_id: str = ""
    participant_id: str = ""
    live_groups: tuple[str, ...] = field(default=())


def redact(params: object) -> object:
    """Parameters as they may be stored: values of secret-looking keys never leave this function."""
    if isinstance(params, dict):
        return {
            key: REDACTED if _SECRET_NAME.search(str(key)) and value not in (None, "") else redact(value)
            for key, value in params.items()
        }
    if isinstance(params, list):
        return [redact(item) for item in params]
    return params


def scrub_secret(value: object, secret: str) -> object:
    """`value` with every occurrence of `secret` (the API key) blanked, however deep it sits."""
    if not secret:
        return value
    if isinstance(value, str):
        return value.replace(secret, REDACTED)
    if isinstance(value, dict):
        return {scrub_secret(k, secret): scrub_secret(v, secret) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_secret(item, secret) for item in value]
    return value


def _submitted(form: forms.Form) -> dict:
    data = {
        key: form.data.get(key) for key in form.data if key not in {"csrfmiddlewaretoken", "submission_id"}
    }
    return redact(data)


def _without_nul(value: object) -> object:
    """NULs as U+FFFD: forms refuse them, but the record of the refused attempt must still store,
    and PostgreSQL's text and JSON cannot hold a NUL."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    if isinstance(value, dict):
        return {str(key).replace("\x00", "\ufffd"): _without_nul(item) for key, item in value.items()}
    return value


def _record(
    *,
    user,
    channel: str,
    action: str,
    target: ActionTarget,
    outcome: str,
    parameters: object,
    **extra: object,
) -> OperatorAction:
    return OperatorAction.objects.create(
        created_at=timezone.now(),
        user=user if getattr(user, "is_authenticated", False) else None,
        username=getattr(user, "username", "") or "anonymous",
        channel=channel,
        action=action,
        target_type=target.kind,
        call_control_id=_without_nul(target.call_control_id),
        conference_id=_without_nul(target.conference_id),
        participant_id=target.participant_id,
        parameters=_without_nul(parameters),
        outcome=outcome,
        **{name: _without_nul(value) for name, value in extra.items()},
    )


def operator_event(
    event_type: str, *, command_id: str, payload: dict, call_control_id: str = "", conference_id: str = ""
) -> IncomingEvent:
    """A fact Telnyx confirmed by answering ok rather than by a webhook, as a log event."""
    return IncomingEvent(
        event_id=f"op-{command_id}-{call_control_id or conference_id}",
        event_type=event_type,
        source="operator",
        occurred_at=datetime.now(UTC),
        attempt=1,
        payload={**payload, "call_control_id": call_control_id, "conference_id": conference_id},
        raw_body="",
        call_control_id=call_control_id,
        conference_id=conference_id,
    )


_clients: dict[tuple, TelnyxClient] = {}
_clients_lock = threading.Lock()


def shared_client() -> TelnyxClient:
    """One client per configuration, kept open: a new httpx client costs tens of milliseconds."""
    key = (settings.TELNYX_API_KEY, settings.TELNYX_API_BASE, settings.TELNYX_TIMEOUT_SECS)
    with _clients_lock:
        if key not in _clients:
            _clients[key] = TelnyxClient.from_settings()
        return _clients[key]


def perform_action(
    *,
    user,
    channel: str,
    action: str,
    target: ActionTarget,
    form: forms.Form,
    send: Send,
    confirm: Confirm | None = None,
    submission_id: str = "",
    client: TelnyxClient | None = None,
) -> OperatorAction:
    """Check, validate, send and audit one operator action; returns its audit record.

    Raises ActionDenied or ActionInvalid (both already audited). Telnyx's refusals and failures
    are not raised: they are the record's outcome, with Telnyx's code, title and detail.
    """
    if submission_id:
        earlier = OperatorAction.objects.filter(submission_id=submission_id).first()
        if earlier is not None:
            return earlier  # a double click: the first submission already did (or tried) it
    if not user.has_perm(f"dashboard.{target.kind}_{action}"):
        record = _record(
            user=user,
            channel=channel,
            action=action,
            target=target,
            outcome=ActionOutcome.DENIED,
            parameters=_submitted(form),
        )
        raise ActionDenied(record)
    if not form.is_valid():
        record = _record(
            user=user,
            channel=channel,
            action=action,
            target=target,
            outcome=ActionOutcome.INVALID,
            parameters=_submitted(form),
            error_detail=form.errors.as_text()[:2000],
        )
        raise ActionInvalid(form.errors.get_json_data(), record)

    params = form.to_params()
    command_id = new_command_id()
    started = time.perf_counter()
    response: TelnyxResponse | None = None
    error: TelnyxError | None = None
    telnyx = client or shared_client()
    try:
        response = send(telnyx, params, command_id)
    except TelnyxError as exc:
        error = exc
    latency_ms = (time.perf_counter() - started) * 1000

    outcome_fields: dict = {"latency_ms": latency_ms, "command_id": command_id}
    if error is not None:
        outcome_fields.update(
            outcome=ActionOutcome.REFUSED if error.kind == "refused" else ActionOutcome.FAILED,
            http_status=error.status,
            error_code=str(error.code or "")[:20],
            error_title=str(error.title or "")[:300],
            error_detail=str(error.detail or "")[:2000],
            error_pointer=str(error.pointer or "")[:200],
            response={"errors": redact(error.errors)} if error.errors else {},
        )
    else:
        # Whatever Telnyx answers, the key never reaches the audit trail, even if quoted back.
        stored = scrub_secret(redact(response.data), settings.TELNYX_API_KEY)
        outcome_fields.update(outcome=ActionOutcome.OK, http_status=response.status, response=stored)

    with transaction.atomic():
        try:
            record = _record(
                user=user,
                channel=channel,
                action=action,
                target=target,
                parameters=redact(params),
                submission_id=submission_id or None,
                **outcome_fields,
            )
        except IntegrityError:
            # Two submissions of one form raced past the check above; the first one's record stands.
            return OperatorAction.objects.get(submission_id=submission_id)
        if error is None and confirm is not None:
            ingest_events(confirm(response, params, command_id))
        transaction.on_commit(lambda: nudge(target.live_groups))
    if error is not None:
        logger.info("%s %s on %s: %s", record.username, action, target.kind, error)
    return record
