"""One form per Telnyx call command, validated as Telnyx documents it (seeds 000, 002, 004).

The call action table (`calls/actions.py`) names each command's form. `command_id` is not a
field: the action runner adds it.
"""

import ipaddress
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http.request import validate_host
from django.urls import Resolver404, resolve

from dashboard.actions.fields import (
    HTTP_METHODS,
    RECORDING_CHANNELS,
    RECORDING_FORMATS,
    RECORDING_TRIM,
    SPEECH_LANGUAGES,
    BaseRecordStartForm,
    BaseSpeakForm,
    ClientStateField,
    CommandForm,
    DestinationsField,
    HeaderListField,
    JSONObjectField,
    LoopField,
    OneOf,
    OptionalBooleanField,
    UUIDStringField,
    bounded_int,
    call_control_id_field,
    enum_field,
    speech_payload_field,
    text_field,
    url_field,
    validate_base64,
    validate_dtmf_sequence,
    validate_e164,
    validate_e164_or_sip_uri,
    validate_gather_digit,
    validate_gather_digits,
    validate_no_whitespace,
    validate_sip_uri,
)

PARK_AFTER_UNBRIDGE = ("self",)
ANSWERING_MACHINE_DETECTION = ("detect", "detect_beep", "detect_words", "greeting_end", "disabled")
ANSWERING_MACHINE_DETECTION_CONFIG = {
    name: int
    for name in (
        "after_greeting_silence_millis",
        "between_words_silence_millis",
        "greeting_duration_millis",
        "greeting_silence_duration_millis",
        "greeting_total_analysis_time_millis",
        "initial_silence_millis",
        "maximum_number_of_words",
        "maximum_word_length_millis",
        "silence_threshold",
        "total_analysis_time_millis",
    )
}
DIALOGFLOW_CONFIG = {"analyze_sentiment": bool, "partial_automated_agent_reply": bool}
SOUND_MODIFICATIONS = {"octaves": float, "pitch": float, "semitone": float, "track": str}
MEDIA_TRACKS = ("inbound_track", "outbound_track", "both_tracks")
RECORDING_TRACKS = ("both", "inbound", "outbound")
FORK_STREAM_TYPES = ("raw", "decrypted")
PLAYBACK_STOP = ("current", "all")
TARGET_LEGS = ("self", "opposite", "both")
SERVICE_LEVELS = ("basic", "premium")
GATHER_VOICES = ("male", "female")
SUPERVISOR_ROLES = ("barge", "whisper", "monitor")
SIPREC_TRANSPORTS = ("udp", "tcp", "tls")
SUPPRESSION_DIRECTIONS = ("inbound", "outbound", "both")
# The engines and their parameters as the official SDK lists them (ActionStartNoiseSuppressionParams;
# seed 004 names the fields only). The simulator applies the same table.
SUPPRESSION_ENGINES = (
    "Denoiser", "DeepFilterNet", "Krisp", "AiCoustics", "aic_l_quail", "aic_l_rook", "aic_s_quail",
    "aic_s_rook", "quail_voice_focus_s", "quail_voice_focus_xs",
)  # fmt: skip
KRISP_MODELS = (
    "krisp-viva-tel-v2.kef", "krisp-viva-tel-lite-v1.kef", "krisp-viva-pro-v1.kef", "krisp-viva-ss-v1.kef",
)  # fmt: skip
AICOUSTICS_SIZES = ("s", "l", "xs", "xxs", "vf_l", "vf_1_1_l")
# "'xs' and 'xxs' are sparrow-only. 'vf_l' and 'vf_1_1_l' are quail-only."
AICOUSTICS_SIZE_FAMILY = {"xs": "sparrow", "xxs": "sparrow", "vf_l": "quail", "vf_1_1_l": "quail"}


@dataclass(frozen=True)
class Number:
    kind: type  # int or float (a float parameter takes whole numbers too)
    low: float
    high: float

    def problem(self, value: Any) -> str | None:
        accepted = (int, float) if self.kind is float else (int,)
        if isinstance(value, bool) or not isinstance(value, accepted):
            return "a whole number" if self.kind is int else "a number"
        if not self.low <= value <= self.high:
            return f"from {self.low:g} to {self.high:g}"
        return None


@dataclass(frozen=True)
class Choice:
    values: tuple[str, ...]

    def problem(self, value: Any) -> str | None:
        return None if value in self.values else "one of " + ", ".join(self.values)


