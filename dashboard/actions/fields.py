"""Field types, validators and the form base class shared by every Telnyx command form.

A command form validates one Telnyx command the way Telnyx documents it, so a bad value is
refused in the dashboard with a message on the right field instead of coming back as a 422.
`CommandForm.to_params()` then gives the JSON body with Telnyx's own field names.

Most Telnyx fields are optional, so every helper and field type here is optional unless told
`required=True`.
"""

import base64
import binascii
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.forms.utils import pretty_name

# Telnyx documents most integers as int32.
INT32_MAX = 2_147_483_647
# Telnyx's limit on text-to-speech payloads (speak, gather_using_speak, conference speak).
SPEECH_PAYLOAD_MAX_CHARS = 3000

HTTP_METHODS = ("POST", "GET")
RECORDING_FORMATS = ("mp3", "wav")
RECORDING_CHANNELS = ("single", "dual")
RECORDING_TRIM = ("trim-silence",)
PAYLOAD_TYPES = ("text", "ssml")
SPEECH_LANGUAGES = (
    "arb", "cmn-CN", "cy-GB", "da-DK", "de-DE", "en-AU", "en-GB", "en-GB-WLS", "en-IN", "en-US",
    "es-ES", "es-MX", "es-US", "fr-CA", "fr-FR", "hi-IN", "is-IS", "it-IT", "ja-JP", "ko-KR",
    "nb-NO", "nl-NL", "pl-PL", "pt-BR", "pt-PT", "ro-RO", "ru-RU", "sv-SE", "tr-TR",
)  # fmt: skip
# Keypad symbols send_dtmf sends (seed 004: "Valid digits are 0-9, A-D, *, and #").
DTMF_DIGITS = "0123456789ABCD*#"
# What a gather collects: seed 002's valid_digits default, "0123456789#*", is every digit it names;
# A-D are documented for send_dtmf only (the simulator applies the same rule).
GATHER_DIGITS = "0123456789*#"
# send_dtmf also takes pauses: w is half a second, W a second.
DTMF_PAUSES = "wW"

E164_RE = re.compile(r"\+[0-9]{1,15}")
SIP_URI_RE = re.compile(
    r"sips?:(?:[^\s@]+@)?"  # optional user part
    r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?"  # host name or IPv4 address
    r"(?::[0-9]{1,5})?"  # optional port
    r"(?:[;?]\S*)?",  # optional URI parameters or headers
    re.IGNORECASE,
)
VOICE_RE = re.compile(r"[A-Za-z][\w.:-]*")
TYPE_NAMES = {bool: "true or false", int: "a whole number", float: "a number", str: "a string"}


# Validators ---------------------------------------------------------------------------------


def validate_e164(value: str) -> None:
    if not E164_RE.fullmatch(value):
        raise ValidationError(
            "Enter a phone number in E.164 format: + then 1 to 15 digits, e.g. +18005550100.",
            code="e164",
        )


def validate_sip_uri(value: str) -> None:
    if not SIP_URI_RE.fullmatch(value):
        raise ValidationError("Enter a SIP URI such as sip:alice@example.com.", code="sip_uri")


def validate_e164_or_sip_uri(value: str) -> None:
    if not (E164_RE.fullmatch(value) or SIP_URI_RE.fullmatch(value)):
        raise ValidationError(
            "Enter an E.164 number (+ then 1 to 15 digits) or a SIP URI (sip:user@host).",
            code="destination",
        )


def validate_base64(value: str) -> None:
    """Standard, padded base64 that decodes and re-encodes to itself, as Telnyx echoes it back."""
    message = "Enter valid base64 (A-Z, a-z, 0-9, +, / and = padding)."
    try:
        decoded = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError(message, code="base64") from None
    if base64.b64encode(decoded).decode("ascii") != value:
        raise ValidationError(message, code="base64")


def validate_gather_digit(value: str) -> None:
    if len(value) != 1 or value not in GATHER_DIGITS:
        raise ValidationError(f"Enter one keypad symbol: one of {GATHER_DIGITS}.", code="dtmf")


def validate_gather_digits(value: str) -> None:
    if not set(value) <= set(GATHER_DIGITS):
        raise ValidationError(f"Use only the keypad symbols {GATHER_DIGITS}.", code="dtmf")


