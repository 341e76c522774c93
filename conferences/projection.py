"""Fold conference and participant events into Conference and Participant rows.

Both Call Control webhooks (`conference.*`) and TeXML status callbacks (`texml.*`) land here.
Telnyx sends no webhook for mute and hold: the dashboard records the command's success as a
`dashboard.participant.*` event, folded like any other so a rebuild keeps it. Ended conferences
and departed participants are terminal. The floor (who is talking) changes far more often than
anything else, so it is kept as a last-writer-wins register instead of being refolded.
"""

from collections.abc import Callable, Iterable, Sequence

from django.db.models import F, Q, QuerySet

from conferences.models import Conference, ConferenceStatus, Participant, ParticipantStatus
from dashboard.eventlog.batch_sql import locked_rows
from dashboard.eventlog.event_types import (
    PARTICIPANT_FACT_PREFIXES,
    PARTICIPANT_MEDIA_PREFIXES,
    PARTICIPANT_PREFIXES,
    TEXML_PREFIX,
    EventType,
)
from dashboard.eventlog.folding import (
    FoldableEvent,
    happened_at,
    in_order,
    iso,
    json_dict,
    json_list,
    text,
)
from dashboard.eventlog.projections import ProjectionSpec, StateChanges
from dashboard.models import Event

_TRUE = {"true", "1", "yes"}


def _flag(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in _TRUE)


# --- conferences ------------------------------------------------------------------------------


def _conference_initial() -> dict:
    return {
        "name": "",
        "kind": "call_control",
        "account_sid": "",
        "connection_id": "",
        "status": ConferenceStatus.INIT.value,
        "created_at": None,
        "ended_at": None,
        "end_reason": "",
        "details": {},
        "last_event_at": None,
    }


def _conference_started(state: dict, event: FoldableEvent) -> None:
    if state["status"] != ConferenceStatus.COMPLETED:
        state["status"] = ConferenceStatus.IN_PROGRESS.value
    state["created_at"] = state["created_at"] or happened_at(event)


def _conference_ended(state: dict, event: FoldableEvent, reason: str) -> None:
    if state["status"] == ConferenceStatus.COMPLETED:
        return
    state["status"] = ConferenceStatus.COMPLETED.value
    state["ended_at"] = happened_at(event)
    state["end_reason"] = reason


def _on_created(state: dict, event: FoldableEvent, payload: dict) -> None:
    _conference_started(state, event)
    state["name"] = text(payload, "name") or state["name"]


def _on_participant_joined(state: dict, event: FoldableEvent, payload: dict) -> None:
    _conference_started(state, event)


def _on_ended(state: dict, event: FoldableEvent, payload: dict) -> None:
    _conference_ended(state, event, text(payload, "reason", 40))


def _on_texml_ended(state: dict, event: FoldableEvent, payload: dict) -> None:
    _conference_ended(state, event, text(payload, "ReasonConferenceEnded", 40) or "ended")


def _on_reconciled_name(state: dict, event: FoldableEvent, payload: dict) -> None:
    state["name"] = state["name"] or text(payload, "name")


def _on_reconciled_end(state: dict, event: FoldableEvent, payload: dict) -> None:
    _conference_ended(state, event, "reconciled")


def _on_recording_saved(state: dict, event: FoldableEvent, payload: dict) -> None:
    state["details"].setdefault("recordings", []).append(
        {
            "recording_id": text(payload, "recording_id", 200),
            "format": text(payload, "format", 10),
            "channels": text(payload, "channels", 20),
            "recording_urls": json_dict(payload, "recording_urls"),
            "public_recording_urls": json_dict(payload, "public_recording_urls"),
        }
    )


def _on_media(state: dict, event: FoldableEvent, payload: dict) -> None:
    """What is playing or being spoken, to the conference or to one participant."""
    facet = "playback" if ".playback." in event.event_type else "speak"
    state["details"][facet] = {
        "event": event.event_type,
        "at": iso(happened_at(event)),
        "media_url": text(payload, "media_url"),
        "media_name": text(payload, "media_name"),
    }


