"""Conference and participant actions: each sends one Telnyx command, as the action tables say.

Telnyx sends no webhook for mute, unmute, hold, unhold, supervisor-role changes or participant
updates: on success the runner records them as `dashboard.participant.*` facts, one per leg the
command affected.
"""

from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from django.conf import settings

from conferences.live import conference_group
from conferences.models import Conference, Participant, ParticipantStatus
from dashboard.actions.runner import ActionTarget, perform_action
from dashboard.actions.spec import action_spec
from dashboard.eventlog.event_types import EventType
from dashboard.eventlog.incoming import IncomingEvent
from dashboard.eventlog.ingest import ingest_events
from dashboard.models import EventSource, OperatorAction
from dashboard.telnyx import ErrorKind, TelnyxClient, TelnyxError


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
        state=conference.status,
        state_words=conference.get_status_display(),
    )


def participant_identified_events(conference_id: str, listed: Iterable[dict]) -> list[IncomingEvent]:
    """Telnyx's id of each participant in a `GET /conferences/{id}/participants` answer, as facts
    for the log (one per participant id, so reading the same list twice records nothing new)."""
    events = []
    for item in listed:
        participant_id, call_control_id = item.get("id"), item.get("call_control_id")
        if not (isinstance(participant_id, str) and participant_id and isinstance(call_control_id, str)):
            continue
        events.append(
            IncomingEvent(
                event_id=f"identified-{conference_id}-{participant_id}"[:200],
                event_type=EventType.RECONCILE_PARTICIPANT_IDENTIFIED,
                source=EventSource.RECONCILE,
                occurred_at=datetime.now(UTC),
                attempt=1,
                payload={
                    "participant_id": participant_id[:200],
                    "call_control_id": call_control_id,
                    "conference_id": conference_id,
                },
                raw_body="",
                call_control_id=call_control_id[:200],
                conference_id=conference_id,
            )
        )
    return events


def participant_telnyx_id(*, participant: Participant, client: TelnyxClient) -> str:
    """The participant's own Telnyx id (seed 001's `participant_id`, not its call_control_id).

    Known once reconciliation or an earlier command has read the conference's participant list;
    otherwise read now, and every listed participant's id is kept in the log for next time.
    """
    if participant.telnyx_participant_id:
        return participant.telnyx_participant_id
    conference_id = participant.conference.conference_id
    listed = client.list_participants(conference_id=conference_id).items
    ingest_events(participant_identified_events(conference_id, listed))
    for item in listed:
        if item.get("call_control_id") == participant.call_control_id and item.get("id"):
            participant.telnyx_participant_id = str(item["id"])
            return participant.telnyx_participant_id
    raise TelnyxError(
        kind=ErrorKind.REFUSED,
        title="Participant not found",
        detail="Telnyx lists no participant with this call in the conference: it may have left already.",
    )


def participant_target(participant: Participant) -> ActionTarget:
    conference = participant.conference
    leg = participant.call_control_id
    path_ids = {
        "conference_id": conference.conference_id,
        "account_sid": conference.account_sid or settings.TELNYX_TEXML_ACCOUNT_SID,
        "conference_sid": conference.conference_id,
        # The CallSid, never the label: labels may repeat, a CallSid names one participant.
        "call_sid_or_label": leg,
    }
    if participant.telnyx_participant_id:
        path_ids["participant_id"] = participant.telnyx_participant_id
    return ActionTarget(
        kind="participant",
        conference_id=conference.conference_id,
        call_control_id=leg,
        participant_id=leg,
        path_ids=path_ids,
        look_up_ids=lambda client: {
            "participant_id": participant_telnyx_id(participant=participant, client=client)
        },
        affected=lambda params: [leg],
        live_groups=(conference_group(conference.pk),),
        state=participant.status,
        state_words="gone" if participant.status == ParticipantStatus.LEFT else participant.get_status_display(),
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
