"""The operator actions the dashboard offers, one permission each.

Names are Telnyx's own action path names, so the permission, the form, the service, the API
URL and the audit record all say the same word.
"""

CALL_ACTIONS = (
    "answer",
    "bridge",
    "client_state_update",
    "dial",
    "enqueue",
    "fork_start",
    "fork_stop",
    "gather",
    "gather_stop",
    "gather_using_audio",
    "gather_using_speak",
    "hangup",
    "leave_queue",
    "playback_start",
    "playback_stop",
    "record_start",
    "record_stop",
    "record_pause",
    "record_resume",
    "refer",
    "send_dtmf",
    "siprec_start",
    "siprec_stop",
    "speak",
    "suppression_start",
    "suppression_stop",
    "switch_supervisor_role",
    "transfer",
)
CONFERENCE_ACTIONS = (
    "join",
    "leave",
    "mute",
    "unmute",
    "hold",
    "unhold",
    "update",
    "speak",
    "play",
    "stop",
    "record_start",
    "record_stop",
    "end",
)
PARTICIPANT_ACTIONS = (
    "mute",
    "unmute",
    "hold",
    "unhold",
    "update",
    "leave",
    "participant_update",
    "texml_update",
)


def permission_codename(target: str, action: str) -> str:
    return f"{target}_{action}"


def all_permissions() -> list[tuple[str, str]]:
    permissions = []
    for target, actions in (
        ("call", CALL_ACTIONS),
        ("conference", CONFERENCE_ACTIONS),
        ("participant", PARTICIPANT_ACTIONS),
    ):
        for action in actions:
            permissions.append(
                (permission_codename(target, action), f"Can {action.replace('_', ' ')} ({target})")
            )
    return permissions