CONFERENCE_HANDLERS: dict[str, Callable[[dict, FoldableEvent, dict], None]] = {
    EventType.CONFERENCE_CREATED: _on_created,
    EventType.TEXML_CONFERENCE_START: _on_created,
    EventType.RECONCILE_CONFERENCE_FOUND: _on_created,
    EventType.CONFERENCE_PARTICIPANT_JOINED: _on_participant_joined,
    EventType.TEXML_PARTICIPANT_JOIN: _on_participant_joined,
    EventType.CONFERENCE_ENDED: _on_ended,
    EventType.TEXML_CONFERENCE_END: _on_texml_ended,
    EventType.RECONCILE_CONFERENCE_NAMED: _on_reconciled_name,
    EventType.RECONCILE_CONFERENCE_ENDED: _on_reconciled_end,
    EventType.CONFERENCE_RECORDING_SAVED: _on_recording_saved,
    EventType.CONFERENCE_PLAYBACK_STARTED: _on_media,
    EventType.CONFERENCE_PLAYBACK_ENDED: _on_media,
    EventType.CONFERENCE_SPEAK_STARTED: _on_media,
    EventType.CONFERENCE_SPEAK_ENDED: _on_media,
}


def fold_conference(events: Iterable[FoldableEvent], start: dict | None = None) -> dict:
    state = start if start is not None else _conference_initial()
    for event in in_order(events):
        payload = event.payload if isinstance(event.payload, dict) else {}
        state["last_event_at"] = max(filter(None, [state["last_event_at"], happened_at(event)]))
        state["connection_id"] = (
            state["connection_id"]
            or text(payload, "connection_id", 200)
            or text(payload, "ConnectionId", 200)
        )
        if event.event_type.startswith(TEXML_PREFIX):
            state["kind"] = "texml"
            state["account_sid"] = state["account_sid"] or text(payload, "AccountSid", 200)
            state["name"] = state["name"] or text(payload, "FriendlyName")
        handler = CONFERENCE_HANDLERS.get(event.event_type)
        if handler:
            handler(state, event, payload)
    return state


# --- participants -----------------------------------------------------------------------------


def _participant_initial() -> dict:
    return {
        "telnyx_participant_id": "",
        "call_leg_id": "",
        "call_session_id": "",
        "label": "",
        "status": ParticipantStatus.JOINING.value,
        "muted": False,
        "on_hold": False,
        "supervisor_role": "none",
        "whisper_call_control_ids": [],
        "end_conference_on_exit": None,
        "soft_end_conference_on_exit": None,
        "beep_enabled": "",
        "coaching": False,
        "joined_at": None,
        "left_at": None,
        "state_since": None,
        "details": {},
        "last_event_at": None,
    }


def _joined(state: dict, event: FoldableEvent, payload: dict) -> None:
    if state["status"] == ParticipantStatus.LEFT:
        return
    state["joined_at"] = state["joined_at"] or happened_at(event)
    if state["status"] != ParticipantStatus.JOINED:
        state["status"] = ParticipantStatus.JOINED.value
        state["state_since"] = happened_at(event)
    if "Muted" in payload:
        state["muted"] = _flag(payload.get("Muted"))
    if "Hold" in payload:
        state["on_hold"] = _flag(payload.get("Hold"))
    if "Coaching" in payload:
        state["coaching"] = _flag(payload.get("Coaching"))
    state["label"] = state["label"] or text(payload, "ParticipantLabel", 200)


def _found(state: dict, event: FoldableEvent, payload: dict) -> None:
    _joined(state, event, payload)
    for key in ("muted", "on_hold"):
        if isinstance(payload.get(key), bool):
            state[key] = payload[key]
    _identified(state, event, payload)


def _identified(state: dict, event: FoldableEvent, payload: dict) -> None:
    # Telnyx's id names the participant for good: kept even once it has left.
    state["telnyx_participant_id"] = text(payload, "participant_id", 200) or state["telnyx_participant_id"]


def _left(state: dict, event: FoldableEvent, payload: dict) -> None:
    if state["status"] == ParticipantStatus.LEFT:
        return
    state["status"] = ParticipantStatus.LEFT.value
    state["left_at"] = happened_at(event)
    state["state_since"] = happened_at(event)
    state["on_hold"] = False


def _setter(**values: object) -> Callable[[dict, FoldableEvent, dict], None]:
    def handler(state: dict, event: FoldableEvent, payload: dict) -> None:
        if state["status"] == ParticipantStatus.LEFT:
            return
        if "on_hold" in values and values["on_hold"] != state["on_hold"]:
            state["details"]["hold_since"] = iso(happened_at(event)) if values["on_hold"] else None
        state.update(values)

    return handler


def _role_updated(state: dict, event: FoldableEvent, payload: dict) -> None:
    if state["status"] == ParticipantStatus.LEFT:
        return
    state["supervisor_role"] = text(payload, "supervisor_role", 10) or "none"
    state["whisper_call_control_ids"] = [str(x)[:200] for x in json_list(payload, "whisper_call_control_ids")]


def _updated(state: dict, event: FoldableEvent, payload: dict) -> None:
    if state["status"] == ParticipantStatus.LEFT:
        return
    for key in ("end_conference_on_exit", "soft_end_conference_on_exit"):
        if isinstance(payload.get(key), bool):
            state[key] = payload[key]
    if payload.get("beep_enabled"):
        state["beep_enabled"] = text(payload, "beep_enabled", 10)


