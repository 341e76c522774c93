"""Ingest benchmark: signed webhooks per second and response times, dashboard vs the bare floor.

For each database and worker count: a fresh database, 1,000 live calls preloaded, then wrk
replays distinct signed webhooks (call.initiated / answered / hangup triples) for --duration
seconds against the dashboard's /webhooks/telnyx/ and against bench/baseline_app.py (verify +
insert, nothing else). Prints throughput, p50 / p99 and the dashboard's ratio to the floor.

Both servers are measured warm: --warmup seconds of other distinct webhooks first (a cold
floor undercounts it), then a checkpoint (PostgreSQL CHECKPOINT, SQLite wal_checkpoint) so
neither run pays for the other's dirty pages. The load average is printed beside each line:
on a shared machine, judge the ratio, not the absolute figures.

    .venv/bin/python bench/ingest.py                          # SQLite, 1 2 4 workers
    .venv/bin/python bench/ingest.py --postgres postgres://switchboard:switchboard@127.0.0.1/switchboard_bench
    .venv/bin/python bench/ingest.py --connections 1 --workers 1   # a single webhook's handling time
    .venv/bin/python bench/ingest.py --quick                  # CI: tiny sizes, checks the script runs
    .venv/bin/python bench/ingest.py --workers 2 --repeat 5   # five alternating rounds, then the medians
    .venv/bin/python bench/ingest.py --workers 1 --profile var/profile   # + py-spy on the dashboard

--profile DIR records the dashboard's workers with py-spy (pip install py-spy) during the
measured run and prints the functions the samples were spent in (own time, and inclusive
time of the product's and the database driver's frames); the raw stacks stay in DIR.

Needs wrk (apt-get install wrk).
"""

import argparse
import asyncio
import contextlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    PRODUCTION_ENV,
    ROOT,
    VAR,
    call_lifecycle,
    free_port,
    manage,
    signed,
    uvicorn,
    webhook_headers,
)
from tests.support.servers import RedisServer  # noqa: E402


def write_requests(path: Path, calls: int, first: int = 0) -> int:
    count = 0
    with path.open("w") as out:
        for index in range(first, first + calls):
            for body in call_lifecycle(index):
                signature, timestamp = signed(body)
                out.write(f"{signature}\t{timestamp}\t{body.decode()}\n")
                count += 1
    return count


async def preload_live_calls(url: str, count: int) -> None:
    limits = httpx.Limits(max_connections=8)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        semaphore = asyncio.Semaphore(8)

        async def post(body: bytes) -> None:
            async with semaphore:
                response = await client.post(url + "/webhooks/telnyx/", content=body, headers=webhook_headers(body))
                response.raise_for_status()

        await asyncio.gather(*(post(body) for i in range(count) for body in call_lifecycle(10**6 + i, hangup=False)))


def run_wrk(url: str, requests_file: Path, connections: int, duration: int) -> dict:
    output = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s",
         "-s", str(ROOT / "bench" / "replay.lua"), url, "--", str(requests_file), "/webhooks/telnyx/"],
        capture_output=True, text=True, check=True,
    ).stdout

    def latency(label: str) -> float:
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency("50"),
        "p99": latency("99"),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": errors.group(1) if errors else "",
    }


def fresh_database(kind: str, postgres_url: str, workdir: Path, name: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{workdir / (name + '.sqlite3')}"
    base = postgres_url.rsplit("/", 1)[0]
    database = f"{postgres_url.rsplit('/', 1)[1]}_{name}".replace("-", "_")
    import psycopg

    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}"')
        conn.execute(f'CREATE DATABASE "{database}"')
    return f"{base}/{database}"


def checkpoint(database_url: str) -> None:
    """Flush the warm-up's writes so the measured run starts from clean buffers."""
    if database_url.startswith("sqlite"):
        import sqlite3

        with contextlib.closing(sqlite3.connect(database_url.removeprefix("sqlite:///"))) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        try:
            conn.execute("CHECKPOINT")
        except psycopg.errors.InsufficientPrivilege:
            # PostgreSQL 15: GRANT pg_checkpoint TO <the benchmark's role> (or run it as a superuser).
            print("  (no CHECKPOINT: the role lacks pg_checkpoint; figures include the warm-up's flush)")


