"""A large, realistic history for benchmarks: calls, conferences, their events, audit records and
rejected deliveries, written with prepared bulk INSERTs (a million events in a few minutes).

Projections are written directly, consistent with the events, rather than folded: folding a
million events one call at a time would take far longer and prove nothing about reads.

As a script, into the database DATABASE_URL names (bench/history.py runs it so):

    .venv/bin/python bench/history_generator.py --events 1000000 --calls 100000

From code where Django is set up: generate_history(events=..., calls=...).
"""

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

if __name__ == "__main__":  # a script: Django is set up before the models are imported below
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "switchboard.settings")
    import django

    django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Model  # noqa: E402
from django.utils import timezone  # noqa: E402

from calls.models import Call  # noqa: E402
from conferences.models import Conference, Participant  # noqa: E402
from dashboard.models import Event, OperatorAction, RejectedWebhook  # noqa: E402

WRITE_BATCH = 20_000
CONFERENCE_EVERY = 10  # calls 0, 1 and 2 of every ten meet in one conference
PARTICIPANTS = 3
_CONNECTION_ID = "1494404757140276705"
_CAUSES = (
    ("normal_clearing", 70),
    ("originator_cancel", 10),
    ("call_rejected", 5),
    ("timeout", 5),
    ("user_busy", 5),
    ("unspecified", 5),
)
_SOURCES = ("caller", "callee", "unknown")
_NAMES = ("Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra", "Barbara Liskov", "")
_MIDDLE = (
    "call.dtmf.received",
    "call.playback.started",
    "call.playback.ended",
    "call.speak.started",
    "call.speak.ended",
    "call.gather.ended",
    "call.hold",
    "call.unhold",
)
_ACTIONS = ("hangup", "transfer", "speak", "record_start", "send_dtmf", "mute", "unmute", "hold", "unhold")
_OUTCOMES = (("ok", 90), ("refused", 4), ("failed", 3), ("denied", 2), ("invalid", 1))
_REJECTIONS = (
    ("bad signature", 401),
    ("stale timestamp", 401),
    ("malformed body", 400),
    ("body too large", 413),
)


@dataclass
class GeneratedCounts:
    events: int = 0
    calls: int = 0
    conferences: int = 0
    participants: int = 0
    actions: int = 0
    rejected: int = 0
    live_calls: int = 0


class _Writer:
    """Prepared INSERTs of value tuples, in batches of WRITE_BATCH rows per transaction."""

    def __init__(self, model: type[Model], names: list[str]) -> None:
        self.fields = [model._meta.get_field(name) for name in names]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in self.fields)
        placeholders = ", ".join(["%s"] * len(self.fields))
        self.sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
        self.pending: list[list] = []
        self.written = 0

    def add(self, values: Iterable) -> None:
        self.pending.append(
            [f.get_db_prep_save(v, connection) for f, v in zip(self.fields, values, strict=True)]
        )
        if len(self.pending) >= WRITE_BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(self.sql, self.pending)
        self.written += len(self.pending)
        self.pending = []


_EVENT_FIELDS = [
    "event_id",
    "event_type",
    "source",
    "occurred_at",
    "received_at",
    "attempt",
    "duplicates",
    "last_delivery_at",
    "call_control_id",
    "call_session_id",
    "call_leg_id",
    "conference_id",
    "payload",
    "raw_body",
]
_CALL_FIELDS = [
    "call_control_id",
    "call_leg_id",
    "call_session_id",
    "connection_id",
    "direction",
    "state",
    "state_since",
    "is_alive",
    "on_hold",
    "from_number",
    "to_number",
    "caller_id_name",
    "start_time",
    "answered_at",
    "ended_at",
    "hangup_cause",
    "hangup_source",
    "sip_hangup_cause",
    "client_state",
    "conference_id",
    "queue_name",
    "details",
    "last_event_at",
    "event_count",
    "version",
]
_ACTION_FIELDS = [
    "created_at",
    "username",
    "channel",
    "action",
    "target_type",
    "call_control_id",
    "conference_id",
    "participant_id",
    "parameters",
    "command_id",
    "outcome",
    "http_status",
    "error_code",
    "error_title",
    "error_detail",
    "error_pointer",
    "response",
    "latency_ms",
]


