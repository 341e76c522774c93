"""Soak: the simulator's traffic, with chaos and faults, against a dashboard for --minutes; then checks.

    .venv/bin/python bench/soak.py                                   # 10 minutes, SQLite
    .venv/bin/python bench/soak.py --minutes 1 --rate 2 --redis      # a private Redis, restarted halfway
    .venv/bin/python bench/soak.py --postgres postgres://switchboard:switchboard@127.0.0.1:5432/switchboard

A fresh database (a SQLite file, or a new database next to --postgres), migrated; the dashboard on
the production profile under uvicorn; `manage.py simulator --traffic rush --rate R` posting its
webhooks to it with duplicates, out-of-order and late deliveries; and a live page (websocket) that
counts the rows pushed to it, reconnecting as the page's script does. At 40% of the run the
database blips (SQLite's write lock held for 2 s: deliveries get 503 and the simulator retries;
PostgreSQL: the event table locked for 2 s); at 60%, with --redis, Redis is killed and restarted.

Then chaos stops, and once the simulator has nothing left to deliver:
- the live calls and conferences the dashboard shows are the simulator's own (GET /_sim/state);
- every webhook the simulator delivered (GET /_sim/webhooks) is in the event log exactly once, and
  the log holds nothing the simulator did not send;
- the state equals a rebuild from the log (`manage.py rebuild_state` on a copy of the database);
- the servers' memory (RSS) at the end is within bounds of what it was at 25% of the run;
- with --redis, rows were pushed to the live page again after Redis came back.
It prints each check and the figures (webhooks sent, duplicates, retries, RSS), and exits 1 when a
check failed.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from contextlib import ExitStack, closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from websockets.exceptions import ConnectionClosed, InvalidHandshake
from websockets.sync.client import connect

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, session_cookie  # noqa: E402
from dashboard.realtime.wire import WEBSOCKET_PROTOCOL  # noqa: E402
from tests.support.ports import free_port  # noqa: E402
from tests.support.servers import RedisServer, ServerProcess  # noqa: E402
from tests.support.waiting import eventually  # noqa: E402

if TYPE_CHECKING:
    import psycopg  # only needed, and imported, when soaking on PostgreSQL
# The simulator signs with its demo key unless told otherwise; the dashboard trusts its public half.
SIMULATOR_PUBLIC_KEY = "m7KRjthkirnHltiYx5sSgljWqkGcBTNGzXjRPNdVuL4="
BLIP_SECS = 2.0
MAX_ATTEMPTS = 8  # per webhook: the simulator retries for about 30 s (0.25 s backoff, doubling)
# RSS may grow this much from 25% to the end of a run: caches filling up, not a leak.
RSS_GROWTH_ALLOWED = 0.5
RSS_SLACK_KIB = 48 * 1024
DRAIN_TIMEOUT_SECS = 90
# Dashboard states the simulator does not have: it only knows whether a live call is answered.
WORLD_STATE = {"bridged": "answered", "queued": "answered", "conference": "answered"}


@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""


@dataclass
class SoakReport:
    checks: list[Check] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(check.ok for check in self.checks)

    @property
    def failures(self) -> list[str]:
        return [f"{check.name}: {check.detail}" for check in self.checks if not check.ok]

    def check(self, name: str, ok: bool, detail: str = "") -> None:
        self.checks.append(Check(name, ok, detail))


def rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants (uvicorn's workers), in KiB."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
        found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        total += int(found.group(1)) if found else 0
    return total


class Database:
    """The soak's own database: a SQLite file, or a fresh PostgreSQL database beside --postgres."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.sqlite_path = Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:") else None

    @classmethod
    def fresh(cls, workdir: Path, postgres: str, name: str) -> "Database":
        if not postgres:
            return cls(f"sqlite:///{workdir / (name + '.sqlite3')}")
        base, _, database = postgres.rpartition("/")
        url = f"{base}/{database}_{name}_{os.getpid()}"
        cls(url).drop()
        with closing(cls._server_connection(url)) as conn:
            conn.execute(f'CREATE DATABASE "{url.rpartition("/")[2]}"')
        return cls(url)

    @staticmethod
    def _server_connection(url: str) -> "psycopg.Connection":
        import psycopg

        return psycopg.connect(url.rpartition("/")[0] + "/postgres", autocommit=True)

    def connect(self) -> "sqlite3.Connection | psycopg.Connection":
        if self.sqlite_path is not None:
            conn = sqlite3.connect(self.sqlite_path, timeout=30)
            conn.row_factory = sqlite3.Row
            return conn
        import psycopg
        from psycopg.rows import dict_row

        return psycopg.connect(self.url, row_factory=dict_row)

    def rows(self, sql: str) -> list[dict]:
        with closing(self.connect()) as conn:
            return [dict(row) for row in conn.execute(sql).fetchall()]

    def copy(self, name: str) -> "Database":
        """A copy to rebuild in; no server may be writing to this database meanwhile."""
        if self.sqlite_path is not None:
            target = self.sqlite_path.with_name(f"{name}.sqlite3")
            with (
                closing(sqlite3.connect(self.sqlite_path)) as source,
                closing(sqlite3.connect(target)) as copy,
            ):
                source.backup(copy)
            return Database(f"sqlite:///{target}")
        url = f"{self.url}_{name}"
        Database(url).drop()
        with closing(self._server_connection(url)) as conn:
            conn.execute(
                f'CREATE DATABASE "{url.rpartition("/")[2]}" TEMPLATE "{self.url.rpartition("/")[2]}"'
            )
        return Database(url)

    def drop(self) -> None:
        if self.sqlite_path is None:
            with closing(self._server_connection(self.url)) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.url.rpartition("/")[2]}" WITH (FORCE)')

    def blip(self, seconds: float) -> None:
        """Hold the write lock the webhook path needs for `seconds`."""
        with closing(self.connect()) as conn:
            if self.sqlite_path is not None:
                conn.isolation_level = None
                conn.execute("BEGIN EXCLUSIVE")
            else:
                conn.execute("LOCK TABLE dashboard_event IN EXCLUSIVE MODE")
            time.sleep(seconds)
            conn.execute("ROLLBACK")


