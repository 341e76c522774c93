"""Every call command form: valid input gives Telnyx's exact body; each documented rule refuses."""

import pytest

from calls.actions import CALL_ACTIONS
from dashboard.actions.fields import CommandForm
from tests.support.commands import B64
from tests.support.commands import CALL_COMMANDS as MINIMAL  # the refusal cases change one thing at a time

UUID = "6a0f7d70-6c1b-4e0b-9f07-3c8e2b4b2f11"


CALL_ACTION_FORMS = {spec.name: spec.form for spec in CALL_ACTIONS}


def bound(action: str, changes: dict | None = None) -> CommandForm:
    data = {**MINIMAL[action], **(changes or {})}
    return CALL_ACTION_FORMS[action]({key: value for key, value in data.items() if value is not None})


def test_every_call_action_has_a_form_a_label_and_no_command_id():
    assert set(CALL_ACTION_FORMS) == set(MINIMAL)
    for spec in CALL_ACTIONS:
        assert spec.label and spec.description
        assert "command_id" not in spec.form.base_fields


def test_only_hangup_is_destructive():
    assert {spec.name for spec in CALL_ACTIONS if spec.destructive} == {"hangup"}


@pytest.mark.parametrize("action", sorted(MINIMAL))
def test_minimal_input_gives_a_minimal_body(action):
    form = bound(action)
    assert form.is_valid(), form.errors
    expected = {key.removesuffix("_"): value for key, value in MINIMAL[action].items()}
    assert form.to_params() == expected


