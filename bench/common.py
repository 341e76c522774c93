"""Shared pieces of the benchmark scripts: the production profile, signed webhooks, servers on
loopback, percentiles. Ports, server processes and signatures are the tests' own (tests/support)."""

import json
import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
from nacl.signing import SigningKey

ROOT = Path(__file__).resolve().parent.parent
# Scratch space for runs (databases, logs, collected static): made here, as a fresh checkout has none.
VAR = ROOT / "var"
VAR.mkdir(exist_ok=True)
if str(ROOT) not in sys.path:  # run as `python bench/x.py`: the repository root is not on the path
    sys.path.insert(0, str(ROOT))

from tests.support.ports import free_port  # noqa: E402
from tests.support.servers import ServerProcess, redis_answers, uvicorn_command  # noqa: E402
from tests.support.signing import public_key_b64, signature  # noqa: E402
from tests.support.signing import webhook_headers as signed_headers  # noqa: E402

__all__ = ["free_port", "redis_answers"]  # re-exported for the scripts

BENCH_KEY = SigningKey(b"switchboard-benchmark-key-32byte")
BENCH_PUBLIC_KEY = public_key_b64(BENCH_KEY)
# The production profile (DEBUG off: no query logging), on plain HTTP over loopback.
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "benchmark-only-secret-key-not-for-production-use",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "DJANGO_SECURE_COOKIES": "false",
    "TELNYX_API_KEY": "KEYBENCHMARK",
    "TELNYX_PUBLIC_KEY": BENCH_PUBLIC_KEY,
    "TELNYX_CONNECTION_ID": "1494404757140276705",
    "TELNYX_TEXML_ACCOUNT_SID": "AC-switchboard-bench",
    # Never Telnyx itself: nothing here may leave the machine (benchmarks that need one set the simulator).
    "TELNYX_API_BASE": "http://127.0.0.1:9/v2",
    "RECONCILE_EVERY_SECS": "0",
    "LOG_LEVEL": "WARNING",
}


def signed(body: bytes) -> tuple[str, str]:
    """(signature, timestamp) of a webhook body, signed with the benchmark key."""
    return signature(body, BENCH_KEY)


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


def uvicorn(app: str, port: int, workers: int, env: dict[str, str]) -> ServerProcess:
    """A uvicorn server, started (not yet answering: call .wait())."""
    command = uvicorn_command(app, port, workers=workers, log_level="warning")
    return ServerProcess(command, port=port, env={**os.environ, **env}).launch()


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**os.environ, **env}, check=True,
                   stdout=subprocess.DEVNULL)


# --- shared by the live-update benchmarks (fanout.py, live_latency.py) --------------------------

DEMO_LOGIN = ("supervisor", "switchboard-demo")  # created by `manage.py demo_users`


def webhook_headers(body: bytes) -> dict[str, str]:
    return signed_headers(body, BENCH_KEY)


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


def uvicorn_logged(app: str, port: int, workers: int, env: dict[str, str], log_path: Path) -> ServerProcess:
    """uvicorn() with the server's output in log_path (see its .errors())."""
    command = uvicorn_command(app, port, workers=workers, log_level="warning")
    return ServerProcess(command, port=port, env={**os.environ, **env}, log_path=log_path).launch()


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