class LivePage(threading.Thread):
    """A supervisor's live calls page: one websocket, reconnected whenever it closes, as live.js does."""

    def __init__(self, url: str, session: str) -> None:
        super().__init__(name="live-page", daemon=True)
        self.url = url
        self.session = session
        self.rows: list[float] = []  # monotonic time of each pushed row
        self.connects = 0
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                with connect(
                    self.url.replace("http", "ws", 1) + "/ws/live/calls/",
                    additional_headers={"Cookie": f"sessionid={self.session}"},
                    origin=self.url,
                    open_timeout=5,
                ) as page:
                    self.connects += 1
                    while not self.stopping.is_set():
                        try:
                            message = page.recv(timeout=0.5)
                        except TimeoutError:
                            continue
                        if '"dom_id"' in message:
                            self.rows.append(time.monotonic())
            except (OSError, ConnectionClosed, InvalidHandshake, TimeoutError):
                self.stopping.wait(0.5)

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=10)


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=300,
    )


def production_env(database: Database, redis: RedisServer | None, simulator_port: int) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in ("REDIS_URL", "DATABASE_URL")}
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SECURE_COOKIES="false",
        TELNYX_API_KEY="KEYSOAK" + secrets.token_hex(8),
        TELNYX_PUBLIC_KEY=SIMULATOR_PUBLIC_KEY,
        TELNYX_API_BASE=f"http://127.0.0.1:{simulator_port}/v2",
        # Required with DEBUG off; the simulator reads the same settings, so any pair agrees.
        TELNYX_CONNECTION_ID="1494404757140276705",
        TELNYX_TEXML_ACCOUNT_SID="AC-switchboard-soak",
        # The soak checks what webhooks alone deliver; reconciliation would mend what they lost.
        RECONCILE_EVERY_SECS="0",
        DATABASE_URL=database.url,
        # A held write lock turns into 503s within a second, for the simulator to retry.
        SQLITE_BUSY_TIMEOUT_SECS="1",
        LOG_LEVEL="WARNING",
    )
    if redis is not None:
        env["REDIS_URL"] = redis.url
    return env