# Each parameter is "Only applicable for" one engine; the other engines take none.
SUPPRESSION_ENGINE_PARAMETERS: dict[str, dict[str, Number | Choice]] = {
    "DeepFilterNet": {"attenuation_limit": Number(int, 0, 100), "mode": Choice(("standard", "advanced"))},
    "Krisp": {"model": Choice(KRISP_MODELS), "suppression_level": Number(float, 0, 100)},
    "AiCoustics": {
        "enhancement_level": Number(float, 0, 1),
        "family": Choice(("sparrow", "quail")),
        "size": Choice(AICOUSTICS_SIZES),
        "voice_gain": Number(float, 0.1, 4),
    },
}
MEDIA_ENCRYPTIONS = ("disabled", "SRTP", "DTLS")
MUTE_DTMF = ("none", "both", "self", "opposite")
SIP_TRANSPORT_PROTOCOLS = ("UDP", "TCP", "TLS")

# "letters, numbers, spaces, and -_~!.+ special characters", at most 128 of them.
DISPLAY_NAME_RE = re.compile(r"[\w \-~!.+]+")
FORK_TARGET_RE = re.compile(r"udp:(?P<address>[0-9.]+):(?P<port>[0-9]{1,5})")
SIPREC_MIN_SESSION_TIMEOUT_SECS = 90


def validate_display_name(value: str) -> None:
    if not DISPLAY_NAME_RE.fullmatch(value):
        raise ValidationError("Use only letters, numbers, spaces and - _ ~ ! . +", code="display_name")


def validate_fork_target(value: str) -> None:
    match = FORK_TARGET_RE.fullmatch(value)
    message = "Enter a target as udp:ip_address:port, e.g. udp:192.0.2.1:9000."
    if not match or not 1 <= int(match["port"]) <= 65535:
        raise ValidationError(message, code="fork_target")
    try:
        ipaddress.IPv4Address(match["address"])
    except ValueError:
        raise ValidationError(message, code="fork_target") from None


# The dashboard's own webhook endpoints (switchboard/urls.py): they take POST only.
OWN_WEBHOOK_URL_NAMES = frozenset({"webhook", "texml-webhook"})


def is_own_webhook_endpoint(url: str) -> bool:
    """Whether `url` is this dashboard's webhook endpoint: one of its paths, on a host it serves."""
    parts = urlsplit(url)
    if not validate_host(parts.hostname or "", settings.ALLOWED_HOSTS):
        return False
    path = parts.path or "/"
    for candidate in (path, path if path.endswith("/") else path + "/"):
        try:
            if resolve(candidate).url_name in OWN_WEBHOOK_URL_NAMES:
                return True
        except Resolver404:
            continue
    return False


def validate_session_timeout(value: int) -> None:
    # The SDK's ActionStartSiprecParams: "Minimum value is 90, set to 0 to disable." (the simulator too)
    if value != 0 and value < SIPREC_MIN_SESSION_TIMEOUT_SECS:
        raise ValidationError("Enter 0 to disable, or at least 90 seconds.", code="min_value")


def millis_field(**kwargs: Any) -> forms.IntegerField:
    return bounded_int(1, **kwargs)


# Shared groups of fields --------------------------------------------------------------------


class CallCommandForm(CommandForm):
    """Almost every call command takes client_state, echoed on every later webhook of the call."""

    client_state = ClientStateField()


class SipHeadersForm(CallCommandForm):
    custom_headers = HeaderListField()
    # Telnyx: "Currently only User-to-User header is supported."
    sip_headers = HeaderListField(allowed_names=("User-to-User",))


class SipAuthForm(CommandForm):
    sip_auth_username = text_field()
    sip_auth_password = text_field(widget=forms.PasswordInput())


