"""What a successful Telnyx request returns."""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class TelnyxResponse:
    """A 2xx answer.

    `data` is the single object answered (the `data` member of the v2 envelope, or the whole body
    for TeXML); list endpoints put their records in `items` and paging info in `meta`.
    """

    status: int
    data: dict[str, Any]
    elapsed_ms: float
    attempts: int
    items: list[dict[str, Any]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    command_id: str | None = None


def unwrap(body: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]:
    """Split a decoded body into (data, items, meta)."""
    if "data" not in body:
        return body, [], {}
    inner = body["data"]
    meta = body.get("meta")
    meta = meta if isinstance(meta, dict) else {}
    if isinstance(inner, list):
        return {}, [item for item in inner if isinstance(item, dict)], meta
    return (inner if isinstance(inner, dict) else {}), [], meta
