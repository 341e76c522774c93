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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django import forms
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from dashboard.actions.body import refusals_as_errors
from dashboard.actions.spec import PIN_LIST, PIN_ONE, ActionSpec
from dashboard.actions.submissions import command_id_for, scoped_submission, submission_lock
from dashboard.db.storable import storable, storable_form_data
from dashboard.eventlog.incoming import IncomingEvent
from dashboard.eventlog.ingest import ingest_events
from dashboard.models import ActionOutcome, OperatorAction
from dashboard.observability import metrics
from dashboard.observability.context import log_context
from dashboard.observability.scrub import configured_secrets, scrub_value
from dashboard.realtime.broadcast import nudge
from dashboard.telnyx import TelnyxClient, TelnyxError, TelnyxResponse, new_command_id

logger = logging.getLogger("switchboard.actions")

_SECRET_NAME = re.compile(r"pass(word)?|secret|token|auth|api_?key", re.IGNORECASE)
REDACTED = "[redacted]"


class ActionDenied(Exception):
    def __init__(self, record: OperatorAction) -> None:
        super().__init__("You do not have permission to do this.")
        self.record = record


class ActionInvalid(Exception):
    def __init__(self, errors: dict, record: OperatorAction) -> None:
        super().__init__("The command was not sent: some fields are invalid.")
        self.errors = errors
        self.record = record


class ActionUnavailable(ActionInvalid):
    """The action does not fit the target's state (Answer on an answered call): nothing was sent."""

    def __init__(self, message: str, record: OperatorAction) -> None:
        super().__init__({"__all__": [{"message": message, "code": "state"}]}, record)
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class ActionTarget:
    """What an action is aimed at: the ids it is audited under, fills its path with, and refreshes."""

    kind: str  # call, conference or participant
    call_control_id: str = ""
    conference_id: str = ""
    participant_id: str = ""
    # Values for the spec's path placeholders ({call_control_id}, {conference_id}, ...).
    path_ids: Mapping[str, str] = field(default_factory=dict)
    # Placeholders only Telnyx can fill (a participant's own id): asked of it just before sending,
    # when the spec's path needs one that path_ids lacks. A TelnyxError it raises is the outcome.
    look_up_ids: Callable[[TelnyxClient], Mapping[str, str]] | None = None
    # The legs a recorded fact is about, given the validated request (default: this call).
    affected: Callable[[dict], list[str]] | None = None
    live_groups: tuple[str, ...] = field(default=())
    # The target's state and conditions, checked against the spec's valid_in/needs/unless (None:
    # not checked, e.g. a dial), and the state as a person says it ("ringing", "ended").
    state: str | None = None
    conditions: frozenset[str] = frozenset()
    state_words: str = ""

    def legs_affected(self, params: dict) -> list[str]:
        if self.affected is not None:
            return self.affected(params)
        return [self.call_control_id] if self.call_control_id else []


@dataclass
class _Sent:
    """What came back from one attempt to send a command."""

    command_id: str
    latency_ms: float
    response: TelnyxResponse | None = None
    error: TelnyxError | None = None


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


def _submitted(form: forms.Form) -> dict:
    data = {
        key: form.data.get(key) for key in form.data if key not in {"csrfmiddlewaretoken", "submission_id"}
    }
    return redact(data)