def world_snapshot(simulator: str) -> tuple[int, dict, dict]:
    """(webhooks pending, {live call: state}, {live conference: status}) as the simulator sees them."""
    data = httpx.get(simulator + "/_sim/state", timeout=10).json()["data"]
    calls = {call["call_control_id"]: call["state"] for call in data["calls"] if call["is_alive"]}
    conferences = {
        item["id"]: item["status"] for item in data["conferences"] if item["status"] != "completed"
    }
    return data["pending_webhooks"], calls, conferences


def dashboard_snapshot(database: Database) -> tuple[dict, dict]:
    calls = {
        row["call_control_id"]: WORLD_STATE.get(row["state"], row["state"])
        for row in database.rows("SELECT call_control_id, state FROM calls_call WHERE is_alive")
    }
    conferences = {
        row["conference_id"]: row["status"]
        for row in database.rows(
            "SELECT conference_id, status FROM conferences_conference WHERE status <> 'completed'"
        )
    }
    return calls, conferences


def compare_live_state(simulator: str, database: Database, report: SoakReport) -> None:
    """Compare at a quiet moment: nothing pending, and the world unchanged across the read."""
    deadline = time.monotonic() + DRAIN_TIMEOUT_SECS
    while time.monotonic() < deadline:
        pending, calls, conferences = world_snapshot(simulator)
        if pending:
            time.sleep(0.2)
            continue
        ours = dashboard_snapshot(database)
        if world_snapshot(simulator) != (0, calls, conferences):
            continue
        report.figures["live calls at the end"] = len(calls)
        report.figures["live conferences at the end"] = len(conferences)
        report.check(
            "the dashboard's live calls are the simulator's",
            ours[0] == calls,
            _difference(calls, ours[0]),
        )
        report.check(
            "the dashboard's live conferences are the simulator's",
            ours[1] == conferences,
            _difference(conferences, ours[1]),
        )
        return
    report.check(
        "the simulator went quiet for a comparison", False, f"still busy after {DRAIN_TIMEOUT_SECS}s"
    )


def _difference(expected: dict, found: dict) -> str:
    missing = sorted(set(expected) - set(found))[:5]
    extra = sorted(set(found) - set(expected))[:5]
    differ = sorted(
        (key, expected[key], found[key]) for key in set(expected) & set(found) if expected[key] != found[key]
    )
    return f"{len(expected)} live; missing {missing}, extra {extra}, different {differ[:5]}"


