"""What a log line is about: the request id, the user, the call and the Telnyx command_id.

Set by the ASGI wrapper (request id), a middleware (the request, for its user once known), the
webhook path (call_control_id) and the action runner (user, call_control_id, command_id); read by
the log filter. Context variables follow a request into the threads Django and asgiref hand it to.
"""

import contextlib
import re
import uuid
from collections.abc import Iterator
from contextvars import ContextVar

from django.utils.functional import LazyObject, empty

request_id: ContextVar[str] = ContextVar("switchboard_request_id", default="")
_request: ContextVar[object | None] = ContextVar("switchboard_request", default=None)
_fields: ContextVar[dict[str, str]] = ContextVar("switchboard_log_fields", default={})  # noqa: B039 - never mutated

# What a trusted proxy's X-Request-ID may hold: one token, no spaces, no control characters.
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:@/+=-]{1,128}")
FIELDS = ("user", "call_control_id", "command_id")


def new_request_id() -> str:
    return uuid.uuid4().hex


def accepted_request_id(value: str | None) -> str | None:
    """A proxy's X-Request-ID when it is a plain token; None for anything else."""
    if value and _VALID_REQUEST_ID.fullmatch(value):
        return value
    return None


def set_request(request: object) -> object:
    return _request.set(request)


def reset_request(token: object) -> None:
    _request.reset(token)


@contextlib.contextmanager
def log_context(**fields: str | None) -> Iterator[None]:
    """Add fields (user, call_control_id, command_id) to every log line written inside the block."""
    token = _fields.set({**_fields.get(), **{k: str(v) for k, v in fields.items() if v}})
    try:
        yield
    finally:
        _fields.reset(token)


def bind(**fields: str | None) -> None:
    """Like log_context, for the rest of the current task or thread (a webhook's handling)."""
    _fields.set({**_fields.get(), **{k: str(v) for k, v in fields.items() if v}})


def _username() -> str:
    """The request's user, only if something already loaded it: logging never queries the database."""
    request = _request.get()
    if request is None:
        return ""
    user = getattr(request, "__dict__", {}).get("user")
    if isinstance(user, LazyObject):
        user = user._wrapped  # noqa: SLF001
        if user is empty:
            return ""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return user.get_username()


def current() -> dict[str, str]:
    """The context of the code running now: request_id and whichever of FIELDS are known."""
    fields = dict(_fields.get())
    if "user" not in fields:
        username = _username()
        if username:
            fields["user"] = username
    rid = request_id.get()
    if rid:
        fields["request_id"] = rid
    return fields