def validate_dtmf_sequence(value: str) -> None:
    if not set(value) <= set(DTMF_DIGITS + DTMF_PAUSES):
        raise ValidationError(
            f"Use only the keypad symbols {DTMF_DIGITS}, and w (0.5 s) or W (1 s) for pauses.",
            code="dtmf",
        )


def validate_no_whitespace(value: str) -> None:
    if any(character.isspace() for character in value):
        raise ValidationError("Must not contain spaces.", code="whitespace")


def validate_voice(value: str) -> None:
    if not VOICE_RE.fullmatch(value):
        raise ValidationError(
            "Enter a voice such as female, male or Provider.Model.VoiceId (e.g. AWS.Polly.Joanna-Neural).",
            code="voice",
        )


def url_validator(schemes: Sequence[str] = ("http", "https")) -> URLValidator:
    names = "/".join(schemes)
    return URLValidator(schemes=list(schemes), message=f"Enter a full {names} URL.")


# Field helpers ------------------------------------------------------------------------------


def enum_field(values: Sequence[str], *, required: bool = False, **kwargs: Any) -> forms.ChoiceField:
    """A choice among Telnyx's documented values; optional ones get an empty "not set" choice."""
    choices = [(value, value) for value in values]
    if not required:
        choices.insert(0, ("", "—"))
    return forms.ChoiceField(
        choices=choices,
        required=required,
        error_messages={"invalid_choice": f"Choose one of: {', '.join(values)}."},
        **kwargs,
    )


def bounded_int(
    min_value: int | None = None, max_value: int = INT32_MAX, *, required: bool = False, **kwargs: Any
) -> forms.IntegerField:
    """An integer with Telnyx's documented bounds, both inclusive."""
    if "help_text" not in kwargs and min_value is not None and max_value != INT32_MAX:
        kwargs["help_text"] = f"{min_value} to {max_value}."
    return forms.IntegerField(min_value=min_value, max_value=max_value, required=required, **kwargs)


def url_field(
    *, schemes: Sequence[str] = ("http", "https"), required: bool = False, **kwargs: Any
) -> forms.CharField:
    # A CharField, not a URLField: URLField would silently prepend a scheme the operator never typed.
    return forms.CharField(required=required, validators=[url_validator(schemes)], **kwargs)


def text_field(*, required: bool = False, **kwargs: Any) -> forms.CharField:
    return forms.CharField(required=required, **kwargs)


def call_control_id_field(*, required: bool = False, **kwargs: Any) -> forms.CharField:
    return forms.CharField(required=required, validators=[validate_no_whitespace], **kwargs)


def voice_field(*, required: bool = False, **kwargs: Any) -> forms.CharField:
    return forms.CharField(required=required, validators=[validate_voice], **kwargs)


def speech_payload_field(*, required: bool = False, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        max_length=SPEECH_PAYLOAD_MAX_CHARS,
        required=required,
        widget=forms.Textarea(attrs={"rows": 3}),
        **kwargs,
    )


class OptionalBooleanField(forms.Field):
    """Yes, no, or not set: only an answer the operator gave is sent, False included.

    Stricter than Django's NullBooleanField, which quietly turns an unknown value into "not set".
    """

    widget = forms.Select(choices=[("", "—"), ("true", "Yes"), ("false", "No")])
    TRUE_VALUES: ClassVar[frozenset[Any]] = frozenset({True, "true", "True", "1", "on", "yes"})
    FALSE_VALUES: ClassVar[frozenset[Any]] = frozenset({False, "false", "False", "0", "off", "no"})

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def to_python(self, value: Any) -> bool | None:
        if value in self.empty_values:
            return None
        # bool is an int: keep 1/0 from matching True/False in the sets below.
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str | bool):  # a JSON list or object: not a yes or no
            raise ValidationError("Choose yes or no, or leave it unset.", code="invalid")
        if value in self.TRUE_VALUES:
            return True
        if value in self.FALSE_VALUES:
            return False
        raise ValidationError("Choose yes or no, or leave it unset.", code="invalid")

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, bool):
            return "true" if value else "false"
        return value