VALID = [
    pytest.param(
        "answer",
        {
            "billing_group_id": UUID.upper(),
            "client_state_encoding": "text",
            "client_state": "have a nice day =]",
            "custom_headers": "head_1: val_1\nhead_2: val_2",
            "sip_headers": "User-to-User: 12345",
            "sound_modifications": '{"pitch": 0.8, "track": "outbound"}',
            "stream_url": "wss://stream.example.com/media",
            "stream_track": "both_tracks",
            "send_silence_when_idle": "true",
            "webhook_url": "https://hooks.example.com/telnyx",
            "webhook_url_method": "GET",
        },
        {
            "billing_group_id": UUID,
            "client_state": B64,
            "custom_headers": [{"name": "head_1", "value": "val_1"}, {"name": "head_2", "value": "val_2"}],
            "sip_headers": [{"name": "User-to-User", "value": "12345"}],
            "sound_modifications": {"pitch": 0.8, "track": "outbound"},
            "stream_url": "wss://stream.example.com/media",
            "stream_track": "both_tracks",
            "send_silence_when_idle": True,
            "webhook_url": "https://hooks.example.com/telnyx",
            "webhook_url_method": "GET",
        },
        id="answer-everything",
    ),
    pytest.param(
        "bridge",
        {"call_control_id": None, "queue": "support", "park_after_unbridge": "self", "client_state": B64},
        {"queue": "support", "park_after_unbridge": "self", "client_state": B64},
        id="bridge-queue",
    ),
    pytest.param(
        "client_state_update",
        {"client_state_encoding": "text", "client_state": "have a nice day =]"},
        {"client_state": B64},
        id="client-state-typed-as-text",
    ),
    pytest.param(
        "dial",
        {
            "to": "+18005550100\nsip:alice@example.com",
            "from_display_name": "Company Name",
            "connection_id": "7267xxxxxxxxxxxxxx",
            "answering_machine_detection": "detect",
            "answering_machine_detection_config": '{"after_greeting_silence_millis": 1000,'
            ' "total_analysis_time_millis": 5000}',
            "custom_headers": "head_1: val_1",
            "dialogflow_config": '{"analyze_sentiment": false, "partial_automated_agent_reply": false}',
            "enable_dialogflow": "false",
            "link_to": "ilditnZK_eVysupV21KzmzN_sM29ygfauQojpm4BgFtfX5hXAcjotg==",
            "media_name": "welcome",
            "preferred_codecs": "G722,PCMU",
            "record": "record-from-answer",
            "record_channels": "single",
            "record_format": "wav",
            "record_max_length": "0",
            "record_timeout_secs": "0",
            "sip_auth_username": "username",
            "sip_auth_password": "password",
            "send_silence_when_idle": "true",
            "time_limit_secs": "14400",
            "timeout_secs": "60",
            "webhook_url_method": "POST",
        },
        {
            "to": ["+18005550100", "sip:alice@example.com"],
            "from": "+18005550101",
            "from_display_name": "Company Name",
            "sip_auth_username": "username",
            "sip_auth_password": "password",
            "custom_headers": [{"name": "head_1", "value": "val_1"}],
            "webhook_url_method": "POST",
            "answering_machine_detection": "detect",
            "answering_machine_detection_config": {
                "after_greeting_silence_millis": 1000,
                "total_analysis_time_millis": 5000,
            },
            "media_name": "welcome",
            "record": "record-from-answer",
            "record_channels": "single",
            "record_format": "wav",
            "record_max_length": 0,
            "record_timeout_secs": 0,
            "time_limit_secs": 14400,
            "send_silence_when_idle": True,
            "connection_id": "7267xxxxxxxxxxxxxx",
            "link_to": "ilditnZK_eVysupV21KzmzN_sM29ygfauQojpm4BgFtfX5hXAcjotg==",
            "preferred_codecs": "G722,PCMU",
            "enable_dialogflow": False,
            "dialogflow_config": {"analyze_sentiment": False, "partial_automated_agent_reply": False},
            "timeout_secs": 60,
        },
        id="dial-seed-sample",
    ),
    pytest.param(
        "enqueue",
        {"max_size": "20", "max_wait_time_secs": "600", "client_state": B64},
        {"queue_name": "support", "max_size": 20, "max_wait_time_secs": 600, "client_state": B64},
        id="enqueue-seed-sample",
    ),
    pytest.param(
        "fork_start",
        {"rx": "udp:192.0.2.1:9000", "tx": "udp:192.0.2.1:9001"},
        {"target": "udp:192.0.2.1:9000", "rx": "udp:192.0.2.1:9000", "tx": "udp:192.0.2.1:9001"},
        id="fork-seed-sample",
    ),
    pytest.param(
        "fork_start",
        {"target": None, "rx": "udp:192.0.2.1:9000", "tx": "udp:192.0.2.1:9001", "stream_type": "decrypted"},
        {"rx": "udp:192.0.2.1:9000", "tx": "udp:192.0.2.1:9001", "stream_type": "decrypted"},
        id="fork-decrypted",
    ),
    pytest.param("fork_stop", {"stream_type": "decrypted"}, {"stream_type": "decrypted"}, id="fork-stop"),
    pytest.param(
        "gather",
        {
            "initial_timeout_millis": "10000",
            "inter_digit_timeout_millis": "10000",
            "maximum_digits": "10",
            "minimum_digits": "1",
            "terminating_digit": "#",
            "timeout_millis": "60000",
            "valid_digits": "123",
        },
        {
            "minimum_digits": 1,
            "maximum_digits": 10,
            "valid_digits": "123",
            "terminating_digit": "#",
            "inter_digit_timeout_millis": 10000,
            "timeout_millis": 60000,
            "initial_timeout_millis": 10000,
        },
        id="gather-seed-sample",
    ),
    pytest.param(
        "gather_using_audio",
        {
            "audio_url": None,
            "media_name": "menu",
            "invalid_audio_url": "http://example.com/message.wav",
            "maximum_digits": "10",
            "minimum_digits": "1",
            "maximum_tries": "3",
            "valid_digits": "123",
        },
        {
            "media_name": "menu",
            "invalid_audio_url": "http://example.com/message.wav",
            "maximum_digits": 10,
            "minimum_digits": 1,
            "maximum_tries": 3,
            "valid_digits": "123",
        },
        id="gather-audio",
    ),
    pytest.param(
        "gather_using_speak",
        {
            "payload": "say this on call",
            "invalid_payload": "say this on call",
            "voice": "male",
            "language": "arb",
            "payload_type": "text",
            "service_level": "premium",
            "inter_digit_timeout_millis": "10000",
            "maximum_digits": "10",
            "minimum_digits": "1",
            "terminating_digit": "#",
            "valid_digits": "123",
        },
        {
            "payload": "say this on call",
            "invalid_payload": "say this on call",
            "voice": "male",
            "language": "arb",
            "payload_type": "text",
            "service_level": "premium",
            "inter_digit_timeout_millis": 10000,
            "maximum_digits": 10,
            "minimum_digits": 1,
            "terminating_digit": "#",
            "valid_digits": "123",
        },
        id="gather-speak-seed-sample",
    ),
    pytest.param("hangup", {"client_state": B64}, {"client_state": B64}, id="hangup"),
    pytest.param(
        "playback_start",
        {
            "audio_url": None,
            "playback_content": "SUQzBAAAAAAAI1RTU0UAAAAPAAADTGF2ZjU4Ljc2LjEwMAAAAAAAAAAAAAAA",
            "loop": "infinity",
            "overlay": "true",
            "stop": "current",
            "target_legs": "self",
            "cache_audio": "false",
        },
        {
            "playback_content": "SUQzBAAAAAAAI1RTU0UAAAAPAAADTGF2ZjU4Ljc2LjEwMAAAAAAAAAAAAAAA",
            "loop": "infinity",
            "overlay": True,
            "stop": "current",
            "target_legs": "self",
            "cache_audio": False,
        },
        id="playback-seed-sample",
    ),
    pytest.param(
        "playback_start",
        {"loop": "3", "target_legs": "both"},
        {"audio_url": "https://example.com/a.mp3", "loop": 3, "target_legs": "both"},
        id="playback-loop-count",
    ),
    pytest.param(
        "playback_stop", {"overlay": "false", "stop": "all"}, {"overlay": False, "stop": "all"}, id="stop"
    ),
    pytest.param(
        "record_start",
        {
            "format": "wav",
            "channels": "dual",
            "custom_file_name": "support-call",
            "play_beep": "true",
            "trim": "trim-silence",
            "max_length": "0",
            "timeout_secs": "0",
            "recording_track": "inbound",
        },
        {
            "format": "wav",
            "custom_file_name": "support-call",
            "play_beep": True,
            "trim": "trim-silence",
            "channels": "dual",
            "max_length": 0,
            "timeout_secs": 0,
            "recording_track": "inbound",
        },
        id="record-start",
    ),
    pytest.param("record_stop", {"recording_id": UUID}, {"recording_id": UUID}, id="record-stop"),
    pytest.param("record_pause", {"client_state": B64}, {"client_state": B64}, id="record-pause"),
    pytest.param("record_resume", {"client_state": B64}, {"client_state": B64}, id="record-resume"),
    pytest.param(
        "refer",
        {
            "custom_headers": "X-Reason: escalation",
            "sip_headers": "User-to-User: 12345",
            "sip_auth_username": "user",
            "sip_auth_password": "secret",
        },
        {
            "sip_address": "sip:username@sip.non-telnyx-address.com",
            "custom_headers": [{"name": "X-Reason", "value": "escalation"}],
            "sip_headers": [{"name": "User-to-User", "value": "12345"}],
            "sip_auth_username": "user",
            "sip_auth_password": "secret",
        },
        id="refer",
    ),
    pytest.param(
        "send_dtmf", {"duration_millis": "250"}, {"digits": "1www2WABCDw9", "duration_millis": 250}, id="dtmf"
    ),
    pytest.param(
        "siprec_start",
        {
            "connector_name": "my-srs",
            "siprec_track": "both_tracks",
            "sip_transport": "tls",
            "secure": "true",
            "session_timeout_secs": "90",
            "include_metadata_custom_headers": "false",
        },
        {
            "connector_name": "my-srs",
            "siprec_track": "both_tracks",
            "sip_transport": "tls",
            "secure": True,
            "session_timeout_secs": 90,
            "include_metadata_custom_headers": False,
        },
        id="siprec-start",
    ),
    pytest.param(
        "siprec_start",
        {"session_timeout_secs": "0"},
        {"session_timeout_secs": 0},
        id="siprec-timeout-disabled",
    ),
    pytest.param(
        "suppression_start",
        {
            "direction": "outbound",
            "noise_suppression_engine": "DeepFilterNet",
            "noise_suppression_engine_config": '{"attenuation_limit": 80}',
        },
        {
            "direction": "outbound",
            "noise_suppression_engine": "DeepFilterNet",
            "noise_suppression_engine_config": {"attenuation_limit": 80},
        },
        id="suppression-start",
    ),
    pytest.param("switch_supervisor_role", {"role": "monitor"}, {"role": "monitor"}, id="switch-role"),
    pytest.param(
        "transfer",
        {
            "to": "sip:agent@pbx.example.com",
            "from_": "+18005550101",
            "target_leg_client_state_encoding": "text",
            "target_leg_client_state": "have a nice day =]",
            "answering_machine_detection": "premium",
            "audio_url": "https://example.com/whisper.mp3",
            "early_media": "false",
            "media_encryption": "SRTP",
            "mute_dtmf": "opposite",
            "park_after_unbridge": "self",
            "sip_transport_protocol": "TLS",
            "record": "record-from-answer",
            "record_track": "both",
            "record_trim": "trim-silence",
            "record_custom_file_name": "transfer",
            "timeout_secs": "600",
            "time_limit_secs": "30",
        },
        {
            "to": "sip:agent@pbx.example.com",
            "from": "+18005550101",
            "answering_machine_detection": "premium",
            "audio_url": "https://example.com/whisper.mp3",
            "record": "record-from-answer",
            "time_limit_secs": 30,
            "target_leg_client_state": B64,
            "early_media": False,
            "media_encryption": "SRTP",
            "mute_dtmf": "opposite",
            "park_after_unbridge": "self",
            "sip_transport_protocol": "TLS",
            "record_track": "both",
            "record_trim": "trim-silence",
            "record_custom_file_name": "transfer",
            "timeout_secs": 600,
        },
        id="transfer",
    ),
    pytest.param(
        "speak",
        {
            "payload": "<speak>Hello</speak>",
            "payload_type": "ssml",
            "language": "en-GB",
            "service_level": "premium",
            "loop": "2",
            "stop": "all",
            "target_legs": "both",
            "client_state": B64,
        },
        {
            "client_state": B64,
            "loop": 2,
            "stop": "all",
            "target_legs": "both",
            "payload": "<speak>Hello</speak>",
            "voice": "AWS.Polly.Joanna-Neural",
            "language": "en-GB",
            "payload_type": "ssml",
            "service_level": "premium",
        },
        id="speak",
    ),
    pytest.param(
        "speak",
        {"voice": "female", "service_level": "basic", "language": "en-US", "payload_type": "text"},
        {
            "payload": "Hello",
            "voice": "female",
            "service_level": "basic",
            "language": "en-US",
            "payload_type": "text",
        },
        id="speak-basic-en-us",
    ),
]