def check_event_log(deliveries: list[dict], database: Database, report: SoakReport) -> None:
    """Every delivered webhook stored exactly once, nothing stored that was not sent."""
    # The traffic driver posts Call Control webhooks only, each carrying its data.id.
    sent = {record["webhook_id"] for record in deliveries if record["kind"] == "event"}
    delivered = {record["webhook_id"] for record in deliveries if record["kind"] == "event" and record["ok"]}
    attempts_by_webhook = Counter(record["webhook_id"] for record in deliveries if not record["duplicate"])
    # Webhooks still being retried when the dashboard was stopped are not given up; these were.
    given_up = {webhook for webhook in sent - delivered if attempts_by_webhook[webhook] >= MAX_ATTEMPTS}
    events = database.rows("SELECT event_id, duplicates FROM dashboard_event WHERE source = 'telnyx'")
    copies = Counter(row["event_id"] for row in events)
    report.figures.update(
        {
            "webhooks sent": len(sent),
            "delivery attempts": len(deliveries),
            "duplicate deliveries (chaos)": sum(1 for r in deliveries if r["duplicate"]),
            "reordered webhooks": len({r["webhook_id"] for r in deliveries if r["reordered"]}),
            "late webhooks": len({r["webhook_id"] for r in deliveries if r["late"]}),
            "retries": sum(1 for r in deliveries if r["attempt"] > 1),
            "refused or failed attempts": sum(1 for r in deliveries if not r["ok"]),
            "of which 503 (stored nothing, retry)": sum(1 for r in deliveries if r["status"] == 503),
            "most attempts at one webhook": max(attempts_by_webhook.values(), default=0),
            "events stored": len(events),
            "duplicates counted by the dashboard": sum(row["duplicates"] for row in events),
        }
    )
    report.figures["webhooks given up"] = len(given_up)
    report.check(
        "no webhook was given up", not given_up, f"{len(given_up)} given up, e.g. {sorted(given_up)[:3]}"
    )
    missing = delivered - set(copies)
    report.check("every delivered webhook is in the log", not missing, f"missing {sorted(missing)[:5]}")
    repeated = [event_id for event_id, count in copies.items() if count > 1]
    report.check("each is in the log exactly once", not repeated, f"repeated {repeated[:5]}")
    unknown = set(copies) - sent
    report.check(
        "the log holds nothing the simulator did not send", not unknown, f"unknown {sorted(unknown)[:5]}"
    )


_NOT_STATE = {"id", "version"}


def _json_value(value: object) -> object:
    """SQLite hands JSON columns back as text: compare their values, not their spelling."""
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def projected_state(database: Database) -> dict:
    """Calls, conferences and participants keyed by Telnyx ids, without row ids or change counters."""

    def clean(row: dict) -> dict:
        return {key: _json_value(value) for key, value in row.items() if key not in _NOT_STATE}

    calls = {row["call_control_id"]: clean(row) for row in database.rows("SELECT * FROM calls_call")}
    conferences = {
        row["conference_id"]: clean(row) for row in database.rows("SELECT * FROM conferences_conference")
    }
    participants = {}
    for row in database.rows(
        "SELECT p.*, c.conference_id AS conference_key FROM conferences_participant p "
        "JOIN conferences_conference c ON c.id = p.conference_id"
    ):
        row.pop("conference_id")
        participants[(row["conference_key"], row["call_control_id"])] = clean(row)
    return {"calls": calls, "conferences": conferences, "participants": participants}


def check_rebuild(database: Database, env: dict[str, str], report: SoakReport) -> None:
    copy = database.copy("rebuilt")
    try:
        manage("rebuild_state", env={**env, "DATABASE_URL": copy.url})
        live, rebuilt = projected_state(database), projected_state(copy)
    finally:
        copy.drop()
    for kind in live:
        report.figures[f"{kind} stored"] = len(live[kind])
        differing = sorted(
            str(key)
            for key in set(live[kind]) | set(rebuilt[kind])
            if live[kind].get(key) != rebuilt[kind].get(key)
        )
        report.check(
            f"{kind} equal a rebuild from the log",
            not differing,
            f"{len(differing)} differ, e.g. {differing[:3]}",
        )