def _kept(value: object) -> object:
    """A value as the audit record keeps it: storable, and with the API key blanked in any form a
    server or proxy may quote it back in (escaped, another case, URL-encoded, cut short), after
    decoding, in every field: what pages, answers, messages and exports show is read from here."""
    return storable(scrub_value(value, configured_secrets(), phones=False))


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
        call_control_id=_kept(target.call_control_id),
        conference_id=_kept(target.conference_id),
        participant_id=_kept(target.participant_id),
        parameters=_kept(parameters),
        outcome=outcome,
        **{name: _kept(value) for name, value in extra.items()},
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
    user,  # noqa: ANN001
    channel: str,
    spec: ActionSpec,
    target: ActionTarget,
    data: Mapping,
    submission_id: str = "",
    client: TelnyxClient | None = None,
) -> OperatorAction:
    """Check, validate, send and audit one operator action; returns its audit record.

    Raises ActionDenied or ActionInvalid (both already audited). Telnyx's refusals and failures
    are not raised: they are the record's outcome, with Telnyx's code, title and detail.
    """
    with log_context(user=getattr(user, "username", ""), call_control_id=target.call_control_id):
        # Made storable here, once: what is validated, sent, recorded and shown is the same text.
        form = spec.form(storable_form_data(data))
        _check_permission(user, channel, spec, target, form)
        if not submission_id:
            return _checked_and_sent(user, channel, spec, target, form, client, submission="")
        # `submission_id` is the caller's (a form's hidden field, an API Idempotency-Key): scoped to
        # this user, action and target, and held while it runs, so a repeat gets the first record.
        ids = (target.kind, target.call_control_id, target.conference_id, target.participant_id)
        scoped = scoped_submission(user, spec.name, ids, submission_id)
        with submission_lock(scoped):
            earlier = OperatorAction.objects.filter(submission_id=scoped).first()
            if earlier is not None:
                return earlier  # a double click: the first submission already did (or tried) it
            try:
                return _checked_and_sent(user, channel, spec, target, form, client, submission=scoped)
            except ActionInvalid as exc:
                # Raised once the lock's transaction (PostgreSQL) has kept the refusal's audit record.
                refused = exc
        raise refused


def _checked_and_sent(
    user,  # noqa: ANN001
    channel: str,
    spec: ActionSpec,
    target: ActionTarget,
    form: forms.Form,
    client: TelnyxClient | None,
    *,
    submission: str,
) -> OperatorAction:
    _check_state(user, channel, spec, target, form)
    params = _validated(user, channel, spec, target, form)
    command_id = command_id_for(submission) if submission else new_command_id()
    sent = _send(spec, target, params, client or shared_client(), command_id)
    _count_command(spec, sent)
    with log_context(command_id=sent.command_id):
        return _record_outcome(user, channel, spec, target, params, sent, submission)


def _count_command(spec: ActionSpec, sent: "_Sent") -> None:
    error = sent.error
    outcome = "ok" if error is None else ("refused" if error.kind == "refused" else "failed")
    metrics.TELNYX_COMMANDS.labels(spec.name, outcome).inc()
    metrics.TELNYX_COMMAND_SECONDS.labels(spec.name).observe(sent.latency_ms / 1000)


def _check_permission(user, channel: str, spec: ActionSpec, target: ActionTarget, form: forms.Form) -> None:  # noqa: ANN001
    if spec.allowed_for(user):
        return
    record = _record(
        user=user,
        channel=channel,
        action=spec.name,
        target=target,
        outcome=ActionOutcome.DENIED,
        parameters=_submitted(form),
    )
    raise ActionDenied(record)


def _check_state(user, channel: str, spec: ActionSpec, target: ActionTarget, form: forms.Form) -> None:  # noqa: ANN001
    if target.state is None or spec.available_in(target.state, target.conditions):
        return
    message = f"{spec.label} is not available now: the {target.kind} is {target.state_words or target.state}. Nothing was sent."
    record = _record(
        user=user,
        channel=channel,
        action=spec.name,
        target=target,
        outcome=ActionOutcome.INVALID,
        parameters=_submitted(form),
        error_detail=message,
    )
    raise ActionUnavailable(message, record)


def _validated(user, channel: str, spec: ActionSpec, target: ActionTarget, form: forms.Form) -> dict:  # noqa: ANN001
    refused = getattr(form.data, "refused", {})  # an API body's own faults (see CheckedBody)
    if form.is_valid() and not refused:
        return form.to_params()
    errors = {**form.errors.get_json_data(), **refusals_as_errors(refused)}
    record = _record(
        user=user,
        channel=channel,
        action=spec.name,
        target=target,
        outcome=ActionOutcome.INVALID,
        parameters=_submitted(form),
        error_detail="\n".join(
            [form.errors.as_text(), *(f"* {n}: {m}" for n, ms in refused.items() for m in ms)]
        ).strip()[:2000],
    )
    raise ActionInvalid(errors, record)