@pytest.mark.parametrize(("action", "changes", "params"), VALID)
def test_valid_input_gives_the_exact_telnyx_body(action, changes, params):
    form = bound(action, changes)
    assert form.is_valid(), form.errors
    assert form.to_params() == params


# (action, field, lowest, highest); a highest of None means only int32 bounds it.
RANGES = [
    ("dial", "timeout_secs", 5, 120),
    ("dial", "time_limit_secs", 30, 14400),
    ("dial", "record_max_length", 0, 43200),
    ("dial", "record_timeout_secs", 0, None),
    ("transfer", "timeout_secs", 5, 600),
    ("transfer", "time_limit_secs", 30, 14400),
    ("enqueue", "max_size", 1, None),
    ("enqueue", "max_wait_time_secs", 1, None),
    ("gather", "maximum_digits", 1, 128),
    ("gather", "minimum_digits", 1, 128),
    ("gather", "inter_digit_timeout_millis", 1, None),
    ("gather", "initial_timeout_millis", 1, None),
    ("gather", "timeout_millis", 1, None),
    ("gather_using_audio", "maximum_digits", 1, 128),
    ("gather_using_audio", "maximum_tries", 1, None),
    ("gather_using_speak", "maximum_digits", 1, 128),
    ("gather_using_speak", "maximum_tries", 1, None),
    ("record_start", "max_length", 0, 14400),
    ("record_start", "timeout_secs", 0, None),
    ("send_dtmf", "duration_millis", 100, 500),
]
INT32_MAX = 2_147_483_647


