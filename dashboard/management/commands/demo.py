"""`make demo`: the dashboard and the built-in Telnyx simulator producing live traffic."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from dashboard.demo import DEMO_PASSWORD, ensure_demo_users


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
        dashboard = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "dashboard.asgi:application",
                "--host",
                host,
                "--port",
                str(port),
                "--no-access-log",
            ],
            cwd=settings.BASE_DIR,
            env=env,
        )
        time.sleep(1.5)
        simulator = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "simulator",
                "--port",
                str(sim_port),
                "--webhook-url",
                f"http://127.0.0.1:{port}/webhooks/telnyx/",
                "--traffic",
                str(options["traffic"]),
            ],
            cwd=settings.BASE_DIR,
            env=env,
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
        reconciler = subprocess.Popen(
            [sys.executable, "manage.py", "reconcile", "--every", "15"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        processes = [dashboard, simulator, reconciler]
        try:
            while all(p.poll() is None for p in processes):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            for process in processes:
                if process.poll() is None:
                    process.send_signal(signal.SIGINT)
            for process in processes:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
