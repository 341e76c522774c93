"""History benchmark: searches, timelines and exports on a large generated log.

Builds (or reuses) a database with bench/history_generator.py, then measures in-process, on
the production profile (DEBUG off): the server time of each history search, API search,
timeline and the delivery page (median of several runs), their query counts at 25 and at 200
rows a page (they must be equal), and the export of 100,000 rows streamed through Django's ASGI
handler (time, bytes, and peak Python memory against an export of 10,000 rows).

    .venv/bin/python bench/history.py                     # SQLite at var/bench/history.sqlite3
    .venv/bin/python bench/history.py --reuse             # skip generating if the data is there
    .venv/bin/python bench/history.py --database-url postgres://switchboard:switchboard@127.0.0.1/switchboard_bench
    .venv/bin/python bench/history.py --events 200000 --calls 20000

Generating 1,000,000 events takes a few minutes.
"""

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import PRODUCTION_ENV, ROOT, manage  # noqa: E402

BUDGET_MS = 300
RUNS = 7


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--actions", type=int, default=50_000)
    parser.add_argument("--database-url", default=f"sqlite:///{ROOT / 'var' / 'bench' / 'history.sqlite3'}")
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database when it already holds the events"
    )
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--quick", action="store_true", help="tiny sizes (CI): 20,000 events, a fresh file")
    args = parser.parse_args()
    if args.quick:
        args.events, args.calls, args.actions, args.runs = 20_000, 2_000, 1_000, 1
        if args.database_url.startswith("sqlite"):
            args.database_url = f"sqlite:///{ROOT / 'var' / 'bench' / 'history-quick.sqlite3'}"
    return args


def create_postgres_database(database_url: str) -> None:
    """Create the benchmark's database when it is not there yet, so one command is enough."""
    import psycopg

    base, name = database_url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def prepare_database(args: argparse.Namespace, env: dict[str, str]) -> None:
    url = urlsplit(args.database_url)
    if url.scheme == "sqlite" and not args.reuse:
        path = Path(url.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    if url.scheme.startswith("postgres"):
        create_postgres_database(args.database_url)
    manage("migrate", "--noinput", env=env)
    if args.reuse and existing_events(env) >= args.events:
        print(f"reusing the {args.events:,} events already in the database")
        return
    if url.scheme != "sqlite":
        manage("flush", "--noinput", env=env)
    print(f"generating {args.events:,} events and {args.calls:,} calls ...", flush=True)
    started = time.perf_counter()
    generate = [str(ROOT / "bench" / "history_generator.py"), "--events", str(args.events)]
    generate += ["--calls", str(args.calls), "--actions", str(args.actions)]
    subprocess.run([sys.executable, *generate], cwd=ROOT, env={**os.environ, **env}, check=True)
    print(f"generated in {time.perf_counter() - started:.0f} s")
    if url.scheme != "sqlite":
        # Autovacuum would gather planner statistics for the freshly loaded tables within a minute
        # or two; measuring before it has would time the planner's guesses, not the searches.
        manage(
            "shell", "-c", "from django.db import connection; connection.cursor().execute('ANALYZE')", env=env
        )


def existing_events(env: dict[str, str]) -> int:
    output = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from dashboard.models import Event; print(Event.objects.count())",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return int(output.strip().splitlines()[-1])


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "switchboard.settings")
    import django

    django.setup()


def login():  # noqa: ANN201
    from django.contrib.auth import get_user_model
    from django.test import Client

    user, _ = get_user_model().objects.get_or_create(username="history-bench")
    client = Client()
    client.force_login(user)
    return client, user


