"""Fold a call's events into its Call row.

`fold_call` is pure; `project_calls` reads the events of the given calls and writes the rows
that changed. Terminal states are sticky: once a hangup is folded in, nothing later moves the
call out of it, so a late or replayed event never resurrects a call.
"""

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime

from calls.models import Call, CallState
from dashboard.eventlog.batch_sql import locked_rows
from dashboard.eventlog.event_types import PARTICIPANT_FACT_PREFIXES, EventType
from dashboard.eventlog.folding import (
    FoldableEvent,
    happened_at,
    in_order,
    integer,
    iso,
    json_dict,
    json_list,
    text,
)
from dashboard.eventlog.projections import ProjectionSpec
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


def _start_time(payload: dict) -> datetime | None:
    """The payload's start_time (call.initiated, call.answered and call.hangup carry it), if readable."""
    try:
        moment = parse_datetime(text(payload, "start_time", 40))
    except ValueError:
        return None
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def _take_start(state: dict, event: FoldableEvent, payload: dict) -> None:
    """When the call started: Telnyx's start_time wherever an event carries it, so a missed
    call.initiated shifts neither the start nor the duration; else, as an estimate, when its
    call.initiated happened. An estimate gives way to Telnyx's value whenever one arrives."""
    stated = _start_time(payload)
    if stated is not None:
        if state["start_time"] is None or state["details"].get("start_time_estimated"):
            state["start_time"] = stated
            state["details"].pop("start_time_estimated", None)
    elif state["start_time"] is None and event.event_type == EventType.CALL_INITIATED:
        state["start_time"] = happened_at(event)
        state["details"]["start_time_estimated"] = True


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
    _on_unhold(state, event, payload)  # the conference's hold ends with the leg's time in it
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
        state["details"]["start_time_estimated"] = True
    _move(state, CallState.ANSWERED, event)


def _on_client_state_updated(state: dict, event: FoldableEvent, payload: dict) -> None:
    state["client_state"] = text(payload, "client_state", 4000)