class LineListField(forms.Field):
    """A list entered one item per line (a JSON list is accepted as is, for API clients)."""

    widget = forms.Textarea(attrs={"rows": 3})

    def __init__(self, *, item_validators: Iterable[Callable[[str], None]] = (), **kwargs: Any) -> None:
        self.item_validators = list(item_validators)
        kwargs.setdefault("help_text", "One per line.")
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[str]:
        if value in self.empty_values:
            return []
        if isinstance(value, str):
            value = value.splitlines()
        elif not isinstance(value, (list, tuple)):
            raise ValidationError("Enter one item per line.", code="invalid")
        items: list[str] = []
        for raw in value:
            if not isinstance(raw, str):
                raise ValidationError("Enter one item per line.", code="invalid")
            item = raw.strip()
            # Telnyx wants unique ids; a repeated line is a paste slip, not a second target.
            if item and item not in items:
                items.append(item)
        return items

    def validate(self, value: list[str]) -> None:
        super().validate(value)
        errors = []
        for line, item in enumerate(value, start=1):
            for validator in self.item_validators:
                try:
                    validator(item)
                except ValidationError as error:
                    errors.extend(f"Line {line} ({item}): {message}" for message in error.messages)
        if errors:
            raise ValidationError(errors)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            return "\n".join(value)
        return value


class DestinationsField(LineListField):
    """One or more E.164 numbers or SIP URIs: a single string for one, a list for several."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "E.164 numbers or SIP URIs, one per line.")
        super().__init__(item_validators=[validate_e164_or_sip_uri], **kwargs)

    def clean(self, value: Any) -> str | list[str]:
        destinations = super().clean(value)
        return destinations[0] if len(destinations) == 1 else destinations


class HeaderListField(forms.Field):
    """SIP headers as `Name: value` lines, sent as Telnyx's [{"name": ..., "value": ...}]."""

    widget = forms.Textarea(attrs={"rows": 3})
    NAME_RE = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+")  # an RFC 3261 token

    def __init__(self, *, allowed_names: Sequence[str] = (), **kwargs: Any) -> None:
        self.allowed_names = {name.lower(): name for name in allowed_names}
        kwargs.setdefault("help_text", "One header per line, as Name: value.")
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[dict[str, str]]:
        if value in self.empty_values:
            return []
        if isinstance(value, str):
            pairs = [line.partition(":") for line in value.splitlines() if line.strip()]
            if any(not separator for _, separator, _ in pairs):
                raise ValidationError("Write each header as Name: value.", code="invalid")
            return [{"name": name.strip(), "value": header_value.strip()} for name, _, header_value in pairs]
        if isinstance(value, (list, tuple)) and all(
            isinstance(item, dict)
            and set(item) == {"name", "value"}
            and all(isinstance(v, str) for v in item.values())
            for item in value
        ):
            return [{"name": item["name"].strip(), "value": item["value"].strip()} for item in value]
        raise ValidationError("Write each header as Name: value.", code="invalid")

    def validate(self, value: list[dict[str, str]]) -> None:
        super().validate(value)
        for line, header in enumerate(value, start=1):
            if not self.NAME_RE.fullmatch(header["name"]):
                raise ValidationError(
                    f"Line {line}: {header['name']!r} is not a valid header name.", code="invalid"
                )
            if self.allowed_names and header["name"].lower() not in self.allowed_names:
                allowed = ", ".join(self.allowed_names.values())
                raise ValidationError(f"Line {line}: Telnyx accepts only {allowed} here.", code="header_name")
            if not header["value"]:
                raise ValidationError(
                    f"Line {line}: the header {header['name']} has no value.", code="invalid"
                )

    def clean(self, value: Any) -> list[dict[str, str]]:
        headers = super().clean(value)
        # Spell an allowed header the way Telnyx documents it, whatever case the operator typed.
        for header in headers:
            header["name"] = self.allowed_names.get(header["name"].lower(), header["name"])
        return headers

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            return "\n".join(f"{header['name']}: {header['value']}" for header in value)
        return value