class LegSetupForm(SipHeadersForm):
    """What a leg being set up (answered, dialled, transferred) can be given."""

    sound_modifications = JSONObjectField(schema=SOUND_MODIFICATIONS)
    webhook_url = url_field()
    webhook_url_method = enum_field(HTTP_METHODS, help_text="GET only with a webhook URL of your own.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # Seed 002: webhook_url_method is the "HTTP request type used for webhook_url". Telnyx then
        # sends this call's webhooks with GET; the dashboard's own endpoint takes POST only.
        if cleaned.get("webhook_url_method") == "GET" and "webhook_url" not in self.errors:
            url = cleaned.get("webhook_url")
            if not url:
                self.add_error(
                    "webhook_url_method",
                    ValidationError(
                        "GET is the method for a webhook URL: give the URL of your own receiver, or choose POST.",
                        code="get_without_url",
                    ),
                )
            elif is_own_webhook_endpoint(url):
                self.add_error(
                    "webhook_url_method",
                    ValidationError(
                        "This dashboard's webhook endpoint takes POST only: choose POST, or a webhook URL "
                        "elsewhere that takes GET.",
                        code="get_to_dashboard",
                    ),
                )
        return cleaned


class StreamingForm(LegSetupForm):
    billing_group_id = UUIDStringField()
    stream_url = url_field(schemes=("ws", "wss"))
    stream_track = enum_field(MEDIA_TRACKS)
    send_silence_when_idle = OptionalBooleanField()


class OutboundLegForm(LegSetupForm, SipAuthForm):
    """A new outbound leg: dial, or the leg a transfer creates."""

    from_display_name = text_field(max_length=128, validators=[validate_display_name])
    answering_machine_detection = enum_field(ANSWERING_MACHINE_DETECTION)
    answering_machine_detection_config = JSONObjectField(schema=ANSWERING_MACHINE_DETECTION_CONFIG)
    audio_url = url_field(help_text="Played when the call is answered.")
    media_name = text_field(help_text="A file uploaded to Telnyx media storage, played when answered.")
    record = enum_field(("record-from-answer",), help_text="Record automatically from the answer.")
    record_channels = enum_field(RECORDING_CHANNELS)
    record_format = enum_field(RECORDING_FORMATS)
    record_max_length = bounded_int(0, 43200, help_text="Seconds, 0 to 43200; 0 means no limit.")
    record_timeout_secs = bounded_int(
        0, help_text="Seconds of silence before recording stops; 0 means never."
    )
    time_limit_secs = bounded_int(30, 14400)

    one_of = (OneOf(("audio_url", "media_name")),)
    field_order = ("to", "from_", "from_display_name")


class DigitGatherForm(CallCommandForm):
    """The DTMF collection options gather, gather_using_audio and gather_using_speak share."""

    minimum_digits = bounded_int(1, 128)
    maximum_digits = bounded_int(1, 128)
    valid_digits = text_field(validators=[validate_gather_digits], help_text="Default 0123456789#*.")
    terminating_digit = text_field(validators=[validate_gather_digit], help_text="Default #.")
    inter_digit_timeout_millis = millis_field()
    timeout_millis = millis_field()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        low, high = cleaned.get("minimum_digits"), cleaned.get("maximum_digits")
        if low is not None and high is not None and low > high:
            self.add_error("minimum_digits", "Must not be more than the maximum digits.")
        return cleaned


class SpeechForm(CallCommandForm, BaseSpeakForm):
    service_level = enum_field(SERVICE_LEVELS)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # Telnyx: "When using basic, only the en-US language and payload type text are allowed."
        if cleaned.get("service_level") == "basic":
            if cleaned.get("language") not in (None, "", "en-US"):
                self.add_error("language", "The basic service level speaks only en-US.")
            if cleaned.get("payload_type") == "ssml":
                self.add_error("payload_type", "The basic service level takes only text payloads.")
        return cleaned


class PlaybackOptionsForm(CallCommandForm):
    """How queued audio plays: the options playback_start and speak share."""

    loop = LoopField()
    stop = enum_field(PLAYBACK_STOP, help_text="Stop the current audio, or all queued audio, first.")
    target_legs = enum_field(TARGET_LEGS)


# The commands -------------------------------------------------------------------------------


class AnswerForm(StreamingForm):
    """Answer an incoming call. Needed before any other command on an inbound call."""
    common = ()  # answering needs nothing: every option is for a setup of its own


class BridgeForm(CallCommandForm):
    call_control_id = call_control_id_field(help_text="The call to bridge with.")
    queue = text_field(help_text="Or: a queue whose first call to bridge with.")
    park_after_unbridge = enum_field(
        PARK_AFTER_UNBRIDGE, help_text="self parks this leg when the bridge ends; otherwise it hangs up."
    )

    one_of = (OneOf(("call_control_id", "queue"), required=True),)


class ClientStateUpdateForm(CommandForm):
    client_state = ClientStateField(required=True)


class DialForm(StreamingForm, OutboundLegForm):
    common = ("to", "from_", "from_display_name", "timeout_secs")
    to = DestinationsField(required=True)
    from_ = text_field(
        required=True, label="From", validators=[validate_e164], help_text="The caller id, in E.164."
    )
    connection_id = text_field(
        validators=[validate_no_whitespace],
        help_text="Leave empty to use the dashboard's Call Control application.",
    )
    link_to = call_control_id_field(help_text="A call whose session this call joins.")
    preferred_codecs = text_field(help_text="Comma-separated, in order of preference.")
    enable_dialogflow = OptionalBooleanField()
    dialogflow_config = JSONObjectField(schema=DIALOGFLOW_CONFIG)
    timeout_secs = bounded_int(5, 120)


class EnqueueForm(CallCommandForm):
    queue_name = text_field(required=True)
    max_size = bounded_int(1, help_text="Calls the queue holds; only applies when it is created.")
    max_wait_time_secs = bounded_int(1)


class ForkStartForm(CallCommandForm):
    target = text_field(validators=[validate_fork_target], help_text="Both directions, udp:ip:port.")
    rx = text_field(validators=[validate_fork_target], help_text="Incoming media, udp:ip:port.")
    tx = text_field(validators=[validate_fork_target], help_text="Outgoing media, udp:ip:port.")
    stream_type = enum_field(FORK_STREAM_TYPES)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if any(name in self.errors for name in ("target", "rx", "tx")):
            return cleaned
        rx, tx = cleaned.get("rx"), cleaned.get("tx")
        # Telnyx: "specify either the target attribute or the rx and tx attributes", and
        # "rx and tx are required fields if decrypted selected".
        decrypted = cleaned.get("stream_type") == "decrypted"
        if decrypted or rx or tx:
            message = "A decrypted stream needs both rx and tx." if decrypted else "Give both rx and tx."
            for name, value in (("rx", rx), ("tx", tx)):
                if not value:
                    self.add_error(name, message)
        elif not cleaned.get("target"):
            self.add_error("target", "Give a target, or both rx and tx.")
        return cleaned


class ForkStopForm(CallCommandForm):
    stream_type = enum_field(FORK_STREAM_TYPES, help_text="The stream_type the fork was started with.")


class GatherForm(DigitGatherForm):
    initial_timeout_millis = millis_field()


class GatherStopForm(CallCommandForm):
    """Stop the current gather."""


class GatherUsingAudioForm(DigitGatherForm):
    audio_url = url_field()
    media_name = text_field()
    invalid_audio_url = url_field(help_text="Played when the digits are not valid.")
    invalid_media_name = text_field(help_text="Played when the digits are not valid.")
    maximum_tries = bounded_int(1)

    one_of = (
        OneOf(("audio_url", "media_name"), required=True),
        OneOf(("invalid_audio_url", "invalid_media_name")),
    )


class GatherUsingSpeakForm(DigitGatherForm, SpeechForm):
    # Seed 002 documents this command's voice as a gender and its language as required.
    voice = enum_field(GATHER_VOICES, required=True)
    language = enum_field(SPEECH_LANGUAGES, required=True)
    invalid_payload = speech_payload_field(help_text="Spoken when the digits are not valid.")
    maximum_tries = bounded_int(1)


class HangupForm(CallCommandForm):
    """End the call."""


class LeaveQueueForm(CallCommandForm):
    """Take the call out of the queue it waits in."""


class PlaybackStartForm(PlaybackOptionsForm):
    audio_url = url_field()
    media_name = text_field()
    playback_content = text_field(
        validators=[validate_base64],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Or: base64 of an mp3.",
    )
    overlay = OptionalBooleanField(help_text="Mix over audio already playing.")
    cache_audio = OptionalBooleanField()

    one_of = (OneOf(("audio_url", "media_name", "playback_content"), required=True),)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # Telnyx: "When overlay is enabled, target_legs is limited to self."
        if cleaned.get("overlay") and cleaned.get("target_legs") not in (None, "", "self"):
            self.add_error("target_legs", "With overlay, audio can only play on self.")
        return cleaned


class PlaybackStopForm(CallCommandForm):
    overlay = OptionalBooleanField(help_text="Stop the overlay queue instead.")
    stop = enum_field(PLAYBACK_STOP)


class RecordStartForm(CallCommandForm, BaseRecordStartForm):
    channels = enum_field(RECORDING_CHANNELS, required=True)
    max_length = bounded_int(0, 14400, help_text="Seconds, 0 to 14400; 0 means no limit.")
    timeout_secs = bounded_int(0, help_text="Seconds of silence before recording stops; 0 means never.")
    recording_track = enum_field(RECORDING_TRACKS)


class RecordStopForm(CallCommandForm):
    recording_id = text_field(validators=[validate_no_whitespace], help_text="Stop only this recording.")


class RecordPauseForm(CallCommandForm):
    """Pause the recording; resume it later."""


class RecordResumeForm(CallCommandForm):
    """Resume a paused recording."""


class ReferForm(SipHeadersForm, SipAuthForm):
    sip_address = text_field(required=True, validators=[validate_sip_uri])


class SendDtmfForm(CallCommandForm):
    digits = forms.CharField(
        validators=[validate_dtmf_sequence], help_text="0-9 A-D * #, w = 0.5 s, W = 1 s."
    )
    duration_millis = bounded_int(100, 500, help_text="Milliseconds per digit, 100 to 500.")


class SiprecStartForm(CallCommandForm):
    connector_name = text_field()
    siprec_track = enum_field(MEDIA_TRACKS)
    sip_transport = enum_field(SIPREC_TRANSPORTS)
    secure = OptionalBooleanField(help_text="SRTP and TLS to the recorder.")
    session_timeout_secs = bounded_int(
        0, validators=[validate_session_timeout], help_text="0 disables; otherwise at least 90."
    )
    include_metadata_custom_headers = OptionalBooleanField()


class SiprecStopForm(CallCommandForm):
    """End the SIPREC session."""


class SuppressionStartForm(CallCommandForm):
    direction = enum_field(SUPPRESSION_DIRECTIONS)
    noise_suppression_engine = enum_field(SUPPRESSION_ENGINES)
    noise_suppression_engine_config = JSONObjectField(
        help_text="The engine's parameters, as a JSON object. DeepFilterNet: attenuation_limit (0-100), "
        "mode (standard, advanced). Krisp: model, suppression_level (0-100). AiCoustics: "
        "enhancement_level (0-1), family (sparrow, quail), size (s, l; xs, xxs sparrow only; vf_l, "
        "vf_1_1_l quail only), voice_gain (0.1-4). The other engines take none."
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        config = cleaned.get("noise_suppression_engine_config")
        if not config or "noise_suppression_engine_config" in self.errors:
            return cleaned
        engine = cleaned.get("noise_suppression_engine")
        if not engine:
            if "noise_suppression_engine" not in self.errors:
                self.add_error("noise_suppression_engine", "Choose the engine these parameters are for.")
            return cleaned
        for message in suppression_config_problems(engine, config):
            self.add_error("noise_suppression_engine_config", message)
        return cleaned


def suppression_config_problems(engine: str, config: dict) -> list[str]:
    """What is wrong with `config` as the parameters of `engine` (nothing: an empty list)."""
    parameters = SUPPRESSION_ENGINE_PARAMETERS.get(engine, {})
    problems = []
    for key, value in config.items():
        rule = parameters.get(key)
        if rule is None:
            takes = ", ".join(parameters) if parameters else "no parameters"
            problems.append(f"{key} is not a parameter of {engine}, which takes {takes}.")
        elif (wanted := rule.problem(value)) is not None:
            problems.append(f"{key} must be {wanted}.")
    family, size = config.get("family"), config.get("size")
    if family and AICOUSTICS_SIZE_FAMILY.get(size, family) != family:
        problems.append(f"size {size} is {AICOUSTICS_SIZE_FAMILY[size]}-only.")
    return problems


class SuppressionStopForm(CallCommandForm):
    """Stop suppressing noise on the call."""


class SwitchSupervisorRoleForm(CommandForm):
    role = enum_field(SUPERVISOR_ROLES, required=True)


class TransferForm(OutboundLegForm):
    common = ("to", "from_", "from_display_name", "timeout_secs")
    to = text_field(
        required=True, validators=[validate_e164_or_sip_uri], help_text="An E.164 number or a SIP URI."
    )
    from_ = text_field(
        label="From",
        validators=[validate_e164],
        help_text="The caller id, in E.164; defaults to the call's own to number.",
    )
    answering_machine_detection = enum_field(("premium", *ANSWERING_MACHINE_DETECTION))
    target_leg_client_state = ClientStateField(help_text="Client state for the new leg.")
    early_media = OptionalBooleanField()
    media_encryption = enum_field(MEDIA_ENCRYPTIONS)
    mute_dtmf = enum_field(MUTE_DTMF)
    park_after_unbridge = enum_field(PARK_AFTER_UNBRIDGE)
    sip_transport_protocol = enum_field(SIP_TRANSPORT_PROTOCOLS)
    record_track = enum_field(RECORDING_TRACKS)
    record_trim = enum_field(RECORDING_TRIM)
    record_custom_file_name = text_field()
    timeout_secs = bounded_int(5, 600)


class SpeakForm(SpeechForm, PlaybackOptionsForm):
    """Say text (or SSML) on the call."""
