"""A Telnyx on loopback that misbehaves on cue: slow answers, 5xx, 429, any body and headers."""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

OK = {"data": {"result": "ok"}}


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: dict = field(default_factory=lambda: OK)
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    raw: bytes = b""  # sent instead of `body` when given (JSON spelt in a way json.dumps would not)


class MisbehavingTelnyx:
    """A Telnyx on loopback that answers from a script, then 200 ok; it records every request."""

    def __init__(self, script: list[Reply]) -> None:
        self.script = list(script)
        self.requests: list[dict] = []
        lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def answer(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length") or 0))
                with lock:
                    fake.requests.append(
                        {
                            "at": time.monotonic(),
                            "path": self.path,
                            "headers": dict(self.headers),
                            "body": json.loads(raw or b"{}"),
                        }
                    )
                    reply = fake.script.pop(0) if fake.script else Reply()
                time.sleep(reply.delay)
                body = reply.raw or json.dumps(reply.body).encode()
                try:
                    self.send_response(reply.status)
                    for name, value in {"content-type": "application/json", **reply.headers}.items():
                        self.send_header(name, value)
                    self.send_header("content-length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the dashboard gave up waiting (a timeout) and closed the connection

            do_POST = do_PUT = do_PATCH = answer

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_port}/v2"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "MisbehavingTelnyx":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def command_ids(self) -> list[str]:
        return [request["body"].get("command_id") for request in self.requests]