@pytest.mark.parametrize(("action", "field", "low", "high"), RANGES)
def test_ranges_are_inclusive_and_refused_outside(action, field, low, high):
    high = INT32_MAX if high is None else high
    extra = {"minimum_digits": "1"} if field == "maximum_digits" else {}
    for inside in (low, high):
        form = bound(action, {**extra, field: str(inside)})
        assert form.is_valid(), form.errors
        assert form.to_params()[field] == inside
    for outside, message in ((low - 1, "greater than or equal to"), (high + 1, "less than or equal to")):
        form = bound(action, {field: str(outside)})
        assert not form.is_valid()
        assert list(form.errors) == [field]
        assert message in form.errors[field][0]


def test_siprec_session_timeout_is_zero_or_at_least_90():
    form = bound("siprec_start", {"session_timeout_secs": "89"})
    assert form.errors == {"session_timeout_secs": ["Enter 0 to disable, or at least 90 seconds."]}
    assert not bound("siprec_start", {"session_timeout_secs": "-1"}).is_valid()


@pytest.mark.parametrize(
    ("action", "field"),
    [("speak", "payload"), ("gather_using_speak", "payload"), ("gather_using_speak", "invalid_payload")],
)
def test_speech_payload_is_at_most_3000_characters(action, field):
    assert bound(action, {field: "x" * 3000}).is_valid()
    form = bound(action, {field: "x" * 3001})
    assert form.errors == {field: ["Ensure this value has at most 3000 characters (it has 3001)."]}


