"""Reading live calls (commands go through `EndpointBase.command`, driven by the action tables)."""

from collections.abc import Mapping

from dashboard.telnyx.endpoint import EndpointBase, merge_pages, path_segment
from dashboard.telnyx.response import TelnyxResponse


class CallEndpoints(EndpointBase):
    def list_active_calls(self, *, connection_id: str) -> TelnyxResponse:
        """Every live call of a connection, following the page[after] cursor to the end."""
        path = f"connections/{path_segment(connection_id)}/active_calls"
        pages: list[TelnyxResponse] = []
        seen: set[str] = set()
        query: Mapping[str, str] = {}
        while True:
            page = self._session.request("GET", path, query=query)
            pages.append(page)
            cursor = _after_cursor(page.meta)
            # An empty page or a cursor already followed ends the walk: no loop on a confused server.
            if not page.items or cursor is None or cursor in seen:
                return merge_pages(pages)
            seen.add(cursor)
            query = {"page[after]": cursor}


def _after_cursor(meta: Mapping[str, object]) -> str | None:
    cursors = meta.get("cursors")
    after = cursors.get("after") if isinstance(cursors, dict) else None
    return after if isinstance(after, str) and after else None
