"""The request fields of every simulated endpoint, with the rules the seeds give them."""

from simulator.validation import (
    Field,
    base64_state,
    destinations,
    display_name,
    dtmf_to_send,
    e164_or_sip,
    gather_digit,
    gather_digit_set,
    header_list,
    loop_count,
    session_timeout,
    sip_header_list,
    sip_uri,
    string_list,
    uuid,
    voice,
)

LANGUAGES = (
    "arb", "cmn-CN", "cy-GB", "da-DK", "de-DE", "en-AU", "en-GB", "en-GB-WLS", "en-IN", "en-US", "es-ES",
    "es-MX", "es-US", "fr-CA", "fr-FR", "hi-IN", "is-IS", "it-IT", "ja-JP", "ko-KR", "nb-NO", "nl-NL",
    "pl-PL", "pt-BR", "pt-PT", "ro-RO", "ru-RU", "sv-SE", "tr-TR",
)  # fmt: skip
AMD_MODES = ("detect", "detect_beep", "detect_words", "greeting_end", "disabled")
BEEP_ENABLED = ("always", "never", "on_enter", "on_exit")
REGIONS = ("Australia", "Europe", "Middle East", "US")
# The engines and their parameters as the official SDK lists them (ActionStartNoiseSuppressionParams);
# each parameter is "Only applicable for" one engine, and the others take none.
SUPPRESSION_ENGINES = (
    "Denoiser", "DeepFilterNet", "Krisp", "AiCoustics", "aic_l_quail", "aic_l_rook", "aic_s_quail",
    "aic_s_rook", "quail_voice_focus_s", "quail_voice_focus_xs",
)  # fmt: skip
SUPPRESSION_ENGINE_PARAMETERS = {
    "DeepFilterNet": {
        "attenuation_limit": Field("attenuation_limit", "int", minimum=0, maximum=100),
        "mode": Field("mode", choices=("standard", "advanced")),
    },
    "Krisp": {
        "model": Field(
            "model",
            choices=(
                "krisp-viva-tel-v2.kef", "krisp-viva-tel-lite-v1.kef", "krisp-viva-pro-v1.kef",
                "krisp-viva-ss-v1.kef",
            ),
        ),  # fmt: skip
        "suppression_level": Field("suppression_level", "number", minimum=0, maximum=100),
    },
    "AiCoustics": {
        "enhancement_level": Field("enhancement_level", "number", minimum=0, maximum=1),
        "family": Field("family", choices=("sparrow", "quail")),
        "size": Field("size", choices=("s", "l", "xs", "xxs", "vf_l", "vf_1_1_l")),
        "voice_gain": Field("voice_gain", "number", minimum=0.1, maximum=4),
    },
}

CLIENT_STATE = Field("client_state", check=base64_state)
COMMAND_ID = Field("command_id")
COMMON = (CLIENT_STATE, COMMAND_ID)
HEADERS = (
    Field("custom_headers", "list", check=header_list),
    Field("sip_headers", "list", check=sip_header_list),
)
WEBHOOK = (Field("webhook_url"), Field("webhook_url_method", choices=("POST", "GET")))
STREAM = (
    Field("stream_url"),
    Field("stream_track", choices=("inbound_track", "outbound_track", "both_tracks")),
    Field("send_silence_when_idle", "bool"),
)
RECORD_ON_ANSWER = (
    Field("record", choices=("record-from-answer",)),
    Field("record_channels", choices=("single", "dual")),
    Field("record_format", choices=("wav", "mp3")),
    Field("record_max_length", "int", minimum=0, maximum=43200),
    Field("record_timeout_secs", "int", minimum=0),
    Field("record_track", choices=("both", "inbound", "outbound")),
    Field("record_trim", choices=("trim-silence",)),
    Field("record_custom_file_name"),
)
GATHER_DIGITS = (
    Field("minimum_digits", "int", minimum=1, maximum=128),
    Field("maximum_digits", "int", minimum=1, maximum=128),
    Field("terminating_digit", check=gather_digit),
    Field("valid_digits", check=gather_digit_set),
    Field("inter_digit_timeout_millis", "int", minimum=0),
    Field("timeout_millis", "int", minimum=0),
)
SPEECH = (
    Field("payload", required=True, max_length=3000),
    Field("voice", required=True, check=voice),
    Field("language", choices=LANGUAGES),
    Field("payload_type", choices=("text", "ssml")),
    Field("service_level", choices=("basic", "premium")),
)

