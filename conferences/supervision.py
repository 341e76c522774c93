"""Supervising a conference, or one participant in it, from one's own phone.

Telnyx joins a supervisor into a conference with the join command's `supervisor_role` (and
`whisper_call_control_ids`: who hears a whisper). So: the supervisor's phone is dialled, and once
it answers (calls/supervision/hooks.py) it is joined in its role; the role is switched with the
conference `update` command; Leave hangs up the supervisor's leg like any supervision.
"""

from calls.models import Call
from calls.supervision import selectors as supervision_selectors
from calls.supervision import services
from calls.supervision.actions import SUPERVISE_BY_JOIN
from calls.supervision.hooks import ConferenceSupervision, register_conference_supervision
from calls.supervision.models import Supervision, SupervisorRole
from conferences.models import Conference, Participant
from conferences.services import conference_target
from dashboard.actions.runner import ActionDenied, ActionInvalid, perform_action
from dashboard.actions.spec import action_spec
from dashboard.models import ActionOutcome, OperatorAction
from dashboard.telnyx import TelnyxClient

# A whole conference has nobody in particular to whisper to: Listen or Barge.
CONFERENCE_ROLES = (SupervisorRole.MONITOR, SupervisorRole.BARGE)


def _whisper_to(supervision: Supervision, role: str) -> str:
    """The join's and update's `whisper_call_control_ids`, one per line as the forms read them."""
    return "\n".join(supervision.whisper_call_control_ids) if role == SupervisorRole.WHISPER else ""


def supervise_conference(
    *,
    user,  # noqa: ANN001
    conference: Conference,
    role: str,
    participant: Participant | None = None,
    channel: str = "web",
    submission_id: str = "",
    client: TelnyxClient | None = None,
) -> tuple[Supervision, OperatorAction]:
    """Dial the user's supervisor phone, to join `conference` in `role` once answered; with a
    `participant`, a whisper is heard by that participant alone."""
    name = conference.name or conference.conference_id
    supervision = Supervision(conference_id=conference.conference_id, target_name=name[:300])
    if participant is not None:
        call = Call.objects.filter(call_control_id=participant.call_control_id).first()
        who = supervision_selectors.call_party(call) if call else participant.label or participant.call_control_id
        supervision.target_call_control_id = participant.call_control_id
        supervision.target_name = f"{who} in {name}"[:300]
        supervision.whisper_call_control_ids = [participant.call_control_id]
    data = {
        "to": services.supervisor_phone_of(user),
        "from_": _our_number(conference),
        "role": role if participant is not None or role in CONFERENCE_ROLES else "",
    }
    return services.start_supervision(
        user=user,
        spec=SUPERVISE_BY_JOIN,
        target=conference_target(conference),
        data=data,
        supervision=supervision,
        channel=channel,
        submission_id=submission_id,
        client=client,
    )


def _our_number(conference: Conference) -> str:
    """A number of ours the conference's calls use, shown as the caller on the supervisor's phone."""
    legs = conference.participants.values_list("call_control_id", flat=True)
    for call in Call.objects.filter(call_control_id__in=list(legs[:20])):
        number = supervision_selectors.our_number(call)
        if number:
            return number
    return ""


def join_supervisor(supervision_pk: int) -> None:
    """The supervisor answered: join their leg into the conference in their role (audited as them)."""
    supervision = Supervision.objects.select_related("user").filter(pk=supervision_pk).first()
    if supervision is None or not supervision.is_active or supervision.user is None:
        return
    conference = Conference.objects.filter(conference_id=supervision.conference_id).first()
    if conference is None:
        return
    data = {
        "call_control_id": supervision.supervisor_call_control_id,
        "supervisor_role": supervision.role,
        "whisper_call_control_ids": _whisper_to(supervision, supervision.role),
    }
    try:
        record = perform_action(
            user=supervision.user,
            channel="auto",
            spec=action_spec("conference", "join"),
            target=conference_target(conference),
            data=data,
        )
    except (ActionDenied, ActionInvalid) as exc:
        record = exc.record
    if record.outcome == ActionOutcome.OK:
        services.joined(supervision)
    else:
        services.join_refused(user=supervision.user, supervision=supervision, record=record)


def switch_conference_role(
    *,
    user,  # noqa: ANN001
    supervision: Supervision,
    role: str,
    channel: str = "web",
    submission_id: str = "",
    client: TelnyxClient | None = None,
) -> OperatorAction:
    conference = Conference.objects.get(conference_id=supervision.conference_id)
    return perform_action(
        user=user,
        channel=channel,
        spec=action_spec("conference", "update"),
        target=conference_target(conference),
        data={
            "call_control_id": supervision.supervisor_call_control_id,
            "supervisor_role": role,
            "whisper_call_control_ids": _whisper_to(supervision, role),
        },
        submission_id=submission_id,
        client=client,
    )


def register() -> None:
    register_conference_supervision(ConferenceSupervision(join=join_supervisor, switch=switch_conference_role))
