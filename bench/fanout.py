"""Fan-out benchmark: webhook-to-websocket latency with many live pages connected.

Starts the dashboard (uvicorn, production profile, a fresh database), logs in as the demo
supervisor through the login form, opens --clients websockets on /ws/live/calls/ with that
session cookie and an Origin header, then posts --events signed call.initiated webhooks for
distinct calls, paced at --rate per second. For every (client, event) pair it measures the time
from sending the POST to that client receiving the row fragment of that call (matched by the
call_control_id in the fragment's data-key), and reports p50 / p95 / p99 / max over all pairs,
the pairs that never arrived (missed), the webhook response times, and the CPU this client
process used (it shares the machine with the server).

Layers: the in-memory channel layer (one worker; it cannot cross processes), and the Redis layer
with --redis-workers workers (1 and 2) when Redis answers at --redis.

    .venv/bin/python bench/fanout.py                                   # in-memory, + Redis if it answers
    .venv/bin/python bench/fanout.py --redis redis://127.0.0.1:6379/0  # the same, Redis required
    .venv/bin/python bench/fanout.py --redis none                      # in-memory only
    .venv/bin/python bench/fanout.py --database-url postgres://switchboard:switchboard@127.0.0.1/switchboard_bench

Target: p99 under 250 ms with 100 clients.

Isolation (issue 17): while the sockets receive the burst, a plain page request must stay fast.
The script requests the --probe pages in turn (default /healthz, served on the event loop in front
of Django, so it shows the loop's own starvation; /profile/, a Django page whose cost does not grow
with the burst; and /calls/), one request at a time, before the burst (idle) and during it, and
prints both medians per page:

    .venv/bin/python bench/fanout.py --clients 500 --events 200 --rate 1000 --redis none   # target: p50 < 100 ms
    .venv/bin/python bench/fanout.py --quick     # CI: a handful of sockets and calls, in-memory layer
"""

import argparse
import asyncio
import contextlib
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    PRODUCTION_ENV,
    VAR,
    free_port,
    manage,
    new_call_bodies,
    percentile,
    post_paced,
    process_tree_cpu,
    redis_answers,
    session_cookie,
    uvicorn_logged,
)
from bench.ingest import fresh_database  # noqa: E402

TARGET_P99_MS = 250
DATA_KEY = re.compile(r'data-key="call:([^"]+)"')


class Clients:
    """Websocket clients that only timestamp what they receive; parsing waits until the end."""

    def __init__(self) -> None:
        self.sockets = []
        self.received: list[list[tuple[float, str]]] = []
        self.readers: list[asyncio.Task] = []
        self.closed: list[int | None] = []  # close codes of sockets the server closed
        self.closing = False
        self.rows = 0
        self.bytes = 0

    async def open(self, url: str, cookie: str, count: int, origin: str) -> None:
        async def one(slot: int) -> None:
            ws = await connect(url, origin=origin, additional_headers={"Cookie": f"sessionid={cookie}"},
                               max_size=2**22, open_timeout=30)
            hello = json.loads(await asyncio.wait_for(ws.recv(), 30))
            if hello.get("type") != "hello":
                raise RuntimeError(f"unexpected first message {hello!r}")
            self.sockets[slot] = ws

        self.sockets = [None] * count
        self.received = [[] for _ in range(count)]
        for start in range(0, count, 20):  # 20 at a time: a page load, not a thundering herd
            await asyncio.gather(*(one(slot) for slot in range(start, min(count, start + 20))))
        self.readers = [asyncio.create_task(self._read(slot)) for slot in range(count)]

    async def _read(self, slot: int) -> None:
        sink = self.received[slot]
        clock = time.perf_counter
        ws = self.sockets[slot]
        with contextlib.suppress(ConnectionClosed):
            async for raw in ws:
                sink.append((clock(), raw))
                self.rows += raw.count('"dom_id"')  # a "batch" frame carries several rows
                self.bytes += len(raw)
        if not self.closing:
            self.closed.append(ws.close_code)

    def clear(self) -> None:
        for sink in self.received:
            sink.clear()
        self.rows = self.bytes = 0

    def arrivals(self, wanted: set[str]) -> list[dict[str, float]]:
        """Per client: call_control_id -> first arrival time of that call's row fragment."""
        result = []
        for sink in self.received:
            first: dict[str, float] = {}
            for at, raw in sink:
                message = json.loads(raw)
                for item in message.get("items") or [message]:  # a "batch" frame carries several rows
                    match = DATA_KEY.search(item.get("html") or "")
                    if match and match.group(1) in wanted and match.group(1) not in first:
                        first[match.group(1)] = at
            result.append(first)
        return result

    def count(self) -> int:
        """Row fragments received so far, over all clients."""
        return self.rows

    async def close(self) -> None:
        self.closing = True
        for task in self.readers:
            task.cancel()
        await asyncio.gather(*(ws.close() for ws in self.sockets if ws is not None), return_exceptions=True)


