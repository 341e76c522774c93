"""What every group of Telnyx endpoints shares: body building, command ids, paths and paging."""

import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from dashboard.telnyx.response import TelnyxResponse
from dashboard.telnyx.session import TelnyxSession

Params = Mapping[str, Any]
Scalar = str | int | float | bool | None


def new_command_id() -> str:
    """A fresh command_id: Telnyx ignores a repeat of the same id on the same call for 60 s."""
    return str(uuid.uuid4())


def path_segment(value: str) -> str:
    """An identifier as one URL path segment: a '/' or '..' in an id must not change the endpoint."""
    if value in {"", ".", ".."}:
        raise ValueError(f"invalid identifier for a Telnyx path: {value!r}")
    return quote(value, safe=":@")


def text_value(value: str | int | float | bool) -> str:
    # Telnyx reads lowercase booleans in query strings and TeXML forms; str(True) is "True".
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def text_fields(fields: Mapping[str, Scalar] | None) -> dict[str, str]:
    return {key: text_value(value) for key, value in (fields or {}).items() if value is not None}


class EndpointBase:
    _session: TelnyxSession

    def _command(
        self,
        method: str,
        path: str,
        *,
        params: Params | None,
        command_id: str | None,
        accepts_command_id: bool,
    ) -> TelnyxResponse:
        """Send a command body; commands that take a command_id always carry one, so retries dedupe."""
        body = {key: value for key, value in (params or {}).items() if value is not None}
        if not accepts_command_id:
            if command_id is not None:
                raise ValueError(f"{method} {path} does not take a command_id")
            return self._session.request(method, path, json_body=body)
        given = body.get("command_id")
        if command_id is not None and given is not None and given != command_id:
            raise ValueError("command_id given twice with different values")
        command_id = command_id or given or new_command_id()
        body["command_id"] = command_id
        return self._session.request(method, path, json_body=body, command_id=command_id)

    def _numbered_pages(self, path: str, query: Mapping[str, str]) -> TelnyxResponse:
        """GET every page[number] page of a list, up to meta.total_pages."""
        pages: list[TelnyxResponse] = []
        number = 1
        while True:
            page = self._session.request("GET", path, query={**query, "page[number]": str(number)})
            pages.append(page)
            total = page.meta.get("total_pages")
            if not page.items or not isinstance(total, int) or number >= total:
                return merge_pages(pages)
            number += 1


def merge_pages(pages: list[TelnyxResponse]) -> TelnyxResponse:
    """One response holding the items of every page, with the totals of the work done."""
    last = pages[-1]
    return TelnyxResponse(
        status=last.status,
        data={},
        items=[item for page in pages for item in page.items],
        meta=last.meta,
        elapsed_ms=sum(page.elapsed_ms for page in pages),
        attempts=sum(page.attempts for page in pages),
    )
