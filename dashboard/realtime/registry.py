"""What open pages can watch, registered by the apps that own the rows (calls, conferences).

A live kind says how a changed row is announced (to which groups) and rendered (as a fragment
from the same partial the page includes); a live page says which group a websocket URL joins.
The core's broadcaster and consumer work from these tables without importing the apps.
Group names are ASCII without colons: Telnyx ids cannot be used directly, row pks are.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Model

from dashboard.realtime.rows import RenderedRow


@dataclass(frozen=True)
class LiveKind:
    kind: str  # the note's and fragment's kind, e.g. "call"
    projection: str  # the projection whose changed rows it announces, e.g. "calls"
    groups: Callable[[Model], list[str]]
    # What a row is rendered at (the RenderedRow's stamp), read from the changed row itself.
    stamp: Callable[[Model], tuple]
    # The rows of these pks rendered now, with or without action buttons, by pk (a row gone is
    # missing): read in one query, as a burst's rows are rendered together.
    render: Callable[[list[int], bool], dict[int, RenderedRow]]
    # Users holding this permission get fragments with action buttons.
    act_permission: str = ""
    # The rows that webhooks received at or after a moment touched (a page rendered then is sent them
    # when it connects, instead of fetching itself again); None: the kind cannot tell.
    changed_since: Callable[[datetime], Iterable[Model]] | None = None


@dataclass(frozen=True)
class LivePage:
    target: str  # the websocket URL's segment: /ws/live/<target>/[<key>/]
    list_group: str
    # The group of one object's page, by its Telnyx id; None when there is no such object.
    detail_group: Callable[[str], str | None]


_kinds: dict[str, LiveKind] = {}
_pages: dict[str, LivePage] = {}


def register_live_kind(kind: LiveKind) -> None:
    _kinds[kind.kind] = kind


def register_live_page(page: LivePage) -> None:
    _pages[page.target] = page


def live_kinds() -> list[LiveKind]:
    return list(_kinds.values())


def live_kind(kind: str) -> LiveKind:
    return _kinds[kind]


def live_page(target: str) -> LivePage | None:
    return _pages.get(target)


def live_targets() -> list[str]:
    return list(_pages)