def start_profiler(pid: int, output: Path, duration: int) -> subprocess.Popen:
    output.parent.mkdir(parents=True, exist_ok=True)
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    return subprocess.Popen(
        [py_spy, "record", "--pid", str(pid), "--subprocesses", "--duration", str(duration), "--rate", "200",
         "--format", "raw", "--output", str(output), "--nonblocking"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def summarise_profile(path: Path, top: int = 25) -> str:
    """Own and inclusive samples per function, from py-spy's raw (collapsed) stacks."""
    own: dict[str, int] = {}
    inclusive: dict[str, int] = {}
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = [re.sub(r" \(.*/(site-packages|lib/python3[.\d]*)/", " (", frame) for frame in stack.split(";")[1:]]
        if not frames:
            continue
        samples = int(count)
        total += samples
        own[frames[-1]] = own.get(frames[-1], 0) + samples
        for frame in set(frames):
            inclusive[frame] = inclusive.get(frame, 0) + samples
    lines = [f"  py-spy: {total} samples (every thread but idle ones), raw stacks in {path}", "  own time:"]
    for frame, samples in sorted(own.items(), key=lambda item: -item[1])[:top]:
        lines.append(f"    {100 * samples / total:5.1f}%  {frame}")
    lines.append("  inclusive time (product and driver frames):")
    ours = {f: n for f, n in inclusive.items() if re.search(r"\((dashboard|calls|conferences|operations|psycopg)", f)}
    for frame, samples in sorted(ours.items(), key=lambda item: -item[1])[:top]:
        lines.append(f"    {100 * samples / total:5.1f}%  {frame}")
    return "\n".join(lines)


def load_average() -> str:
    return f"{os.getloadavg()[0]:.2f}"


def measure(
    target: str, kind: str, workers: int, args: argparse.Namespace, workdir: Path, redis_url: str
) -> dict:
    database_url = fresh_database(kind, args.postgres, workdir, f"{target}-{workers}")
    env = dict(PRODUCTION_ENV)
    port = free_port()
    if target == "dashboard":
        env["DATABASE_URL"] = database_url
        if workers > 1:
            env["REDIS_URL"] = redis_url  # several workers refuse to start without a shared channel layer
        manage("migrate", "--noinput", env=env)
        server = uvicorn("switchboard.asgi:application", port, workers, env).wait()
    else:
        env["BASELINE_DATABASE_URL"] = database_url
        server = uvicorn("bench.baseline_app:app", port, workers, env).wait()
    try:
        if target == "dashboard" and args.live_calls:
            asyncio.run(preload_live_calls(server.url, args.live_calls))
        if args.warmup:
            warmup_file = workdir / "warmup.tsv"
            write_requests(warmup_file, args.calls, first=5 * 10**6)
            run_wrk(server.url, warmup_file, args.connections, args.warmup)
        checkpoint(database_url)
        requests_file = workdir / "requests.tsv"
        write_requests(requests_file, args.calls)
        profiler = None
        if args.profile and target == "dashboard":
            profiler = start_profiler(server.process.pid, Path(args.profile) / f"{kind}-{workers}w.txt", args.duration)
        result = run_wrk(server.url, requests_file, args.connections, args.duration)
        result["load"] = load_average()
        if profiler is not None:
            profiler.wait()
            result["profile"] = summarise_profile(Path(args.profile) / f"{kind}-{workers}w.txt")
        return result
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--calls", type=int, default=20_000, help="distinct calls replayed (3 webhooks each)")
    parser.add_argument("--live-calls", type=int, default=1000, help="live calls preloaded into the dashboard")
    parser.add_argument("--postgres", default="", help="a PostgreSQL URL: measure PostgreSQL instead of SQLite")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of load on each server before measuring")
    parser.add_argument("--repeat", type=int, default=1, help="measure floor and dashboard this many times, "
                        "alternating, and print the medians: back-to-back runs on a shared machine differ a lot")
    parser.add_argument("--quick", action="store_true", help="tiny sizes (CI): 1 worker, 1 s runs")
    parser.add_argument("--profile", metavar="DIR", default="", help="py-spy the dashboard into DIR (see above)")
    args = parser.parse_args()
    if args.quick:
        args.workers, args.duration, args.warmup, args.calls, args.live_calls = [1], 1, 1, 500, 50
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    kind = "postgres" if args.postgres else "sqlite"
    durability = f"synchronous={os.environ.get('SQLITE_SYNCHRONOUS', 'FULL').upper()}" if kind == "sqlite" else \
        "synchronous_commit on"
    print(f"ingest benchmark: {kind} ({durability}, floor and dashboard alike), wrk -t1 -c{args.connections} "
          f"-d{args.duration}s, {args.live_calls} live calls preloaded\n")
    print(f"{'workers':>7} {'target':>10} {'webhooks/s':>11} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} "
          f"{'load':>6}  ratio")
    # Several dashboard workers need Redis (the channel layer): a private redis-server, this run only.
    redis = RedisServer().start() if max(args.workers) > 1 else None
    with tempfile.TemporaryDirectory(dir=VAR) as tmp, contextlib.ExitStack() as stack:
        if redis is not None:
            stack.callback(redis.kill)
        for workers in args.workers:
            ratios, rates = [], []
            for _ in range(args.repeat):
                floor = measure("baseline", kind, workers, args, Path(tmp), redis.url if redis else "")
                ours = measure("dashboard", kind, workers, args, Path(tmp), redis.url if redis else "")
                for name, result in (("baseline", floor), ("dashboard", ours)):
                    ratio = f"{result['rps'] / floor['rps']:.2f}" if name == "dashboard" else ""
                    print(f"{workers:>7} {name:>10} {result['rps']:>11.0f} {result['p50']:>8.2f} {result['p99']:>8.2f} "
                          f"{result['non_2xx']:>8} {result['load']:>6}  {ratio}", flush=True)
                if "profile" in ours:
                    print(ours["profile"], flush=True)
                ratios.append(ours["rps"] / floor["rps"])
                rates.append(ours["rps"])
            if args.repeat > 1:
                print(f"{workers:>7} {'median':>10} {statistics.median(rates):>11.0f}  of {args.repeat} runs "
                      f"({min(rates):.0f}-{max(rates):.0f}/s); ratio {statistics.median(ratios):.2f} "
                      f"({min(ratios):.2f}-{max(ratios):.2f})", flush=True)


if __name__ == "__main__":
    main()
