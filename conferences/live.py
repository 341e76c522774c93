"""Live conferences and participants on open pages: their groups, and their rows as fragments."""

from django.template.loader import render_to_string

from conferences.models import Conference, Participant, ParticipantStatus
from conferences.selectors import conference_list, with_callers
from dashboard.realtime.registry import LiveKind, LivePage, register_live_kind, register_live_page

CONFERENCES_GROUP = "conferences"


def conference_group(conference_pk: int) -> str:
    return f"conference.{conference_pk}"


def _detail_group(conference_id: str) -> str | None:
    pk = Conference.objects.filter(conference_id=conference_id).values_list("pk", flat=True).first()
    return conference_group(pk) if pk else None


def _render_conference(pk: int, can_act: bool) -> dict:
    conference = conference_list().get(pk=pk)
    html = render_to_string("conferences/_conference_row.html", {"conference": conference})
    return {"dom_id": f"conference-{pk}", "version": conference.version, "alive": conference.is_live, "html": html}


def _render_participant(pk: int, can_act: bool) -> dict:
    participant = with_callers(Participant.objects.all()).get(pk=pk)
    html = render_to_string(
        "conferences/_participant_row.html", {"participant": participant, "can_act_on_participants": can_act}
    )
    return {
        "dom_id": f"participant-{pk}",
        "version": participant.version,
        "alive": participant.status != ParticipantStatus.LEFT,
        "html": html,
    }


def register() -> None:
    register_live_kind(
        LiveKind(
            kind="conference",
            projection="conferences",
            groups=lambda conference: [CONFERENCES_GROUP, conference_group(conference.pk)],
            render=_render_conference,
        )
    )
    register_live_kind(
        LiveKind(
            kind="participant",
            projection="participants",
            groups=lambda participant: [conference_group(participant.conference_id)],
            render=_render_participant,
            act_permission="dashboard.participant_mute",
        )
    )
    register_live_page(
        LivePage(target="conferences", list_group=CONFERENCES_GROUP, detail_group=_detail_group)
    )
