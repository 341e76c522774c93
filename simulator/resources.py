"""API resources (what GET and command responses return), shaped as Telnyx shapes them."""

from __future__ import annotations

from typing import Any

from simulator.ids import iso, now, rfc2822
from simulator.state import Call, Conference, Participant

TEXML_PARTICIPANT_STATUS = {"joining": "connecting", "joined": "connected", "left": "completed"}
TEXML_CONFERENCE_STATUS = {"init": "init", "in_progress": "in-progress", "completed": "completed"}


def call_duration(call: Call) -> int:
    if call.answered_at is None:
        return 0
    end = call.ended_at or now()
    return int((end - call.answered_at).total_seconds())


def call(item: Call) -> dict[str, Any]:
    """GET /calls/{call_control_id}."""
    return {
        "record_type": "call",
        "call_control_id": item.call_control_id,
        "call_leg_id": item.call_leg_id,
        "call_session_id": item.call_session_id,
        "client_state": item.client_state,
        "is_alive": item.is_alive,
        "call_duration": call_duration(item),
        "start_time": iso(item.start_time),
        "end_time": iso(item.ended_at) if item.ended_at else None,
    }


def dialled(item: Call) -> dict[str, Any]:
    """POST /calls: dialling is asynchronous, so the call is never alive yet."""
    return call(item) | {"is_alive": False}


def active_call(item: Call) -> dict[str, Any]:
    """An item of GET /connections/{id}/active_calls."""
    return {
        "record_type": "call",
        "call_control_id": item.call_control_id,
        "call_leg_id": item.call_leg_id,
        "call_session_id": item.call_session_id,
        "client_state": item.client_state,
        "call_duration": call_duration(item),
    }


def conference(item: Conference) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "record_type": "conference",
        "id": item.id,
        "name": item.name,
        "connection_id": item.connection_id,
        "region": item.region,
        "status": item.status,
        "created_at": iso(item.created_at),
        "updated_at": iso(item.updated_at),
        "expires_at": iso(item.expires_at),
    }
    if item.end_reason:
        resource["end_reason"] = item.end_reason
    if item.ended_by:
        resource["ended_by"] = item.ended_by
    return resource


def participant(item: Conference, member: Participant) -> dict[str, Any]:
    """An item of GET /conferences/{id}/participants."""
    return {
        "record_type": "participant",
        "id": member.id,
        "call_control_id": member.call_control_id,
        "call_leg_id": member.call_leg_id,
        "conference": {"id": item.id, "name": item.name},
        "status": member.status,
        "muted": member.muted,
        "on_hold": member.on_hold,
        "end_conference_on_exit": member.end_conference_on_exit,
        "soft_end_conference_on_exit": member.soft_end_conference_on_exit,
        "whisper_call_control_ids": list(member.whisper_call_control_ids),
        "created_at": iso(member.created_at),
        "updated_at": iso(member.updated_at),
    }


def participant_detail(member: Participant) -> dict[str, Any]:
    """GET / PATCH /conferences/{id}/participants/{participant_id} (seed 001's ConferenceParticipant)."""
    return {
        "id": member.id,
        "call_control_id": member.call_control_id,
        "call_leg_id": member.call_leg_id,
        "conference_id": member.conference_id,
        "label": member.label,
        "status": member.status,
        "muted": member.muted,
        "on_hold": member.on_hold,
        "whisper_call_control_ids": list(member.whisper_call_control_ids),
        "created_at": iso(member.created_at),
        "updated_at": iso(member.updated_at),
        "end_conference_on_exit": member.end_conference_on_exit,
        "soft_end_conference_on_exit": member.soft_end_conference_on_exit,
    }


def texml_conference_uri(account_sid: str, conference_id: str) -> str:
    return f"/v2/texml/Accounts/{account_sid}/Conferences/{conference_id}"


def texml_participant(account_sid: str, item: Conference, member: Participant) -> dict[str, Any]:
    """The TeXML ParticipantResource (seed 003)."""
    coached = member.whisper_call_control_ids[0] if member.whisper_call_control_ids else None
    return {
        "account_sid": account_sid,
        "api_version": "v2/texml",
        "call_sid": member.call_control_id,
        "call_sid_legacy": member.call_control_id,
        "coaching": coached is not None,
        "coaching_call_sid": coached,
        "coaching_call_sid_legacy": coached,
        "conference_sid": item.id,
        "date_created": rfc2822(member.created_at),
        "date_updated": rfc2822(member.updated_at),
        "end_conference_on_exit": member.end_conference_on_exit,
        "hold": member.on_hold,
        "muted": member.muted,
        "label": member.label,
        "status": TEXML_PARTICIPANT_STATUS[member.status],
        "uri": f"{texml_conference_uri(account_sid, item.id)}/Participants/{member.call_control_id}.json",
    }


def texml_conference(account_sid: str, item: Conference) -> dict[str, Any]:
    uri = texml_conference_uri(account_sid, item.id)
    return {
        "account_sid": account_sid,
        "api_version": "v2/texml",
        "sid": item.id,
        "friendly_name": item.name,
        "status": TEXML_CONFERENCE_STATUS[item.status],
        "region": item.region,
        "date_created": rfc2822(item.created_at),
        "date_updated": rfc2822(item.updated_at),
        "reason_conference_ended": item.end_reason,
        "call_sid_ending_conference": (item.ended_by or {}).get("call_control_id"),
        "uri": f"{uri}.json",
        "subresource_uris": {"participants": f"{uri}/Participants.json"},
    }


def texml_page(kind: str, items: list[dict[str, Any]], uri: str, page: int, page_size: int) -> dict[str, Any]:
    """A TeXML list page (zero-based page numbers, Twilio style)."""
    start = page * page_size
    chunk = items[start : start + page_size]
    more = start + page_size < len(items)
    return {
        kind: chunk,
        "page": page,
        "page_size": page_size,
        "start": start,
        "end": start + max(len(chunk) - 1, 0),
        "uri": f"{uri}?Page={page}&PageSize={page_size}",
        "first_page_uri": f"{uri}?Page=0&PageSize={page_size}",
        "next_page_uri": f"{uri}?Page={page + 1}&PageSize={page_size}" if more else None,
        "previous_page_uri": f"{uri}?Page={page - 1}&PageSize={page_size}" if page > 0 else None,
    }