def _request_body(spec: ActionSpec, target: ActionTarget, params: dict) -> dict:
    body = dict(params)
    for name, value in (spec.defaults() if spec.defaults else {}).items():
        body[name] = body.get(name) or value
    if spec.pin == PIN_LIST:
        body[PIN_LIST] = [target.call_control_id]
    elif spec.pin == PIN_ONE:
        body[PIN_ONE] = target.call_control_id
    return body


_PLACEHOLDER = re.compile(r"{(\w+)}")


def _path_ids(spec: ActionSpec, target: ActionTarget, telnyx: TelnyxClient) -> Mapping[str, str]:
    needed = set(_PLACEHOLDER.findall(spec.path))
    if needed <= set(target.path_ids) or target.look_up_ids is None:
        return target.path_ids
    return {**target.path_ids, **target.look_up_ids(telnyx)}


def _send(
    spec: ActionSpec, target: ActionTarget, params: dict, telnyx: TelnyxClient, command_id: str
) -> _Sent:
    started = time.perf_counter()
    sent = _Sent(command_id=command_id, latency_ms=0.0)
    try:
        sent.response = telnyx.command(
            spec.method,
            spec.path,
            ids=_path_ids(spec, target, telnyx),
            params=_request_body(spec, target, params),
            command_id=command_id if spec.command_id else None,
            encoding=spec.encoding,
        )
    except TelnyxError as exc:
        sent.error = exc
    sent.latency_ms = (time.perf_counter() - started) * 1000
    return sent


def _outcome_fields(sent: _Sent) -> dict:
    fields: dict = {"latency_ms": sent.latency_ms, "command_id": sent.command_id}
    error = sent.error
    if error is not None:
        fields.update(
            outcome=ActionOutcome.REFUSED if error.kind == "refused" else ActionOutcome.FAILED,
            http_status=error.status,
            error_code=str(error.code or "")[:20],
            error_title=str(error.title or "")[:300],
            error_detail=str(error.detail or "")[:2000],
            error_pointer=str(error.pointer or "")[:200],
            response={"errors": redact(error.errors)} if error.errors else {},
        )
    else:
        stored = redact(sent.response.data)
        fields.update(outcome=ActionOutcome.OK, http_status=sent.response.status, response=stored)
    return fields


def recorded_facts(spec: ActionSpec, target: ActionTarget, params: dict, command_id: str) -> list[IncomingEvent]:
    """The facts a successful command establishes when Telnyx sends no webhook for it."""
    if not spec.records:
        return []
    payload = {key: params[key] for key in spec.records_fields if key in params}
    return [
        operator_event(
            spec.records,
            command_id=command_id,
            call_control_id=leg,
            conference_id=target.conference_id,
            payload=payload,
        )
        for leg in target.legs_affected(params)
    ]


def _record_outcome(
    user,  # noqa: ANN001
    channel: str,
    spec: ActionSpec,
    target: ActionTarget,
    params: dict,
    sent: _Sent,
    submission_id: str,
) -> OperatorAction:
    with transaction.atomic():
        try:
            record = _record(
                user=user,
                channel=channel,
                action=spec.name,
                target=target,
                parameters=redact(params),
                submission_id=submission_id or None,
                **_outcome_fields(sent),
            )
        except IntegrityError:
            # Two submissions of one form raced past the check above; the first one's record stands.
            return OperatorAction.objects.get(submission_id=submission_id)
        if sent.error is None:
            ingest_events(recorded_facts(spec, target, params, sent.command_id))
        transaction.on_commit(lambda: nudge(target.live_groups))
    if sent.error is not None:
        logger.info("%s %s on %s: %s", record.username, spec.name, target.kind, sent.error)
    return record