REFUSALS = [
    # required
    ("dial", {"to": None}, {"to": "required"}),
    ("dial", {"from_": None}, {"from_": "required"}),
    ("transfer", {"to": None}, {"to": "required"}),
    ("client_state_update", {"client_state": None}, {"client_state": "required"}),
    ("enqueue", {"queue_name": None}, {"queue_name": "required"}),
    ("record_start", {"format": None}, {"format": "required"}),
    ("record_start", {"channels": None}, {"channels": "required"}),
    ("refer", {"sip_address": None}, {"sip_address": "required"}),
    ("send_dtmf", {"digits": None}, {"digits": "required"}),
    ("switch_supervisor_role", {"role": None}, {"role": "required"}),
    ("speak", {"payload": None}, {"payload": "required"}),
    ("speak", {"voice": None}, {"voice": "required"}),
    ("gather_using_speak", {"voice": None}, {"voice": "required"}),
    ("gather_using_speak", {"language": None}, {"language": "required"}),
    ("gather_using_speak", {"payload": None}, {"payload": "required"}),
    # enums
    ("record_start", {"format": "ogg"}, {"format": "Choose one of: mp3, wav."}),
    ("record_start", {"channels": "stereo"}, {"channels": "Choose one of: single, dual."}),
    (
        "record_start",
        {"recording_track": "left"},
        {"recording_track": "Choose one of: both, inbound, outbound."},
    ),
    ("dial", {"answering_machine_detection": "premium"}, {"answering_machine_detection": "Choose one of"}),
    ("dial", {"webhook_url_method": "PUT"}, {"webhook_url_method": "Choose one of: POST, GET."}),
    ("dial", {"stream_track": "left"}, {"stream_track": "Choose one of"}),
    ("dial", {"record": "always"}, {"record": "Choose one of: record-from-answer."}),
    ("fork_start", {"stream_type": "cooked"}, {"stream_type": "Choose one of: raw, decrypted."}),
    ("gather_using_speak", {"voice": "AWS.Polly.Joanna"}, {"voice": "Choose one of: male, female."}),
    ("gather_using_speak", {"language": "xx-XX"}, {"language": "Choose one of"}),
    ("speak", {"service_level": "gold"}, {"service_level": "Choose one of: basic, premium."}),
    ("speak", {"voice": "Joanna Neural"}, {"voice": "Provider.Model.VoiceId"}),
    ("playback_start", {"target_legs": "all"}, {"target_legs": "Choose one of: self, opposite, both."}),
    ("playback_stop", {"stop": "some"}, {"stop": "Choose one of: current, all."}),
    ("bridge", {"park_after_unbridge": "other"}, {"park_after_unbridge": "Choose one of: self."}),
    ("siprec_start", {"sip_transport": "sctp"}, {"sip_transport": "Choose one of: udp, tcp, tls."}),
    ("siprec_start", {"siprec_track": "both"}, {"siprec_track": "Choose one of"}),
    ("siprec_start", {"secure": "maybe"}, {"secure": "yes or no"}),
    ("suppression_start", {"direction": "up"}, {"direction": "Choose one of: inbound, outbound, both."}),
    ("suppression_start", {"noise_suppression_engine": "Z"}, {"noise_suppression_engine": "Choose one of"}),
    ("switch_supervisor_role", {"role": "none"}, {"role": "Choose one of: barge, whisper, monitor."}),
    ("transfer", {"media_encryption": "ZRTP"}, {"media_encryption": "Choose one of: disabled, SRTP, DTLS."}),
    ("transfer", {"mute_dtmf": "all"}, {"mute_dtmf": "Choose one of: none, both, self, opposite."}),
    (
        "transfer",
        {"sip_transport_protocol": "udp"},
        {"sip_transport_protocol": "Choose one of: UDP, TCP, TLS."},
    ),
    # E.164 and SIP URIs
    ("dial", {"from_": "18005550101"}, {"from_": "E.164"}),
    ("dial", {"from_": "+1234567890123456"}, {"from_": "E.164"}),
    ("dial", {"from_": "sip:alice@example.com"}, {"from_": "E.164"}),
    ("dial", {"to": "18005550100"}, {"to": "Line 1 (18005550100)"}),
    ("dial", {"to": "+18005550100\n+1 800"}, {"to": "Line 2"}),
    ("transfer", {"to": "alice@example.com"}, {"to": "or a SIP URI"}),
    ("transfer", {"from_": "sip:alice@example.com"}, {"from_": "E.164"}),
    ("refer", {"sip_address": "+18005550100"}, {"sip_address": "SIP URI"}),
    # base64
    ("client_state_update", {"client_state": "have a nice day"}, {"client_state": "valid base64"}),
    (
        "hangup",
        {"client_state_encoding": "base64", "client_state": "aGVsbG8"},
        {"client_state": "valid base64"},
    ),
    ("transfer", {"target_leg_client_state": "n/a!"}, {"target_leg_client_state": "valid base64"}),
    (
        "playback_start",
        {"audio_url": None, "playback_content": "not mp3"},
        {"playback_content": "valid base64"},
    ),
    # text formats
    ("dial", {"from_display_name": "x" * 129}, {"from_display_name": "at most 128 characters"}),
    ("dial", {"from_display_name": "Bob <script>"}, {"from_display_name": "letters, numbers, spaces"}),
    ("dial", {"billing_group_id": "group-1"}, {"billing_group_id": "valid UUID"}),
    ("send_dtmf", {"digits": "12e"}, {"digits": "keypad symbols"}),
    ("send_dtmf", {"digits": "1a"}, {"digits": "keypad symbols"}),
    ("gather", {"valid_digits": "12w"}, {"valid_digits": "keypad symbols"}),
    ("gather", {"terminating_digit": "##"}, {"terminating_digit": "one keypad symbol"}),
    ("playback_start", {"loop": "0"}, {"loop": "1 to 100, or infinity"}),
    ("playback_start", {"loop": "101"}, {"loop": "1 to 100, or infinity"}),
    ("speak", {"loop": "forever"}, {"loop": "1 to 100, or infinity"}),
    ("bridge", {"call_control_id": "v3:a b"}, {"call_control_id": "spaces"}),
    # URLs
    ("dial", {"webhook_url": "ftp://example.com/hook"}, {"webhook_url": "http/https URL"}),
    ("dial", {"stream_url": "https://example.com/stream"}, {"stream_url": "ws/wss URL"}),
    ("playback_start", {"audio_url": "example.com/a.mp3"}, {"audio_url": "http/https URL"}),
    ("gather_using_audio", {"invalid_audio_url": "file:///tmp/a.wav"}, {"invalid_audio_url": "URL"}),
    # headers and JSON objects
    ("dial", {"sip_headers": "X-Other: 1"}, {"sip_headers": "only User-to-User"}),
    ("answer", {"custom_headers": "just text"}, {"custom_headers": "Name: value"}),
    (
        "dial",
        {"answering_machine_detection_config": '{"beep": 1}'},
        {"answering_machine_detection_config": "beep"},
    ),
    (
        "dial",
        {"answering_machine_detection_config": '{"silence_threshold": "512"}'},
        {"answering_machine_detection_config": "silence_threshold must be a whole number"},
    ),
    ("dial", {"dialogflow_config": '{"analyze_sentiment": 1}'}, {"dialogflow_config": "true or false"}),
    (
        "answer",
        {"sound_modifications": '{"pitch": "high"}'},
        {"sound_modifications": "pitch must be a number"},
    ),
    (
        "suppression_start",
        {"noise_suppression_engine_config": "[80]"},
        {"noise_suppression_engine_config": "object"},
    ),
    # fork targets
    ("fork_start", {"target": "udp:300.1.1.1:9000"}, {"target": "udp:ip_address:port"}),
    ("fork_start", {"target": "tcp:192.0.2.1:9000"}, {"target": "udp:ip_address:port"}),
    ("fork_start", {"target": "udp:192.0.2.1:0"}, {"target": "udp:ip_address:port"}),
    ("fork_start", {"target": "udp:192.0.2.1:65536"}, {"target": "udp:ip_address:port"}),
]