class JSONObjectField(forms.JSONField):
    """A JSON object; with a schema ({key: bool, int, float or str}) only those keys and types."""

    def __init__(self, *, schema: Mapping[str, type] | None = None, **kwargs: Any) -> None:
        self.schema = schema
        if schema and "help_text" not in kwargs:
            kwargs["help_text"] = "A JSON object with any of: " + ", ".join(schema) + "."
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is None:
            return
        if not isinstance(value, dict):
            raise ValidationError('Enter a JSON object, e.g. {"key": 1}.', code="invalid")
        if self.schema is None:
            return
        unknown = sorted(set(value) - set(self.schema))
        if unknown:
            raise ValidationError(f"Unknown keys: {', '.join(unknown)}.", code="unknown_keys")
        for key, item in value.items():
            kind = self.schema[key]
            accepted = (int, float) if kind is float else (kind,)
            # JSON true is not a number, even though Python's bool is an int.
            if isinstance(item, bool) != (kind is bool) or not isinstance(item, accepted):
                raise ValidationError(f"{key} must be {TYPE_NAMES[kind]}.", code="type")

    def prepare_value(self, value: Any) -> Any:
        # JSONField renders an empty value as the text "null"; an empty box is friendlier.
        return "" if value is None else super().prepare_value(value)


class LoopField(forms.Field):
    """Telnyx's Loopcount: a whole number of plays from 1 to 100, or "infinity"."""

    MAX_LOOPS = 100
    error = "Enter a whole number from 1 to 100, or infinity."

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "1 to 100, or infinity.")
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | str | None:
        if value in self.empty_values:
            return None
        if isinstance(value, str) and value.strip().lower() == "infinity":
            return "infinity"
        if isinstance(value, bool):
            raise ValidationError(self.error, code="invalid")
        try:
            count = int(str(value).strip())
        except ValueError:
            raise ValidationError(self.error, code="invalid") from None
        if not 1 <= count <= self.MAX_LOOPS:
            raise ValidationError(self.error, code="range")
        return count


