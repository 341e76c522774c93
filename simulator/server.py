"""Serving the simulator with uvicorn: in a background thread for tests (`SimulatorServer` as a
context manager), or in the foreground for `manage.py simulator`."""

from __future__ import annotations

import socket
import threading
import time
from collections import deque
from types import TracebackType
from typing import Any, Literal

import uvicorn

from simulator.app import SimulatorApp
from simulator.options import Chaos, SimulatorOptions
from simulator.runtime import Runtime
from simulator.scenarios import TrafficProfile
from simulator.webhooks import DeliveryRecord
from simulator.world import World

ASGIApp = Any


def bind(host: str, port: int) -> socket.socket:
    """A listening socket bound before uvicorn starts, so port 0 yields a known free port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    return sock


class ServerThread:
    """Any ASGI app served by uvicorn on a background thread (the test webhook receiver uses it too)."""

    def __init__(
        self, app: ASGIApp, *, host: str = "127.0.0.1", port: int = 0, lifespan: Literal["on", "off"] = "on"
    ) -> None:
        self.host = host
        self._socket = bind(host, port)
        self.port: int = self._socket.getsockname()[1]
        config = uvicorn.Config(
            app, lifespan=lifespan, log_level="warning", access_log=False, timeout_graceful_shutdown=2
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._run, name=f"uvicorn-{self.port}", daemon=True)

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def _run(self) -> None:
        # uvicorn installs no signal handlers outside the main thread.
        self._server.run(sockets=[self._socket])

    def start(self, timeout: float = 10.0) -> None:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError("the server stopped while starting")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the server did not start within {timeout}s")
            time.sleep(0.005)

    def stop(self, timeout: float = 10.0) -> None:
        self._server.should_exit = True
        self._thread.join(timeout)
        self._socket.close()


class SimulatorServer:
    """The simulator on a free loopback port, for tests:

        with SimulatorServer(webhook_url=receiver.url, timings=Timings.fast()) as sim:
            client.post(f"{sim.base_url}/calls", ...)
            sim.world.incoming_call(caller_id_name="Ada Lovelace")
            sim.wait_idle()

    Keyword overrides are SimulatorOptions fields; identity comes from Django settings."""

    def __init__(
        self,
        options: SimulatorOptions | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        traffic: TrafficProfile | None = None,
        **overrides: Any,
    ) -> None:
        if options is not None and overrides:
            raise TypeError("pass either options or keyword overrides, not both")
        self.options = options or SimulatorOptions.from_settings(**overrides)
        self.runtime = Runtime(self.options, traffic)
        self.app = SimulatorApp(self.runtime)
        self.host, self.port = host, port
        self._thread: ServerThread | None = None

    # --- lifecycle --------------------------------------------------------------------------------

    def start(self) -> SimulatorServer:
        self._thread = ServerThread(self.app, host=self.host, port=self.port)
        self.port = self._thread.port
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._thread.stop()
            self._thread = None

    def __enter__(self) -> SimulatorServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    def serve_forever(self) -> None:
        """Serve in the calling (main) thread until interrupted: uvicorn handles Ctrl-C."""
        sock = bind(self.host, self.port)
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(self.app, lifespan="on", log_level="warning", timeout_graceful_shutdown=2)
        uvicorn.Server(config).run(sockets=[sock])

    # --- what tests look at -----------------------------------------------------------------------

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The API root to give a Telnyx client, e.g. http://127.0.0.1:53114/v2."""
        return f"{self.url}/v2"

    @property
    def world(self) -> World:
        return self.runtime.world

    @property
    def received(self) -> deque[dict[str, Any]]:
        """Every /v2 request: method, path, query, headers (no Authorization), body, status."""
        return self.runtime.received

    @property
    def deliveries(self) -> deque[DeliveryRecord]:
        """Every webhook delivery attempt, in the order they were made."""
        return self.runtime.dispatcher.records

    @property
    def public_key(self) -> str:
        return self.runtime.signer.public_key

    def wait_idle(self, timeout: float = 5.0) -> None:
        """Block until no webhook is pending and no short simulated work is scheduled.
        Async tests: `await asyncio.to_thread(sim.wait_idle)`."""
        deadline = time.monotonic() + timeout
        quiet = 0
        while quiet < 2:  # idle twice in a row, a moment apart: nothing was about to fire
            quiet = quiet + 1 if self.world.is_idle() else 0
            if quiet < 2:
                if time.monotonic() > deadline:
                    pending = self.runtime.dispatcher.pending
                    raise TimeoutError(
                        f"the simulator is still busy after {timeout}s ({pending} webhooks pending)"
                    )
                time.sleep(0.002)

    def reset(self) -> None:
        """An empty world, request log and delivery log (the traffic driver, if any, carries on)."""
        self.world.run_on_loop(self.runtime.reset)

    def set_chaos(self, chaos: Chaos) -> None:
        self.world.run_on_loop(self.runtime.dispatcher.set_chaos, chaos)
