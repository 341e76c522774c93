"""Conference and participant actions: each sends one Telnyx command and is audited.

Telnyx sends no webhook for mute, unmute, hold, unhold, supervisor-role changes or participant
updates: on success the dashboard records them as `dashboard.participant.*` events.
"""

from django.conf import settings

from conferences.forms import CONFERENCE_ACTION_FORMS, PARTICIPANT_ACTION_FORMS
from conferences.live import conference_group
from conferences.models import Conference, Participant, ParticipantStatus
from dashboard.actions.runner import ActionTarget, operator_event, perform_action
from dashboard.eventlog.event_types import EventType
from dashboard.models import OperatorAction
from dashboard.telnyx import CONFERENCE_ACTIONS_WITHOUT_COMMAND_ID, TelnyxClient, TelnyxResponse

# Conference actions whose success is itself the fact, per affected participant.
_CONFIRMED_BY_SUCCESS = {
    "mute": EventType.DASHBOARD_PARTICIPANT_MUTED,
    "unmute": EventType.DASHBOARD_PARTICIPANT_UNMUTED,
    "hold": EventType.DASHBOARD_PARTICIPANT_HELD,
    "unhold": EventType.DASHBOARD_PARTICIPANT_UNHELD,
    "update": EventType.DASHBOARD_PARTICIPANT_ROLE_UPDATED,
}


def _affected(conference: Conference, params: dict) -> list[str]:
    if params.get("call_control_id"):
        return [params["call_control_id"]]
    targets = params.get("call_control_ids")
    if targets:
        return list(targets)
    # An empty list means everyone in the conference.
    return list(
        conference.participants.filter(status=ParticipantStatus.JOINED).values_list(
            "call_control_id", flat=True
        )
    )


def _confirm(conference: Conference, event_type: str, fields: tuple[str, ...] = ()):
    def confirm(response: TelnyxResponse, params: dict, command_id: str) -> list:
        payload = {key: params[key] for key in fields if key in params}
        return [
            operator_event(
                event_type,
                command_id=command_id,
                call_control_id=call_control_id,
                conference_id=conference.conference_id,
                payload=payload,
            )
            for call_control_id in _affected(conference, params)
        ]

    return confirm


def _conference_confirm(conference: Conference, action: str):
    if action not in _CONFIRMED_BY_SUCCESS:
        return None
    fields = ("supervisor_role", "whisper_call_control_ids") if action == "update" else ()
    return _confirm(conference, _CONFIRMED_BY_SUCCESS[action], fields)


def _sender(conference: Conference, action: str, extra: dict | None = None):
    def send(telnyx: TelnyxClient, params: dict, command_id: str) -> TelnyxResponse:
        return telnyx.conference_action(
            conference_id=conference.conference_id,
            action=action,
            params={**params, **(extra or {})},
            command_id=None if action in CONFERENCE_ACTIONS_WITHOUT_COMMAND_ID else command_id,
        )

    return send


def _target(conference: Conference, participant: Participant | None = None) -> ActionTarget:
    if participant is None:
        return ActionTarget(
            kind="conference",
            conference_id=conference.conference_id,
            live_groups=(conference_group(conference.pk),),
        )
    return ActionTarget(
        kind="participant",
        conference_id=conference.conference_id,
        call_control_id=participant.call_control_id,
        participant_id=participant.call_control_id,
        live_groups=(conference_group(conference.pk),),
    )


def conference_run_command(
    *,
    user,
    conference: Conference,
    action: str,
    data: dict,
    channel: str = "web",
    submission_id: str = "",
    client: TelnyxClient | None = None,
) -> OperatorAction:
    """A conference-wide command: mute all, unmute all, hold, end, play, speak, record, join, ..."""
    form = CONFERENCE_ACTION_FORMS[action](data)
    return perform_action(
        user=user,
        channel=channel,
        action=action,
        target=_target(conference),
        form=form,
        send=_sender(conference, action),
        confirm=_conference_confirm(conference, action),
        submission_id=submission_id,
        client=client,
    )


def participant_run_command(
    *,
    user,
    participant: Participant,
    action: str,
    data: dict,
    channel: str = "web",
    submission_id: str = "",
    client: TelnyxClient | None = None,
) -> OperatorAction:
    """A command on one participant: mute, unmute, hold, unhold, role, remove, update, TeXML update."""
    conference = participant.conference
    form = PARTICIPANT_ACTION_FORMS[action](data)
    call_control_id = participant.call_control_id
    confirm = None
    if action in {"mute", "unmute", "hold", "unhold"}:
        send = _sender(conference, action, {"call_control_ids": [call_control_id]})
        confirm = _confirm(conference, _CONFIRMED_BY_SUCCESS[action])
        confirm = _for_participant(confirm, call_control_id)
    elif action in {"update", "leave"}:
        send = _sender(conference, action, {"call_control_id": call_control_id})
        if action == "update":
            confirm = _for_participant(
                _confirm(
                    conference,
                    _CONFIRMED_BY_SUCCESS["update"],
                    ("supervisor_role", "whisper_call_control_ids"),
                ),
                call_control_id,
            )
    elif action == "participant_update":

        def send(telnyx: TelnyxClient, params: dict, command_id: str) -> TelnyxResponse:
            return telnyx.update_participant(
                conference_id=conference.conference_id, participant_id=call_control_id, params=params
            )

        confirm = _for_participant(
            _confirm(
                conference,
                EventType.DASHBOARD_PARTICIPANT_UPDATED,
                ("beep_enabled", "end_conference_on_exit", "soft_end_conference_on_exit"),
            ),
            call_control_id,
        )
    elif action == "texml_update":

        def send(telnyx: TelnyxClient, params: dict, command_id: str) -> TelnyxResponse:
            return telnyx.texml_update_participant(
                account_sid=conference.account_sid or settings.TELNYX_TEXML_ACCOUNT_SID,
                conference_sid=conference.conference_id,
                call_sid_or_label=participant.label or call_control_id,
                form=params,
            )

        confirm = _for_participant(
            _confirm(
                conference,
                EventType.DASHBOARD_PARTICIPANT_TEXML_UPDATED,
                ("Muted", "Hold", "Coaching", "EndConferenceOnExit"),
            ),
            call_control_id,
        )
    else:
        raise KeyError(action)
    return perform_action(
        user=user,
        channel=channel,
        action=action,
        target=_target(conference, participant),
        form=form,
        send=send,
        confirm=confirm,
        submission_id=submission_id,
        client=client,
    )


def _for_participant(confirm, call_control_id: str):
    """Pin a confirmation to the one participant the command named."""

    def pinned(response: TelnyxResponse, params: dict, command_id: str) -> list:
        return confirm(response, {**params, "call_control_id": call_control_id}, command_id)

    return pinned