class UUIDStringField(forms.UUIDField):
    """A UUID, kept as its canonical string so it can go straight into a JSON body."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str | None:
        parsed = super().to_python(value)
        return None if parsed is None else str(parsed)


class ClientStateWidget(forms.MultiWidget):
    """An encoding select next to the value box, posted as `<name>_encoding` and `<name>`.

    The value keeps the field's own name, so an API client can post `client_state=<base64>` alone.
    """

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets = {"encoding": forms.Select(choices=ClientStateField.ENCODINGS), "": forms.TextInput()}
        super().__init__(widgets, attrs)

    def decompress(self, value: str | None) -> list[str | None]:
        # A stored value is already base64; a new one is most likely typed as text.
        return ["base64", value] if value else ["text", None]


class ClientStateField(forms.MultiValueField):
    """Client state typed as plain text (encoded here) or pasted as base64 (checked here).

    The cleaned value is always the base64 string Telnyx wants. With no encoding given the value
    is taken as base64, the wire format, so API clients need not know about the select.
    """

    ENCODINGS: ClassVar[list[tuple[str, str]]] = [("text", "Plain text"), ("base64", "Base64")]
    widget = ClientStateWidget
    default_validators = [validate_base64]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "help_text",
            "Sent back on every later webhook. Type plain text, or paste base64 and choose Base64.",
        )
        kwargs.setdefault("required", False)
        fields = (forms.ChoiceField(choices=self.ENCODINGS, required=False), forms.CharField(required=False))
        super().__init__(fields, require_all_fields=False, **kwargs)

    def validate(self, value: str) -> None:
        # MultiValueField skips this check; an encoding chosen with no value is still empty.
        forms.Field.validate(self, value)

    def compress(self, data_list: list[str]) -> str:
        encoding, value = (list(data_list) + ["", ""])[:2]
        if not value:
            return ""
        if encoding == "text":
            return base64.b64encode(value.encode("utf-8")).decode("ascii")
        return value


# The form base class ------------------------------------------------------------------------


@dataclass(frozen=True)
class OneOf:
    """At most one of `fields` may be given; with `required`, exactly one."""

    fields: tuple[str, ...]
    required: bool = False


def is_empty(value: Any) -> bool:
    # False and 0 are answers, not blanks.
    return value is None or (isinstance(value, (str, list, dict)) and not value)


class CommandForm(forms.Form):
    """One Telnyx command: its fields, its rules, and the JSON body it becomes.

    Subclasses declare fields under Telnyx's names; a trailing underscore escapes a Python keyword
    (`from_` is sent as `from`). `command_id` is never a field: the service adds it.
    """

    one_of: ClassVar[tuple[OneOf, ...]] = ()
    # Fields sent even when empty, because Telnyx gives the empty value a meaning.
    keep_empty: ClassVar[frozenset[str]] = frozenset()
    # Refuse a command that would change nothing (every field is optional).
    require_any: ClassVar[bool] = False
    # The few fields most uses need, shown first; the rest sit under "Advanced", collapsed. None:
    # the required ones and those of required `one_of` groups, topped up in field order with
    # fields that are not plumbing (client state, headers, webhooks, credentials, region).
    common: ClassVar[tuple[str, ...] | None] = None
    COMMON_MAX: ClassVar[int] = 4
    PLUMBING: ClassVar[frozenset[str]] = frozenset(
        {
            "client_state", "custom_headers", "sip_headers", "sip_auth_username", "sip_auth_password",
            "sound_modifications", "webhook_url", "webhook_url_method", "region", "billing_group_id",
            "command_id",
        }
    )  # fmt: skip

    def common_names(self) -> list[str]:
        if self.common is not None:
            return [name for name in self.common if name in self.fields]
        needed = {name for group in self.one_of if group.required for name in group.fields}
        names = [name for name, field in self.fields.items() if field.required or name in needed]
        for name in self.fields:
            if len(names) >= self.COMMON_MAX:
                break
            if name not in names and name not in self.PLUMBING:
                names.append(name)
        return names

    def common_fields(self) -> list[forms.BoundField]:
        names = set(self.common_names())
        return [field for field in self if field.name in names]

    def advanced_fields(self) -> list[forms.BoundField]:
        names = set(self.common_names())
        return [field for field in self if field.name not in names]

    def advanced_has_errors(self) -> bool:
        return self.is_bound and any(field.errors for field in self.advanced_fields())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for group in self.one_of:
            self._check_one_of(group)
        if self.require_any and not self.errors and all(is_empty(value) for value in cleaned.values()):
            raise ValidationError("Change at least one setting.", code="empty")
        return cleaned

    def _check_one_of(self, group: OneOf) -> None:
        labels = ", ".join(self._label(name) for name in group.fields)
        given = [name for name in group.fields if not is_empty(self.cleaned_data.get(name))]
        if len(given) > 1:
            for name in given:
                self.add_error(name, ValidationError(f"Give only one of: {labels}.", code="exclusive"))
        elif group.required and not given and not any(name in self.errors for name in group.fields):
            for name in group.fields:
                self.add_error(name, ValidationError(f"Give one of: {labels}.", code="one_required"))

    def _label(self, name: str) -> str:
        return str(self.fields[name].label or pretty_name(name.removesuffix("_")))

    @staticmethod
    def telnyx_name(field_name: str) -> str:
        return field_name.removesuffix("_")

    def encode_value(self, value: Any) -> Any:
        """The value as it goes on the wire; JSON bodies take cleaned values as they are."""
        return value

    def to_params(self) -> dict[str, Any]:
        """The Telnyx request body: Telnyx's names, blanks left out, answers (False, 0) kept."""
        if not self.is_valid():
            raise ValueError(f"{type(self).__name__} is not valid: {self.errors.as_json()}")
        return {
            self.telnyx_name(name): self.encode_value(value)
            for name, value in self.cleaned_data.items()
            if name in self.keep_empty or not is_empty(value)
        }


class BaseSpeakForm(CommandForm):
    """Text to speech, as the call and conference speak commands share it."""

    payload = speech_payload_field(required=True, help_text="Text or SSML, at most 3,000 characters.")
    voice = voice_field(
        required=True, help_text="female, male, or Provider.Model.VoiceId such as AWS.Polly.Joanna-Neural."
    )
    language = enum_field(SPEECH_LANGUAGES)
    payload_type = enum_field(PAYLOAD_TYPES)


class BaseRecordStartForm(CommandForm):
    """Recording options the call and conference record_start commands share."""

    format = enum_field(RECORDING_FORMATS, required=True)
    custom_file_name = text_field(help_text="Used instead of the call leg id; Telnyx adds a timestamp.")
    play_beep = OptionalBooleanField()
    trim = enum_field(RECORDING_TRIM)
