"""/v2/conferences: create, list, inspect, participants, and the conference actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from simulator import resources, schemas
from simulator.api import Request, Response, Route, deduplicated, ok, page_window, route
from simulator.conference_engine import ConferenceEngine
from simulator.state import Conference, Participant
from simulator.validation import (
    Field,
    call_ended,
    conference_ended,
    invalid_call_control_id,
    not_answered,
    not_found,
    route_not_found,
    validate,
)

Run = Callable[[ConferenceEngine, Conference, dict[str, Any]], None]

ACTIONS: dict[str, tuple[tuple[Field, ...], Run]] = {
    "join": (schemas.CONFERENCE_JOIN, ConferenceEngine.join_command),
    "leave": (schemas.CONFERENCE_LEAVE, ConferenceEngine.leave_command),
    "mute": (schemas.CONFERENCE_SELECT, ConferenceEngine.mute),
    "unmute": (schemas.CONFERENCE_SELECT, ConferenceEngine.unmute),
    "hold": (schemas.CONFERENCE_HOLD, ConferenceEngine.hold),
    "unhold": (schemas.CONFERENCE_UNHOLD, ConferenceEngine.unhold),
    "update": (schemas.CONFERENCE_UPDATE, ConferenceEngine.update_role),
    "speak": (schemas.CONFERENCE_SPEAK, ConferenceEngine.speak),
    "play": (schemas.CONFERENCE_PLAY, ConferenceEngine.play),
    "stop": (schemas.CONFERENCE_SELECT, ConferenceEngine.stop),
    "send_dtmf": (schemas.CONFERENCE_SEND_DTMF, ConferenceEngine.send_dtmf),
    "record_start": (schemas.CONFERENCE_RECORD_START, ConferenceEngine.record_start),
    "record_stop": (schemas.CONFERENCE_RECORDING, ConferenceEngine.record_stop),
    "record_pause": (schemas.CONFERENCE_RECORDING, ConferenceEngine.record_pause),
    "record_resume": (schemas.CONFERENCE_RECORDING, ConferenceEngine.record_resume),
    "end": (schemas.CONFERENCE_END, ConferenceEngine.end_via_api),
}
TRUE_FALSE = {"true": True, "false": False}


def create(request: Request) -> Response:
    body = request.body
    validate(body, schemas.CONFERENCE_CREATE)
    call = request.world.calls.get(body["call_control_id"])
    if call is None:
        raise invalid_call_control_id()

    def run() -> Response:
        if not call.is_alive:
            raise call_ended()
        if not call.answered_at:
            raise not_answered()
        conference = request.world.conference_engine.create(call, body)
        return Response(200, {"data": resources.conference(conference)})

    return deduplicated(request, call.call_control_id, run)


def list_conferences(request: Request) -> Response:
    query = request.query
    items = sorted(request.world.conferences.values(), key=lambda conference: conference.created_at)
    for name, attribute in (
        ("filter[name]", "name"),
        ("filter[status]", "status"),
        ("filter[connection_id]", "connection_id"),
        ("filter[region]", "region"),
    ):
        if name in query:
            items = [item for item in items if getattr(item, attribute) == query[name]]
    start, size, meta = page_window(query, len(items))
    return Response(
        200, {"data": [resources.conference(item) for item in items[start : start + size]], "meta": meta}
    )


def get_conference(request: Request, conference_id: str) -> Response:
    return Response(200, {"data": resources.conference(request.world.find_conference(conference_id))})


def list_participants(request: Request, conference_id: str) -> Response:
    conference = request.world.find_conference(conference_id)
    items = conference.active_participants()
    filters: dict[str, Callable[[Participant], bool]] = {
        "filter[muted]": lambda participant: participant.muted,
        "filter[on_hold]": lambda participant: participant.on_hold,
        "filter[whispering]": lambda participant: participant.supervisor_role == "whisper",
    }
    for name, test in filters.items():
        wanted = TRUE_FALSE.get(request.query.get(name, "").lower())
        if wanted is not None:
            items = [participant for participant in items if test(participant) == wanted]
    start, size, meta = page_window(request.query, len(items))
    data = [resources.participant(conference, participant) for participant in items[start : start + size]]
    return Response(200, {"data": data, "meta": meta})


def find_participant(conference: Conference, reference: str) -> Participant:
    """By participant id, call_control_id or label; a reused label finds the one still in."""
    matches = [
        participant
        for participant in conference.participants.values()
        if reference in (participant.id, participant.call_control_id, participant.label)
    ]
    if not matches:
        raise not_found()
    return max(matches, key=lambda participant: (participant.active, participant.created_at))


def get_participant(request: Request, conference_id: str, participant_id: str) -> Response:
    conference = request.world.find_conference(conference_id)
    return Response(200, {"data": resources.participant_detail(find_participant(conference, participant_id))})


def update_participant(request: Request, conference_id: str, participant_id: str) -> Response:
    conference = request.world.find_conference(conference_id)
    # Seed 001: the path's participant_id "Uniquely identifies the participant" (the
    # ConferenceParticipant's own id); a call_control_id or label there is not found (404).
    participant = conference.participants.get(participant_id)
    if participant is None:
        raise not_found()
    validate(request.body, schemas.PARTICIPANT_UPDATE)
    request.world.conference_engine.update_participant(conference, participant, request.body)
    return Response(200, {"data": resources.participant_detail(participant)})


def action(request: Request, conference_id: str, name: str) -> Response:
    if name not in ACTIONS:
        raise route_not_found()
    schema, run_action = ACTIONS[name]
    conference = request.world.find_conference(conference_id)

    def run() -> Response:
        validate(request.body, schema)
        if not conference.is_active:
            raise conference_ended()
        run_action(request.world.conference_engine, conference, request.body)
        return ok()

    return deduplicated(request, conference.id, run)


ROUTES: list[Route] = [
    route("POST", "conferences", create),
    route("GET", "conferences", list_conferences),
    route("GET", "conferences/{conference_id}", get_conference),
    route("GET", "conferences/{conference_id}/participants", list_participants),
    route("GET", "conferences/{conference_id}/participants/{participant_id}", get_participant),
    route("PATCH", "conferences/{conference_id}/participants/{participant_id}", update_participant),
    route("POST", "conferences/{conference_id}/actions/{name}", action),
]
