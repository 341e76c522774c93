"""Retention: old history is archived and deleted in batches; live calls and recent history stay."""

import gzip
import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from calls.models import Call
from conferences.models import Conference, Participant
from dashboard.models import Event, OperatorAction, RejectedWebhook
from operations.history.services import prune_history
from tests.support.webhooks import fixture

from .builders import call_documents, deliver, stamp

pytestmark = pytest.mark.django_db


def age(days: int, **event_filter: str) -> None:
    """Make these events look received `days` ago (the ingest stamps the time of arrival)."""
    Event.objects.filter(**event_filter).update(received_at=timezone.now() - timedelta(days=days))


@pytest.fixture
def old_and_new(supervisor_client):
    now = timezone.now()
    long_ago = now - timedelta(days=120)
    deliver(
        supervisor_client,
        *call_documents(1, start=long_ago),  # ended long ago: goes
        *call_documents(2, start=long_ago, ended=False),  # still live, however old: stays whole
        *call_documents(3, start=now - timedelta(days=2)),  # recent: stays
    )
    age(120, call_control_id="v3:hist-1")
    age(120, call_control_id="v3:hist-2")
    age(2, call_control_id="v3:hist-3")
    for days, name in ((120, "old"), (1, "new")):
        OperatorAction.objects.create(
            created_at=now - timedelta(days=days),
            username=name,
            action="hangup",
            target_type="call",
            outcome="ok",
        )
        RejectedWebhook.objects.create(endpoint="telnyx", reason=f"{name} bad signature", status=401)
    RejectedWebhook.objects.filter(reason="old bad signature").update(received_at=now - timedelta(days=120))
    return supervisor_client


def test_old_ended_calls_go_whole_and_live_or_recent_ones_stay(old_and_new, tmp_path):
    report = prune_history(days=90, archive_dir=tmp_path, pause=0)
    assert (report.events, report.actions, report.rejected, report.calls) == (3, 1, 1, 1)
    assert set(Call.objects.values_list("call_control_id", flat=True)) == {"v3:hist-2", "v3:hist-3"}
    assert Event.objects.filter(call_control_id="v3:hist-1").count() == 0
    assert Event.objects.filter(call_control_id="v3:hist-2").count() == 2
    assert Event.objects.filter(call_control_id="v3:hist-3").count() == 3
    assert list(OperatorAction.objects.values_list("username", flat=True)) == ["new"]
    assert list(RejectedWebhook.objects.values_list("reason", flat=True)) == ["new bad signature"]


def test_the_archive_holds_every_deleted_row(old_and_new, tmp_path):
    report = prune_history(days=90, archive_dir=tmp_path, pause=0)
    assert report.archive.parent == tmp_path and report.archive.name.endswith(".jsonl.gz")
    with gzip.open(report.archive, "rt") as archive:
        lines = [json.loads(line) for line in archive]
    tables = [line["table"] for line in lines]
    assert tables.count("dashboard_event") == 3
    assert tables.count("dashboard_operatoraction") == 1 and tables.count("dashboard_rejectedwebhook") == 1
    hangup = next(line["row"] for line in lines if line["row"].get("event_type") == "call.hangup")
    assert hangup["payload"]["call_control_id"] == "v3:hist-1" and json.loads(hangup["raw_body"])


def test_a_dry_run_counts_and_changes_nothing(old_and_new, tmp_path):
    before = (Event.objects.count(), Call.objects.count(), OperatorAction.objects.count())
    report = prune_history(days=90, archive_dir=tmp_path, dry_run=True, pause=0)
    assert (report.events, report.actions, report.rejected, report.calls) == (3, 1, 1, 1)
    assert (Event.objects.count(), Call.objects.count(), OperatorAction.objects.count()) == before
    assert report.archive is None and not list(tmp_path.iterdir())


def test_tiny_batches_delete_the_same_rows(old_and_new):
    report = prune_history(days=90, batch_size=1, pause=0)
    assert (report.events, report.actions, report.rejected, report.calls) == (3, 1, 1, 1)
    assert report.batches >= 6
    assert report.archive is None


def test_an_ended_conference_goes_with_its_participants(supervisor_client):
    long_ago = timezone.now() - timedelta(days=120)
    names = (
        "conference.created",
        "conference.participant.joined",
        "conference.participant.left",
        "conference.ended",
        "call.hangup",  # the participant's own call: while it lives, its events stay
    )
    documents = [fixture(name) for name in names]
    for document in documents:
        document["data"]["occurred_at"] = stamp(long_ago)
    deliver(supervisor_client, *documents)
    assert Participant.objects.count() == 1
    age(120)
    report = prune_history(days=90, pause=0)
    assert (report.events, report.calls, report.conferences) == (5, 1, 1)
    assert not Conference.objects.exists() and not Participant.objects.exists() and not Event.objects.exists()


def test_the_command_takes_its_options(old_and_new, tmp_path, capsys, settings):
    settings.HISTORY_RETENTION_DAYS = 365
    call_command("prune_history", "--no-archive")
    assert "deleted 0 events" in capsys.readouterr().out
    call_command("prune_history", "--days", "90", "--dry-run")
    assert "would delete 3 events, 1 operator actions" in capsys.readouterr().out
    call_command("prune_history", "--days", "90", "--archive-dir", str(tmp_path), "--batch-size", "2")
    out = capsys.readouterr().out
    assert "deleted 3 events, 1 operator actions, 1 rejected deliveries, 1 ended calls" in out
    assert f"archived to {tmp_path}" in out
    with pytest.raises(CommandError):
        call_command("prune_history", "--days", "0")