@pytest.mark.parametrize(("action", "changes", "errors"), REFUSALS)
def test_each_rule_refuses_on_the_right_field(action, changes, errors):
    form = bound(action, changes)
    assert not form.is_valid()
    assert set(form.errors) == set(errors), form.errors
    for field, message in errors.items():
        assert message in " ".join(form.errors[field]), form.errors[field]


CROSS_FIELD = [
    # audio_url and media_name "cannot be used together in one request"
    (
        "dial",
        {"audio_url": "https://example.com/a.mp3", "media_name": "hello"},
        {"audio_url": "Give only one of", "media_name": "Give only one of"},
    ),
    (
        "transfer",
        {"audio_url": "https://example.com/a.mp3", "media_name": "hello"},
        {"audio_url": "Give only one of", "media_name": "Give only one of"},
    ),
    (
        "playback_start",
        {"media_name": "hello"},
        {"audio_url": "Give only one of", "media_name": "Give only one of"},
    ),
    (
        "playback_start",
        {"playback_content": B64},
        {"audio_url": "Give only one of", "playback_content": "Give only one of"},
    ),
    (
        "playback_start",
        {"audio_url": None},
        {
            "audio_url": "Give one of: Audio url, Media name, Playback content.",
            "media_name": "Give one of",
            "playback_content": "Give one of",
        },
    ),
    (
        "gather_using_audio",
        {"media_name": "menu"},
        {"audio_url": "Give only one of", "media_name": "Give only one of"},
    ),
    ("gather_using_audio", {"audio_url": None}, {"audio_url": "Give one of", "media_name": "Give one of"}),
    (
        "gather_using_audio",
        {"invalid_audio_url": "https://example.com/no.mp3", "invalid_media_name": "no"},
        {"invalid_audio_url": "Give only one of", "invalid_media_name": "Give only one of"},
    ),
    # bridge: a call or a queue, "can't be used together"
    ("bridge", {"queue": "support"}, {"call_control_id": "Give only one of", "queue": "Give only one of"}),
    ("bridge", {"call_control_id": None}, {"call_control_id": "Give one of", "queue": "Give one of"}),
    # "When overlay is enabled, target_legs is limited to self."
    ("playback_start", {"overlay": "true", "target_legs": "both"}, {"target_legs": "only play on self"}),
    # minimum_digits must not exceed maximum_digits
    ("gather", {"minimum_digits": "5", "maximum_digits": "4"}, {"minimum_digits": "maximum digits"}),
    # "When using basic, only the en-US language and payload type text are allowed."
    ("speak", {"service_level": "basic", "language": "fr-FR"}, {"language": "only en-US"}),
    ("speak", {"service_level": "basic", "payload_type": "ssml"}, {"payload_type": "only text"}),
    ("gather_using_speak", {"service_level": "basic", "language": "de-DE"}, {"language": "only en-US"}),
    # fork: "either the target attribute or the rx and tx attributes"; rx and tx for decrypted
    ("fork_start", {"target": None}, {"target": "Give a target, or both rx and tx."}),
    ("fork_start", {"rx": "udp:192.0.2.1:9000"}, {"tx": "Give both rx and tx"}),
    (
        "fork_start",
        {"stream_type": "decrypted"},
        {"rx": "A decrypted stream needs both rx and tx.", "tx": "A decrypted stream needs both rx and tx."},
    ),
]