# --- calls ----------------------------------------------------------------------------------------

DIAL = (
    Field("connection_id", required=True),
    Field("to", "any", required=True, check=destinations),
    Field("from", required=True, check=e164_or_sip),
    Field("from_display_name", max_length=128, check=display_name),
    Field("answering_machine_detection", choices=AMD_MODES),
    Field("answering_machine_detection_config", "object"),
    Field("audio_url"),
    Field("media_name"),
    Field("billing_group_id", check=uuid),
    Field("link_to"),
    Field("enable_dialogflow", "bool"),
    Field("dialogflow_config", "object"),
    Field("preferred_codecs"),
    Field("sip_auth_username"),
    Field("sip_auth_password"),
    Field("sound_modifications", "object"),
    Field("time_limit_secs", "int", minimum=30, maximum=14400),
    Field("timeout_secs", "int", minimum=5, maximum=120),
    Field("media_encryption", choices=("disabled", "SRTP", "DTLS")),
    Field("sip_transport_protocol", choices=("UDP", "TCP", "TLS")),
    Field("supervise_call_control_id"),
    Field("supervisor_role", choices=("barge", "whisper", "monitor")),
    *COMMON,
    *HEADERS,
    *WEBHOOK,
    *STREAM,
    *RECORD_ON_ANSWER,
)
ANSWER = (
    Field("billing_group_id", check=uuid),
    Field("preferred_codecs"),
    *COMMON,
    *HEADERS,
    *WEBHOOK,
    *STREAM,
    *RECORD_ON_ANSWER,
)
BRIDGE = (
    Field("call_control_id"),
    Field("queue"),
    Field("park_after_unbridge"),
    Field("hold_after_unbridge", "bool"),
    Field("play_ringtone", "bool"),
    Field("prevent_double_bridge", "bool"),
    Field("mute_dtmf", choices=("none", "both", "self", "opposite")),
    *COMMON,
    *RECORD_ON_ANSWER,
)
CLIENT_STATE_UPDATE = (Field("client_state", required=True, check=base64_state),)
ENQUEUE = (
    Field("queue_name", required=True),
    Field("max_size", "int", minimum=1, maximum=5000),
    Field("max_wait_time_secs", "int", minimum=1),
    *COMMON,
)
FORK_START = (
    Field("target"),
    Field("rx"),
    Field("tx"),
    Field("stream_type", choices=("raw", "decrypted")),
    *COMMON,
)
FORK_STOP = (Field("stream_type", choices=("raw", "decrypted")), *COMMON)
GATHER = (
    Field("initial_timeout_millis", "int", minimum=0),
    Field("gather_id"),
    *GATHER_DIGITS,
    *COMMON,
)
GATHER_USING_AUDIO = (
    Field("audio_url"),
    Field("media_name"),
    Field("invalid_audio_url"),
    Field("invalid_media_name"),
    Field("maximum_tries", "int", minimum=1),
    *GATHER_DIGITS,
    *COMMON,
)
GATHER_USING_SPEAK = (
    # Seed 002 documents this command's voice as the gender enum and its language as required.
    Field("payload", required=True, max_length=3000),
    Field("voice", required=True, choices=("male", "female")),
    Field("language", required=True, choices=LANGUAGES),
    Field("payload_type", choices=("text", "ssml")),
    Field("service_level", choices=("basic", "premium")),
    Field("invalid_payload", max_length=3000),
    Field("maximum_tries", "int", minimum=1),
    Field("voice_settings", "object"),
    *GATHER_DIGITS,
    *COMMON,
)
HANGUP = (*COMMON, Field("custom_headers", "list", check=header_list))
PLAYBACK_START = (
    Field("audio_url"),
    Field("media_name"),
    Field("playback_content"),
    Field("audio_type", choices=("mp3", "wav")),
    Field("cache_audio", "bool"),
    Field("loop", "any", check=loop_count),
    Field("overlay", "bool"),
    Field("stop", choices=("current", "all")),
    Field("target_legs", choices=("self", "opposite", "both")),
    *COMMON,
)
PLAYBACK_STOP = (Field("overlay", "bool"), Field("stop", choices=("current", "all")), *COMMON)
RECORDING_COMMAND = (Field("recording_id"), *COMMON)
RECORD_START = (
    Field("format", required=True, choices=("wav", "mp3")),
    Field("channels", required=True, choices=("single", "dual")),
    Field("max_length", "int", minimum=0, maximum=14400),
    Field("timeout_secs", "int", minimum=0),
    Field("play_beep", "bool"),
    Field("recording_track", choices=("both", "inbound", "outbound")),
    Field("trim", choices=("trim-silence",)),
    Field("custom_file_name", max_length=40),
    Field("transcription", "bool"),
    *COMMON,
)
REFER = (
    Field("sip_address", required=True, check=sip_uri),
    Field("sip_auth_username"),
    Field("sip_auth_password"),
    *COMMON,
    *HEADERS,
)
REJECT = (Field("cause", required=True, choices=("CALL_REJECTED", "USER_BUSY")), *COMMON)
SEND_DTMF = (
    Field("digits", required=True, check=dtmf_to_send),
    Field("duration_millis", "int", minimum=100, maximum=500),
    *COMMON,
)
SIPREC_START = (
    Field("connector_name"),
    Field("include_metadata_custom_headers", "bool"),
    Field("secure", "bool"),
    Field("session_timeout_secs", "int", minimum=0, maximum=2_147_483_647, check=session_timeout),
    Field("sip_transport", choices=("udp", "tcp", "tls")),
    Field("siprec_track", choices=("inbound_track", "outbound_track", "both_tracks")),
    *COMMON,
)
SPEAK = (
    *SPEECH,
    Field("stop"),
    Field("target_legs", choices=("self", "opposite", "both")),
    Field("voice_settings", "object"),
    *COMMON,
)
SUPPRESSION_START = (
    Field("direction", choices=("inbound", "outbound", "both")),
    Field("noise_suppression_engine", choices=SUPPRESSION_ENGINES),
    Field("noise_suppression_engine_config", "object"),
    *COMMON,
)
SWITCH_SUPERVISOR_ROLE = (Field("role", required=True, choices=("barge", "whisper", "monitor")),)
TRANSFER = (
    Field("to", required=True, check=e164_or_sip),
    Field("from", check=e164_or_sip),
    Field("from_display_name", max_length=128, check=display_name),
    Field("answering_machine_detection", choices=AMD_MODES),
    Field("audio_url"),
    Field("media_name"),
    Field("early_media", "bool"),
    Field("target_leg_client_state", check=base64_state),
    Field("timeout_secs", "int", minimum=5, maximum=120),
    Field("time_limit_secs", "int", minimum=30, maximum=14400),
    Field("mute_dtmf", choices=("none", "both", "self", "opposite")),
    Field("park_after_unbridge"),
    Field("sip_auth_username"),
    Field("sip_auth_password"),
    *COMMON,
    *HEADERS,
    *WEBHOOK,
    *RECORD_ON_ANSWER,
)