HANDLERS: dict[str, Callable[[dict, FoldableEvent, dict], None]] = {
    EventType.CALL_INITIATED: _on_initiated,
    EventType.CALL_ANSWERED: _on_answered,
    EventType.CALL_BRIDGED: _on_bridged,
    EventType.CALL_HANGUP: _on_hangup,
    EventType.CALL_HOLD: _on_hold,
    EventType.CALL_UNHOLD: _on_unhold,
    EventType.CALL_ENQUEUED: _on_enqueued,
    EventType.CALL_DEQUEUED: _on_dequeued,
    EventType.CALL_DTMF_RECEIVED: _on_dtmf,
    EventType.CALL_GATHER_ENDED: _record("gather", "status", "digits"),
    EventType.CALL_PLAYBACK_STARTED: _record("playback", "media_url", "media_name", "overlay"),
    EventType.CALL_PLAYBACK_ENDED: _record(
        "playback", "media_url", "media_name", "overlay", "status", "status_detail"
    ),
    EventType.CALL_SPEAK_STARTED: _record("speak"),
    EventType.CALL_SPEAK_ENDED: _record("speak", "status"),
    EventType.CALL_RECORDING_SAVED: _on_recording_saved,
    EventType.CALL_RECORDING_ERROR: _record("recording_error", "reason"),
    EventType.CALL_RECORDING_TRANSCRIPTION_SAVED: _record("transcription", "transcription_text", "status"),
    EventType.CALL_MACHINE_DETECTION_ENDED: _record("machine_detection", "result"),
    EventType.CALL_MACHINE_GREETING_ENDED: _record("machine_greeting", "result"),
    EventType.CALL_MACHINE_PREMIUM_DETECTION_ENDED: _record("machine_detection", "result"),
    EventType.CALL_MACHINE_PREMIUM_GREETING_ENDED: _record("machine_greeting", "result"),
    EventType.CALL_FORK_STARTED: _record("fork", "stream_type", extra=lambda e: {"active": True}),
    EventType.CALL_FORK_STOPPED: _record("fork", "stream_type", extra=lambda e: {"active": False}),
    EventType.CALL_REFER_STARTED: _record(
        "refer", "from", "to", "sip_notify_response", extra=lambda e: {"status": "started"}
    ),
    EventType.CALL_REFER_COMPLETED: _record(
        "refer", "from", "to", "sip_notify_response", extra=lambda e: {"status": "completed"}
    ),
    EventType.CALL_REFER_FAILED: _record(
        "refer", "from", "to", "sip_notify_response", extra=lambda e: {"status": "failed"}
    ),
    EventType.SIPREC_STARTED: _record("siprec", extra=lambda e: {"status": "started"}),
    EventType.SIPREC_STOPPED: _record("siprec", "hangup_cause", extra=lambda e: {"status": "stopped"}),
    EventType.SIPREC_FAILED: _record("siprec", "failure_cause", extra=lambda e: {"status": "failed"}),
    EventType.STREAMING_STARTED: _record("streaming", "stream_url", extra=lambda e: {"status": "started"}),
    EventType.STREAMING_STOPPED: _record("streaming", "stream_url", extra=lambda e: {"status": "stopped"}),
    EventType.STREAMING_FAILED: _record(
        "streaming", "failure_reason", "stream_id", "stream_type", extra=lambda e: {"status": "failed"}
    ),
    EventType.CALL_COST: _record("cost", "billed_duration_secs", "total_cost", "status"),
    EventType.CONFERENCE_PARTICIPANT_JOINED: _on_participant_joined,
    EventType.CONFERENCE_PARTICIPANT_LEFT: _on_participant_left,
    EventType.DASHBOARD_CALL_CLIENT_STATE_UPDATED: _on_client_state_updated,
    # A participant held in its conference is a call on hold (Telnyx sends no webhook for either).
    EventType.DASHBOARD_PARTICIPANT_HELD: _on_hold,
    EventType.DASHBOARD_PARTICIPANT_UNHELD: _on_unhold,
    EventType.RECONCILE_CALL_ENDED: _on_reconciled_end,
    EventType.RECONCILE_CALL_FOUND: _on_reconciled_found,
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
        if event.event_type == EventType.CALL_INITIATED or not state["from_number"]:
            state["from_number"] = text(payload, "from") or state["from_number"]
            state["to_number"] = text(payload, "to") or state["to_number"]
        _take_start(state, event, payload)
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


# Facts about a participant that are facts about its call too: holding it holds the call.
_CALL_FACTS = (EventType.DASHBOARD_PARTICIPANT_HELD, EventType.DASHBOARD_PARTICIPANT_UNHELD)


def _call_of(event: Event) -> str | None:
    """A call's own events, and the conference events about it; not TeXML callbacks, the floor,
    or facts about a participant but its hold (a TeXML leg has no call: see `_new_calls`)."""
    if (
        not event.call_control_id
        or event.source == EventSource.TEXML
        or event.event_type == EventType.CONFERENCE_FLOOR_CHANGED
        or (event.event_type.startswith(PARTICIPANT_FACT_PREFIXES) and event.event_type not in _CALL_FACTS)
    ):
        return None
    return event.call_control_id


def _not_about_a_call(events: QuerySet[Event]) -> QuerySet[Event]:
    facts = Q()
    for prefix in PARTICIPANT_FACT_PREFIXES:
        facts |= Q(event_type__startswith=prefix)
    events = events.exclude(facts & ~Q(event_type__in=_CALL_FACTS))
    return events.exclude(event_type=EventType.CONFERENCE_FLOOR_CHANGED).exclude(source=EventSource.TEXML)


def _new_calls(folded: dict) -> dict:
    # A hold fact alone does not make a call (a leg of another application's call): the call is
    # created by its own events, whose fold reads the facts from the log then.
    return {
        cid: Call(call_control_id=cid, **values)
        for cid, values in folded.items()
        if values["start_time"] or values["from_number"] or values["to_number"]
    }


def _load_rows(ids: set[str]) -> dict[str, Call]:
    return locked_rows(Call, "call_control_id", ids)


def _log(ids: set[str]) -> QuerySet[Event]:
    return _not_about_a_call(Event.objects.filter(call_control_id__in=ids)).only(*_FOLD_ONLY)


def _all_keys() -> QuerySet:
    return (
        _not_about_a_call(Event.objects.exclude(call_control_id=""))
        .values_list("call_control_id", flat=True)
        .distinct()
    )


CALL_PROJECTION = ProjectionSpec(
    name="calls",
    model=Call,
    order=30,
    key_of=_call_of,
    folds=lambda event: True,
    fold=fold_call,
    state_fields=STATE_FIELDS,
    load_rows=_load_rows,
    log=_log,
    new_rows=_new_calls,
    all_keys=_all_keys,
    race_key_field="call_control_id",
)
