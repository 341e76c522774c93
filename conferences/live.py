"""Live conferences and participants on open pages: their groups, and their rows as fragments."""

from datetime import datetime

from django.db.models import QuerySet
from django.template.loader import render_to_string

from conferences.models import Conference, Participant, ParticipantStatus
from conferences.selectors import conference_list, conference_recording, with_callers
from dashboard.actions.spec import action_spec
from dashboard.models import Event
from dashboard.realtime.registry import LiveKind, LivePage, register_live_kind, register_live_page
from dashboard.realtime.rows import RenderedRow, rows

CONFERENCES_GROUP = "conferences"
CONFERENCE_ROW = "conferences/_conference_row.html"
# A participant as the live conference list shows it, under its conference (the conference page
# has its own, wider row): a kind of its own, so each page gets the fragment it lays out.
FLOOR_PARTICIPANT_ROW = "conferences/_floor_participant_row.html"
# The actions a live conference row offers itself, when the conference's status allows them.
ROW_ACTIONS = ("mute", "unmute", "end")


def conference_group(conference_pk: int) -> str:
    return f"conference.{conference_pk}"


def _detail_group(conference_id: str) -> str | None:
    pk = Conference.objects.filter(conference_id=conference_id).values_list("pk", flat=True).first()
    return conference_group(pk) if pk else None


def _iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment else ""


def _conference_stamp(conference: Conference) -> tuple:
    # Plain values: the stamp travels in broadcast notes, through Redis as msgpack.
    return (
        conference.version,
        conference.conference_id,
        _iso(conference.last_event_at),
        _iso(conference.floor_changed_at),
    )


def _participant_stamp(participant: Participant) -> tuple:
    return (participant.version, participant.call_control_id, _iso(participant.last_event_at))


def _touched_conferences(moment: datetime) -> QuerySet:
    return Event.objects.filter(received_at__gte=moment).exclude(conference_id="").values("conference_id")


def _conferences_changed_since(moment: datetime) -> QuerySet[Conference]:
    return Conference.objects.filter(conference_id__in=_touched_conferences(moment))


def _participants_changed_since(moment: datetime) -> QuerySet[Participant]:
    return Participant.objects.filter(conference__conference_id__in=_touched_conferences(moment))


def row_context(conference: Conference, can_act: bool) -> dict:
    """What the conference row shows beyond the conference: its recording, and its own actions
    (none for TeXML conferences, which take no Call Control conference command)."""
    quick = ()
    if can_act and conference.kind != "texml":
        quick = tuple(
            name for name in ROW_ACTIONS if action_spec("conference", name).available_in(conference.status)
        )
    return {
        "conference": conference,
        "can_act": can_act,
        "quick": quick,
        "recording": conference_recording(conference),
    }


def _conference_row(conference: Conference, can_act: bool) -> RenderedRow:
    return RenderedRow(
        stamp=_conference_stamp(conference),
        dom_id=f"conference-{conference.pk}",
        alive=conference.is_live,
        html=render_to_string(CONFERENCE_ROW, row_context(conference, can_act)),
    )


def _floor_participant_row(participant: Participant, can_act: bool) -> RenderedRow:
    html = render_to_string(
        FLOOR_PARTICIPANT_ROW, {"participant": participant, "can_act_on_participants": can_act}
    )
    return RenderedRow(
        stamp=_participant_stamp(participant),
        dom_id=f"floor-participant-{participant.pk}",
        alive=participant.status != ParticipantStatus.LEFT,
        html=html,
    )


def _render_conference(pk: int, can_act: bool) -> RenderedRow:
    return _conference_row(conference_list().get(pk=pk), can_act)


def _render_floor_participant(pk: int, can_act: bool) -> RenderedRow:
    return _floor_participant_row(with_callers(Participant.objects.all()).get(pk=pk), can_act)


def floor_rows(conferences: list[Conference], can_act: bool, can_act_on_participants: bool) -> list[bytes]:
    """The live list's rows, each conference followed by who is in it, from the row cache the
    websocket fragments share (`dashboard/realtime/rows.py`): a row is rendered only when it
    changed since any page or socket of this process last needed it."""
    participants = [participant for conference in conferences for participant in conference.floor_participants]
    found = rows.get_many("conference", can_act, {c.pk: _conference_stamp(c) for c in conferences})
    present = rows.get_many(
        "floor_participant", can_act_on_participants, {p.pk: _participant_stamp(p) for p in participants}
    )
    out = []
    for conference in conferences:
        if conference.pk not in found:
            found[conference.pk] = _conference_row(conference, can_act)
            rows.put("conference", can_act, conference.pk, found[conference.pk])
        out.append(found[conference.pk].html_bytes())
        for participant in conference.floor_participants:
            if participant.pk not in present:
                present[participant.pk] = _floor_participant_row(participant, can_act_on_participants)
                rows.put("floor_participant", can_act_on_participants, participant.pk, present[participant.pk])
            out.append(present[participant.pk].html_bytes())
    return out


def _render_participant(pk: int, can_act: bool) -> RenderedRow:
    participant = with_callers(Participant.objects.all()).get(pk=pk)
    html = render_to_string(
        "conferences/_participant_row.html", {"participant": participant, "can_act_on_participants": can_act}
    )
    return RenderedRow(
        stamp=_participant_stamp(participant),
        dom_id=f"participant-{pk}",
        alive=participant.status != ParticipantStatus.LEFT,
        html=html,
    )


def register() -> None:
    register_live_kind(
        LiveKind(
            kind="conference",
            projection="conferences",
            groups=lambda conference: [CONFERENCES_GROUP, conference_group(conference.pk)],
            stamp=_conference_stamp,
            render=_render_conference,
            act_permission="dashboard.conference_mute",
            changed_since=_conferences_changed_since,
        )
    )
    register_live_kind(
        LiveKind(
            kind="floor_participant",
            projection="participants",
            groups=lambda participant: [CONFERENCES_GROUP],
            stamp=_participant_stamp,
            render=_render_floor_participant,
            act_permission="dashboard.participant_mute",
            changed_since=_participants_changed_since,
        )
    )
    register_live_kind(
        LiveKind(
            kind="participant",
            projection="participants",
            groups=lambda participant: [conference_group(participant.conference_id)],
            stamp=_participant_stamp,
            render=_render_participant,
            act_permission="dashboard.participant_mute",
            changed_since=_participants_changed_since,
        )
    )
    register_live_page(
        LivePage(target="conferences", list_group=CONFERENCES_GROUP, detail_group=_detail_group)
    )