def measure(client, url: str, runs: int) -> tuple[float, int, int]:  # noqa: ANN001
    """Median server time (ms) and the query counts of the URL at 25 and at 200 rows a page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def fetch(target: str) -> None:
        response = client.get(target)
        if response.status_code != 200:
            raise SystemExit(f"{target}: HTTP {response.status_code}")
        response.content  # noqa: B018 - rendering is part of the server time

    fetch(url)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fetch(url)
        times.append((time.perf_counter() - started) * 1000)
    sep = "&" if "?" in url else "?"
    size = "limit" if url.startswith("/api/") else "per_page"
    counts = []
    for rows in (25, 200):
        with CaptureQueriesContext(connection) as queries:
            fetch(f"{url}{sep}{size}={rows}" if "/history/" in url else url)
        counts.append(len(queries))
    return statistics.median(times), counts[0], counts[1]


def urls() -> list[tuple[str, str]]:
    from django.utils import timezone

    from calls.models import Call
    from conferences.models import Conference
    from dashboard.models import Event

    now = timezone.now()

    def ago(**delta: int) -> str:
        return (now - timedelta(**delta)).strftime("%Y-%m-%dT%H:%M")

    middle = Call.objects.order_by("pk")[Call.objects.count() // 2]
    conference = Conference.objects.order_by("pk")[Conference.objects.count() // 2]
    conference_call = Call.objects.filter(conference_id=conference.conference_id).first()
    event = Event.objects.filter(call_control_id=middle.call_control_id).order_by("pk")[2]
    return [
        ("calls: newest", "/history/calls/"),
        ("calls: number, partial", "/history/calls/?number=4155"),
        ("calls: from + ended", "/history/calls/?from=%2B14155&is_alive=false"),
        (
            "calls: direction + state + cause",
            "/history/calls/?direction=incoming&state=hangup&hangup_cause=user_busy",
        ),
        (
            "calls: cause + source + last 7 days",
            f"/history/calls/?hangup_cause=timeout&hangup_source=callee&started_after={ago(days=7)}",
        ),
        ("calls: duration >= 800 s, longest", "/history/calls/?duration_min=800&sort=-duration"),
        ("calls: any call id", f"/history/calls/?call_id={middle.call_session_id}"),
        ("calls: conference", f"/history/calls/?conference_id={conference.conference_id}"),
        ("calls: sorted by from", "/history/calls/?sort=from"),
        ("calls: page 150", "/history/calls/?page=150"),
        ("conferences: newest", "/history/conferences/"),
        ("conferences: participant number", "/history/conferences/?number=1415555"),
        (
            "conferences: ended, 7 days, longest",
            f"/history/conferences/?status=completed&created_after={ago(days=7)}&sort=-duration",
        ),
        (
            "conferences: participant call id",
            f"/history/conferences/?call_control_id={conference_call.call_control_id}",
        ),
        ("events: newest", "/history/events/"),
        ("events: one type", "/history/events/?event_type=call.hangup"),
        (
            "events: two types, 12 h window",
            f"/history/events/?event_type=call.hangup,call.answered&received_after={ago(days=1)}&received_before={ago(hours=12)}",
        ),
        ("events: by data.id", f"/history/events/?id={event.event_id}"),
        ("events: one call", f"/history/events/?call_control_id={middle.call_control_id}"),
        ("events: duplicated", "/history/events/?duplicated=true"),
        ("events: retried, by type", "/history/events/?retried=true&sort=event_type"),
        (
            "events: occurred in 3 days, oldest",
            f"/history/events/?occurred_after={ago(days=3)}&sort=occurred_at",
        ),
        ("events: page 200", "/history/events/?page=200"),
        ("actions: newest", "/history/actions/"),
        ("actions: one user", "/history/actions/?user=operator07"),
        ("actions: two actions refused", "/history/actions/?action=mute,unmute&outcome=refused"),
        ("actions: 2 days, by user", f"/history/actions/?created_after={ago(days=2)}&sort=user"),
        ("actions: denied through the api", "/history/actions/?outcome=denied&channel=api"),
        ("api: calls, number", "/api/history/calls/?number=4155"),
        ("api: events, one type", "/api/history/events/?event_type=call.hangup"),
        ("api: actions, one user", "/api/history/actions/?user=operator07"),
        ("timeline: a call", f"/calls/{conference_call.call_control_id}/"),
        ("timeline: a conference", f"/conferences/{conference.conference_id}/"),
        ("event page", f"/history/events/{event.pk}/"),
        ("delivery health", "/history/delivery/"),
    ]


async def stream_through_asgi(path: str, query: str, cookie: str) -> tuple[int, int, int, float]:
    """Serve one export through Django's ASGI handler; returns (rows, bytes, chunks, seconds)."""
    from django.core.handlers.asgi import ASGIHandler

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "headers": [(b"host", b"testserver"), (b"cookie", cookie.encode())],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    received = {"bytes": 0, "chunks": 0, "lines": 0, "status": 0}
    requested = asyncio.Event()

    async def receive() -> dict:
        if not requested.is_set():
            requested.set()
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # the client never disconnects: Django cancels this when done
        raise AssertionError("unreachable")

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            received["status"] = message["status"]
        elif message["type"] == "http.response.body":
            body = message.get("body", b"")
            received["bytes"] += len(body)
            received["lines"] += body.count(b"\n")
            received["chunks"] += 1

    started = time.perf_counter()
    await ASGIHandler()(scope, receive, send)
    if received["status"] != 200:
        raise SystemExit(f"{path}?{query}: HTTP {received['status']}")
    # CSV: a header line; JSON: the opening and closing bracket lines.
    rows = received["lines"] - (2 if path.endswith(".json") else 1)
    return rows, received["bytes"], received["chunks"], time.perf_counter() - started