# --- conferences ----------------------------------------------------------------------------------

REGION = Field("region", choices=REGIONS)
CALL_IDS = Field("call_control_ids", "list", check=string_list)
CONFERENCE_CREATE = (
    Field("call_control_id", required=True),
    Field("name", required=True),
    Field("beep_enabled", choices=BEEP_ENABLED),
    Field("comfort_noise", "bool"),
    Field("duration_minutes", "int", minimum=1, maximum=240),
    Field("hold_audio_url"),
    Field("hold_media_name"),
    Field("max_participants", "int", minimum=2, maximum=800),
    Field("start_conference_on_create", "bool"),
    REGION,
    *COMMON,
)
CONFERENCE_JOIN = (
    Field("call_control_id", required=True),
    Field("beep_enabled", choices=BEEP_ENABLED),
    Field("end_conference_on_exit", "bool"),
    Field("soft_end_conference_on_exit", "bool"),
    Field("hold", "bool"),
    Field("hold_audio_url"),
    Field("hold_media_name"),
    Field("mute", "bool"),
    Field("start_conference_on_enter", "bool"),
    Field("supervisor_role", choices=("barge", "monitor", "none", "whisper")),
    Field("whisper_call_control_ids", "list", check=string_list),
    REGION,
    *COMMON,
)
CONFERENCE_LEAVE = (
    Field("call_control_id", required=True),
    Field("beep_enabled", choices=BEEP_ENABLED),
    REGION,
    COMMAND_ID,
)
CONFERENCE_SELECT = (CALL_IDS, REGION, COMMAND_ID)
CONFERENCE_HOLD = (CALL_IDS, Field("audio_url"), Field("media_name"), REGION, COMMAND_ID)
CONFERENCE_UNHOLD = (Field("call_control_ids", "list", required=True, check=string_list), REGION, COMMAND_ID)
CONFERENCE_UPDATE = (
    Field("call_control_id", required=True),
    Field("supervisor_role", required=True, choices=("barge", "monitor", "none", "whisper")),
    Field("whisper_call_control_ids", "list", check=string_list),
    REGION,
    COMMAND_ID,
)
CONFERENCE_SPEAK = (*SPEECH, CALL_IDS, Field("voice_settings", "object"), REGION, COMMAND_ID)
CONFERENCE_PLAY = (
    Field("audio_url"),
    Field("media_name"),
    Field("loop", "any", check=loop_count),
    CALL_IDS,
    REGION,
)
CONFERENCE_SEND_DTMF = (
    Field("digits", required=True, check=dtmf_to_send),
    Field("duration_millis", "int", minimum=100, maximum=500),
    CALL_IDS,
    *COMMON,
)
CONFERENCE_RECORD_START = (
    Field("format", required=True, choices=("wav", "mp3")),
    Field("channels", choices=("single", "dual")),
    Field("custom_file_name", max_length=40),
    Field("play_beep", "bool"),
    Field("trim", choices=("trim-silence",)),
    REGION,
    COMMAND_ID,
)
CONFERENCE_RECORDING = (Field("recording_id"), REGION, *COMMON)
CONFERENCE_END = (COMMAND_ID,)
PARTICIPANT_UPDATE = (
    Field("beep_enabled", choices=BEEP_ENABLED),
    Field("end_conference_on_exit", "bool"),
    Field("soft_end_conference_on_exit", "bool"),
)

