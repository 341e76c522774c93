"""Fold a call's events into its Call row.

`fold_call` is pure; `project_calls` reads the events of the given calls and writes the rows
that changed. Terminal states are sticky: once a hangup is folded in, nothing later moves the
call out of it, so a late or replayed event never resurrects a call.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import timedelta

from calls.models import Call, CallState
from dashboard.eventlog.folding import (
    FoldableEvent,
    happened_at,
    in_order,
    integer,
    iso,
    json_dict,
    json_list,
    plan_folds,
    state_of,
    text,
    write_projection,
)
from dashboard.models import Event, EventSource

_DTMF_LIMIT = 200


def _initial_state() -> dict:
    return {
        "call_leg_id": "",
        "call_session_id": "",
        "connection_id": "",
        "direction": "",
        "state": CallState.PARKED.value,
        "state_since": None,
        "is_alive": True,
        "on_hold": False,
        "from_number": "",
        "to_number": "",
        "caller_id_name": "",
        "start_time": None,
        "answered_at": None,
        "ended_at": None,
        "hangup_cause": "",
        "hangup_source": "",
        "sip_hangup_cause": "",
        "client_state": "",
        "conference_id": "",
        "queue_name": "",
        "details": {},
        "last_event_at": None,
        "event_count": 0,
    }


def _move(state: dict, new_state: str, event: FoldableEvent) -> None:
    if state["state"] == CallState.HANGUP:
        return
    if state["state"] != new_state:
        state["state"] = new_state
        state["state_since"] = happened_at(event)


def _on_initiated(state: dict, event: FoldableEvent, payload: dict) -> None:
    state["direction"] = text(payload, "direction", 10)
    _move(state, text(payload, "state", 12) or CallState.PARKED, event)
    state["caller_id_name"] = text(payload, "caller_id_name")
    for key in ("custom_headers", "sip_headers", "tags"):
        if payload.get(key):
            state["details"][key] = json_list(payload, key)


def _on_answered(state: dict, event: FoldableEvent, payload: dict) -> None:
    state["answered_at"] = state["answered_at"] or happened_at(event)
    _move(state, CallState.ANSWERED, event)


def _on_bridged(state: dict, event: FoldableEvent, payload: dict) -> None:
    _move(state, CallState.BRIDGED, event)


def _on_hold(state: dict, event: FoldableEvent, payload: dict) -> None:
    if state["is_alive"]:
        state["on_hold"] = True
        state["details"]["hold_since"] = iso(happened_at(event))


def _on_unhold(state: dict, event: FoldableEvent, payload: dict) -> None:
    state["on_hold"] = False
    state["details"].pop("hold_since", None)


def _on_hangup(state: dict, event: FoldableEvent, payload: dict) -> None:
    if state["state"] == CallState.HANGUP:
        return
    _move(state, CallState.HANGUP, event)
    state["is_alive"] = False
    state["on_hold"] = False
    state["ended_at"] = happened_at(event)
    state["hangup_cause"] = text(payload, "hangup_cause", 40)
    state["hangup_source"] = text(payload, "hangup_source", 20)
    state["sip_hangup_cause"] = text(payload, "sip_hangup_cause", 20)
    quality = json_dict(payload, "call_quality_stats")
    if quality:
        state["details"]["call_quality_stats"] = quality


def _on_enqueued(state: dict, event: FoldableEvent, payload: dict) -> None:
    _move(state, CallState.QUEUED, event)
    state["queue_name"] = text(payload, "queue", 200)
    state["details"]["queue"] = {
        "queue": state["queue_name"],
        "current_position": integer(payload, "current_position"),
        "queue_avg_wait_time_secs": integer(payload, "queue_avg_wait_time_secs"),
        "enqueued_at": iso(happened_at(event)),
    }


def _on_dequeued(state: dict, event: FoldableEvent, payload: dict) -> None:
    reason = text(payload, "reason", 40)
    queue = state["details"].setdefault("queue", {"queue": text(payload, "queue", 200)})
    queue.update(
        {
            "dequeued_at": iso(happened_at(event)),
            "reason": reason,
            "queue_position": integer(payload, "queue_position"),
            "wait_time_secs": integer(payload, "wait_time_secs"),
        }
    )
    if state["state"] == CallState.QUEUED:
        _move(state, CallState.BRIDGED if reason == "bridged" else CallState.ANSWERED, event)


def _on_participant_joined(state: dict, event: FoldableEvent, payload: dict) -> None:
    state["conference_id"] = text(payload, "conference_id", 200)
    _move(state, CallState.CONFERENCE, event)


def _on_participant_left(state: dict, event: FoldableEvent, payload: dict) -> None:
    state["conference_id"] = state["conference_id"] or text(payload, "conference_id", 200)
    if state["state"] == CallState.CONFERENCE:
        _move(state, CallState.ANSWERED, event)


def _on_dtmf(state: dict, event: FoldableEvent, payload: dict) -> None:
    digits = (state["details"].get("dtmf", "") + text(payload, "digit", 4))[-_DTMF_LIMIT:]
    state["details"]["dtmf"] = digits


def _record(facet: str, *fields: str, extra: Callable[[FoldableEvent], dict] | None = None):
    """A handler that keeps the latest values of some payload fields under details[facet]."""

    def handler(state: dict, event: FoldableEvent, payload: dict) -> None:
        values = {"event": event.event_type, "at": iso(happened_at(event))}
        for field in fields:
            value = payload.get(field)
            values[field] = (
                value if isinstance(value, int | float | bool | dict | list) else text(payload, field)
            )
        if extra:
            values.update(extra(event))
        state["details"][facet] = values

    return handler


def _on_recording_saved(state: dict, event: FoldableEvent, payload: dict) -> None:
    recordings = state["details"].setdefault("recordings", [])
    recordings.append(
        {
            "recording_urls": json_dict(payload, "recording_urls"),
            "public_recording_urls": json_dict(payload, "public_recording_urls"),
            "channels": text(payload, "channels", 20),
            "recording_started_at": text(payload, "recording_started_at", 40),
            "recording_ended_at": text(payload, "recording_ended_at", 40),
        }
    )


def _on_reconciled_end(state: dict, event: FoldableEvent, payload: dict) -> None:
    # Telnyx no longer has the call: its hangup webhook was missed. Ended, cause unknown.
    if state["state"] == CallState.HANGUP:
        return
    _move(state, CallState.HANGUP, event)
    state["is_alive"] = False
    state["on_hold"] = False
    state["ended_at"] = happened_at(event)
    state["hangup_source"] = "reconcile"


def _on_reconciled_found(state: dict, event: FoldableEvent, payload: dict) -> None:
    # Telnyx has a live call we never heard of: its initiated/answered webhooks were missed.
    if state["start_time"] is None:
        duration = integer(payload, "call_duration") or 0
        state["start_time"] = happened_at(event) - timedelta(seconds=max(duration, 0))
    _move(state, CallState.ANSWERED, event)


def _on_client_state_updated(state: dict, event: FoldableEvent, payload: dict) -> None:
    state["client_state"] = text(payload, "client_state", 4000)


HANDLERS: dict[str, Callable[[dict, FoldableEvent, dict], None]] = {
    "call.initiated": _on_initiated,
    "call.answered": _on_answered,
    "call.bridged": _on_bridged,
    "call.hangup": _on_hangup,
    "call.hold": _on_hold,
    "call.unhold": _on_unhold,
    "call.enqueued": _on_enqueued,
    "call.dequeued": _on_dequeued,
    "call.dtmf.received": _on_dtmf,
    "call.gather.ended": _record("gather", "status", "digits"),
    "call.playback.started": _record("playback", "media_url", "media_name", "overlay"),
    "call.playback.ended": _record(
        "playback", "media_url", "media_name", "overlay", "status", "status_detail"
    ),
    "call.speak.started": _record("speak"),
    "call.speak.ended": _record("speak", "status"),
    "call.recording.saved": _on_recording_saved,
    "call.recording.error": _record("recording_error", "reason"),
    "call.recording.transcription.saved": _record("transcription", "transcription_text", "status"),
    "call.machine.detection.ended": _record("machine_detection", "result"),
    "call.machine.greeting.ended": _record("machine_greeting", "result"),
    "call.machine.premium.detection.ended": _record("machine_detection", "result"),
    "call.machine.premium.greeting.ended": _record("machine_greeting", "result"),
    "call.fork.started": _record("fork", "stream_type", extra=lambda e: {"active": True}),
    "call.fork.stopped": _record("fork", "stream_type", extra=lambda e: {"active": False}),
    "call.refer.started": _record(
        "refer", "from", "to", "sip_notify_response", extra=lambda e: {"status": "started"}
    ),
    "call.refer.completed": _record(
        "refer", "from", "to", "sip_notify_response", extra=lambda e: {"status": "completed"}
    ),
    "call.refer.failed": _record(
        "refer", "from", "to", "sip_notify_response", extra=lambda e: {"status": "failed"}
    ),
    "siprec.started": _record("siprec", extra=lambda e: {"status": "started"}),
    "siprec.stopped": _record("siprec", "hangup_cause", extra=lambda e: {"status": "stopped"}),
    "siprec.failed": _record("siprec", "failure_cause", extra=lambda e: {"status": "failed"}),
    "streaming.started": _record("streaming", "stream_url", extra=lambda e: {"status": "started"}),
    "streaming.stopped": _record("streaming", "stream_url", extra=lambda e: {"status": "stopped"}),
    "streaming.failed": _record(
        "streaming", "failure_reason", "stream_id", "stream_type", extra=lambda e: {"status": "failed"}
    ),
    "call.cost": _record("cost", "billed_duration_secs", "total_cost", "status"),
    "conference.participant.joined": _on_participant_joined,
    "conference.participant.left": _on_participant_left,
    "dashboard.call.client_state_updated": _on_client_state_updated,
    "reconcile.call.ended": _on_reconciled_end,
    "reconcile.call.found": _on_reconciled_found,
}


def fold_call(events: Iterable[FoldableEvent], start: dict | None = None) -> dict:
    """The call's state after `events`, continuing from `start` (a stored state) if given."""
    state = start if start is not None else _initial_state()
    for event in in_order(events):
        payload = event.payload if isinstance(event.payload, dict) else {}
        state["event_count"] += 1
        state["last_event_at"] = max(filter(None, [state["last_event_at"], happened_at(event)]))
        for key, field in (
            ("call_leg_id", "call_leg_id"),
            ("call_session_id", "call_session_id"),
            ("connection_id", "connection_id"),
        ):
            state[key] = state[key] or text(payload, field, 200)
        if event.event_type == "call.initiated" or not state["from_number"]:
            state["from_number"] = text(payload, "from") or state["from_number"]
            state["to_number"] = text(payload, "to") or state["to_number"]
        start_time = text(payload, "start_time", 40)
        if state["start_time"] is None and (start_time or event.event_type == "call.initiated"):
            state["start_time"] = happened_at(event)
        if payload.get("client_state"):
            state["client_state"] = text(payload, "client_state", 4000)
        handler = HANDLERS.get(event.event_type)
        if handler:
            handler(state, event, payload)
    if state["state_since"] is None:
        state["state_since"] = state["start_time"]
    return state


