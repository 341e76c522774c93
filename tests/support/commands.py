"""The least input each operator command needs, by form field name (`from_` is Telnyx's `from`).

Tests change one thing at a time from these: the forms' refusal cases, the actions sent to the
simulator, the simulator's own checks.
"""

B64 = "aGF2ZSBhIG5pY2UgZGF5ID1d"  # "have a nice day =]", Telnyx's own sample
CCID = "v3:MdI91X4lWFEs7IgbBEOT9M4AigoY08M0WWZFISt1Yw2axZ_IiE4pqg"
CCID2 = "v3:9X2vxPDFY2RHSJ1EdMS0RHRksMTg7ldNxdjWbVr9zBjbGjGsSe-aiQ"

CALL_COMMANDS: dict[str, dict] = {
    "answer": {},
    "bridge": {"call_control_id": CCID},
    "client_state_update": {"client_state": B64},
    "dial": {"to": "+18005550100", "from_": "+18005550101"},
    "enqueue": {"queue_name": "support"},
    "fork_start": {"target": "udp:192.0.2.1:9000"},
    "fork_stop": {},
    "gather": {},
    "gather_stop": {},
    "gather_using_audio": {"audio_url": "https://example.com/menu.mp3"},
    "gather_using_speak": {"payload": "Press one", "voice": "female", "language": "en-US"},
    "hangup": {},
    "leave_queue": {},
    "playback_start": {"audio_url": "https://example.com/a.mp3"},
    "playback_stop": {},
    "record_start": {"format": "mp3", "channels": "single"},
    "record_stop": {},
    "record_pause": {},
    "record_resume": {},
    "refer": {"sip_address": "sip:username@sip.non-telnyx-address.com"},
    "send_dtmf": {"digits": "1www2WABCDw9"},
    "siprec_start": {},
    "siprec_stop": {},
    "suppression_start": {},
    "suppression_stop": {},
    "switch_supervisor_role": {"role": "barge"},
    "transfer": {"to": "+18005550100"},
    "speak": {"payload": "Hello", "voice": "AWS.Polly.Joanna-Neural"},
}

CONFERENCE_COMMANDS: dict[str, dict] = {
    "join": {"call_control_id": CCID},
    "leave": {"call_control_id": CCID},
    "mute": {},
    "unmute": {},
    "hold": {},
    "unhold": {"call_control_ids": CCID},
    "update": {"call_control_id": CCID, "supervisor_role": "monitor"},
    "speak": {"payload": "The conference ends in five minutes", "voice": "female"},
    "play": {"audio_url": "https://example.com/a.mp3"},
    "stop": {},
    "record_start": {"format": "mp3"},
    "record_stop": {},
    "end": {},
}


def telnyx_body(inputs: dict) -> dict:
    """Form input as Telnyx's JSON names it (a trailing underscore dropped: from_ is from)."""
    return {key.removesuffix("_"): value for key, value in inputs.items()}