# --- TeXML (PascalCase; form booleans are normalised before these run) ----------------------------

TEXML_METHOD = ("GET", "POST")
TEXML_PARTICIPANT_UPDATE = (
    Field("Muted", "bool"),
    Field("Hold", "bool"),
    Field("HoldUrl"),
    Field("HoldMethod", choices=TEXML_METHOD),
    Field("AnnounceUrl"),
    Field("AnnounceMethod", choices=TEXML_METHOD),
    Field("WaitUrl"),
    Field("BeepOnExit", "bool"),
    Field("EndConferenceOnExit", "bool"),
    Field("Coaching", "bool"),
    Field("CallSidToCoach"),
)
TEXML_PARTICIPANT_CREATE = (
    Field("To", required=True, check=e164_or_sip),
    Field("From", required=True, check=e164_or_sip),
    Field("Label"),
    Field("Muted", "bool"),
    Field("Hold", "bool"),
    Field("Beep", choices=("true", "false", "onEnter", "onExit")),
    Field("StartConferenceOnEnter", "bool"),
    Field("EndConferenceOnExit", "bool"),
    Field("Coaching", "bool"),
    Field("CallSidToCoach"),
    Field("Timeout", "int", minimum=5, maximum=120),
    Field("TimeLimit", "int", minimum=30, maximum=14400),
    Field("MaxParticipants", "int", minimum=2, maximum=800),
    Field("ConferenceStatusCallback"),
    Field("ConferenceStatusCallbackEvent"),
    Field("ConferenceStatusCallbackMethod", choices=TEXML_METHOD),
    Field("StatusCallbackMethod", choices=TEXML_METHOD),
    Field("EarlyMedia", "bool"),
)
TEXML_CONFERENCE_UPDATE = (
    Field("Status", choices=("completed",)),
    Field("AnnounceUrl"),
    Field("AnnounceMethod", choices=TEXML_METHOD),
)
TEXML_BOOLEANS = frozenset(
    field.name
    for table in (TEXML_PARTICIPANT_UPDATE, TEXML_PARTICIPANT_CREATE)
    for field in table
    if field.kind == "bool"
)
TEXML_INTEGERS = frozenset(field.name for field in TEXML_PARTICIPANT_CREATE if field.kind == "int")
