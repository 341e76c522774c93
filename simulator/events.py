"""Webhook payloads, field for field as Telnyx sends them (see the reference's event catalogue)."""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

from simulator.ids import iso
from simulator.state import Call, Conference, Participant, Recording

# The SIP response Telnyx reports with each hangup cause.
SIP_CAUSES = {
    "normal_clearing": "200",
    "originator_cancel": "487",
    "user_busy": "486",
    "timeout": "408",
    "no_answer": "480",
    "call_rejected": "603",
    "time_limit": "200",
    "not_found": "404",
    "unspecified": "unspecified",
}


def call_fields(call: Call, client_state: str | None) -> dict[str, Any]:
    """The fields every call event carries."""
    return {
        "call_control_id": call.call_control_id,
        "call_leg_id": call.call_leg_id,
        "call_session_id": call.call_session_id,
        "client_state": client_state,
        "connection_id": call.connection_id,
    }


def parties(call: Call) -> dict[str, Any]:
    return {"from": call.from_, "to": call.to}


def initiated(call: Call) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "direction": call.direction,
        "state": "parked" if call.direction == "incoming" else "bridging",
        **parties(call),
        "start_time": iso(call.start_time),
        "caller_id_name": call.caller_id_name or call.from_,
        "calling_party_type": "sip" if call.from_.startswith("sip") else "pstn",
        "offered_codecs": "PCMU,PCMA,G722,OPUS",
        "custom_headers": call.custom_headers,
        "sip_headers": call.sip_headers,
    }
    if call.direction == "incoming":
        payload["shaken_stir_attestation"] = "A"
        payload["shaken_stir_validated"] = True
    if call.tags:
        payload["tags"] = call.tags
    return payload


def answered(call: Call) -> dict[str, Any]:
    return {
        **parties(call),
        "start_time": iso(call.start_time),
        "state": "answered",
        "custom_headers": call.custom_headers,
        "sip_headers": call.sip_headers,
    }


def bridged(call: Call) -> dict[str, Any]:
    return {**parties(call), "state": "bridged"}


def hangup(call: Call, cause: str, source: str, rng: random.Random) -> dict[str, Any]:
    payload: dict[str, Any] = {
        **parties(call),
        "start_time": iso(call.start_time),
        "state": "hangup",
        "hangup_cause": cause,
        "hangup_source": source,
        "sip_hangup_cause": SIP_CAUSES.get(cause, "unspecified"),
        "custom_headers": call.custom_headers,
        "sip_headers": call.sip_headers,
        "call_quality_stats": quality_stats(call, rng) if call.answered_at else None,
    }
    if call.tags:
        payload["tags"] = call.tags
    return payload


def quality_stats(call: Call, rng: random.Random) -> dict[str, Any]:
    """Plausible RTP statistics for the time the call was up (50 packets a second)."""
    end = call.ended_at or call.answered_at
    seconds = max((end - call.answered_at).total_seconds(), 0.0) if end and call.answered_at else 0.0
    packets = int(seconds * 50)
    return {
        "inbound": {
            "jitter_max_variance": f"{rng.uniform(0.5, 25.0):.2f}",
            "jitter_packet_count": str(int(packets * rng.uniform(0.0, 0.02))),
            "mos": f"{rng.uniform(3.9, 4.5):.2f}",
            "packet_count": str(packets),
            "skip_packet_count": str(int(packets * rng.uniform(0.0, 0.01))),
        },
        "outbound": {"packet_count": str(packets), "skip_packet_count": "0"},
    }


def recording_saved(call: Call, recording: Recording, ended_at: datetime) -> dict[str, Any]:
    return {
        "recording_id": recording.id,
        "channels": recording.channels,
        "format": recording.format,
        "recording_started_at": iso(recording.started_at),
        "recording_ended_at": iso(ended_at),
        **recording_urls(recording),
        **parties(call),
    }


def recording_urls(recording: Recording) -> dict[str, Any]:
    base = f"https://recordings.simulator.invalid/{recording.id}"
    urls = {recording.format: f"{base}.{recording.format}"}
    return {"recording_urls": urls, "public_recording_urls": dict(urls)}


def media(item: Any) -> dict[str, Any]:
    return {"media_url": item.media_url, "media_name": item.media_name, "overlay": item.overlay}


def conference_fields(conference: Conference, call: Call | Participant | None) -> dict[str, Any]:
    """Conference events: the call fields of the participant concerned, plus conference_id."""
    payload: dict[str, Any] = {
        "call_control_id": call.call_control_id if call else None,
        "call_leg_id": call.call_leg_id if call else None,
        "call_session_id": call.call_session_id if call else None,
        "client_state": None,
        "conference_id": conference.id,
        "connection_id": conference.connection_id,
    }
    return payload


def conference_recording_saved(
    conference: Conference, recording: Recording, ended_at: datetime
) -> dict[str, Any]:
    return {
        "conference_id": conference.id,
        "connection_id": conference.connection_id,
        "call_control_id": conference.creator_call_control_id,
        "call_session_id": conference.creator_call_session_id,
        "client_state": conference.client_state,
        "recording_id": recording.id,
        "format": recording.format,
        "channels": recording.channels,
        "recording_started_at": iso(recording.started_at),
        "recording_ended_at": iso(ended_at),
        **recording_urls(recording),
    }