def export_figures(cookie: str) -> list[tuple[str, int, int, int, float, float]]:
    from django.utils import timezone

    from dashboard.models import Event

    initiated = Event.objects.filter(event_type="call.initiated")
    total = initiated.count()
    tenth = initiated.order_by("-received_at").values_list("received_at", flat=True)[total // 10]
    since = timezone.localtime(tenth).strftime("%Y-%m-%dT%H:%M:%S.%f")
    cases = [
        (
            "events csv, 1 in 10 calls",
            "/history/events/export.csv",
            f"event_type=call.initiated&received_after={since}",
        ),
        ("events csv, every call", "/history/events/export.csv", "event_type=call.initiated"),
        ("events json, every call", "/history/events/export.json", "event_type=call.initiated"),
        ("calls csv, all", "/history/calls/export.csv", ""),
    ]
    figures = []
    for label, path, query in cases:
        rows, size, chunks, seconds = asyncio.run(stream_through_asgi(path, query, cookie))
        tracemalloc.start()
        asyncio.run(stream_through_asgi(path, query, cookie))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        figures.append((label, rows, size, chunks, seconds, peak / 2**20))
    return figures


def main() -> None:
    args = parse_args()
    static_root = tempfile.TemporaryDirectory(prefix="history-static-")
    # DEBUG off: pages link the collected (hashed) static names, so the files must be collected.
    env = {
        **PRODUCTION_ENV,
        "DATABASE_URL": args.database_url,
        "LOG_LEVEL": "ERROR",
        "DJANGO_STATIC_ROOT": static_root.name,
    }
    prepare_database(args, env)
    setup_django(env)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    call_command("collectstatic", "--noinput", verbosity=0)

    client, _ = login()
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    print(
        f"\n{connection.vendor}, DEBUG={settings.DEBUG}, median of {args.runs} runs, budget {BUDGET_MS} ms\n"
    )
    print(f"{'request':<40} {'ms':>8} {'queries @25':>12} {'@200':>6}")
    worst = 0.0
    for label, url in urls():
        median, small, large = measure(client, url, args.runs)
        worst = max(worst, median)
        flag = "" if median < BUDGET_MS and small == large else "  <-- over budget or growing"
        print(f"{label:<40} {median:8.1f} {small:12d} {large:6d}{flag}")
    print(f"\nslowest: {worst:.1f} ms\n")
    print(f"{'export (ASGI, streamed)':<32} {'rows':>9} {'MB':>7} {'chunks':>7} {'s':>6} {'peak MB':>8}")
    for label, rows, size, chunks, seconds, peak in export_figures(cookie):
        print(f"{label:<32} {rows:9,d} {size / 2**20:7.1f} {chunks:7d} {seconds:6.1f} {peak:8.1f}")


if __name__ == "__main__":
    main()
