"""Every event type the dashboard folds, by name: Telnyx's webhooks (Call Control and TeXML
status callbacks) and the facts the dashboard records itself (`dashboard.*`: a command Telnyx
confirms by answering ok, with no webhook; `reconcile.*`: what reconciliation found).

StrEnum members are the strings themselves: they compare, hash and store as the type names.
"""

from enum import StrEnum


class EventType(StrEnum):
    CALL_INITIATED = "call.initiated"
    CALL_ANSWERED = "call.answered"
    CALL_BRIDGED = "call.bridged"
    CALL_HANGUP = "call.hangup"
    CALL_HOLD = "call.hold"
    CALL_UNHOLD = "call.unhold"
    CALL_ENQUEUED = "call.enqueued"
    CALL_DEQUEUED = "call.dequeued"
    CALL_DTMF_RECEIVED = "call.dtmf.received"
    CALL_GATHER_ENDED = "call.gather.ended"
    CALL_PLAYBACK_STARTED = "call.playback.started"
    CALL_PLAYBACK_ENDED = "call.playback.ended"
    CALL_SPEAK_STARTED = "call.speak.started"
    CALL_SPEAK_ENDED = "call.speak.ended"
    CALL_RECORDING_SAVED = "call.recording.saved"
    CALL_RECORDING_ERROR = "call.recording.error"
    CALL_RECORDING_TRANSCRIPTION_SAVED = "call.recording.transcription.saved"
    CALL_MACHINE_DETECTION_ENDED = "call.machine.detection.ended"
    CALL_MACHINE_GREETING_ENDED = "call.machine.greeting.ended"
    CALL_MACHINE_PREMIUM_DETECTION_ENDED = "call.machine.premium.detection.ended"
    CALL_MACHINE_PREMIUM_GREETING_ENDED = "call.machine.premium.greeting.ended"
    CALL_FORK_STARTED = "call.fork.started"
    CALL_FORK_STOPPED = "call.fork.stopped"
    CALL_REFER_STARTED = "call.refer.started"
    CALL_REFER_COMPLETED = "call.refer.completed"
    CALL_REFER_FAILED = "call.refer.failed"
    CALL_COST = "call.cost"
    SIPREC_STARTED = "siprec.started"
    SIPREC_STOPPED = "siprec.stopped"
    SIPREC_FAILED = "siprec.failed"
    STREAMING_STARTED = "streaming.started"
    STREAMING_STOPPED = "streaming.stopped"
    STREAMING_FAILED = "streaming.failed"
    CONFERENCE_CREATED = "conference.created"
    CONFERENCE_ENDED = "conference.ended"
    CONFERENCE_FLOOR_CHANGED = "conference.floor.changed"
    CONFERENCE_RECORDING_SAVED = "conference.recording.saved"
    CONFERENCE_PLAYBACK_STARTED = "conference.playback.started"
    CONFERENCE_PLAYBACK_ENDED = "conference.playback.ended"
    CONFERENCE_SPEAK_STARTED = "conference.speak.started"
    CONFERENCE_SPEAK_ENDED = "conference.speak.ended"
    CONFERENCE_PARTICIPANT_JOINED = "conference.participant.joined"
    CONFERENCE_PARTICIPANT_LEFT = "conference.participant.left"
    CONFERENCE_PARTICIPANT_PLAYBACK_STARTED = "conference.participant.playback.started"
    CONFERENCE_PARTICIPANT_PLAYBACK_ENDED = "conference.participant.playback.ended"
    CONFERENCE_PARTICIPANT_SPEAK_STARTED = "conference.participant.speak.started"
    CONFERENCE_PARTICIPANT_SPEAK_ENDED = "conference.participant.speak.ended"
    TEXML_CONFERENCE_START = "texml.conference-start"
    TEXML_CONFERENCE_END = "texml.conference-end"
    TEXML_PARTICIPANT_JOIN = "texml.participant-join"
    TEXML_PARTICIPANT_LEAVE = "texml.participant-leave"
    DASHBOARD_CALL_CLIENT_STATE_UPDATED = "dashboard.call.client_state_updated"
    DASHBOARD_PARTICIPANT_MUTED = "dashboard.participant.muted"
    DASHBOARD_PARTICIPANT_UNMUTED = "dashboard.participant.unmuted"
    DASHBOARD_PARTICIPANT_HELD = "dashboard.participant.held"
    DASHBOARD_PARTICIPANT_UNHELD = "dashboard.participant.unheld"
    DASHBOARD_PARTICIPANT_ROLE_UPDATED = "dashboard.participant.role_updated"
    DASHBOARD_PARTICIPANT_UPDATED = "dashboard.participant.updated"
    DASHBOARD_PARTICIPANT_TEXML_UPDATED = "dashboard.participant.texml_updated"
    RECONCILE_CALL_ENDED = "reconcile.call.ended"
    RECONCILE_CALL_FOUND = "reconcile.call.found"
    RECONCILE_CONFERENCE_FOUND = "reconcile.conference.found"
    RECONCILE_CONFERENCE_ENDED = "reconcile.conference.ended"
    RECONCILE_CONFERENCE_NAMED = "reconcile.conference.named"
    RECONCILE_PARTICIPANT_LEFT = "reconcile.participant.left"
    RECONCILE_PARTICIPANT_FOUND = "reconcile.participant.found"
    # Telnyx's own id of a participant (seed 001's ConferenceParticipant.id), read from its list.
    RECONCILE_PARTICIPANT_IDENTIFIED = "reconcile.participant.identified"


# Families, matched by prefix.
PARTICIPANT_PREFIXES = ("conference.participant.", "dashboard.participant.", "texml.participant-", "reconcile.participant.")
# Facts about one participant that the dashboard records (a command's success, reconciliation).
PARTICIPANT_FACT_PREFIXES = ("dashboard.participant.", "reconcile.participant.")
PARTICIPANT_MEDIA_PREFIXES = ("conference.participant.playback.", "conference.participant.speak.")
CONFERENCE_MEDIA_PREFIXES = ("conference.playback.", "conference.speak.")
TEXML_PREFIX = "texml."