STATE_FIELDS = tuple(_initial_state())
_FOLD_ONLY = ("event_id", "event_type", "source", "occurred_at", "received_at", "payload", "call_control_id")


def _log_events(ids: set[str]) -> dict[str, list[Event]]:
    by_call: dict[str, list[Event]] = defaultdict(list)
    events = (
        Event.objects.filter(call_control_id__in=ids)
        .exclude(event_type="conference.floor.changed")
        .exclude(source=EventSource.TEXML)
        .only(*_FOLD_ONLY)
    )
    for event in events:
        by_call[event.call_control_id].append(event)
    return by_call


def project_calls(call_control_ids: Iterable[str], new_events: Iterable[Event] | None = None) -> list[Call]:
    """Bring the given calls up to date; returns the rows whose state changed.

    With `new_events` (just stored), calls whose new events all come after what they have seen
    continue from their stored state; the others, and all calls without `new_events`, are
    refolded from the log. Rows are locked first, so two workers never fold one call at once.
    """
    ids = {cid for cid in call_control_ids if cid}
    if not ids:
        return []
    existing = {
        call.call_control_id: call
        for call in Call.objects.select_for_update()
        .filter(call_control_id__in=ids)
        .order_by("call_control_id")
    }
    fresh: dict[str, list[Event]] | None = None
    if new_events is not None:
        fresh = defaultdict(list)
        for event in new_events:
            if (
                event.call_control_id in ids
                and event.event_type != "conference.floor.changed"
                and event.source != EventSource.TEXML
            ):
                fresh[event.call_control_id].append(event)
    continuing, refold = plan_folds(ids, existing, fresh)
    folded = {
        cid: fold_call(events, state_of(row, STATE_FIELDS) if row else None)
        for cid, (row, events) in continuing.items()
    }
    if refold:
        folded.update({cid: fold_call(events) for cid, events in _log_events(refold).items()})
    return write_projection(
        Call,
        folded,
        existing,
        lambda cid, values: Call(call_control_id=cid, **values),
        key_field="call_control_id",
        redo=lambda taken: project_calls(taken, new_events),
    )
