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