@pytest.mark.parametrize(("action", "changes", "errors"), CROSS_FIELD)
def test_cross_field_rules_refuse_on_the_right_fields(action, changes, errors):
    form = bound(action, changes)
    assert not form.is_valid()
    assert set(form.errors) == set(errors), form.errors
    for field, message in errors.items():
        assert message in " ".join(form.errors[field]), form.errors[field]


def test_overlay_may_target_self():
    assert bound("playback_start", {"overlay": "true", "target_legs": "self"}).is_valid()


def test_dial_takes_a_single_destination_as_a_string():
    form = bound("dial", {"to": "sip:alice@example.com"})
    assert form.to_params()["to"] == "sip:alice@example.com"


def test_dial_leaves_connection_id_out_for_the_service_to_fill():
    assert "connection_id" not in bound("dial").to_params()


def test_dial_puts_destination_and_caller_first_for_the_operator():
    assert list(CALL_ACTION_FORMS["dial"]().fields)[:3] == ["to", "from_", "from_display_name"]


@pytest.mark.parametrize("action", sorted(MINIMAL))
def test_every_form_renders_blank_and_with_errors(action):
    assert 'name="' in str(CALL_ACTION_FORMS[action]())
    form = bound(action, {"client_state_encoding": "base64", "client_state": "bad!", "role": "boss"})
    assert not form.is_valid()
    assert "valid base64" in str(form) or "Choose one of" in str(form)
