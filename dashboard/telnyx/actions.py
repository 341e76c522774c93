"""The Telnyx command endpoints the dashboard may call, by action name.

Other modules check an action name against these sets before asking the client to send it.
"""

from types import MappingProxyType

# POST /calls/{call_control_id}/actions/{action} (client_state_update is a PUT, see below).
CALL_ACTIONS: frozenset[str] = frozenset(
    {
        "answer",
        "bridge",
        "client_state_update",
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
        "record_pause",
        "record_resume",
        "record_start",
        "record_stop",
        "refer",
        "reject",
        "send_dtmf",
        "siprec_start",
        "siprec_stop",
        "speak",
        "suppression_start",
        "suppression_stop",
        "switch_supervisor_role",
        "transfer",
    }
)

# Telnyx documents no command_id for these, so the client never adds one to their body.
CALL_ACTIONS_WITHOUT_COMMAND_ID: frozenset[str] = frozenset(
    {"client_state_update", "siprec_start", "switch_supervisor_role"}
)

# POST /conferences/{id}/actions/{action}
CONFERENCE_ACTIONS: frozenset[str] = frozenset(
    {
        "end",
        "hold",
        "join",
        "leave",
        "mute",
        "play",
        "record_pause",
        "record_resume",
        "record_start",
        "record_stop",
        "send_dtmf",
        "speak",
        "stop",
        "unhold",
        "unmute",
        "update",
    }
)

CONFERENCE_ACTIONS_WITHOUT_COMMAND_ID: frozenset[str] = frozenset(
    {"hold", "mute", "play", "send_dtmf", "stop", "unhold", "unmute"}
)

# The single place that knows a call action is not a POST.
CALL_ACTION_HTTP_METHODS: MappingProxyType[str, str] = MappingProxyType(
    {action: "PUT" if action == "client_state_update" else "POST" for action in CALL_ACTIONS}
)
