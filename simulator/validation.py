"""Request field rules and the Telnyx error documents returned when they are broken."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

ErrorItem = dict[str, Any]

E164 = re.compile(r"^\+[1-9]\d{1,14}$")
SIP_URI = re.compile(r"^sips?:[^@\s]+@[^\s]+$")
GATHER_DIGITS = set("0123456789#*")
DTMF_SEND = re.compile(r"^[0-9A-Da-d*#wW]+$")
VOICE_PREFIXES = ("AWS.Polly.", "Polly.", "Azure.", "ElevenLabs.", "Telnyx.", "Resemble.", "Minimax.")
# Seed 002: "letters, numbers, spaces, and -_~!.+ special characters" (at most 128 of them).
DISPLAY_NAME = re.compile(r"^[\w \-~!.+]+$")
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


class ApiError(Exception):
    """A Telnyx error response: an HTTP status and the `errors` list."""

    def __init__(self, status: int, errors: list[ErrorItem]) -> None:
        super().__init__(f"{status}: {errors}")
        self.status = status
        self.errors = errors

    def body(self) -> dict[str, Any]:
        return {"errors": self.errors}


def error(code: str, title: str, detail: str | None = None, pointer: str | None = None) -> ErrorItem:
    item: ErrorItem = {"code": code, "title": title}
    if detail is not None:
        item["detail"] = detail
    if pointer is not None:
        item["source"] = {"pointer": pointer}
    return item


# --- field errors (422) ---------------------------------------------------------------------------


def missing(name: str) -> ErrorItem:
    return error(
        "10004",
        "Missing required parameter",
        f"The '{name}' parameter is required and cannot be blank.",
        f"/{name}",
    )


def invalid_enum(name: str, allowed: Sequence[str]) -> ErrorItem:
    return error(
        "10032",
        "Invalid enumerated value",
        f"The value must be one of: {', '.join(sorted(allowed))}.",
        f"/{name}",
    )


def out_of_range(name: str, low: float | None, high: float | None) -> ErrorItem:
    if low is not None and high is not None:
        detail = f"The value is outside of allowed range {low} to {high}"
    elif low is not None:
        detail = f"The value must be at least {low}"
    else:
        detail = f"The value must be at most {high}"
    return error("10033", "Value outside of range", detail, f"/{name}")


def too_long(name: str, limit: int) -> ErrorItem:
    return error(
        "10033",
        "Value outside of range",
        f"The '{name}' parameter is limited to {limit} characters.",
        f"/{name}",
    )


def not_e164(name: str) -> ErrorItem:
    return error(
        "10016",
        "Phone number must be in +E164 format",
        f"The '{name}' parameter must be in E164 format.",
        f"/{name}",
    )


def bad_value(name: str, detail: str) -> ErrorItem:
    return error("10015", "Bad Request", detail, f"/{name}")


def invalid_connection() -> ErrorItem:
    return error(
        "10015",
        "Invalid value for connection_id (Call Control App ID)",
        "The requested connection_id (Call Control App ID) is either invalid or does not exist. "
        "Only Call Control Apps with valid webhook URL are accepted.",
        "/connection_id",
    )


# --- state errors (422) and lookups (404) ---------------------------------------------------------


def call_ended() -> ApiError:
    return ApiError(
        422,
        [
            error(
                "90018", "Call has already ended", "This call is no longer active and can't receive commands."
            )
        ],
    )


def not_answered() -> ApiError:
    return ApiError(
        422,
        [
            error(
                "90034",
                "Call not answered yet",
                "This call can't receive this command because it has not been answered yet.",
            )
        ],
    )


def recording_before_audio() -> ApiError:
    return ApiError(
        422,
        [
            error(
                "90020",
                "Call recording triggered before audio started",
                "Call recording cannot be started until audio has commenced on the call.",
            )
        ],
    )


def conference_ended() -> ApiError:
    return ApiError(
        422,
        [
            error(
                "90019",
                "Conference has already ended",
                "This conference is no longer active and can't receive commands.",
            )
        ],
    )


def invalid_call_control_id(pointer: str = "/call_control_id") -> ApiError:
    return ApiError(
        422,
        [error("90015", "Invalid Call Control ID", "The call_control_id provided was not valid.", pointer)],
    )


def cannot_answer(*, outgoing: bool) -> ApiError:
    """An answer for a call that is not an incoming call still ringing: the wrong state."""
    if outgoing:
        return unable("Only an incoming call can be answered; the far end answers an outgoing call.")
    return unable("The call has already been answered.")


def unable(detail: str) -> ApiError:
    """A command the current state does not allow (Telnyx's generic "Unable to execute command")."""
    return ApiError(422, [error("90033", "Unable to execute command", detail)])


def not_forked() -> ApiError:
    return ApiError(
        422,
        [
            error(
                "90031",
                "Call is not currently forked",
                "Can't stop forking, because the call isn't currently forked.",
            )
        ],
    )


def queue_full(queue: str) -> ApiError:
    return ApiError(
        422, [error("90036", "Queue full", f"The '{queue}' queue is full and can't accept more calls.")]
    )


def already_queued() -> ApiError:
    return ApiError(
        422, [error("90038", "Call already in queue", "Call can't be added to a queue it's already in.")]
    )


def max_participants(limit: int) -> ApiError:
    return ApiError(
        422,
        [
            error(
                "90032",
                "Maximum number of participants reached",
                f"The maximum allowed value of `max_participants` has been reached at {limit}.",
            )
        ],
    )


def not_found() -> ApiError:
    return ApiError(404, [error("10007", "Resource not found", "Resource not found")])


def conference_not_found() -> ApiError:
    return ApiError(404, [error("90058", "Invalid conference_id", "The conference does not exist.")])


def route_not_found() -> ApiError:
    return ApiError(
        404, [error("10005", "Resource not found", "The requested resource or URL could not be found.")]
    )


def texml_not_found() -> ApiError:
    return ApiError(404, [{"detail": "Resource not found"}])


def unauthorized() -> ApiError:
    return ApiError(
        401,
        [
            {
                **error(
                    "10009",
                    "Authentication failed",
                    "The required authentication headers were either invalid or not included in the request.",
                ),
                "meta": {"url": "https://developers.telnyx.com/docs/overview/errors/10009"},
            }
        ],
    )


def malformed_body(detail: str) -> ApiError:
    return ApiError(400, [error("10015", "Bad Request", detail)])


# --- field rules ----------------------------------------------------------------------------------

Check = Callable[[str, Any], "ErrorItem | None"]

_KINDS: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "bool": (bool,),
    "list": (list,),
    "object": (dict,),
    "number": (int, float),
}