def check_memory(samples: dict[str, dict[str, int]], report: SoakReport) -> None:
    for name, by_phase in samples.items():
        early, late = by_phase.get("25%", 0), by_phase.get("100%", 0)
        report.figures[f"{name} RSS at 25% / 100% (MiB)"] = f"{early / 1024:.0f} / {late / 1024:.0f}"
        bound = early * (1 + RSS_GROWTH_ALLOWED) + RSS_SLACK_KIB
        report.check(
            f"{name} memory did not grow without bound",
            0 < late <= bound,
            f"{late / 1024:.0f} MiB at the end, allowed {bound / 1024:.0f} MiB",
        )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=3.0, help="calls per second (default 3)")
    parser.add_argument("--profile", default="rush", help="the simulator's traffic profile (default rush)")
    parser.add_argument("--workers", type=int, default=1, help="dashboard workers (more need --redis)")
    parser.add_argument(
        "--redis", action="store_true", help="use a private Redis, restarted at 60%% of the run"
    )
    parser.add_argument("--postgres", default="", help="a PostgreSQL URL: soak on a new database beside it")
    parser.add_argument(
        "--quick-static",
        action="store_true",
        help="collect static files uncompressed (bench/soak_settings.py): half a minute less, as the suite runs it",
    )
    parser.add_argument("--duplicate-rate", type=float, default=0.05)
    parser.add_argument("--out-of-order-rate", type=float, default=0.05)
    parser.add_argument("--late-rate", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args(argv)


def dashboard_command(args: argparse.Namespace, port: int) -> list[str]:
    options = {
        "--host": "127.0.0.1",
        "--port": port,
        "--workers": args.workers,
        "--log-level": "warning",
        "--ws": WEBSOCKET_PROTOCOL,
    }
    return [sys.executable, "-m", "uvicorn", "switchboard.asgi:application", "--no-access-log", *_flat(options)]


def simulator_command(args: argparse.Namespace, port: int, dashboard: str) -> list[str]:
    options = {
        "--port": port,
        "--webhook-url": f"{dashboard}/webhooks/telnyx/",
        "--traffic": args.profile,
        "--rate": args.rate,
        "--seed": args.seed,
        "--chaos-seed": args.seed,
        "--duplicate-rate": args.duplicate_rate,
        "--out-of-order-rate": args.out_of_order_rate,
        "--late-rate": args.late_rate,
        "--late-delay": 1,
        "--max-attempts": MAX_ATTEMPTS,
        "--retry-backoff": 0.25,
    }
    return [sys.executable, "manage.py", "simulator", *_flat(options)]


def _flat(options: dict[str, object]) -> list[str]:
    return [str(part) for option in options.items() for part in option]


def main(argv: Sequence[str] | None = None) -> SoakReport:
    args = parse_args(argv)
    if args.redis and not shutil.which("redis-server"):
        raise SystemExit("--redis needs redis-server (apt-get install redis-server)")
    report = SoakReport()
    processes: list[ServerProcess] = []
    with ExitStack() as cleanup:
        workdir = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="soak-")))
        database = Database.fresh(workdir, args.postgres, "soak")
        cleanup.callback(database.drop)
        redis = RedisServer(log_path=workdir / "redis.log") if args.redis else None
        if redis is not None:
            redis.start()
            cleanup.callback(redis.kill)
        dashboard_port, simulator_port = free_port(), free_port()
        dashboard, simulator = f"http://127.0.0.1:{dashboard_port}", f"http://127.0.0.1:{simulator_port}"
        env = production_env(database, redis, simulator_port)
        # DEBUG off: pages link collected (hashed) static files, served by the dashboard itself.
        env["DJANGO_STATIC_ROOT"] = str(workdir / "static")
        if args.quick_static:
            env["DJANGO_SETTINGS_MODULE"] = "bench.soak_settings"
        manage("migrate", "--noinput", env=env)
        manage("collectstatic", "--noinput", env=env)
        manage("demo_users", env=env)
        try:
            for name, command, port, probe in (
                ("dashboard", dashboard_command(args, dashboard_port), dashboard_port, "/accounts/login/"),
                ("simulator", simulator_command(args, simulator_port, dashboard), simulator_port, "/_sim/state"),
            ):
                process = ServerProcess(
                    command, port=port, env=env, probe=probe, log_path=workdir / f"{name}.log", name=name
                )
                processes.append(process.launch())
                process.wait(timeout=60)
            page = LivePage(dashboard, session_cookie(dashboard))
            page.start()
            cleanup.callback(page.stop)
            run(args, processes, database, redis, page, simulator, report)
            compare_live_state(simulator, database, report)
            page.stop()
            stopped_at = time.time()
            processes[0].stop()  # the log is now final: everything answered 200 is in it
            records = httpx.get(simulator + "/_sim/webhooks", timeout=60).json()["data"]
            processes[1].stop()
            # Attempts refused by the stopped dashboard are no part of the run; the answers it gave
            # while shutting down are (a record's time is taken when the answer came).
            deliveries = [record for record in records if record["ok"] or record["sent_at"] < stopped_at]
            check_event_log(deliveries, database, report)
            check_rebuild(database, env, report)
        except Exception as exc:
            report.check("the soak ran to the end", False, f"{type(exc).__name__}: {exc}")
        finally:
            for process in processes:
                process.stop()
        print_report(args, report, processes)
    return report


