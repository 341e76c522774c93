"""Writes of the history feature: the audit record of an export, and retention (pruning).

Pruning is the one place allowed to delete from the event log and the audit trail (the models
refuse deletes everywhere else, see append_only.py). It works in small primary-key ranges, each
deleted in its own short transaction followed by a pause, so live ingest is never held up for
longer than one batch.
"""

import gzip
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Exists, Max, Min, Model, OuterRef, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone

from calls.models import Call
from conferences.models import Conference, ConferenceStatus
from dashboard.models import ActionOutcome, Event, OperatorAction, RejectedWebhook

DEFAULT_RETENTION_DAYS = 90
DEFAULT_BATCH_SIZE = 2000
MAX_BATCH_SIZE = 10_000
# A breath between batches lets the ingest writer take the write lock (SQLite has only one).
BATCH_PAUSE_SECS = 0.02
# Query parameters that shape a page, not the search.
PAGE_PARAMETERS = {"page", "per_page", "limit", "offset"}


def search_parameters(query: QueryDict) -> dict:
    """The search as given (filters and sort), without the paging."""
    return {
        key: values[0] if len(values) == 1 else values
        for key, values in query.lists()
        if key not in PAGE_PARAMETERS and any(values)
    }


def record_export(*, user, channel: str, resource: str, fmt: str, query: QueryDict) -> OperatorAction:  # noqa: ANN001
    """An export is itself audited: who took which rows out, with which search, in which format."""
    return OperatorAction.objects.create(
        created_at=timezone.now(),
        user=user,
        username=user.get_username(),
        channel=channel,
        action="export",
        target_type="history",
        parameters={"resource": resource, "format": fmt, "filters": search_parameters(query)},
        outcome=ActionOutcome.OK,
    )