async def probe_pages(url: str, cookie: str, paths: list[str], count: int = 0, until: asyncio.Event | None = None,
                      ) -> dict[str, list[float]]:
    """Response times (ms) per path, the paths requested in turn, one request at a time: `count` rounds,
    or until `until` is set."""
    import httpx

    times: dict[str, list[float]] = {path: [] for path in paths}
    rounds = 0
    async with httpx.AsyncClient(base_url=url, timeout=60, cookies={"sessionid": cookie}) as client:
        while (until is not None and not until.is_set()) or rounds < count:
            for path in paths:
                started = time.perf_counter()
                response = await client.get(path)
                response.raise_for_status()
                times[path].append((time.perf_counter() - started) * 1000)
            rounds += 1
    return times


def _medians(times: dict[str, list[float]]) -> dict[str, float]:
    return {path: percentile(values, 0.5) if values else float("nan") for path, values in times.items()}


def burst_profiler(pid: int, directory: str) -> subprocess.Popen | None:
    """py-spy recording the server (all its threads) from now until it is sent SIGINT; raw stacks."""
    if not directory:
        return None
    Path(directory).mkdir(parents=True, exist_ok=True)
    output = Path(directory) / f"fanout-{pid}.txt"
    print(f"(py-spy: the burst's stacks in {output})", flush=True)
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    return subprocess.Popen([py_spy, "record", "--pid", str(pid), "--subprocesses", "--rate", "100", "--threads",
                             "--format", "raw", "--output", str(output), "--nonblocking"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def run_round(url: str, cookie: str, args: argparse.Namespace, server_pid: int) -> dict:
    clients = Clients()
    ws_url = url.replace("http://", "ws://") + "/ws/live/calls/"
    await clients.open(ws_url, cookie, args.clients, origin=url)
    try:
        # Warm-up: templates, fragment path, connections; not measured.
        await post_paced(url, new_call_bodies(9_000_000, 10), 20)
        await asyncio.sleep(1.0)
        # Idle, as pages are between calls: a socket the server drops now misses what follows.
        await asyncio.sleep(args.idle)
        clients.clear()
        idle_pages = await probe_pages(url, cookie, args.probe, count=10)
        profiler = burst_profiler(server_pid, args.profile)
        cpu_before = resource.getrusage(resource.RUSAGE_SELF)
        server_cpu_before = process_tree_cpu(server_pid)
        bodies = new_call_bodies(8_000_000, args.events)
        expected = args.clients * args.events
        burst_over = asyncio.Event()
        prober = asyncio.create_task(probe_pages(url, cookie, args.probe, until=burst_over))
        sent, answers = await post_paced(url, bodies, args.rate)
        deadline = time.perf_counter() + args.wait
        while clients.count() < expected and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)
        burst_over.set()
        if profiler is not None:
            profiler.send_signal(signal.SIGINT)  # py-spy writes what it recorded and exits
        busy_pages = await prober
        await asyncio.sleep(0.2)
        cpu_after = resource.getrusage(resource.RUSAGE_SELF)
        server_cpu = process_tree_cpu(server_pid) - server_cpu_before
        arrivals = clients.arrivals(set(sent))
        received_mb = clients.bytes / 1e6
    finally:
        await clients.close()
    latencies = [(first[call_id] - sent[call_id]) * 1000 for first in arrivals for call_id in first]
    return {
        "pairs": expected,
        "received_mb": received_mb,
        "latencies": latencies,
        "missed": expected - len(latencies),
        "post_p50": percentile(answers, 0.5),
        "post_p99": percentile(answers, 0.99),
        "closed": len(clients.closed),
        "close_codes": sorted(set(clients.closed), key=str),
        "server_cpu": server_cpu,
        "page_idle": _medians(idle_pages),
        "page_busy": _medians(busy_pages),
        "page_busy_count": min(len(values) for values in busy_pages.values()),
        "client_cpu": (cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime),
    }


def measure(layer: str, workers: int, args: argparse.Namespace, workdir: Path, attempt: int) -> dict:
    kind = "postgres" if args.database_url.startswith("postgres") else "sqlite"
    env = dict(PRODUCTION_ENV)
    env["DATABASE_URL"] = fresh_database(kind, args.database_url, workdir, f"fanout_{layer}_{workers}_{attempt}")
    env["DJANGO_STATIC_ROOT"] = str(workdir / "static")  # DEBUG off: the collected files' manifest
    if layer == "redis":
        env["REDIS_URL"] = args.redis
    manage("migrate", "--noinput", env=env)
    manage("demo_users", env=env)
    manage("collectstatic", "--noinput", env=env)
    port = free_port()
    server = uvicorn_logged(args.app, port, workers, env,
                            workdir / f"server-{layer}-{workers}-{attempt}.log")
    try:
        server.wait()
        cookie = session_cookie(server.url)
        result = asyncio.run(run_round(server.url, cookie, args, server.process.pid))
    finally:
        server.stop()
    result["server_errors"] = server.errors()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=100, help="websocket clients on /ws/live/calls/")
    parser.add_argument("--events", type=int, default=300, help="call.initiated webhooks (distinct new calls)")
    parser.add_argument("--rate", type=float, default=20, help="webhooks per second")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0",
                        help="Redis URL for the Redis layer; 'none' to skip it (default: used if it answers)")
    parser.add_argument("--redis-workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--database-url", default="", help="postgres://... (a fresh <name>_fanout_* database "
                        "is created beside it); default: a fresh SQLite file per run")
    parser.add_argument("--wait", type=float, default=5, help="seconds to wait for stragglers after the last POST")
    parser.add_argument("--idle", type=float, default=12,
                        help="seconds the clients sit connected and idle before the webhooks start")
    parser.add_argument("--app", default="switchboard.asgi:application",
                        help="the ASGI app to serve (to compare a variant, importable via PYTHONPATH)")
    parser.add_argument("--repeat", type=int, default=1, help="measure each configuration this many times")
    parser.add_argument("--probe", nargs="+", default=["/healthz", "/profile/", "/calls/"],
                        help="the pages requested in turn before and during the burst (/healthz: the event loop "
                        "alone; a Django page: the loop and the request threads too)")
    parser.add_argument("--profile", metavar="DIR", default="",
                        help="record the server with py-spy during each burst (raw stacks into DIR)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes (CI): 5 sockets, 10 calls, in-memory only")
    args = parser.parse_args()
    if args.quick:
        args.clients, args.events, args.rate, args.idle, args.wait, args.redis = 5, 10, 20, 1, 3, "none"
    explicit_redis = any(arg.startswith("--redis") and arg != "--redis-workers" for arg in sys.argv[1:])

    configs = [("in-memory", 1)]
    if args.redis.lower() != "none":
        if redis_answers(args.redis):
            configs += [("redis", workers) for workers in args.redis_workers]
        elif explicit_redis:
            sys.exit(f"Redis does not answer at {args.redis}")
        else:
            print(f"(Redis does not answer at {args.redis}: in-memory layer only)")
    database = "postgres" if args.database_url.startswith("postgres") else "sqlite"
    print(f"fanout benchmark: {args.clients} websocket clients, {args.events} call.initiated webhooks "
          f"at {args.rate:g}/s, {database}, production profile\n")
    print(f"{'layer':<10} {'workers':>7} {'pairs':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7} "
          f"{'missed':>6} {'closed':>6} {'POST p50':>8} {'POST p99':>8} {'server CPU s':>12} {'µs/msg':>6} "
          f"{'client CPU s':>12} {'MB in':>6} {'load':>5}  page ms idle -> busy (median)")
    with tempfile.TemporaryDirectory(dir=VAR) as tmp:
        for layer, workers in configs:
            for attempt in range(args.repeat):
                result = measure(layer, workers, args, Path(tmp), attempt)
                values = result["latencies"] or [float("nan")]
                print(f"{layer:<10} {workers:>7} {result['pairs']:>6} {percentile(values, 0.5):>7.1f} "
                      f"{percentile(values, 0.95):>7.1f} {percentile(values, 0.99):>7.1f} {max(values):>7.1f} "
                      f"{result['missed']:>6} {result['closed']:>6} {result['post_p50']:>8.1f} {result['post_p99']:>8.1f} "
                      f"{result['server_cpu']:>12.1f} {result['server_cpu'] / result['pairs'] * 1e6:>6.0f} "
                      f"{result['client_cpu']:>12.1f} {result['received_mb']:>6.0f} {os.getloadavg()[0]:>5.2f}  "
                      + ", ".join(f"{path} {result['page_idle'][path]:.1f} -> {result['page_busy'][path]:.1f}"
                                  for path in args.probe)
                      + (f"  close codes {result['close_codes']}" if result["closed"] else ""), flush=True)
                errors = result["server_errors"]
                if errors:
                    kinds = sorted(set(errors))
                    print(f"{'':<10} server logged {len(errors)} traceback(s): " + "; ".join(kinds[:3]), flush=True)
    print(f"\ntarget: p99 < {TARGET_P99_MS} ms with 100 clients; latency = POST sent -> fragment received, "
          "per (client, event); missed = pairs never received; closed = sockets the server closed "
          f"(after {args.idle:g} s idle and during the run); server CPU = the uvicorn process tree's CPU "
          "while the webhooks were posted and delivered, and per (client, event) pair; MB in = websocket text "
          "the clients received during the burst; page ms = median of "
          "GET of each probe before the burst and during it (target: busy < 100 ms); load = "
          "the machine's 1-minute load average")


if __name__ == "__main__":
    main()