def _weighted(rng: random.Random, choices: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


@dataclass
class _Call:
    index: int
    call_control_id: str
    session: str
    leg: str
    start: datetime
    duration: int
    live: bool
    conference_id: str
    events_budget: int
    from_number: str
    to_number: str
    name: str
    cause: str
    source: str


class HistoryGenerator:
    def __init__(
        self,
        *,
        events: int,
        calls: int,
        actions: int,
        rejected: int,
        days: int,
        live: int,
        seed: int = 1,
        prefix: str = "gen",
        now: datetime | None = None,
    ) -> None:
        self.rng = random.Random(seed)
        self.now = now or timezone.now()
        self.calls = calls
        self.events = events
        self.actions = actions
        self.rejected = rejected
        self.days = days
        self.live = min(live, calls)
        self.prefix = prefix
        self.conferences = (calls + CONFERENCE_EVERY - 1) // CONFERENCE_EVERY
        conference_events = 2 * self.conferences
        # Each call needs at least call.initiated, call.answered and call.hangup (and in a
        # conference, joined and left).
        minimum = 5 * calls + conference_events
        if events < minimum:
            raise ValueError(f"{events} events are too few for {calls} calls: at least {minimum}")
        self.budget, self.extra = divmod(events - conference_events, calls)
        self.counts = GeneratedCounts()

    def _call(self, index: int) -> _Call:
        rng = self.rng
        span = timedelta(days=self.days).total_seconds()
        live = index >= self.calls - self.live
        if live:
            start = self.now - timedelta(seconds=rng.uniform(5, 240))
        else:
            # Starts spread evenly in index order, so ids grow with time as they do on ingest.
            start = self.now - timedelta(seconds=span * (1 - index / self.calls) + 900)
        in_conference = index % CONFERENCE_EVERY < PARTICIPANTS
        return _Call(
            index=index,
            call_control_id=f"v3:{self.prefix}-{index:08d}",
            session=f"{self.prefix}-session-{index:08d}",
            leg=f"{self.prefix}-leg-{index:08d}",
            start=start,
            duration=rng.randint(8, 900),
            live=live,
            conference_id=f"{self.prefix}-conf-{index // CONFERENCE_EVERY:07d}" if in_conference else "",
            events_budget=self.budget + (1 if index < self.extra else 0),
            from_number=f"+1415{rng.randrange(10**7):07d}",
            to_number=f"+1800555{rng.randrange(100):04d}",
            name=rng.choice(_NAMES),
            cause=_weighted(rng, _CAUSES),
            source=rng.choice(_SOURCES),
        )

    def _event_types(self, call: _Call) -> list[str]:
        head = ["call.initiated", "call.answered"]
        if call.conference_id:
            head.append("conference.participant.joined")
        tail = [] if call.live else ["conference.participant.left"] if call.conference_id else []
        tail += [] if call.live else ["call.hangup"]
        room = call.events_budget - len(head) - len(tail)
        middle = [_MIDDLE[i % len(_MIDDLE)] for i in range(room)]
        if not call.live and room >= 2:
            middle[-2:] = ["call.recording.saved", "call.cost"]
        return head + middle + tail

    def _payload(self, call: _Call, event_type: str) -> dict:
        payload = {
            "call_control_id": call.call_control_id,
            "call_leg_id": call.leg,
            "call_session_id": call.session,
            "connection_id": _CONNECTION_ID,
            "client_state": "aGF2ZSBhIG5pY2UgZGF5ID1d" if call.index % 4 == 0 else "",
            "from": call.from_number,
            "to": call.to_number,
        }
        if event_type == "call.initiated":
            payload.update(direction="incoming", state="parked", caller_id_name=call.name)
        elif event_type == "call.hangup":
            payload.update(hangup_cause=call.cause, hangup_source=call.source, sip_hangup_cause="200")
        elif event_type == "call.dtmf.received":
            payload["digit"] = str(call.index % 10)
        elif event_type == "call.recording.saved":
            payload["recording_urls"] = {"mp3": f"https://recordings.example.com/{call.session}.mp3"}
        elif event_type.startswith("conference."):
            payload["conference_id"] = call.conference_id
        return payload

    def _write_call_events(self, call: _Call, writer: _Writer) -> list[datetime]:
        types = self._event_types(call)
        step = call.duration / max(1, len(types) - 1)
        moments = []
        for k, event_type in enumerate(types):
            occurred = call.start + timedelta(seconds=k * step if not call.live else k)
            occurred = min(occurred, self.now - timedelta(seconds=1))
            received = occurred + timedelta(milliseconds=self.rng.randint(40, 400))
            duplicates = 1 if self.rng.random() < 0.02 else 0
            attempt = 2 if self.rng.random() < 0.01 else 1
            payload = self._payload(call, event_type)
            event_id = f"{self.prefix}-{call.index:08d}-{k:03d}"
            stamp = occurred.isoformat().replace("+00:00", "Z")
            body = {
                "data": {
                    "record_type": "event",
                    "event_type": event_type,
                    "id": event_id,
                    "occurred_at": stamp,
                    "payload": payload,
                },
                "meta": {
                    "attempt": attempt,
                    "delivered_to": "https://switchboard.example.com/webhooks/telnyx/",
                },
            }
            conference_id = call.conference_id if event_type.startswith("conference.") else ""
            writer.add(
                [
                    event_id,
                    event_type,
                    "telnyx",
                    occurred,
                    received,
                    attempt,
                    duplicates,
                    received + timedelta(seconds=5) if duplicates else None,
                    call.call_control_id,
                    call.session,
                    call.leg,
                    conference_id,
                    payload,
                    json.dumps(body),
                ]
            )
            moments.append(occurred)
        return moments

    def _call_row(self, call: _Call, moments: list[datetime]) -> list:
        ended = None if call.live else moments[-1]
        answered = moments[1]
        state = "hangup" if not call.live else "conference" if call.conference_id else "answered"
        details = (
            {}
            if call.live
            else {
                "recordings": [
                    {"recording_urls": {"mp3": f"https://recordings.example.com/{call.session}.mp3"}}
                ]
            }
        )
        return [
            call.call_control_id,
            call.leg,
            call.session,
            _CONNECTION_ID,
            "incoming",
            state,
            ended or answered,
            call.live,
            False,
            call.from_number,
            call.to_number,
            call.name,
            call.start,
            answered,
            ended,
            "" if call.live else call.cause,
            "" if call.live else call.source,
            "" if call.live else "200",
            "aGF2ZSBhIG5pY2UgZGF5ID1d" if call.index % 4 == 0 else "",
            call.conference_id,
            "",
            details,
            moments[-1],
            len(moments),
            len(moments),
        ]

    def _write_calls(self) -> dict[str, list[_Call]]:
        events = _Writer(Event, _EVENT_FIELDS)
        calls = _Writer(Call, _CALL_FIELDS)
        by_conference: dict[str, list[tuple[_Call, list[datetime]]]] = {}
        for index in range(self.calls):
            call = self._call(index)
            moments = self._write_call_events(call, events)
            calls.add(self._call_row(call, moments))
            if call.conference_id:
                by_conference.setdefault(call.conference_id, []).append((call, moments))
            self.counts.live_calls += call.live
        self._write_conference_events(by_conference, events)
        events.flush()
        calls.flush()
        self.counts.events, self.counts.calls = events.written, calls.written
        return by_conference

    def _write_conference_events(self, by_conference: dict, writer: _Writer) -> None:
        for conference_id, members in by_conference.items():
            created = min(m[0] for _, m in members)
            live = any(call.live for call, _ in members)
            # Two events per conference, as budgeted: a live one has not ended yet, but played a greeting.
            second = (
                ("conference.playback.started", created)
                if live
                else ("conference.ended", max(m[-1] for _, m in members))
            )
            for event_type, moment in (("conference.created", created), second):
                payload = {"conference_id": conference_id, "name": f"Room {conference_id[-5:]}"}
                if event_type == "conference.ended":
                    payload["reason"] = "all_left"
                body = {"data": {"record_type": "event", "event_type": event_type, "payload": payload}}
                writer.add(
                    [
                        f"{conference_id}-{event_type}",
                        event_type,
                        "telnyx",
                        moment,
                        moment + timedelta(milliseconds=120),
                        1,
                        0,
                        None,
                        "",
                        "",
                        "",
                        conference_id,
                        payload,
                        json.dumps(body),
                    ]
                )

    def _write_conferences(self, by_conference: dict) -> None:
        rows = []
        for conference_id, members in by_conference.items():
            live = any(call.live for call, _ in members)
            created = min(m[0] for _, m in members)
            ended = None if live else max(m[-1] for _, m in members)
            rows.append(
                Conference(
                    conference_id=conference_id,
                    name=f"Room {conference_id[-5:]}",
                    status="in_progress" if live else "completed",
                    created_at=created,
                    ended_at=ended,
                    end_reason="" if live else "all_left",
                    connection_id=_CONNECTION_ID,
                    last_event_at=ended or created,
                    version=1,
                )
            )
        Conference.objects.bulk_create(rows, batch_size=2000)
        pks = dict(
            Conference.objects.filter(conference_id__in=by_conference).values_list("conference_id", "pk")
        )
        participants = [
            Participant(
                conference_id=pks[conference_id],
                call_control_id=call.call_control_id,
                call_leg_id=call.leg,
                call_session_id=call.session,
                status="joined" if call.live else "left",
                joined_at=moments[2],
                left_at=None if call.live else moments[-2],
                state_since=moments[2],
                last_event_at=moments[-1],
                version=1,
            )
            for conference_id, members in by_conference.items()
            for call, moments in members
        ]
        Participant.objects.bulk_create(participants, batch_size=2000)
        self.counts.conferences, self.counts.participants = len(rows), len(participants)

    def _write_actions(self) -> None:
        writer = _Writer(OperatorAction, _ACTION_FIELDS)
        rng = self.rng
        for k in range(self.actions):
            index = rng.randrange(self.calls)
            call_id = f"v3:{self.prefix}-{index:08d}"
            in_conference = index % CONFERENCE_EVERY < PARTICIPANTS
            action = rng.choice(_ACTIONS)
            participant = in_conference and action in {"mute", "unmute", "hold", "unhold"}
            outcome = _weighted(rng, _OUTCOMES)
            failed = outcome in {"refused", "failed"}
            span = timedelta(days=self.days).total_seconds()
            created = self.now - timedelta(seconds=span * (1 - k / max(1, self.actions)) + 600)
            writer.add(
                [
                    created,
                    f"operator{k % 20:02d}",
                    "web" if k % 5 else "api",
                    action,
                    "participant" if participant else "call",
                    "" if participant else call_id,
                    f"{self.prefix}-conf-{index // CONFERENCE_EVERY:07d}" if participant else "",
                    call_id if participant else "",
                    {"command": action},
                    f"cmd-{self.prefix}-{k:08d}",
                    outcome,
                    422
                    if outcome == "refused"
                    else 503
                    if outcome == "failed"
                    else 200
                    if outcome == "ok"
                    else None,
                    "90018" if failed else "",
                    "Call has already ended" if failed else "",
                    "",
                    "",
                    {},
                    rng.uniform(40, 400),
                ]
            )
        writer.flush()
        self.counts.actions = writer.written

    def _write_rejections(self) -> None:
        # received_at is auto_now_add, which bulk_create would overwrite: the rows are inserted raw.
        writer = _Writer(
            RejectedWebhook,
            ["received_at", "endpoint", "reason", "status", "remote_addr", "body_bytes", "count", "sample"],
        )
        span = timedelta(days=1).total_seconds()
        for k in range(self.rejected):
            reason, status = self.rng.choice(_REJECTIONS)
            received = self.now - timedelta(seconds=span * k / max(1, self.rejected))
            writer.add([received, "telnyx", reason, status, "203.0.113.7", 900, 1, ""])
        writer.flush()
        self.counts.rejected = writer.written

    def run(self) -> GeneratedCounts:
        by_conference = self._write_calls()
        self._write_conferences(by_conference)
        self._write_actions()
        self._write_rejections()
        return self.counts


def generate(**options: object) -> GeneratedCounts:
    """Write a history (HistoryGenerator's options) into whatever the database holds already."""
    return HistoryGenerator(**options).run()


class DatabaseNotEmpty(ValueError):
    pass


def generate_history(
    *,
    events: int = 1_000_000,
    calls: int = 100_000,
    actions: int = 50_000,
    rejected: int = 2_000,
    days: int = 30,
    live: int = 50,
    seed: int = 1,
    prefix: str = "gen",
    add: bool = False,
) -> GeneratedCounts:
    """generate(), refused (DatabaseNotEmpty) on a database that holds events unless `add`: these
    calls never happened, and must never be mixed into a real log by mistake. ValueError when
    the events are too few for the calls."""
    if not add and Event.objects.exists():
        raise DatabaseNotEmpty("this database already holds events: generate into an empty one, or pass --add")
    return generate(
        events=events,
        calls=calls,
        actions=actions,
        rejected=rejected,
        days=days,
        live=live,
        seed=seed,
        prefix=prefix,
    )


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Generate a realistic history with bulk inserts into DATABASE_URL's database: "
        "--events 1000000 --calls 100000 takes a few minutes."
    )
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--actions", type=int, default=50_000, help="operator audit records")
    parser.add_argument("--rejected", type=int, default=2_000, help="rejected deliveries, over the last day")
    parser.add_argument("--days", type=int, default=30, help="the history spans this many days up to now")
    parser.add_argument("--live", type=int, default=50, help="calls still live (the newest ones)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--prefix", default="gen", help="id prefix: use another one to add to a database")
    parser.add_argument(
        "--add",
        action="store_true",
        help="write into a database that already holds events (these calls never happened: never on a real one)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> GeneratedCounts:
    """The command line; a refusal exits with its reason (SystemExit)."""
    options = vars(parse_args(argv))
    started = time.perf_counter()
    try:
        counts = generate_history(**options)
    except ValueError as exc:
        raise SystemExit(f"history_generator: {exc}") from None
    print(
        f"{counts.events} events, {counts.calls} calls ({counts.live_calls} live), "
        f"{counts.conferences} conferences, {counts.participants} participants, "
        f"{counts.actions} operator actions, {counts.rejected} rejected deliveries "
        f"in {time.perf_counter() - started:.0f} s"
    )
    return counts


if __name__ == "__main__":
    main()