def retention_days() -> int:
    return int(getattr(settings, "HISTORY_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


def default_archive_dir() -> Path:
    return Path(getattr(settings, "VAR_DIR", settings.BASE_DIR / "var")) / "archive"


@dataclass
class PruneReport:
    cutoff: datetime
    dry_run: bool
    events: int = 0
    actions: int = 0
    rejected: int = 0
    calls: int = 0
    conferences: int = 0
    archive: Path | None = None
    batches: int = field(default=0, repr=False)


class Archive:
    """Rows about to be deleted, one JSON object per line, gzipped, on disk before the delete.

    The file is created with the first rows, so a run that deletes nothing leaves no file.
    """

    def __init__(self, directory: Path, now: datetime) -> None:
        self.directory = directory
        self.path = directory / f"history-{now.strftime('%Y%m%dT%H%M%SZ')}.jsonl.gz"
        self._raw = None
        self._gzip: gzip.GzipFile | None = None

    @property
    def written(self) -> bool:
        return self._gzip is not None

    def write(self, table: str, rows: list[dict]) -> None:
        if self._gzip is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._raw = self.path.open("xb")
            self._gzip = gzip.GzipFile(fileobj=self._raw, mode="wb")
        for row in rows:
            line = json.dumps({"table": table, "row": row}, cls=DjangoJSONEncoder, ensure_ascii=False)
            self._gzip.write(line.encode() + b"\n")
        self._gzip.flush()
        self._raw.flush()
        os.fsync(self._raw.fileno())

    def close(self) -> None:
        if self._gzip is not None:
            self._gzip.close()
            self._raw.close()


def prunable_events(cutoff: datetime) -> QuerySet[Event]:
    """Events received before the cutoff, except those of a call or conference still live or active
    since: a call is pruned whole or not at all, so that what remains still folds correctly."""
    kept_calls = Call.objects.filter(call_control_id=OuterRef("call_control_id")).filter(
        Q(is_alive=True) | Q(last_event_at__gte=cutoff)
    )
    kept_conferences = Conference.objects.filter(conference_id=OuterRef("conference_id")).filter(
        ~Q(status=ConferenceStatus.COMPLETED) | Q(last_event_at__gte=cutoff)
    )
    return (
        Event.objects.filter(received_at__lt=cutoff)
        .exclude(Exists(kept_calls))
        .exclude(Exists(kept_conferences))
    )


def _orphaned_calls(cutoff: datetime) -> QuerySet[Call]:
    """Ended calls with no event left: they could never be rebuilt from the log."""
    return Call.objects.filter(
        Q(last_event_at__lt=cutoff) | Q(last_event_at__isnull=True),
        is_alive=False,
    ).exclude(Exists(Event.objects.filter(call_control_id=OuterRef("call_control_id"))))


def _orphaned_conferences(cutoff: datetime) -> QuerySet[Conference]:
    return Conference.objects.filter(
        Q(last_event_at__lt=cutoff) | Q(last_event_at__isnull=True),
        status=ConferenceStatus.COMPLETED,
    ).exclude(Exists(Event.objects.filter(conference_id=OuterRef("conference_id"))))


def _ranges(bounded: QuerySet, batch_size: int) -> Iterator[tuple[int, int]]:
    bounds = bounded.aggregate(lo=Min("pk"), hi=Max("pk"))
    if bounds["lo"] is None:
        return
    for start in range(bounds["lo"], bounds["hi"] + 1, batch_size):
        yield start, start + batch_size


def _delete_rows(model: type[Model], pks: list[int]) -> int:
    """A plain DELETE by primary key: the retention command goes under the append-only guard."""
    quote = connection.ops.quote_name
    placeholders = ", ".join(["%s"] * len(pks))
    # Table and column names come from the model, never from input.
    sql = (
        f"DELETE FROM {quote(model._meta.db_table)} WHERE {quote(model._meta.pk.column)} IN ({placeholders})"  # noqa: S608
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, pks)
        return cursor.rowcount


@dataclass
class _Pruner:
    batch_size: int
    archive: Archive | None
    pause: float
    report: PruneReport

    def prune_log(self, model: type[Model], rows: QuerySet, bounded: QuerySet) -> int:
        """Archive (if asked) and delete `rows`, walking the primary keys of `bounded` in ranges."""
        deleted = 0
        for lo, hi in _ranges(bounded, self.batch_size):
            batch = rows.filter(pk__gte=lo, pk__lt=hi).order_by("pk")
            if self.archive is not None:
                values = list(batch.values())
                pks = [row["id"] for row in values]
                if values:
                    self.archive.write(model._meta.db_table, values)
            else:
                pks = list(batch.values_list("pk", flat=True))
            if pks:
                with transaction.atomic():
                    deleted += _delete_rows(model, pks)
                self._rest()
        return deleted

    def prune_projection(self, rows: QuerySet) -> int:
        deleted = 0
        for lo, hi in _ranges(rows, self.batch_size):
            pks = list(rows.filter(pk__gte=lo, pk__lt=hi).values_list("pk", flat=True))
            if pks:
                with transaction.atomic():
                    # The ORM delete: a conference takes its participants with it.
                    deleted += (
                        rows.model.objects.filter(pk__in=pks).delete()[1].get(rows.model._meta.label, 0)
                    )
                self._rest()
        return deleted

    def _rest(self) -> None:
        self.report.batches += 1
        time.sleep(self.pause)


def prune_history(
    *,
    days: int | None = None,
    archive_dir: Path | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    dry_run: bool = False,
    now: datetime | None = None,
    pause: float = BATCH_PAUSE_SECS,
) -> PruneReport:
    """Delete (and archive, when archive_dir is given) history older than `days` days.

    Events and audit records go first; then the ended calls and conferences left with no event,
    which could never be rebuilt. Live calls and conferences, and their events, always stay.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=retention_days() if days is None else days)
    batch_size = max(1, min(batch_size, MAX_BATCH_SIZE))
    report = PruneReport(cutoff=cutoff, dry_run=dry_run)
    old_events = Event.objects.filter(received_at__lt=cutoff)
    old_actions = OperatorAction.objects.filter(created_at__lt=cutoff)
    old_rejections = RejectedWebhook.objects.filter(received_at__lt=cutoff)
    if dry_run:
        report.events = prunable_events(cutoff).count()
        report.actions = old_actions.count()
        report.rejected = old_rejections.count()
        # Before the events go, "no event left" reads as "no event since the cutoff": an upper
        # bound (an ended call whose events a live conference keeps is counted, yet stays).
        recent = Event.objects.filter(received_at__gte=cutoff)
        report.calls = (
            Call.objects.filter(Q(last_event_at__lt=cutoff) | Q(last_event_at__isnull=True), is_alive=False)
            .exclude(Exists(recent.filter(call_control_id=OuterRef("call_control_id"))))
            .count()
        )
        report.conferences = (
            Conference.objects.filter(
                Q(last_event_at__lt=cutoff) | Q(last_event_at__isnull=True), status=ConferenceStatus.COMPLETED
            )
            .exclude(Exists(recent.filter(conference_id=OuterRef("conference_id"))))
            .count()
        )
        return report
    archive = Archive(archive_dir, now) if archive_dir is not None else None
    pruner = _Pruner(batch_size=batch_size, archive=archive, pause=pause, report=report)
    try:
        report.events = pruner.prune_log(Event, prunable_events(cutoff), old_events)
        report.actions = pruner.prune_log(OperatorAction, old_actions, old_actions)
        report.rejected = pruner.prune_log(RejectedWebhook, old_rejections, old_rejections)
    finally:
        if archive is not None:
            archive.close()
            report.archive = archive.path if archive.written else None
    report.calls = pruner.prune_projection(_orphaned_calls(cutoff))
    report.conferences = pruner.prune_projection(_orphaned_conferences(cutoff))
    return report