def _texml_updated(state: dict, event: FoldableEvent, payload: dict) -> None:
    if state["status"] == ParticipantStatus.LEFT:
        return
    if "Muted" in payload:
        state["muted"] = _flag(payload["Muted"])
    if "Hold" in payload:
        _setter(on_hold=_flag(payload["Hold"]))(state, event, payload)
    if "Coaching" in payload:
        state["coaching"] = _flag(payload["Coaching"])
    if "EndConferenceOnExit" in payload:
        state["end_conference_on_exit"] = _flag(payload["EndConferenceOnExit"])


PARTICIPANT_HANDLERS: dict[str, Callable[[dict, FoldableEvent, dict], None]] = {
    EventType.CONFERENCE_PARTICIPANT_JOINED: _joined,
    EventType.TEXML_PARTICIPANT_JOIN: _joined,
    EventType.CONFERENCE_PARTICIPANT_LEFT: _left,
    EventType.TEXML_PARTICIPANT_LEAVE: _left,
    EventType.RECONCILE_PARTICIPANT_LEFT: _left,
    EventType.RECONCILE_PARTICIPANT_FOUND: _found,
    EventType.RECONCILE_PARTICIPANT_IDENTIFIED: _identified,
    EventType.DASHBOARD_PARTICIPANT_MUTED: _setter(muted=True),
    EventType.DASHBOARD_PARTICIPANT_UNMUTED: _setter(muted=False),
    EventType.DASHBOARD_PARTICIPANT_HELD: _setter(on_hold=True),
    EventType.DASHBOARD_PARTICIPANT_UNHELD: _setter(on_hold=False),
    EventType.DASHBOARD_PARTICIPANT_ROLE_UPDATED: _role_updated,
    EventType.DASHBOARD_PARTICIPANT_UPDATED: _updated,
    EventType.DASHBOARD_PARTICIPANT_TEXML_UPDATED: _texml_updated,
    EventType.CONFERENCE_PARTICIPANT_PLAYBACK_STARTED: _on_media,
    EventType.CONFERENCE_PARTICIPANT_PLAYBACK_ENDED: _on_media,
    EventType.CONFERENCE_PARTICIPANT_SPEAK_STARTED: _on_media,
    EventType.CONFERENCE_PARTICIPANT_SPEAK_ENDED: _on_media,
}


def fold_participant(events: Iterable[FoldableEvent], start: dict | None = None) -> dict:
    state = start if start is not None else _participant_initial()
    for event in in_order(events):
        payload = event.payload if isinstance(event.payload, dict) else {}
        state["last_event_at"] = max(filter(None, [state["last_event_at"], happened_at(event)]))
        state["call_leg_id"] = state["call_leg_id"] or text(payload, "call_leg_id", 200)
        state["call_session_id"] = state["call_session_id"] or text(payload, "call_session_id", 200)
        handler = PARTICIPANT_HANDLERS.get(event.event_type)
        if handler:
            handler(state, event, payload)
    return state


# --- writing ----------------------------------------------------------------------------------

_FOLD_FIELDS = (
    "event_id",
    "event_type",
    "occurred_at",
    "received_at",
    "payload",
    "conference_id",
    "call_control_id",
)
CONFERENCE_FIELDS = tuple(_conference_initial())
PARTICIPANT_FIELDS = tuple(_participant_initial())


def is_participant_event(event_type: str) -> bool:
    return event_type.startswith(PARTICIPANT_PREFIXES)


def _folds_into_conference(event: Event) -> bool:
    # A participant's own media, commands and reconciliation change the participant, not the
    # conference; the floor is a register of its own (`_settle_floor`).
    return event.event_type != EventType.CONFERENCE_FLOOR_CHANGED and not event.event_type.startswith(
        (*PARTICIPANT_MEDIA_PREFIXES, *PARTICIPANT_FACT_PREFIXES)
    )


def _conference_of(event: Event) -> str | None:
    return event.conference_id or None


def _load_conferences(ids: set[str]) -> dict[str, Conference]:
    return locked_rows(Conference, "conference_id", ids)


def _conference_log(ids: set[str]) -> QuerySet[Event]:
    return Event.objects.filter(conference_id__in=ids).only(*_FOLD_FIELDS)


def _all_conference_ids() -> QuerySet:
    return Event.objects.exclude(conference_id="").values_list("conference_id", flat=True).distinct()


