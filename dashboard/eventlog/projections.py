"""The projection registry: how stored events become Call, Conference and Participant rows.

The apps above the core (calls, conferences) each describe a projection once, as a
`ProjectionSpec`, and register it from their `AppConfig.ready()`. The core routes every event
through the registry, on ingest and on rebuild alike, without importing them. One skeleton
(`project`) folds any projection: load and lock the rows, continue in-order rows from their
stored state, refold the rest from the log, write what changed.
"""

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Model

from dashboard.eventlog.folding import plan_folds, state_of, write_projection
from dashboard.models import Event

Key = Hashable
StateChanges = dict[str, list[Model]]  # projection name → the rows a batch changed


@dataclass(frozen=True)
class ProjectionSpec:
    """One kind of row folded from the log."""

    name: str
    model: type[Model]
    # Ingest and rebuild run projections in this order (a participant needs its conference's row).
    order: int
    # The row an event concerns, or None: an event may concern a row without folding into it.
    key_of: Callable[[Event], Key | None]
    # Whether the event changes the row's folded state.
    folds: Callable[[Event], bool]
    # Pure: the row's state after the events, continuing from a stored state when given one.
    fold: Callable[[Iterable[Event], dict | None], dict]
    state_fields: tuple[str, ...]
    # The stored rows of these keys, locked for update in a stable order, by key.
    load_rows: Callable[[set], dict]
    # The log events that may fold into these keys (narrowed further by key_of and folds).
    log: Callable[[set], Iterable[Event]]
    # New, unsaved rows for freshly folded keys: {key: folded values} → {key: row}.
    new_rows: Callable[[dict], dict]
    # Every key the log knows, for a rebuild.
    all_keys: Callable[[], Iterable[Key]]
    # A unique field that two workers may both create at once (PostgreSQL): the loser refolds.
    race_key_field: str | None = None
    # A state kept outside the fold (last-writer-wins registers): applied after the fold; given
    # the batch's events on ingest, None on rebuild; returns the rows it changed.
    settle: Callable[[set, Sequence[Event] | None], list[Model]] | None = None
    rebuild_chunk: int = 2000


_projections: dict[str, ProjectionSpec] = {}
_batch_hooks: list[Callable[[StateChanges], None]] = []


def register_projection(spec: ProjectionSpec) -> None:
    _projections[spec.name] = spec


def register_batch_hook(hook: Callable[[StateChanges], None]) -> None:
    """Run after every ingested batch's projections, inside its transaction (e.g. to touch a parent row)."""
    if hook not in _batch_hooks:
        _batch_hooks.append(hook)


def projections() -> list[ProjectionSpec]:
    return sorted(_projections.values(), key=lambda spec: spec.order)


def _by_key(spec: ProjectionSpec, events: Iterable[Event], keys: set) -> dict[Key, list[Event]]:
    grouped: dict[Key, list[Event]] = defaultdict(list)
    for event in events:
        key = spec.key_of(event)
        if key in keys and spec.folds(event):
            grouped[key].append(event)
    return grouped


def project(spec: ProjectionSpec, keys: Iterable[Key], new_events: Sequence[Event] | None = None) -> list[Model]:
    """Bring the rows of `keys` up to date; returns the rows that changed.

    With `new_events` (just stored), rows whose new events all come after what they have seen
    continue from their stored state, and stored rows the batch only touched are left alone;
    the others, and every key without `new_events`, are refolded from the log.
    """
    wanted = {key for key in keys if key}
    if not wanted:
        return []
    existing = spec.load_rows(wanted)
    fresh: dict[Key, list[Event]] | None = None
    if new_events is not None:
        fresh = _by_key(spec, new_events, wanted)
        wanted = {key for key in wanted if fresh.get(key) or key not in existing}
    continuing, refold = plan_folds(wanted, existing, fresh)
    folded = {
        key: spec.fold(events, state_of(row, spec.state_fields) if row else None)
        for key, (row, events) in continuing.items()
    }
    if refold:
        # A key with no folding event in the log still gets its row (the batch named it).
        log = _by_key(spec, spec.log(refold), refold)
        folded.update({key: spec.fold(log.get(key, []), None) for key in refold})
    changed = write_projection(
        spec.model,
        folded,
        existing,
        spec.new_rows,
        key_field=spec.race_key_field,
        redo=lambda taken: project(spec, taken, new_events),
    )
    if spec.settle is not None:
        changed += spec.settle({key for key in keys if key}, new_events)
    return changed


def project_events(events: Sequence[Event]) -> StateChanges:
    """Fold a batch of stored events into every projection it concerns."""
    changes: StateChanges = {}
    for spec in projections():
        keys = {key for key in map(spec.key_of, events) if key is not None}
        changes[spec.name] = project(spec, keys, events) if keys else []
    for hook in _batch_hooks:
        hook(changes)
    return changes