@dataclass(frozen=True)
class Field:
    """One request field: its JSON kind and the rules Telnyx applies to it."""

    name: str
    kind: str = "str"  # str | int | bool | list | object | number | any
    required: bool = False
    choices: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    check: Check | None = None


def validate(body: Mapping[str, Any], fields: Sequence[Field]) -> None:
    """Raise a 422 listing every broken rule, in field order."""
    errors = [item for rule in fields if (item := _check_field(body, rule)) is not None]
    if errors:
        raise ApiError(422, errors)


def _check_field(body: Mapping[str, Any], rule: Field) -> ErrorItem | None:
    value = body.get(rule.name)
    if value is None or value == "" or value == []:
        return missing(rule.name) if rule.required else None
    if rule.kind != "any" and not _is_kind(value, rule.kind):
        return bad_value(rule.name, f"The '{rule.name}' parameter must be of type {_KIND_NAMES[rule.kind]}.")
    if rule.choices is not None and value not in rule.choices:
        return invalid_enum(rule.name, rule.choices)
    if rule.kind in ("int", "number") and (
        (rule.minimum is not None and value < rule.minimum)
        or (rule.maximum is not None and value > rule.maximum)
    ):
        return out_of_range(rule.name, rule.minimum, rule.maximum)
    if rule.max_length is not None and len(value) > rule.max_length:
        return too_long(rule.name, rule.max_length)
    return rule.check(rule.name, value) if rule.check else None


_KIND_NAMES = {
    "str": "string",
    "int": "integer",
    "bool": "boolean",
    "list": "array",
    "object": "object",
    "number": "number",
}


def _is_kind(value: Any, kind: str) -> bool:
    # JSON booleans are Python ints; they must not pass for numbers.
    if isinstance(value, bool):
        return kind == "bool"
    return isinstance(value, _KINDS[kind])


# --- value checks ---------------------------------------------------------------------------------


def base64_state(name: str, value: str) -> ErrorItem | None:
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return bad_value(name, f"The '{name}' parameter must be a valid Base-64 encoded string.")
    return None


def e164_or_sip(name: str, value: str) -> ErrorItem | None:
    return None if E164.match(value) or SIP_URI.match(value) else not_e164(name)


def destinations(name: str, value: Any) -> ErrorItem | None:
    """The dial `to`: one number or SIP URI, or a list of them."""
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(item, str) for item in items):
        return bad_value(name, f"The '{name}' parameter must be a string or an array of strings.")
    for item in items:
        if problem := e164_or_sip(name, item):
            return problem
    return None


def sip_uri(name: str, value: str) -> ErrorItem | None:
    if SIP_URI.match(value):
        return None
    return bad_value(name, f"The '{name}' parameter must be a SIP URI, e.g. sip:user@example.com.")


def string_list(name: str, value: list[Any]) -> ErrorItem | None:
    if all(isinstance(item, str) and item for item in value):
        return None
    return bad_value(name, f"The '{name}' parameter must be an array of strings.")


def header_list(name: str, value: list[Any]) -> ErrorItem | None:
    for item in value:
        if not (
            isinstance(item, dict)
            and isinstance(item.get("name"), str)
            and isinstance(item.get("value"), str)
        ):
            return bad_value(name, f"Each item of '{name}' must be an object with string 'name' and 'value'.")
    return None


