"""`make demo`: the dashboard and the built-in Telnyx simulator producing live traffic."""

import os
import signal
import socket
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from dashboard.accounts.demo import DEMO_PASSWORD, ensure_demo_users
from dashboard.realtime.wire import WEBSOCKET_PROTOCOL


class Command(BaseCommand):
    help = "Start the dashboard (uvicorn) and the Telnyx simulator with calm live traffic."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--simulator-port", type=int, default=8001)
        parser.add_argument("--traffic", default="calm", help="simulator traffic level (calm, busy, off)")

    def handle(self, *args: object, **options: object) -> None:
        ensure_demo_users()
        host, port, sim_port = options["host"], options["port"], options["simulator_port"]
        env = {**os.environ, "TELNYX_API_BASE": f"http://127.0.0.1:{sim_port}/v2"}
        # `kill`, a container stop or a service manager sends SIGTERM: stop the children as Ctrl-C does.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        processes: list[subprocess.Popen] = []
        try:
            processes.append(
                _start(
                    env,
                    "-m",
                    "uvicorn",
                    "switchboard.asgi:application",
                    "--host",
                    host,
                    "--port",
                    str(port),
                    "--no-access-log",
                    "--ws",
                    WEBSOCKET_PROTOCOL,
                )
            )
            _wait_until_listening(processes[0], host, port)
            processes.append(
                _start(
                    env,
                    "manage.py",
                    "simulator",
                    "--port",
                    str(sim_port),
                    "--webhook-url",
                    f"http://127.0.0.1:{port}/webhooks/telnyx/",
                    "--traffic",
                    str(options["traffic"]),
                )
            )
            self.stdout.write(
                self.style.SUCCESS(
                    f"\n  Switchboard is running at http://{host}:{port}/\n"
                    f"  Log in as supervisor / {DEMO_PASSWORD}   (also: viewer, admin; same password)\n"
                    f"  Telnyx simulator: http://127.0.0.1:{sim_port}/v2 (webhooks signed with its demo key)\n"
                    "  Stop with Ctrl-C.\n"
                )
            )
            # Reconcile now and then, as a production deployment should: it also names conferences.
            processes.append(_start(env, "manage.py", "reconcile", "--every", "15", quiet=True))
            while all(p.poll() is None for p in processes):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            _stop(processes)


def _start(env: dict, *args: str, quiet: bool = False) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL if quiet else None,
    )


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait_until_listening(process: subprocess.Popen, host: str, port: int, timeout: float = 60) -> None:
    """The simulator's first webhooks must find the dashboard up, however slow its start-up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"the dashboard server exited with {process.returncode} before it listened on {port}")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"the dashboard server did not listen on {host}:{port} within {timeout:.0f} s")
