"""HTTP handlers of the simulated API: one module per resource family, sharing these types."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from simulator.validation import ApiError, error

if TYPE_CHECKING:
    from simulator.runtime import Runtime
    from simulator.world import World


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: dict[str, Any]
    runtime: Runtime
    client_host: str | None = None

    @property
    def world(self) -> World:
        return self.runtime.world


@dataclass
class Response:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[..., Response]


@dataclass(frozen=True)
class Route:
    """A path pattern: literal segments, and `{name}` segments handed to the handler."""

    methods: tuple[str, ...]
    pattern: tuple[str, ...]
    handler: Handler

    def match(self, segments: list[str]) -> dict[str, str] | None:
        if len(segments) != len(self.pattern):
            return None
        params: dict[str, str] = {}
        for part, segment in zip(self.pattern, segments, strict=True):
            if part.startswith("{"):
                params[part[1:-1]] = segment
            elif part != segment:
                return None
        return params


def route(methods: str, path: str, handler: Handler) -> Route:
    return Route(tuple(methods.split()), tuple(path.strip("/").split("/")), handler)


def ok(data: Any = None) -> Response:
    return Response(200, {"data": {"result": "ok"} if data is None else data})


def deduplicated(request: Request, target: str, run: Callable[[], Response]) -> Response:
    """Telnyx ignores a repeated command_id on the same call (or conference) for 60 s: the repeat
    is answered like the original and changes nothing."""
    command_id = request.body.get("command_id")
    command_id = command_id if isinstance(command_id, str) else None
    if (seen := request.world.seen_command(target, command_id)) is not None:
        return seen
    response = run()
    request.world.remember_command(target, command_id, response)
    return response


def page_window(
    query: Mapping[str, str], total: int, *, default_size: int = 20
) -> tuple[int, int, dict[str, Any]]:
    """`page[number]`/`page[size]` (or `page[after]`/`page[before]` cursors) → start, size and meta."""
    size = _page_parameter(query, "page[size]", default_size, 1, 250)
    if "page[after]" in query:
        start = _cursor(query, "page[after]")
    elif "page[before]" in query:
        start = max(_cursor(query, "page[before]") - size, 0)
    else:
        start = (_page_parameter(query, "page[number]", 1, 1, None) - 1) * size
    end = min(start + size, total)
    meta = {
        "page_number": start // size + 1,
        "page_size": size,
        "total_pages": math.ceil(total / size),
        "total_results": total,
        "cursors": {
            "after": str(end) if end < total else None,
            "before": str(start) if start > 0 else None,
        },
    }
    return start, size, meta


def _page_parameter(query: Mapping[str, str], name: str, default: int, low: int, high: int | None) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) < low or (high is not None and int(raw) > high):
        limits = f"between {low} and {high}" if high else f"at least {low}"
        raise ApiError(
            400,
            [
                error("10015", "Bad Request", f"'{name}' must be an integer {limits}.")
                | {"source": {"parameter": name}}
            ],
        )
    return int(raw)


def _cursor(query: Mapping[str, str], name: str) -> int:
    raw = query[name]
    if not raw.isdigit():
        raise ApiError(
            400,
            [
                error("10015", "Bad Request", f"'{name}' is not a valid cursor.")
                | {"source": {"parameter": name}}
            ],
        )
    return int(raw)