def run(
    args: argparse.Namespace,
    processes: list[ServerProcess],
    database: Database,
    redis: RedisServer | None,
    page: LivePage,
    simulator: str,
    report: SoakReport,
) -> None:
    """The traffic runs; faults at 40% and 60%; memory sampled at 25% and 100%."""
    duration = args.minutes * 60
    started = time.monotonic()
    samples: dict[str, dict[str, int]] = {process.name: {} for process in processes}
    steps = [
        (0.25, "sample memory at 25%", lambda: sample(processes, samples, "25%")),
        (0.40, "database blip", lambda: database.blip(BLIP_SECS)),
    ]
    if redis is not None:
        steps.append((0.60, "Redis restart", lambda: restart_redis(redis, page, report)))
    steps.append((1.0, "sample memory at 100%", lambda: sample(processes, samples, "100%")))
    for at, what, step in steps:
        time.sleep(max(0.0, started + duration * at - time.monotonic()))
        for process in processes:
            if not process.alive():
                raise RuntimeError(f"{process.name} exited with {process.returncode} before the {what}")
        print(f"[{time.monotonic() - started:6.1f}s] {what}", flush=True)
        step()
    report.figures["minutes"] = args.minutes
    report.figures["rows pushed to the live page"] = len(page.rows)
    report.figures["live page connections"] = page.connects
    check_memory(samples, report)
    httpx.put(simulator + "/_sim/chaos", json={}, timeout=10)  # drain: no more late or held-back deliveries


def sample(processes: list[ServerProcess], samples: dict[str, dict[str, int]], phase: str) -> None:
    for process in processes:
        samples[process.name][phase] = rss_kib(process.pid)


def restart_redis(redis: RedisServer, page: LivePage, report: SoakReport) -> None:
    redis.kill()
    time.sleep(1)
    redis.start()
    back = time.monotonic()
    eventually(lambda: any(at > back for at in page.rows), timeout=30, interval=0.1)
    resumed = [at - back for at in page.rows if at > back]
    report.check("live push resumed after the Redis restart", bool(resumed), "no row pushed within 30 s")
    if resumed:
        report.figures["seconds until live push resumed after the Redis restart"] = round(min(resumed), 1)


def print_report(args: argparse.Namespace, report: SoakReport, processes: list[ServerProcess]) -> None:
    database = "PostgreSQL" if args.postgres else "SQLite"
    print(
        f"\nsoak: {args.minutes:g} min, {args.profile} at {args.rate:g} calls/s, {database}, "
        f"{args.workers} worker(s){', Redis' if args.redis else ''}"
    )
    for name, value in report.figures.items():
        print(f"  {name:<58} {value}")
    for check in report.checks:
        print(f"  {'PASS' if check.ok else 'FAIL'}  {check.name}" + ("" if check.ok else f": {check.detail}"))
    if not report.ok:
        for process in processes:
            print(f"\n--- last lines of {process.name}.log\n{process.tail()}")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(0 if main().ok else 1)