def sip_header_list(name: str, value: list[Any]) -> ErrorItem | None:
    if problem := header_list(name, value):
        return problem
    if any(item["name"] != "User-to-User" for item in value):
        return invalid_enum(f"{name}/name", ["User-to-User"])
    return None


def loop_count(name: str, value: Any) -> ErrorItem | None:
    if value == "infinity" or (isinstance(value, int) and not isinstance(value, bool) and value >= 1):
        return None
    if isinstance(value, str) and value.isdigit() and int(value) >= 1:
        return None
    return bad_value(name, f"The '{name}' parameter must be a positive integer or 'infinity'.")


def gather_digit(name: str, value: str) -> ErrorItem | None:
    if len(value) == 1 and value in GATHER_DIGITS:
        return None
    return bad_value(name, f"The '{name}' parameter must be one of the digits 0-9, * or #.")


def gather_digit_set(name: str, value: str) -> ErrorItem | None:
    if set(value) <= GATHER_DIGITS:
        return None
    return bad_value(name, f"The '{name}' parameter may only hold the digits 0-9, * and #.")


def display_name(name: str, value: str) -> ErrorItem | None:
    if DISPLAY_NAME.match(value):
        return None
    return bad_value(
        name, f"The '{name}' parameter may only hold letters, numbers, spaces and the characters -_~!.+"
    )


def uuid(name: str, value: str) -> ErrorItem | None:
    """A `string <uuid>` field, such as billing_group_id."""
    if UUID.match(value):
        return None
    return bad_value(name, f"The '{name}' parameter must be a valid UUID.")


def session_timeout(name: str, value: int) -> ErrorItem | None:
    """SIPREC's session_timeout_secs: "Minimum value is 90, set to 0 to disable." (the SDK's types)."""
    if value == 0 or value >= 90:
        return None
    return error("10033", "Value outside of range", "The value must be 0 (disabled) or at least 90.", f"/{name}")


def engine_config(body: Mapping[str, Any], parameters: Mapping[str, Mapping[str, Field]]) -> None:
    """noise_suppression_engine_config: only the parameters of the engine chosen, each by its rule."""
    config = body.get("noise_suppression_engine_config")
    if not config:
        return
    engine = body.get("noise_suppression_engine")
    if not engine:
        raise ApiError(422, [missing("noise_suppression_engine")])
    takes = parameters.get(engine, {})
    problems = []
    for key in config:
        rule = takes.get(key)
        pointer = f"noise_suppression_engine_config/{key}"
        if rule is None:
            detail = f"'{key}' is not a parameter of the {engine} engine."
            problems.append(bad_value(pointer, detail))
        elif (problem := _check_field(config, rule)) is not None:
            problems.append({**problem, "source": {"pointer": f"/{pointer}"}})
    family, size = config.get("family"), config.get("size")
    only = {"xs": "sparrow", "xxs": "sparrow", "vf_l": "quail", "vf_1_1_l": "quail"}
    if family and only.get(size, family) != family:
        problems.append(
            error(
                "10032",
                "Invalid enumerated value",
                f"Size '{size}' is {only[size]}-only.",
                "/noise_suppression_engine_config/size",
            )
        )
    if problems:
        raise ApiError(422, problems)


def dtmf_to_send(name: str, value: str) -> ErrorItem | None:
    if DTMF_SEND.match(value):
        return None
    return bad_value(name, f"The '{name}' parameter may only hold 0-9, A-D, *, #, w and W.")


def basic_speech(body: Mapping[str, Any]) -> None:
    """Seed 002: "When using basic, only the en-US language and payload type text are allowed." """
    if body.get("service_level") != "basic":
        return
    problems = []
    if body.get("language") not in (None, "", "en-US"):
        problems.append(
            error(
                "10032",
                "Invalid enumerated value",
                "With service_level basic the value must be one of: en-US.",
                "/language",
            )
        )
    if body.get("payload_type") not in (None, "", "text"):
        problems.append(
            error(
                "10032",
                "Invalid enumerated value",
                "With service_level basic the value must be one of: text.",
                "/payload_type",
            )
        )
    if problems:
        raise ApiError(422, problems)


def voice(name: str, value: str) -> ErrorItem | None:
    """`male`/`female` (the seeded enum) or a provider voice such as `AWS.Polly.Joanna-Neural`."""
    if value in ("male", "female") or value.startswith(VOICE_PREFIXES):
        return None
    return invalid_enum(name, ["male", "female"])


def one_of(body: Mapping[str, Any], names: Sequence[str], *, required: bool = True) -> None:
    """Exactly one of `names` must be given (e.g. audio_url or media_name); with `required=False`,
    at most one (e.g. invalid_audio_url or invalid_media_name)."""
    given = [name for name in names if body.get(name) not in (None, "")]
    if not given and required:
        raise ApiError(422, [missing(names[0])])
    if len(given) > 1:
        raise ApiError(
            422,
            [bad_value(given[1], f"'{given[0]}' and '{given[1]}' cannot be used together in one request.")],
        )
