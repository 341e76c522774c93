"""`make demo`'s command, end to end: it serves a dashboard fed by the simulator, and stops cleanly."""

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading

import httpx
import pytest

from dashboard.accounts.demo import DEMO_PASSWORD
from tests.support.ports import free_port
from tests.support.servers import ROOT
from tests.support.waiting import eventually

# The demo is the embedded default, whatever profile the suite itself runs on.
_PROFILE_VARIABLES = ("DATABASE_URL", "REDIS_URL", "TELNYX_", "DJANGO_")

pytestmark = pytest.mark.slow


def _demo_env(tmp_path) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith(_PROFILE_VARIABLES)}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    return env


def _lines_until(process: subprocess.Popen, marker: str, timeout: float) -> str:
    """The demo's output up to the line holding `marker` (read on a thread: readline blocks)."""
    seen: list[str] = []
    found = threading.Event()

    def read() -> None:
        for line in process.stdout:
            seen.append(line)
            if marker in line:
                found.set()
                return

    threading.Thread(target=read, daemon=True).start()
    if not found.wait(timeout):
        pytest.fail(f"the demo never printed {marker!r}; it printed:\n{''.join(seen)}")
    return "".join(seen)


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _logged_in(url: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=5)
    login = client.get("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
    answer = client.post(
        "/accounts/login/",
        data={"username": "supervisor", "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert answer.status_code == 302, "the demo's supervisor login was refused"
    return client


def test_demo_serves_live_simulated_calls_and_stops_everything_on_sigterm(tmp_path):
    env = _demo_env(tmp_path)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    port, simulator_port = free_port(), free_port()
    demo = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "demo",
            "--port",
            str(port),
            "--simulator-port",
            str(simulator_port),
            "--traffic",
            "busy",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a process group, so a failed test can still stop every child
    )
    try:
        printed = _lines_until(demo, "Log in as", timeout=60)
        assert f"http://127.0.0.1:{port}/" in printed
        client = _logged_in(f"http://127.0.0.1:{port}")
        assert eventually(lambda: 'id="call-' in client.get("/calls/").text, timeout=30, interval=0.5), (
            "no simulated call reached the live calls page in 30 s"
        )
        client.close()

        demo.send_signal(signal.SIGTERM)
        assert demo.wait(timeout=30) == 0
        assert not _listening(port), "the dashboard server outlived the demo"
        assert not _listening(simulator_port), "the simulator outlived the demo"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(demo.pid, signal.SIGKILL)
        demo.wait()
