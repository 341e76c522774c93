"""/_sim/…: inspection and remote control for tests running in another process (loopback only)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from simulator.api import Request, Response, Route, ok, route
from simulator.options import Chaos
from simulator.validation import ApiError
from simulator.world import CallHandle


def bad_request(detail: str) -> ApiError:
    return ApiError(400, [{"title": "Bad Request", "detail": detail}])


def call_document(handle: CallHandle) -> dict[str, Any]:
    document = asdict(handle)
    document["from"] = document.pop("from_")
    return document


def requests(request: Request) -> Response:
    return Response(200, {"data": list(request.runtime.received)})


def webhooks(request: Request) -> Response:
    return Response(200, {"data": [record.as_dict() for record in request.runtime.dispatcher.records]})


def reset(request: Request) -> Response:
    request.runtime.reset()
    return ok()


def state(request: Request) -> Response:
    world = request.world
    return Response(
        200,
        {
            "data": {
                "public_key": request.runtime.signer.public_key,
                "idle": not world.busy,
                "pending_webhooks": request.runtime.dispatcher.pending,
                "calls": [world.call_info(call_id) for call_id in world.calls],
                "conferences": world.conference_list(),
            }
        },
    )


def incoming_call(request: Request) -> Response:
    body = request.body
    details: dict[str, Any] = {
        "caller_id_name": body.get("caller_id_name"),
        "client_state": body.get("client_state"),
        "custom_headers": body.get("custom_headers"),
        "sip_headers": body.get("sip_headers"),
    }
    make = request.world.answered_call if body.get("answer") else request.world.incoming_call
    return ok(call_document(make(body.get("from"), body.get("to"), **details)))


def dial(request: Request) -> Response:
    body = request.body
    if not isinstance(body.get("to"), str):
        raise bad_request("'to' must be a number")
    try:
        handle = request.world.dial(body["to"], body.get("from"), outcome=body.get("outcome"))
    except ValueError as exc:
        raise bad_request(str(exc)) from None
    return ok(call_document(handle))


def start_conference(request: Request) -> Response:
    participants = request.body.get("participants", 3)
    if not isinstance(participants, int) or participants < 1:
        raise bad_request("'participants' must be a positive integer")
    conference = request.world.start_conference(request.body.get("name"), participants)
    return ok(
        {
            "id": conference.id,
            "name": conference.name,
            "calls": [call_document(call) for call in conference.calls],
        }
    )


def hangup(request: Request, call_control_id: str) -> Response:
    request.world.hangup(call_control_id, request.body.get("cause") or "normal_clearing")
    return ok()


def digits(request: Request, call_control_id: str) -> Response:
    request.world.press_digits(call_control_id, str(request.body.get("digits") or ""))
    return ok()


def dial_outcome(request: Request) -> Response:
    try:
        request.world.set_dial_outcome(str(request.body.get("number")), str(request.body.get("outcome")))
    except ValueError as exc:
        raise bad_request(str(exc)) from None
    return ok()


def chaos(request: Request) -> Response:
    try:
        settings = Chaos(**request.body)
    except (TypeError, ValueError) as exc:
        raise bad_request(str(exc)) from None
    request.runtime.dispatcher.set_chaos(settings)
    return ok(asdict(settings))


ROUTES: list[Route] = [
    route("GET", "requests", requests),
    route("GET", "webhooks", webhooks),
    route("GET", "state", state),
    route("POST", "reset", reset),
    route("POST", "incoming_call", incoming_call),
    route("POST", "dial", dial),
    route("POST", "conferences", start_conference),
    route("POST", "calls/{call_control_id}/hangup", hangup),
    route("POST", "calls/{call_control_id}/digits", digits),
    route("POST", "dial_outcomes", dial_outcome),
    route("PUT", "chaos", chaos),
]
