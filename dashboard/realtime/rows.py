"""The one cache of rendered live rows, shared by the pages and the websocket fragments.

A row's HTML depends on its object alone (durations tick in the browser), and every change to an
object bumps its version, so a row is rendered again only when its stamp (the version, plus
whatever else its kind uses to tell a reused pk from the same row) differs from the one it was
rendered at. Rendering 10,000 rows takes seconds, looking them up milliseconds. A page takes the
HTML as UTF-8 bytes; a websocket takes the message, encoded once however many pages watch.
Per process, least recently used first out.
"""

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

DEFAULT_MIN_SIZE = 20_000


@dataclass
class RenderedRow:
    # (version, ...): what the row was rendered at; the rest tells a pk reused after a rebuild
    # (SQLite) from the same row, and a refolded row from its earlier self.
    stamp: tuple
    dom_id: str
    alive: bool
    html: str
    _bytes: bytes | None = field(default=None, repr=False)
    _messages: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def version(self) -> int:
        return self.stamp[0]

    def html_bytes(self) -> bytes:
        if self._bytes is None:
            self._bytes = self.html.encode()
        return self._bytes

    def message(self, kind: str) -> str:
        """The websocket message for this row: {kind, dom_id, version, alive, html} as JSON text."""
        if kind not in self._messages:
            self._messages[kind] = json.dumps(
                {
                    "kind": kind,
                    "dom_id": self.dom_id,
                    "version": self.version,
                    "alive": self.alive,
                    "html": self.html,
                }
            )
        return self._messages[kind]


class RowCache:
    """(kind, variant, pk) → the row as last rendered; `variant` tells rows with action buttons apart."""

    def __init__(self, min_size: int = DEFAULT_MIN_SIZE) -> None:
        self._min_size = min_size
        self._limit = min_size
        self._rows: OrderedDict[tuple, RenderedRow] = OrderedDict()
        self._lock = threading.Lock()
        self._templates: object = None

    def get(self, kind: str, variant: bool, pk: int, *, stamp: tuple) -> RenderedRow | None:
        """The cached row if it was rendered at `stamp`."""
        key = (kind, variant, pk)
        with self._lock:
            row = self._rows.get(key)
            if row is None or row.stamp != stamp:
                return None
            self._rows.move_to_end(key)
            return row

    def get_many(self, kind: str, variant: bool, stamps: dict[int, tuple]) -> dict[int, RenderedRow]:
        found = {}
        with self._lock:
            for pk, stamp in stamps.items():
                key = (kind, variant, pk)
                row = self._rows.get(key)
                if row is not None and row.stamp == stamp:
                    self._rows.move_to_end(key)
                    found[pk] = row
        return found

    def put(self, kind: str, variant: bool, pk: int, row: RenderedRow) -> None:
        with self._lock:
            key = (kind, variant, pk)
            current = self._rows.get(key)
            # A slower render of an older version never replaces a newer one.
            if current is None or current.version <= row.version:
                self._rows[key] = row
            self._rows.move_to_end(key)
            while len(self._rows) > self._limit:
                self._rows.popitem(last=False)

    def hold_at_least(self, count: int) -> None:
        """Keep room for `count` rows (a page's whole live list, twice over)."""
        with self._lock:
            self._limit = max(self._min_size, 2 * count)

    def forget_if_templates_changed(self, compiled: object) -> None:
        """Templates reloaded (DEBUG): every row rendered with the old ones is stale."""
        with self._lock:
            if compiled is not self._templates:
                self._rows.clear()
                self._templates = compiled


rows = RowCache()
