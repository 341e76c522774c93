"""Rebuild every projected row (calls, conferences, participants) from the event log."""

from django.db import transaction

from dashboard.eventlog.projections import project, projections


def _chunks(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


@transaction.atomic
def state_rebuild() -> dict[str, int]:
    """Drop all projected state and fold it again from the log; returns row counts per projection."""
    specs = projections()
    for spec in reversed(specs):  # children (participants) before the rows they point at
        spec.model.objects.all().delete()
    for spec in specs:
        for chunk in _chunks(sorted(set(spec.all_keys())), spec.rebuild_chunk):
            project(spec, chunk)
    return {spec.name: spec.model.objects.count() for spec in specs}
