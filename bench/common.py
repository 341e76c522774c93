"""Shared pieces of the benchmark scripts: servers on loopback, signed webhooks, percentiles."""

import base64
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
from nacl.signing import SigningKey

ROOT = Path(__file__).resolve().parent.parent
BENCH_KEY = SigningKey(b"switchboard-benchmark-key-32byte")
BENCH_PUBLIC_KEY = base64.b64encode(bytes(BENCH_KEY.verify_key)).decode()
# The production profile (DEBUG off: no query logging), on plain HTTP over loopback.
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "benchmark-only-secret-key-not-for-production-use",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "DJANGO_SECURE_COOKIES": "false",
    "TELNYX_API_KEY": "KEYBENCHMARK",
    "TELNYX_PUBLIC_KEY": BENCH_PUBLIC_KEY,
    "LOG_LEVEL": "WARNING",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def signed(body: bytes) -> tuple[str, str]:
    timestamp = str(int(time.time()))
    signature = BENCH_KEY.sign(timestamp.encode() + b"|" + body).signature
    return base64.b64encode(signature).decode(), timestamp


def call_lifecycle(index: int, *, hangup: bool = True) -> list[bytes]:
    """call.initiated, call.answered (and call.hangup) of one call, as webhook bodies."""
    call_id = f"v3:bench-{uuid.uuid4().hex}"
    now = datetime.now(UTC)
    base = {
        "call_control_id": call_id,
        "call_leg_id": str(uuid.uuid4()),
        "call_session_id": str(uuid.uuid4()),
        "connection_id": "1494404757140276705",
        "from": f"+1415{index % 10_000_000:07d}",
        "to": "+18005550100",
    }
    kinds = [
        ("call.initiated", {"direction": "incoming", "state": "parked", "caller_id_name": f"Caller {index}"}),
        ("call.answered", {"state": "answered"}),
    ]
    if hangup:
        kinds.append(("call.hangup", {"state": "hangup", "hangup_cause": "normal_clearing", "hangup_source": "caller"}))
    bodies = []
    for step, (event_type, extra) in enumerate(kinds):
        document = {
            "data": {
                "record_type": "event",
                "event_type": event_type,
                "id": str(uuid.uuid4()),
                "occurred_at": now.replace(microsecond=step).isoformat().replace("+00:00", "Z"),
                "payload": {**base, **extra},
            },
            "meta": {"attempt": 1, "delivered_to": "http://127.0.0.1/webhooks/telnyx/"},
        }
        bodies.append(json.dumps(document).encode())
    return bodies


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


class Server:
    """A server process on loopback; `wait()` until it answers."""

    def __init__(self, command: list[str], env: dict[str, str], probe: str, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.probe = probe
        self.process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env})

    def wait(self, timeout: float = 30) -> "Server":
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}")
            try:
                httpx.get(self.url + self.probe, timeout=1)
                return self
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError("server did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


def uvicorn(app: str, port: int, workers: int, env: dict[str, str]) -> Server:
    command = [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port),
               "--no-access-log", "--log-level", "warning", "--workers", str(workers)]
    return Server(command, env, "/", port)


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**os.environ, **env}, check=True,
                   stdout=subprocess.DEVNULL)


# --- shared by the live-update benchmarks (fanout.py, live_latency.py) --------------------------

DEMO_LOGIN = ("supervisor", "switchboard-demo")  # created by `manage.py demo_users`


def webhook_headers(body: bytes) -> dict[str, str]:
    signature, timestamp = signed(body)
    return {"content-type": "application/json", "telnyx-signature-ed25519": signature, "telnyx-timestamp": timestamp}


def session_cookie(url: str, username: str = DEMO_LOGIN[0], password: str = DEMO_LOGIN[1]) -> str:
    """Log in through the login form (csrftoken first) and return the session cookie's value."""
    import re

    with httpx.Client(base_url=url, timeout=30) as client:
        page = client.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        answer = client.post("/accounts/login/", data={
            "username": username, "password": password, "csrfmiddlewaretoken": token})
        if answer.status_code != 302 or "sessionid" not in client.cookies:
            raise RuntimeError(f"login as {username} failed: HTTP {answer.status_code}")
        return client.cookies["sessionid"]


def redis_answers(url: str) -> bool:
    """True when a Redis server answers PING at url (redis://host:port/db)."""
    from urllib.parse import urlparse

    parts = urlparse(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def new_call_bodies(first: int, count: int) -> list[tuple[str, bytes]]:
    """(call_control_id, call.initiated body) of `count` distinct new calls, numbers +1415<first...>."""
    bodies = []
    for index in range(first, first + count):
        body = call_lifecycle(index, hangup=False)[0]
        bodies.append((json.loads(body)["data"]["payload"]["call_control_id"], body))
    return bodies


async def post_paced(url: str, bodies: list[tuple[str, bytes]], rate: float, clock=time.perf_counter,  # noqa: ANN001
                     ) -> tuple[dict[str, float], list[float]]:
    """POST signed webhooks at `rate` per second, not waiting for answers before the next one.

    Returns {call_control_id: clock() just before its POST was sent} and the response times in ms.
    """
    import asyncio

    sent: dict[str, float] = {}
    answers: list[float] = []
    prepared = [(call_id, body, webhook_headers(body)) for call_id, body in bodies]
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=httpx.Limits(max_connections=64)) as client:
        async def post(call_id: str, body: bytes, headers: dict) -> None:
            started = time.perf_counter()
            sent[call_id] = clock()
            response = await client.post("/webhooks/telnyx/", content=body, headers=headers)
            answers.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()

        start = time.perf_counter() + 0.1
        tasks = []
        for index, (call_id, body, headers) in enumerate(prepared):
            delay = start + index / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(post(call_id, body, headers)))
        await asyncio.gather(*tasks)
    return sent, answers


class LoggedServer(Server):
    """A Server whose output goes to a file, so its tracebacks can be counted instead of interleaved."""

    def __init__(self, command: list[str], env: dict[str, str], probe: str, port: int, log_path: Path) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.probe = probe
        self.log_path = log_path
        with log_path.open("ab") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=log,
                                            stderr=subprocess.STDOUT)

    def errors(self) -> list[str]:
        """The last line of each traceback the server logged ("Exception in ASGI application" and the like)."""
        lines = self.log_path.read_text(errors="replace").splitlines()
        return [line for index, line in enumerate(lines)
                if line and not line.startswith((" ", "Traceback", "During handling", "The above"))
                and index > 0 and lines[index - 1].startswith("    ")]


def uvicorn_logged(app: str, port: int, workers: int, env: dict[str, str], log_path: Path) -> LoggedServer:
    """uvicorn() with the server's output in log_path."""
    command = [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port),
               "--no-access-log", "--log-level", "warning", "--workers", str(workers)]
    return LoggedServer(command, env, "/", port, log_path)


def process_tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its live descendants; Linux /proc only."""
    tick = os.sysconf("SC_CLK_TCK")
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, IndexError, ValueError):
            continue
    return total
