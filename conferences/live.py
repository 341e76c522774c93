"""Live conferences and participants on open pages: their groups, and their rows as fragments."""

from datetime import datetime

from django.db.models import QuerySet
from django.template.loader import get_template, render_to_string
from django.utils.safestring import SafeString

from conferences.models import Conference, Participant, ParticipantStatus
from conferences.selectors import conference_list, live_floor_keys, recording_conferences, with_callers
from dashboard.actions.fields import CommandForm
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
# Every participant's actions on the live list, once for the page (static/floor.js copies them into
# a participant's menu); "__row__" stands for the participant's pk in their field ids.
PARTICIPANT_MENUS = "conferences/_participant_menus.html"
_MENU_ROW = "__row__"
_menus: dict[bool, tuple[object, SafeString]] = {}


def conference_group(conference_pk: int) -> str:
    return f"conference.{conference_pk}"


def _detail_group(conference_id: str) -> str | None:
    pk = Conference.objects.filter(conference_id=conference_id).values_list("pk", flat=True).first()
    return conference_group(pk) if pk else None


def _iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment else ""


def _stamp(version: int, key: str, *moments: datetime | None) -> tuple:
    # Plain values: the stamp travels in broadcast notes, through Redis as msgpack.
    return (version, key, *(_iso(moment) for moment in moments))


def _conference_stamp(conference: Conference) -> tuple:
    return _stamp(
        conference.version, conference.conference_id, conference.last_event_at, conference.floor_changed_at
    )


def _participant_stamp(participant: Participant) -> tuple:
    return _stamp(participant.version, participant.call_control_id, participant.last_event_at)


def _touched_conferences(moment: datetime) -> QuerySet:
    return Event.objects.filter(received_at__gte=moment).exclude(conference_id="").values("conference_id")


def _conferences_changed_since(moment: datetime) -> QuerySet[Conference]:
    return Conference.objects.filter(conference_id__in=_touched_conferences(moment))


def _participants_changed_since(moment: datetime) -> QuerySet[Participant]:
    return Participant.objects.filter(conference__conference_id__in=_touched_conferences(moment))


def row_context(conference: Conference, can_act: bool, recording: bool) -> dict:
    """What the conference row shows beyond the conference: its recording, and its own actions
    (none for TeXML conferences, which take no Call Control conference command)."""
    quick = ()
    if can_act and conference.kind != "texml":
        quick = tuple(
            name for name in ROW_ACTIONS if action_spec("conference", name).available_in(conference.status)
        )
    return {"conference": conference, "can_act": can_act, "quick": quick, "recording": recording}


def _conference_row(conference: Conference, can_act: bool, recording: bool) -> RenderedRow:
    return RenderedRow(
        stamp=_conference_stamp(conference),
        dom_id=f"conference-{conference.pk}",
        alive=conference.is_live,
        html=render_to_string(CONFERENCE_ROW, row_context(conference, can_act, recording)),
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


# Rows missing from the cache are read this many at a time (a bounded IN list on any database).
_CHUNK = 500


def _chunks(pks: list[int]) -> list[list[int]]:
    return [pks[start : start + _CHUNK] for start in range(0, len(pks), _CHUNK)]


def _render_conferences(pks: list[int], can_act: bool) -> dict[int, RenderedRow]:
    out = {}
    for chunk in _chunks(pks):
        conferences = list(conference_list().filter(pk__in=chunk))
        recording = recording_conferences([conference.conference_id for conference in conferences])
        for conference in conferences:
            out[conference.pk] = _conference_row(conference, can_act, conference.conference_id in recording)
            rows.put("conference", can_act, conference.pk, out[conference.pk])
    return out


def _render_floor_participants(pks: list[int], can_act: bool) -> dict[int, RenderedRow]:
    out = {}
    for chunk in _chunks(pks):
        for participant in with_callers(Participant.objects.filter(pk__in=chunk)):
            out[participant.pk] = _floor_participant_row(participant, can_act)
            rows.put("floor_participant", can_act, participant.pk, out[participant.pk])
    return out


def floor_rows(can_act: bool, can_act_on_participants: bool) -> tuple[int, list[bytes]]:
    """How many conferences are live, and the live list's rows: each conference followed by who is
    in it. Rows come from the row cache the websocket fragments share (`dashboard/realtime/rows.py`),
    looked up by stamps read as plain tuples: only a row that changed since any page or socket of
    this process last needed it is read whole and rendered."""
    conferences, participants = live_floor_keys()
    found = rows.get_many(
        "conference", can_act, {pk: _stamp(version, *rest) for pk, version, *rest in conferences}
    )
    present = rows.get_many(
        "floor_participant",
        can_act_on_participants,
        {pk: _stamp(version, *rest) for pk, _, version, *rest in participants},
    )
    found.update(_render_conferences([key[0] for key in conferences if key[0] not in found], can_act))
    present.update(
        _render_floor_participants(
            [key[0] for key in participants if key[0] not in present], can_act_on_participants
        )
    )
    under: dict[int, list[bytes]] = {}
    for pk, conference_pk, *_ in participants:
        # A row that changed between the two reads (left, or its conference ended) is skipped: the
        # socket brings it.
        if pk in present:
            under.setdefault(conference_pk, []).append(present[pk].html_bytes())
    out = []
    for pk, *_ in conferences:
        if pk in found:
            out.append(found[pk].html_bytes())
            out.extend(under.get(pk, ()))
    return len(conferences), out


def participant_menus(can_supervise: bool) -> SafeString:
    """The live list's participant menus, rendered once per process (again when the templates are
    reloaded): blank forms, the same for every page."""
    template = get_template(PARTICIPANT_MENUS)
    compiled, html = _menus.get(can_supervise, (None, SafeString()))
    if compiled is not template.template:

        def blank(action: str) -> CommandForm:
            return action_spec("participant", action).form(auto_id=f"id_p{_MENU_ROW}_{action}_%s")

        forms = {action: blank(action) for action in ("update", "participant_update", "texml_update")}
        html = SafeString(template.render({**forms, "can_supervise": can_supervise}))
        _menus[can_supervise] = (template.template, html)
    return html


def _participant_row(participant: Participant, can_act: bool) -> RenderedRow:
    html = render_to_string(
        "conferences/_participant_row.html", {"participant": participant, "can_act_on_participants": can_act}
    )
    return RenderedRow(
        stamp=_participant_stamp(participant),
        dom_id=f"participant-{participant.pk}",
        alive=participant.status != ParticipantStatus.LEFT,
        html=html,
    )


def _render_participants(pks: list[int], can_act: bool) -> dict[int, RenderedRow]:
    return {
        participant.pk: _participant_row(participant, can_act)
        for chunk in _chunks(pks)
        for participant in with_callers(Participant.objects.filter(pk__in=chunk))
    }


def register() -> None:
    register_live_kind(
        LiveKind(
            kind="conference",
            projection="conferences",
            groups=lambda conference: [CONFERENCES_GROUP, conference_group(conference.pk)],
            stamp=_conference_stamp,
            render=_render_conferences,
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
            render=_render_floor_participants,
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
            render=_render_participants,
            act_permission="dashboard.participant_mute",
            changed_since=_participants_changed_since,
        )
    )
    register_live_page(
        LivePage(target="conferences", list_group=CONFERENCES_GROUP, detail_group=_detail_group)
    )
