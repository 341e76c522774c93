"""Servers in subprocesses on loopback ports: the dashboard under uvicorn (for the tests, on the
test database), any uvicorn app or command (for the benchmarks), and a private redis-server."""

import os
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

import httpx

from dashboard.realtime.wire import WEBSOCKET_PROTOCOL
from tests.support.ports import free_port
from tests.support.waiting import wait_until

ROOT = Path(__file__).resolve().parent.parent.parent


class ServerProcess:
    """A server subprocess listening on 127.0.0.1:`port`, ready once GET `probe` answers (with
    `ready_status` when given). Its output goes to `log_path` when given, else to ours."""

    def __init__(
        self,
        command: list[str],
        *,
        port: int,
        env: dict[str, str] | None = None,
        probe: str = "/",
        ready_status: int | None = None,
        log_path: Path | None = None,
        name: str = "server",
        cwd: Path = ROOT,
    ) -> None:
        self.command = command
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.env = dict(os.environ if env is None else env)
        self.probe = probe
        self.ready_status = ready_status
        self.log_path = log_path
        self.name = name
        self.cwd = cwd
        self.process: subprocess.Popen | None = None

    def launch(self) -> "ServerProcess":
        """Start the process without waiting for it to answer."""
        if self.log_path is None:
            self.process = subprocess.Popen(self.command, cwd=self.cwd, env=self.env)
        else:
            with self.log_path.open("ab") as log:
                self.process = subprocess.Popen(
                    self.command, cwd=self.cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT
                )
        return self

    def answers(self) -> bool:
        if not self.alive():
            raise RuntimeError(f"{self.name} exited with {self.returncode}")
        try:
            response = httpx.get(self.url + self.probe, timeout=2)
        except httpx.HTTPError:
            return False
        return self.ready_status is None or response.status_code == self.ready_status

    def wait(self, timeout: float = 30) -> "ServerProcess":
        """Wait until the probe answers; the process is stopped if it never does."""
        try:
            wait_until(self.answers, timeout, self.name, interval=0.1)
        except BaseException:
            self.stop()
            raise
        return self

    def start(self, timeout: float = 30) -> "ServerProcess":
        return self.launch().wait(timeout)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    @property
    def returncode(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def stop(self, timeout: float = 15) -> None:
        """SIGTERM, then SIGKILL if it has not exited within `timeout` seconds."""
        if self.alive():
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def kill(self) -> None:
        if self.alive():
            self.process.kill()
        if self.process is not None:
            self.process.wait()

    def restart(self, timeout: float = 30) -> "ServerProcess":
        self.stop()
        return self.start(timeout)

    def tail(self, lines: int = 15) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def errors(self) -> list[str]:
        """The last line of each traceback in the log ("Exception in ASGI application" and the like)."""
        if self.log_path is None or not self.log_path.exists():
            return []
        lines = self.log_path.read_text(errors="replace").splitlines()
        return [
            line
            for index, line in enumerate(lines)
            if line
            and not line.startswith((" ", "Traceback", "During handling", "The above"))
            and index > 0
            and lines[index - 1].startswith("    ")
        ]


def uvicorn_command(
    app: str, port: int, *, workers: int = 1, log_level: str | None = None, lifespan: str | None = None
) -> list[str]:
    command = [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port)]
    command += ["--no-access-log", "--ws", WEBSOCKET_PROTOCOL]  # as `manage.py serve` runs it
    if log_level:
        command += ["--log-level", log_level]
    if lifespan:
        command += ["--lifespan", lifespan]
    if workers > 1:
        command += ["--workers", str(workers)]
    return command


def shared_database_url() -> str:
    """The URL of the database this (test) process uses, for a server process to share."""
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    user = quote(db.get("USER") or "")
    password = quote(db.get("PASSWORD") or "")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


class DashboardServer(ServerProcess):
    """The dashboard (uvicorn in a subprocess) on the test database and this process's Redis, if any.
    `env` may be changed until start()."""

    def __init__(
        self, *, public_keys: list[str], extra_env: dict[str, str] | None = None, workers: int = 1
    ) -> None:
        from django.conf import settings

        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": shared_database_url(),
            "TELNYX_PUBLIC_KEY": ",".join(public_keys),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_DEBUG": "true",
            "LOG_LEVEL": "WARNING",
            **(extra_env or {}),
        }
        if getattr(settings, "REDIS_URL", ""):
            env["REDIS_URL"] = settings.REDIS_URL
        # Its own var directory (static root, anything it writes): never shared with another
        # server, xdist worker or a developer's `make demo`. Removed when this object goes.
        self._var_dir = tempfile.TemporaryDirectory(prefix="switchboard-server-")
        if "SWITCHBOARD_VAR_DIR" not in (extra_env or {}):
            env["SWITCHBOARD_VAR_DIR"] = self._var_dir.name
        super().__init__(
            uvicorn_command("switchboard.asgi:application", port, workers=workers, lifespan="on"),
            port=port,
            env=env,
            probe="/accounts/login/",
            ready_status=200,
            name="dashboard server",
        )
        self.workers = workers


class RedisServer:
    """A private, throw-away redis-server on a free loopback port, which a test may kill."""

    def __init__(self, log_path: Path | None = None) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def ping(self) -> bool:
        return redis_answers(self.url)

    def start(self, timeout: float = 10) -> "RedisServer":
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--daemonize", "no"]
        if self.log_path is None:
            out = subprocess.DEVNULL
            self.process = subprocess.Popen(command, stdout=out, stderr=out)
        else:
            with self.log_path.open("ab") as log:
                self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        wait_until(self.ping, timeout, "redis-server")
        return self

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


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
