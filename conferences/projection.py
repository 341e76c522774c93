"""Fold conference and participant events into Conference and Participant rows.

Both Call Control webhooks (`conference.*`) and TeXML status callbacks (`texml.*`) land here.
Telnyx sends no webhook for mute and hold: the dashboard records the command's success as a
`dashboard.participant.*` event, folded like any other so a rebuild keeps it. Ended conferences
and departed participants are terminal. The floor (who is talking) changes far more often than
anything else, so it is kept as a last-writer-wins register instead of being refolded.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable

from django.db.models import Q

from conferences.models import Conference, ConferenceStatus, Participant, ParticipantStatus
from dashboard.eventlog.folding import (
    FoldableEvent,
    happened_at,
    in_order,
    iso,
    json_dict,
    json_list,
    plan_folds,
    state_of,
    text,
    write_projection,
)
from dashboard.models import Event

FLOOR_EVENT = "conference.floor.changed"
_PARTICIPANT_MEDIA_PREFIXES = ("conference.participant.playback.", "conference.participant.speak.")
_TRUE = {"true", "1", "yes"}


def _flag(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in _TRUE)


def is_participant_event(event_type: str) -> bool:
    return event_type.startswith(
        ("conference.participant.", "dashboard.participant.", "texml.participant-", "reconcile.participant.")
    )


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


def fold_conference(events: Iterable[FoldableEvent], start: dict | None = None) -> dict:
    state = start if start is not None else _conference_initial()
    for event in in_order(events):
        payload = event.payload if isinstance(event.payload, dict) else {}
        kind = event.event_type
        state["last_event_at"] = max(filter(None, [state["last_event_at"], happened_at(event)]))
        state["connection_id"] = (
            state["connection_id"]
            or text(payload, "connection_id", 200)
            or text(payload, "ConnectionId", 200)
        )
        if kind.startswith("texml."):
            state["kind"] = "texml"
            state["account_sid"] = state["account_sid"] or text(payload, "AccountSid", 200)
            state["name"] = state["name"] or text(payload, "FriendlyName")
        if kind in {"conference.created", "texml.conference-start", "reconcile.conference.found"}:
            _conference_started(state, event)
            state["name"] = text(payload, "name") or state["name"]
        elif kind in {"conference.participant.joined", "texml.participant-join"}:
            _conference_started(state, event)
        elif kind == "conference.ended":
            _conference_ended(state, event, text(payload, "reason", 40))
        elif kind == "texml.conference-end":
            _conference_ended(state, event, text(payload, "ReasonConferenceEnded", 40) or "ended")
        elif kind == "reconcile.conference.named":
            state["name"] = state["name"] or text(payload, "name")
        elif kind == "reconcile.conference.ended":
            _conference_ended(state, event, "reconciled")
        elif kind == "conference.recording.saved":
            state["details"].setdefault("recordings", []).append(
                {
                    "recording_id": text(payload, "recording_id", 200),
                    "format": text(payload, "format", 10),
                    "channels": text(payload, "channels", 20),
                    "recording_urls": json_dict(payload, "recording_urls"),
                    "public_recording_urls": json_dict(payload, "public_recording_urls"),
                }
            )
        elif kind.startswith(("conference.playback.", "conference.speak.")):
            facet = "playback" if ".playback." in kind else "speak"
            state["details"][facet] = {
                "event": kind,
                "at": iso(happened_at(event)),
                "media_url": text(payload, "media_url"),
                "media_name": text(payload, "media_name"),
            }
    return state


# --- participants -----------------------------------------------------------------------------


def _participant_initial() -> dict:
    return {
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


def _media(state: dict, event: FoldableEvent, payload: dict) -> None:
    facet = "playback" if ".playback." in event.event_type else "speak"
    state["details"][facet] = {
        "event": event.event_type,
        "at": iso(happened_at(event)),
        "media_url": text(payload, "media_url"),
        "media_name": text(payload, "media_name"),
    }


PARTICIPANT_HANDLERS: dict[str, Callable[[dict, FoldableEvent, dict], None]] = {
    "conference.participant.joined": _joined,
    "texml.participant-join": _joined,
    "conference.participant.left": _left,
    "texml.participant-leave": _left,
    "reconcile.participant.left": _left,
    "reconcile.participant.found": _found,
    "dashboard.participant.muted": _setter(muted=True),
    "dashboard.participant.unmuted": _setter(muted=False),
    "dashboard.participant.held": _setter(on_hold=True),
    "dashboard.participant.unheld": _setter(on_hold=False),
    "dashboard.participant.role_updated": _role_updated,
    "dashboard.participant.updated": _updated,
    "dashboard.participant.texml_updated": _texml_updated,
    "conference.participant.playback.started": _media,
    "conference.participant.playback.ended": _media,
    "conference.participant.speak.started": _media,
    "conference.participant.speak.ended": _media,
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


def _folds_into_conference(event_type: str) -> bool:
    return event_type != FLOOR_EVENT and not event_type.startswith(
        (
            "conference.participant.playback.",
            "conference.participant.speak.",
            "dashboard.participant.",
            "reconcile.participant.",
        )
    )


def _conference_log(ids: set[str]) -> dict[str, list[Event]]:
    by_conference: dict[str, list[Event]] = defaultdict(list)
    events = (
        Event.objects.filter(conference_id__in=ids)
        .exclude(event_type=FLOOR_EVENT)
        .exclude(event_type__startswith="conference.participant.playback.")
        .exclude(event_type__startswith="conference.participant.speak.")
        .exclude(event_type__startswith="dashboard.participant.")
        .exclude(event_type__startswith="reconcile.participant.")
        .only(*_FOLD_FIELDS)
    )
    for event in events:
        by_conference[event.conference_id].append(event)
    return by_conference


def project_conferences(
    conference_ids: Iterable[str], new_events: Iterable[Event] | None = None
) -> list[Conference]:
    """Bring the given conferences up to date (see `calls.projection.project_calls`); every id gets a row."""
    ids = {cid for cid in conference_ids if cid}
    if not ids:
        return []
    existing = {
        c.conference_id: c
        for c in Conference.objects.select_for_update()
        .filter(conference_id__in=ids)
        .order_by("conference_id")
    }
    fresh: dict[str, list[Event]] | None = None
    if new_events is not None:
        fresh = defaultdict(list)
        for event in new_events:
            if event.conference_id in ids and _folds_into_conference(event.event_type):
                fresh[event.conference_id].append(event)
    continuing, refold = plan_folds(ids, existing, fresh)
    folded = {
        cid: fold_conference(events, state_of(row, CONFERENCE_FIELDS) if row else None)
        for cid, (row, events) in continuing.items()
    }
    if refold:
        log = _conference_log(refold)
        # A conference only heard of through a floor change or participant media still gets a row.
        folded.update({cid: fold_conference(log.get(cid, [])) for cid in refold})
    return write_projection(
        Conference, folded, existing, lambda cid, values: Conference(conference_id=cid, **values)
    )


def _participant_log(keys: set[tuple[str, str]]) -> dict[tuple[str, str], list[Event]]:
    by_key: dict[tuple[str, str], list[Event]] = defaultdict(list)
    if not keys:
        return by_key
    query = Q()
    for conf, call in keys:
        query |= Q(conference_id=conf, call_control_id=call)
    for event in Event.objects.filter(query).exclude(event_type=FLOOR_EVENT).only(*_FOLD_FIELDS):
        if is_participant_event(event.event_type):
            by_key[(event.conference_id, event.call_control_id)].append(event)
    return by_key


def project_participants(
    keys: Iterable[tuple[str, str]], new_events: Iterable[Event] | None = None
) -> list[Participant]:
    """Bring participants, given as (conference_id, call_control_id), up to date; conferences must exist."""
    wanted = {(conf, call) for conf, call in keys if conf and call}
    if not wanted:
        return []
    conference_ids = {conf for conf, _ in wanted}
    conferences = {c.conference_id: c for c in Conference.objects.filter(conference_id__in=conference_ids)}
    existing = {
        (p.conference.conference_id, p.call_control_id): p
        for p in Participant.objects.select_for_update(of=("self",))
        .filter(
            conference__conference_id__in=conference_ids, call_control_id__in={call for _, call in wanted}
        )
        .select_related("conference")
        .order_by("pk")
        if (p.conference.conference_id, p.call_control_id) in wanted
    }
    fresh: dict[tuple[str, str], list[Event]] | None = None
    if new_events is not None:
        fresh = defaultdict(list)
        for event in new_events:
            key = (event.conference_id, event.call_control_id)
            if key in wanted and is_participant_event(event.event_type):
                fresh[key].append(event)
    continuing, refold = plan_folds(wanted, existing, fresh)
    folded = {
        key: fold_participant(events, state_of(row, PARTICIPANT_FIELDS) if row else None)
        for key, (row, events) in continuing.items()
    }
    if refold:
        folded.update({key: fold_participant(events) for key, events in _participant_log(refold).items()})
    return write_projection(
        Participant,
        folded,
        existing,
        lambda key, values: Participant(conference=conferences[key[0]], call_control_id=key[1], **values),
    )


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


def latest_floor_events(conference_ids: Iterable[str]) -> list[Event]:
    """For a rebuild: the newest floor change of each conference."""
    latest: dict[str, Event] = {}
    for event in Event.objects.filter(conference_id__in=set(conference_ids), event_type=FLOOR_EVENT).only(
        *_FOLD_FIELDS
    ):
        current = latest.get(event.conference_id)
        if current is None or happened_at(event) > happened_at(current):
            latest[event.conference_id] = event
    return list(latest.values())
