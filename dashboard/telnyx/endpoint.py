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

    def command(
        self,
        method: str,
        path: str,
        *,
        ids: Mapping[str, str] | None = None,
        params: Params | None = None,
        command_id: str | None = None,
        encoding: str = "json",
    ) -> TelnyxResponse:
        """Send one command. `path` is a template ("/calls/{call_control_id}/actions/hangup") whose
        placeholders `ids` fill, each as exactly one path segment. With a `command_id` the body
        carries it, so Telnyx ignores a retry's repeat; `encoding="form"` posts a TeXML form."""
        url = path.lstrip("/").format_map({name: path_segment(value) for name, value in (ids or {}).items()})
        body = {key: value for key, value in (params or {}).items() if value is not None}
        if encoding == "form":
            return self._session.request(method, url, form=text_fields(body))
        if command_id is not None:
            body["command_id"] = command_id
        return self._session.request(method, url, json_body=body, command_id=command_id)

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