def apply_floor_change(event: FoldableEvent) -> Conference | None:
    """Move the floor if this event is newer than the one that last moved it (order-independent)."""
    conference_id = text(event.payload, "conference_id", 200)
    moment = happened_at(event)
    updated = (
        Conference.objects.filter(conference_id=conference_id)
        .filter(Q(floor_changed_at__isnull=True) | Q(floor_changed_at__lt=moment))
        .update(floor_call_control_id=text(event.payload, "call_control_id", 200), floor_changed_at=moment)
    )
    if not updated:
        return None
    conference = Conference.objects.get(conference_id=conference_id)
    Conference.objects.filter(pk=conference.pk).update(version=conference.version + 1)
    conference.version += 1
    return conference


def _latest_floor_events(conference_ids: set[str]) -> list[Event]:
    """For a rebuild: the newest floor change of each conference."""
    latest: dict[str, Event] = {}
    events = Event.objects.filter(
        conference_id__in=conference_ids, event_type=EventType.CONFERENCE_FLOOR_CHANGED
    ).only(*_FOLD_FIELDS)
    for event in events:
        current = latest.get(event.conference_id)
        if current is None or happened_at(event) > happened_at(current):
            latest[event.conference_id] = event
    return list(latest.values())


def _settle_floor(conference_ids: set[str], new_events: Sequence[Event] | None) -> list[Conference]:
    if new_events is None:
        floor_events = _latest_floor_events(conference_ids)
    else:
        floor_events = [e for e in new_events if e.event_type == EventType.CONFERENCE_FLOOR_CHANGED]
    return [moved for moved in map(apply_floor_change, floor_events) if moved is not None]


CONFERENCE_PROJECTION = ProjectionSpec(
    name="conferences",
    model=Conference,
    order=10,
    key_of=_conference_of,
    folds=_folds_into_conference,
    fold=fold_conference,
    state_fields=CONFERENCE_FIELDS,
    load_rows=_load_conferences,
    log=_conference_log,
    new_rows=lambda folded: {cid: Conference(conference_id=cid, **values) for cid, values in folded.items()},
    all_keys=_all_conference_ids,
    settle=_settle_floor,
)


def _participant_of(event: Event) -> tuple[str, str] | None:
    if event.conference_id and event.call_control_id and is_participant_event(event.event_type):
        return (event.conference_id, event.call_control_id)
    return None


def _load_participants(keys: set[tuple[str, str]]) -> dict[tuple[str, str], Participant]:
    rows = (
        Participant.objects.select_for_update(of=("self",))
        .filter(
            conference__conference_id__in={conf for conf, _ in keys},
            call_control_id__in={call for _, call in keys},
        )
        .select_related("conference")
        .order_by("pk")
    )
    found = {(p.conference.conference_id, p.call_control_id): p for p in rows}
    return {key: row for key, row in found.items() if key in keys}


def _participant_log(keys: set[tuple[str, str]]) -> QuerySet[Event]:
    query = Q()
    for conf, call in keys:
        query |= Q(conference_id=conf, call_control_id=call)
    return Event.objects.filter(query).only(*_FOLD_FIELDS)


def _all_participant_keys() -> Iterable[tuple[str, str]]:
    pairs = (
        Event.objects.exclude(conference_id="")
        .exclude(call_control_id="")
        .values_list("conference_id", "call_control_id", "event_type")
        .iterator()
    )
    return {(conf, call) for conf, call, kind in pairs if is_participant_event(kind)}


def _new_participants(folded: dict[tuple[str, str], dict]) -> dict[tuple[str, str], Participant]:
    # Conferences are projected first: every participant's conference has its row by now.
    conferences = Conference.objects.in_bulk({conf for conf, _ in folded}, field_name="conference_id")
    return {
        (conf, call): Participant(conference=conferences[conf], call_control_id=call, **values)
        for (conf, call), values in folded.items()
    }


PARTICIPANT_PROJECTION = ProjectionSpec(
    name="participants",
    model=Participant,
    order=20,
    key_of=_participant_of,
    folds=lambda event: True,
    fold=fold_participant,
    state_fields=PARTICIPANT_FIELDS,
    load_rows=_load_participants,
    log=_participant_log,
    new_rows=_new_participants,
    all_keys=_all_participant_keys,
    rebuild_chunk=200,
)


def touch_conferences_of_participants(changes: StateChanges) -> None:
    """A participant change alters its conference's row (the live count): bump its version too."""
    conferences = changes.setdefault("conferences", [])
    pks = {p.conference_id for p in changes.get("participants", [])} - {c.pk for c in conferences}
    if pks:
        Conference.objects.filter(pk__in=pks).update(version=F("version") + 1)
        conferences += list(Conference.objects.filter(pk__in=pks))
