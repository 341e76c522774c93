"""`make serve`: check the deployment, prepare the metrics directory, then become uvicorn.

Refuses (one line, exit code 2) to run several workers without REDIS_URL: with the in-memory
channel layer each worker's pages would see only that worker's pushes. Empties the Prometheus
multiprocess directory (PROMETHEUS_MULTIPROC_DIR, default var/metrics) so the workers' figures
start from zero together, and gives uvicorn's own process the same log format as the workers.
"""

import json
import os
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from dashboard.realtime.wire import WEBSOCKET_PROTOCOL
from dashboard.realtime.workers import several_workers_message

CONFIGURATION_ERROR = 2


class Command(BaseCommand):
    help = "Run the production server: uvicorn with --workers, after checking the configuration."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1)
        parser.add_argument("--dry-run", action="store_true", help="check and prepare, print the command, do not start")

    def handle(self, *args: object, **options: object) -> None:
        workers = int(options["workers"])
        if workers < 1:
            self._refuse("--workers must be at least 1")
        if workers > 1 and not settings.REDIS_URL:
            self._refuse(several_workers_message(workers))
        metrics_dir = Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR") or Path(settings.VAR_DIR) / "metrics")
        metrics_dir.mkdir(parents=True, exist_ok=True)
        # Only prometheus-client's own files ({counter,gauge_*,histogram}_<pid>.db): the directory may
        # be one the operator chose, holding other things.
        for stale in metrics_dir.glob("*.db"):
            stale.unlink()
        log_config = Path(settings.VAR_DIR) / "uvicorn-logging.json"
        log_config.write_text(json.dumps(settings.LOGGING))
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "switchboard.asgi:application",
            "--host",
            str(options["host"]),
            "--port",
            str(options["port"]),
            "--workers",
            str(workers),
            "--lifespan",
            "on",
            # Compresses a frame once for all the sockets it goes to (dashboard/realtime/wire.py).
            "--ws",
            WEBSOCKET_PROTOCOL,
            "--no-access-log",
            "--log-config",
            str(log_config),
            "--log-level",
            "info",
        ]
        env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}
        if options["dry_run"]:
            self.stdout.write(" ".join(command))
            self.stdout.write(f"PROMETHEUS_MULTIPROC_DIR={metrics_dir}")
            return
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(sys.executable, command, env)  # noqa: S606 - becomes the server, same signals and pid

    def _refuse(self, message: str) -> None:
        self.stderr.write(f"switchboard: {message}")
        raise SystemExit(CONFIGURATION_ERROR)
