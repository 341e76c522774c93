"""The one error type raised by the Telnyx client, and the parsing of Telnyx error bodies."""

import json
from enum import StrEnum
from typing import Any

_SNIPPET_CHARS = 200


class ErrorKind(StrEnum):
    # Telnyx answered 4xx: it understood the request and said no.
    REFUSED = "refused"
    # No usable answer: timeout, connection error, 5xx, or a malformed body.
    FAILED = "failed"


class TelnyxError(Exception):
    """A Telnyx request that did not succeed.

    `retryable` says whether sending the same request again later (same command_id) may succeed.
    """

    def __init__(
        self,
        *,
        kind: ErrorKind,
        status: int | None = None,
        code: str | None = None,
        title: str | None = None,
        detail: str | None = None,
        pointer: str | None = None,
        errors: list[Any] | None = None,
        retryable: bool = False,
        attempts: int = 1,
        command_id: str | None = None,
    ) -> None:
        self.kind = kind
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
        self.pointer = pointer
        self.errors = errors if errors is not None else []
        self.retryable = retryable
        self.attempts = attempts
        self.command_id = command_id
        super().__init__(self._message())

    @classmethod
    def from_response(
        cls,
        *,
        status: int,
        text: str,
        kind: ErrorKind,
        retryable: bool,
        attempts: int = 1,
        command_id: str | None = None,
    ) -> "TelnyxError":
        """Build the error from a response body, whatever shape it has."""
        body = _loads(text)
        errors = _error_list(body)
        first = next((item for item in errors if isinstance(item, dict)), {})
        source = first.get("source")
        detail = _text(first.get("detail"))
        if detail is None and isinstance(body, dict):
            # Gateways in front of Telnyx answer with their own flat shapes.
            detail = _text(body.get("detail")) or _text(body.get("message"))
        if detail is None and body is None:
            detail = _snippet(text)
        return cls(
            kind=kind,
            status=status,
            code=_code(first.get("code")),
            title=_text(first.get("title")),
            detail=detail,
            pointer=_text(source.get("pointer")) if isinstance(source, dict) else None,
            errors=errors,
            retryable=retryable,
            attempts=attempts,
            command_id=command_id,
        )

    def _message(self) -> str:
        head = " ".join(part for part in (self.code, self.title) if part)
        if not head:
            head = f"HTTP {self.status}" if self.status is not None else "Telnyx request failed"
        message = f"{head}: {self.detail}" if self.detail and self.detail != self.title else head
        if self.kind == ErrorKind.FAILED and self.attempts > 1:
            message += f" (after {self.attempts} attempts)"
        return message

    def __repr__(self) -> str:
        return (
            f"TelnyxError(kind={self.kind.value!r}, status={self.status!r}, code={self.code!r}, "
            f"title={self.title!r}, retryable={self.retryable!r}, attempts={self.attempts!r})"
        )


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _error_list(body: Any) -> list[Any]:
    if not isinstance(body, dict):
        return []
    errors = body.get("errors")
    if isinstance(errors, list):
        return errors
    if isinstance(errors, dict):
        return [errors]
    return []


def _code(value: Any) -> str | None:
    # The spec says a string holding an integer; tolerate a bare integer.
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    return _text(value)


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _snippet(text: str) -> str | None:
    collapsed = " ".join(text.split())
    if not collapsed:
        return None
    return collapsed if len(collapsed) <= _SNIPPET_CHARS else collapsed[:_SNIPPET_CHARS] + "…"
