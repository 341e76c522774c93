"""/v2/calls and /v2/connections/{id}/active_calls."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from simulator import resources, schemas
from simulator.api import Request, Response, Route, deduplicated, ok, page_window, route
from simulator.call_engine import CallEngine
from simulator.state import Call, GatherKind
from simulator.validation import (
    ApiError,
    Field,
    bad_value,
    basic_speech,
    call_ended,
    invalid_call_control_id,
    invalid_connection,
    not_answered,
    recording_before_audio,
    route_not_found,
    validate,
)

Run = Callable[[CallEngine, Call, dict[str, Any]], None]


@dataclass(frozen=True)
class CallAction:
    schema: tuple[Field, ...]
    run: Run
    method: str = "POST"
    needs_answer: bool = True  # refused with 90034 before the call is answered
    before_answer: Callable[[], ApiError] = not_answered


def gather_kind(kind: GatherKind) -> Run:
    return lambda engine, call, body: engine.gather(call, body, kind)


ACTIONS: dict[str, CallAction] = {
    "answer": CallAction(schemas.ANSWER, CallEngine.answer, needs_answer=False),
    "bridge": CallAction(schemas.BRIDGE, CallEngine.bridge_command),
    "client_state_update": CallAction(
        schemas.CLIENT_STATE_UPDATE, CallEngine.client_state_update, method="PUT", needs_answer=False
    ),
    "enqueue": CallAction(schemas.ENQUEUE, CallEngine.enqueue),
    "fork_start": CallAction(schemas.FORK_START, CallEngine.fork_start),
    "fork_stop": CallAction(schemas.FORK_STOP, CallEngine.fork_stop),
    "gather": CallAction(schemas.GATHER, gather_kind("gather")),
    "gather_stop": CallAction(schemas.COMMON, CallEngine.gather_stop),
    "gather_using_audio": CallAction(schemas.GATHER_USING_AUDIO, gather_kind("audio")),
    "gather_using_speak": CallAction(schemas.GATHER_USING_SPEAK, gather_kind("speak")),
    "hangup": CallAction(schemas.HANGUP, CallEngine.hangup_command, needs_answer=False),
    "leave_queue": CallAction(schemas.COMMON, CallEngine.leave_queue),
    "playback_start": CallAction(schemas.PLAYBACK_START, CallEngine.playback_start),
    "playback_stop": CallAction(schemas.PLAYBACK_STOP, CallEngine.playback_stop),
    "record_pause": CallAction(schemas.RECORDING_COMMAND, CallEngine.record_pause),
    "record_resume": CallAction(schemas.RECORDING_COMMAND, CallEngine.record_resume),
    "record_start": CallAction(
        schemas.RECORD_START, CallEngine.record_start, before_answer=recording_before_audio
    ),
    "record_stop": CallAction(schemas.RECORDING_COMMAND, CallEngine.record_stop),
    "refer": CallAction(schemas.REFER, CallEngine.refer),
    "reject": CallAction(schemas.REJECT, CallEngine.reject, needs_answer=False),
    "send_dtmf": CallAction(schemas.SEND_DTMF, CallEngine.send_dtmf),
    "siprec_start": CallAction(schemas.SIPREC_START, CallEngine.siprec_start),
    "siprec_stop": CallAction(schemas.COMMON, CallEngine.siprec_stop),
    "speak": CallAction(schemas.SPEAK, CallEngine.speak),
    "suppression_start": CallAction(schemas.SUPPRESSION_START, CallEngine.suppression_start),
    "suppression_stop": CallAction(schemas.COMMON, CallEngine.suppression_stop),
    "switch_supervisor_role": CallAction(schemas.SWITCH_SUPERVISOR_ROLE, CallEngine.switch_supervisor_role),
    "transfer": CallAction(schemas.TRANSFER, CallEngine.transfer),
}


def dial(request: Request) -> Response:
    body = request.body

    def run() -> Response:
        validate(body, schemas.DIAL)
        if body["connection_id"] != request.runtime.options.connection_id:
            raise ApiError(422, [invalid_connection()])
        if body.get("audio_url") and body.get("media_name"):
            raise ApiError(
                422, [bad_value("media_name", "'audio_url' and 'media_name' cannot be used together.")]
            )
        legs = request.world.call_engine.dial(body)
        return Response(200, {"data": resources.dialled(legs[0])})

    return deduplicated(request, "dial", run)


def call_action(request: Request, call_control_id: str, action: str) -> Response:
    spec = ACTIONS.get(action)
    if spec is None:
        raise route_not_found()
    if request.method != spec.method:
        raise route_not_found()
    call = request.world.calls.get(call_control_id)
    if call is None:
        # Seed 000's catalogue: an unknown or malformed call_control_id is a 422, not a 404.
        raise invalid_call_control_id()

    def run() -> Response:
        validate(request.body, spec.schema)
        basic_speech(request.body)
        if not call.is_alive:
            raise call_ended()
        if spec.needs_answer and not call.answered_at:
            raise spec.before_answer()
        spec.run(request.world.call_engine, call, request.body)
        return ok()

    return deduplicated(request, call.call_control_id, run)


def get_call(request: Request, call_control_id: str) -> Response:
    return Response(200, {"data": resources.call(request.world.find_call(call_control_id))})


def active_calls(request: Request, connection_id: str) -> Response:
    if connection_id != request.runtime.options.connection_id:
        raise ApiError(422, [invalid_connection()])
    live = sorted(
        (call for call in request.world.calls.values() if call.is_alive and not call.silent),
        key=lambda call: call.start_time,
    )
    start, size, meta = page_window(request.query, len(live))
    items = [resources.active_call(call) for call in live[start : start + size]]
    return Response(200, {"data": items, "meta": {"total_items": len(live), **meta}})


ROUTES: list[Route] = [
    route("POST", "calls", dial),
    route("GET", "calls/{call_control_id}", get_call),
    route("POST PUT", "calls/{call_control_id}/actions/{action}", call_action),
    route("GET", "connections/{connection_id}/active_calls", active_calls),
]
