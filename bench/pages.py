"""Page benchmark: render time and query count of the live calls list (and the conferences list).

Builds live calls directly in a fresh database (bulk_create, no webhooks), then times GET /calls/
with Django's test client, logged in as the demo supervisor, in this process (the production
profile: DEBUG off, cached templates). The process is warmed first by one request to a page without
rows (/profile/: it imports the URLconf and every view module, loads the base templates: about
0.5-0.8 s however many calls are live, printed apart). For each size: the first request (timed
apart: it fills the page's per-process caches, the rendered rows above all, so it is what the page
costs after a restart or when every row changed), then
median and max over --runs requests, the query count (CaptureQueriesContext, on a separate
request) and the page size. Ended calls are
added beside the live ones so the live filter has something to skip. The conferences list is
timed the same way, with live conferences of a few participants each.

    .venv/bin/python bench/pages.py                              # SQLite, 1,000 and 10,000 live calls
    .venv/bin/python bench/pages.py --database-url postgres://switchboard:switchboard@127.0.0.1/switchboard_bench
    .venv/bin/python bench/pages.py --counts 10000 --profile     # pyinstrument profile of the largest page

With --database-url postgres://..., a fresh database named <name>_pages is created beside the
given one (and dropped afterwards); the given database is never touched.
Targets for the live list of 10,000 calls: the first request under 1 s and its HTML under 3 MB
(past 500 live calls the page is a window: calls/views.py LIVE_WINDOW), the median under 300 ms,
with a query count that does not grow.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import PRODUCTION_ENV, VAR  # noqa: E402

TARGET_MS = 300
TARGET_FIRST_MS = 1000
TARGET_KB = 3 * 1024
STATES = ["parked", "answered", "answered", "bridged", "bridged", "queued", "conference"]


def configure_django(database_url: str, static_root: Path) -> None:
    os.environ.update(PRODUCTION_ENV)
    os.environ["DATABASE_URL"] = database_url
    # DEBUG off: pages link the collected (hashed) static names, so the files must be collected.
    os.environ["DJANGO_STATIC_ROOT"] = str(static_root)
    os.environ["DJANGO_SETTINGS_MODULE"] = "switchboard.settings"
    import django

    django.setup()


def add_calls(start: int, count: int, *, alive: bool) -> None:
    from django.utils import timezone

    from calls.models import Call

    now = timezone.now()
    rows = []
    for index in range(start, start + count):
        state = STATES[index % len(STATES)] if alive else "hangup"
        started = now - timedelta(seconds=(index % 3600) + 1)
        on_hold = alive and state in ("answered", "bridged") and index % 11 == 0
        rows.append(Call(
            call_control_id=f"v3:pages-{index:08d}",
            call_leg_id=f"leg-{index}",
            call_session_id=f"session-{index}",
            connection_id="1494404757140276705",
            direction="incoming" if index % 3 else "outgoing",
            state=state,
            state_since=started + timedelta(seconds=1),
            is_alive=alive,
            on_hold=on_hold,
            from_number=f"+1415{index:07d}",
            to_number="+18005550100",
            caller_id_name=f"Caller {index}",
            start_time=started,
            answered_at=started + timedelta(seconds=1) if state != "parked" else None,
            ended_at=None if alive else now,
            hangup_cause="" if alive else "normal_clearing",
            conference_id=f"conf-pages-{index % 50}" if state == "conference" else "",
            queue_name="support" if state == "queued" else "",
            details={"hold_since": started.isoformat()} if on_hold else {},
            last_event_at=started,
            event_count=3,
            version=3,
        ))
    Call.objects.bulk_create(rows, batch_size=1000)


def add_conferences(start: int, count: int, participants: int) -> None:
    from django.utils import timezone

    from conferences.models import Conference, Participant

    now = timezone.now()
    conferences = Conference.objects.bulk_create([
        Conference(conference_id=f"conf-live-{index:06d}", name=f"Room {index}", status="in_progress",
                   created_at=now - timedelta(seconds=index % 3600 + 1), version=2)
        for index in range(start, start + count)
    ], batch_size=1000)
    if not conferences or conferences[0].pk is None:  # backends that do not return ids
        conferences = list(Conference.objects.filter(conference_id__startswith="conf-live-").order_by("id")[start:])
    Participant.objects.bulk_create([
        Participant(conference=conference, call_control_id=f"v3:part-{conference.pk}-{seat}",
                    status="joined", joined_at=now, state_since=now, version=1)
        for conference in conferences for seat in range(participants)
    ], batch_size=1000)


def time_page(client, url: str, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    started = time.perf_counter()
    response = client.get(url)  # first: templates, session, permissions, any per-process caches
    first = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return {
        "first": first,
        "median": statistics.median(timings),
        "max": max(timings),
        "queries": len(queries.captured_queries),
        "kb": len(response.content) / 1024,
        "sql": [query["sql"] for query in queries.captured_queries],
    }


def profile_page(client, url: str) -> None:
    from pyinstrument import Profiler

    client.get(url)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    client.get(url)
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))


def fresh_postgres(url: str) -> str:
    from bench.ingest import fresh_database

    return fresh_database("postgres", url, Path(), "pages")


def drop_postgres(url: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    for connection in connections.all():
        if hasattr(connection, "close_pool"):  # psycopg's pool keeps its connections open
            connection.close_pool()
    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--counts", type=int, nargs="+", default=[1000, 10_000], help="live calls")
    parser.add_argument("--ended", type=float, default=1.0, help="ended calls per live call, kept beside them")
    parser.add_argument("--conferences", type=int, nargs="+", default=[100, 1000], help="live conferences")
    parser.add_argument("--participants", type=int, default=3, help="joined participants per conference")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--database-url", default="", help="postgres://... (default: a fresh SQLite file)")
    parser.add_argument("--profile", action="store_true", help="print a pyinstrument profile of the largest live list")
    parser.add_argument("--show-queries", action="store_true", help="print the SQL of the largest live list")
    parser.add_argument("--quick", action="store_true", help="tiny sizes (CI): 100 calls, 10 conferences")
    args = parser.parse_args()
    if args.quick:
        args.counts, args.conferences, args.runs = [100], [10], 2

    with tempfile.TemporaryDirectory(dir=VAR) as tmp:
        if args.database_url.startswith("postgres"):
            database_url = fresh_postgres(args.database_url)
            kind = "postgres"
        else:
            database_url = f"sqlite:///{Path(tmp) / 'pages.sqlite3'}"
            kind = "sqlite"
        configure_django(database_url, Path(tmp) / "static")
        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.test import Client

        from dashboard.accounts.demo import ensure_demo_users

        try:
            call_command("migrate", "--noinput", verbosity=0)
            call_command("collectstatic", "--noinput", verbosity=0)
            ensure_demo_users()
            client = Client()
            client.force_login(get_user_model().objects.get(username="supervisor"))
            started = time.perf_counter()
            assert client.get("/profile/").status_code == 200
            warm_up = (time.perf_counter() - started) * 1000

            print(f"pages benchmark: {kind}, test client in-process, DEBUG off, {args.runs} runs each "
                  f"(after a first request, timed apart: it fills per-process caches), +1 counting queries\n")
            print(f"process warm-up (GET /profile/, no rows): {warm_up:.0f} ms\n")
            print(f"{'page':<13} {'rows':>7} {'first ms':>9} {'median ms':>10} {'max ms':>8} {'queries':>8} {'KiB':>7}")
            made_live = made_ended = 0
            last = None
            for count in sorted(args.counts):
                add_calls(made_live, count - made_live, alive=True)
                ended = int(count * args.ended)
                add_calls(10**7 + made_ended, ended - made_ended, alive=False)
                made_live, made_ended = count, ended
                last = time_page(client, "/calls/", args.runs)
                missed = [f"{name} {limit}" for name, value, limit in (
                    ("median <", last["median"], f"{TARGET_MS} ms"), ("first <", last["first"], f"{TARGET_FIRST_MS} ms"),
                    ("HTML <", last["kb"], f"{TARGET_KB} KiB"),
                ) if value >= float(limit.split()[0])]
                verdict = "" if count != 10_000 else ("  targets met" if not missed else
                                                     f"  TARGET MISSED ({', '.join(missed)})")
                print(f"{'/calls/':<13} {count:>7} {last['first']:>9.1f} {last['median']:>10.1f} {last['max']:>8.1f} "
                      f"{last['queries']:>8} {last['kb']:>7.0f}{verdict}", flush=True)
            made = 0
            for count in sorted(args.conferences):
                add_conferences(made, count - made, args.participants)
                made = count
                result = time_page(client, "/conferences/", args.runs)
                print(f"{'/conferences/':<13} {count:>7} {result['first']:>9.1f} {result['median']:>10.1f} {result['max']:>8.1f} "
                      f"{result['queries']:>8} {result['kb']:>7.0f}", flush=True)
            if args.show_queries and last:
                print("\nqueries of GET /calls/:")
                for sql in last["sql"]:
                    print("  ", sql[:300])
            if args.profile:
                print(f"\npyinstrument profile of GET /calls/ with {made_live} live calls:")
                profile_page(client, "/calls/")
                print(f"\npyinstrument profile of GET /conferences/ with {made} live conferences:")
                profile_page(client, "/conferences/")
        finally:
            if kind == "postgres":
                drop_postgres(database_url)


if __name__ == "__main__":
    main()
