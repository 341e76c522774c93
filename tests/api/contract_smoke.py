"""An integrator's script, written against the client openapi-python-client generates from the
served schema (package `switchboard_client`, on sys.path): run by tests/api/test_contract.py.

Usage: python contract_smoke.py BASE_URL TOKEN. Prints one JSON summary line; exits non-zero on
the first step that does not do what the schema promises.
"""

import csv
import io
import json
import sys
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from switchboard_client import AuthenticatedClient
from switchboard_client.api.call_actions import call_hangup
from switchboard_client.api.calls import calls_list, calls_retrieve
from switchboard_client.api.conferences import conferences_list, conferences_participants_list
from switchboard_client.api.events import events_list
from switchboard_client.api.history import history_actions_list, history_calls_export_csv
from switchboard_client.api.participant_actions import participant_mute, participant_unmute
from switchboard_client.models import (
    CallHangupRequest,
    OperatorAction,
    ParticipantMuteRequest,
    ParticipantUnmuteRequest,
)


def query_value(link: str | None, name: str) -> str | None:
    return parse_qs(urlsplit(link).query).get(name, [None])[0] if link else None


def expect(ok: bool, what: str) -> None:
    if not ok:
        raise SystemExit(f"contract smoke: {what}")


def walk_events(client: AuthenticatedClient, **filters: object) -> tuple[list, str]:
    """Every event, page by page, newest first; and the tail link for what comes next."""
    seen, cursor, tail = [], None, ""
    while True:
        page = events_list.sync(client=client, limit=200, **filters, **({"cursor": cursor} if cursor else {}))
        expect(page is not None and hasattr(page, "results"), f"events page: {page}")
        seen += page.results
        tail = tail or page.tail
        cursor = query_value(page.next_, "cursor")
        if cursor is None:
            return seen, tail


def main(base_url: str, token: str) -> dict:
    client = AuthenticatedClient(base_url=base_url, token=token, prefix="Token", timeout=30)
    summary: dict = {}

    live = calls_list.sync(client=client, is_alive=True, limit=100)
    expect(live is not None and live.results, f"no live calls: {live}")
    summary["live_calls"] = len(live.results)
    call = calls_retrieve.sync(live.results[0].call_control_id, client=client)
    timeline, _ = walk_events(client, call_control_id=call.call_control_id)
    expect(bool(timeline), "a live call has no timeline")
    summary["timeline_events"] = len(timeline)

    conference = next(c for c in conferences_list.sync(client=client).results if c.status == "in_progress")
    participant = conferences_participants_list.sync(conference.id, client=client).results[0]
    key = str(uuid.uuid4())
    muted = participant_mute.sync(
        conference.id,
        participant.call_control_id,
        client=client,
        body=ParticipantMuteRequest(),
        idempotency_key=key,
    )
    expect(isinstance(muted, OperatorAction) and muted.outcome == "ok", f"mute: {muted}")
    again = participant_mute.sync(
        conference.id,
        participant.call_control_id,
        client=client,
        body=ParticipantMuteRequest(),
        idempotency_key=key,
    )
    expect(
        isinstance(again, OperatorAction) and again.id == muted.id, "a repeated Idempotency-Key did it twice"
    )
    unmuted = participant_unmute.sync(
        conference.id, participant.call_control_id, client=client, body=ParticipantUnmuteRequest()
    )
    expect(isinstance(unmuted, OperatorAction) and unmuted.outcome == "ok", f"unmute: {unmuted}")

    victim = next(c for c in live.results if not c.conference_id)
    hung_up = call_hangup.sync(victim.call_control_id, client=client, body=CallHangupRequest())
    expect(isinstance(hung_up, OperatorAction) and hung_up.outcome == "ok", f"hangup: {hung_up}")
    audit = history_actions_list.sync(client=client, call_control_id=victim.call_control_id)
    expect(any(record.id == hung_up.id for record in audit.results), "the hangup is not in the audit trail")
    summary["audited"] = hung_up.id

    since = datetime.now(UTC) - timedelta(minutes=10)
    exported = history_calls_export_csv.sync_detailed(client=client, started_after=since)
    expect(exported.status_code == 200, f"export: {exported.status_code} {exported.content[:200]!r}")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    expect(any(row["call_control_id"] == victim.call_control_id for row in rows), "the export lacks the call")
    summary["exported_rows"] = len(rows)

    events, tail = walk_events(client)
    seqs = [event.seq for event in events]
    expect(len(seqs) == len(set(seqs)), "the event log repeated an event")
    after = int(query_value(tail, "after"))
    expect(after == max(seqs), f"the tail link starts after {after}, not after the newest event")
    newer = events_list.sync(client=client, after=after, limit=500)
    expect(all(event.seq > after for event in newer.results), "the tail went backwards")
    summary["events_walked"] = len(seqs)
    return summary


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2])))
