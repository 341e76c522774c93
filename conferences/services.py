"""Conference and participant actions: each sends one Telnyx command, as the action tables say.

Telnyx sends no webhook for mute, unmute, hold, unhold, supervisor-role changes or participant
updates: on success the runner records them as `dashboard.participant.*` facts, one per leg the
command affected.
"""

from collections.abc import Callable

from django.conf import settings

from conferences.live import conference_group
from conferences.models import Conference, Participant, ParticipantStatus
from dashboard.actions.runner import ActionTarget, perform_action
from dashboard.actions.spec import action_spec
from dashboard.models import OperatorAction
from dashboard.telnyx import TelnyxClient


def _legs_named_by(conference: Conference) -> Callable[[dict], list[str]]:
    def affected(params: dict) -> list[str]:
        if params.get("call_control_id"):
            return [params["call_control_id"]]
        if params.get("call_control_ids"):
            return list(params["call_control_ids"])
        # An empty list means everyone in the conference.
        return list(
            conference.participants.filter(status=ParticipantStatus.JOINED).values_list(
                "call_control_id", flat=True
            )
        )

    return affected


def conference_target(conference: Conference) -> ActionTarget:
    return ActionTarget(
        kind="conference",
        conference_id=conference.conference_id,
        path_ids={"conference_id": conference.conference_id},
        affected=_legs_named_by(conference),
        live_groups=(conference_group(conference.pk),),
    )


def participant_target(participant: Participant) -> ActionTarget:
    conference = participant.conference
    leg = participant.call_control_id
    return ActionTarget(
        kind="participant",
        conference_id=conference.conference_id,
        call_control_id=leg,
        participant_id=leg,
        path_ids={
            "conference_id": conference.conference_id,
            "participant_id": leg,
            "account_sid": conference.account_sid or settings.TELNYX_TEXML_ACCOUNT_SID,
            "conference_sid": conference.conference_id,
            "call_sid_or_label": participant.label or leg,
        },
        affected=lambda params: [leg],
        live_groups=(conference_group(conference.pk),),
    )


def conference_run_command(
    *,
    user,  # noqa: ANN001
    conference: Conference,
    action: str,
    data: dict,
    channel: str = "web",
    submission_id: str = "",
    client: TelnyxClient | None = None,
) -> OperatorAction:
    """A conference-wide command: mute all, unmute all, hold, end, play, speak, record, join, ..."""
    spec = action_spec("conference", action)
    if spec is None:
        raise KeyError(action)
    return perform_action(
        user=user,
        channel=channel,
        spec=spec,
        target=conference_target(conference),
        data=data,
        submission_id=submission_id,
        client=client,
    )


def participant_run_command(
    *,
    user,  # noqa: ANN001
    participant: Participant,
    action: str,
    data: dict,
    channel: str = "web",
    submission_id: str = "",
    client: TelnyxClient | None = None,
) -> OperatorAction:
    """A command on one participant: mute, unmute, hold, unhold, role, remove, update, TeXML update."""
    spec = action_spec("participant", action)
    if spec is None:
        raise KeyError(action)
    return perform_action(
        user=user,
        channel=channel,
        spec=spec,
        target=participant_target(participant),
        data=data,
        submission_id=submission_id,
        client=client,
    )
