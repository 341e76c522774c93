"""/v2/texml/Accounts/{account_sid}/Conferences…: PascalCase fields, form-encoded (or JSON, as the
official SDK sends them), and TeXML's own 404 document."""

from __future__ import annotations

from typing import Any

from simulator import resources, schemas
from simulator.api import Request, Response, Route, route
from simulator.texml_engine import TexmlEngine
from simulator.validation import texml_not_found, validate


def engine(request: Request, account_sid: str) -> TexmlEngine:
    if account_sid != request.runtime.options.texml_account_sid:
        raise texml_not_found()
    return request.world.texml_engine


def fields(request: Request) -> dict[str, Any]:
    """Form values are text: "true"/"false" become booleans and digits integers, as Telnyx reads them."""
    values: dict[str, Any] = {}
    for name, value in request.body.items():
        if isinstance(value, str) and name in schemas.TEXML_BOOLEANS and value.lower() in ("true", "false"):
            value = value.lower() == "true"
        elif isinstance(value, str) and name in schemas.TEXML_INTEGERS and value.isdigit():
            value = int(value)
        values[name] = value
    return values


def page_numbers(request: Request) -> tuple[int, int]:
    page, size = request.query.get("Page", "0"), request.query.get("PageSize", "50")
    return (int(page) if page.isdigit() else 0, min(max(int(size), 1), 1000) if size.isdigit() else 50)


def list_conferences(request: Request, account_sid: str) -> Response:
    texml = engine(request, account_sid)
    items = sorted(request.world.conferences.values(), key=lambda conference: conference.created_at)
    if name := request.query.get("FriendlyName"):
        items = [item for item in items if item.name == name]
    if status := request.query.get("Status"):
        items = [item for item in items if resources.TEXML_CONFERENCE_STATUS[item.status] == status]
    page, size = page_numbers(request)
    uri = f"/v2/texml/Accounts/{account_sid}/Conferences.json"
    documents = [resources.texml_conference(texml.account_sid, item) for item in items]
    return Response(200, resources.texml_page("conferences", documents, uri, page, size))


def get_conference(request: Request, account_sid: str, conference_sid: str) -> Response:
    texml = engine(request, account_sid)
    return Response(200, resources.texml_conference(texml.account_sid, texml.conference(conference_sid)))


def update_conference(request: Request, account_sid: str, conference_sid: str) -> Response:
    texml = engine(request, account_sid)
    conference = texml.conference(conference_sid)
    values = fields(request)
    validate(values, schemas.TEXML_CONFERENCE_UPDATE)
    return Response(200, texml.update_conference(conference, values))


def list_participants(request: Request, account_sid: str, conference_sid: str) -> Response:
    texml = engine(request, account_sid)
    conference = texml.conference(conference_sid)
    page, size = page_numbers(request)
    uri = f"{resources.texml_conference_uri(account_sid, conference.id)}/Participants.json"
    documents = [
        resources.texml_participant(texml.account_sid, conference, participant)
        for participant in conference.participants.values()
        if participant.active
    ]
    return Response(200, resources.texml_page("participants", documents, uri, page, size))


def dial_participant(request: Request, account_sid: str, conference_sid: str) -> Response:
    texml = engine(request, account_sid)
    values = fields(request)
    validate(values, schemas.TEXML_PARTICIPANT_CREATE)
    return Response(200, texml.dial_participant(conference_sid, values))


def get_participant(request: Request, account_sid: str, conference_sid: str, participant: str) -> Response:
    texml = engine(request, account_sid)
    conference = texml.conference(conference_sid)
    member = texml.participant(conference, participant)
    return Response(200, resources.texml_participant(texml.account_sid, conference, member))


def update_participant(request: Request, account_sid: str, conference_sid: str, participant: str) -> Response:
    texml = engine(request, account_sid)
    conference = texml.conference(conference_sid)
    member = texml.participant(conference, participant)
    values = fields(request)
    validate(values, schemas.TEXML_PARTICIPANT_UPDATE)
    return Response(200, texml.update_participant(conference, member, values))


def remove_participant(request: Request, account_sid: str, conference_sid: str, participant: str) -> Response:
    texml = engine(request, account_sid)
    conference = texml.conference(conference_sid)
    texml.remove_participant(conference, texml.participant(conference, participant))
    return Response(204)


BASE = "texml/Accounts/{account_sid}/Conferences"
ROUTES: list[Route] = [
    route("GET", BASE, list_conferences),
    route("GET", f"{BASE}/{{conference_sid}}", get_conference),
    route("POST", f"{BASE}/{{conference_sid}}", update_conference),
    route("GET", f"{BASE}/{{conference_sid}}/Participants", list_participants),
    route("POST", f"{BASE}/{{conference_sid}}/Participants", dial_participant),
    route("GET", f"{BASE}/{{conference_sid}}/Participants/{{participant}}", get_participant),
    route("POST", f"{BASE}/{{conference_sid}}/Participants/{{participant}}", update_participant),
    route("DELETE", f"{BASE}/{{conference_sid}}/Participants/{{participant}}", remove_participant),
]
