"""Red team: start the production profile on loopback and replay issue 18's attacks against it.

    .venv/bin/python bench/redteam.py

`manage.py serve` (DJANGO_DEBUG=false, plain http on 127.0.0.1, SQLite in a temporary directory)
with a fake Telnyx that quotes the API key back in its errors; then each attack, and one line per
finding: HELD or FAILED with what was seen. Exit status 1 if anything failed. Nothing leaves the
machine. Takes about a minute.
"""

import asyncio
import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import httpx
import websockets

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import PRODUCTION_ENV, ROOT, call_lifecycle, free_port, manage, webhook_headers  # noqa: E402
from tests.faults.telnyx_fake import MisbehavingTelnyx, Reply  # noqa: E402
from tests.support.servers import ServerProcess  # noqa: E402

PASSWORD = "red-team-password-1"
API_KEY = "KEY01REDTEAM+k/e=y_never-shown-anywhere"
results: list[tuple[str, bool, str]] = []


def finding(name: str, held: bool, seen: str) -> None:
    results.append((name, held, seen))
    print(f"{'HELD  ' if held else 'FAILED'}  {name}: {seen}", flush=True)


def login(url: str, username: str, password: str = PASSWORD, path: str = "/accounts/login/") -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=30, follow_redirects=False)
    client.get(path)  # the CSRF cookie
    token = client.cookies.get("csrftoken") or ""
    client.post(path, data={"username": username, "password": password, "csrfmiddlewaretoken": token},
                headers={"Referer": url + path})
    return client


def csrf(client: httpx.Client) -> dict[str, str]:
    return {"X-CSRFToken": client.cookies.get("csrftoken") or "", "Referer": str(client.base_url) + "/"}


def post_webhook(url: str, document: dict | bytes) -> httpx.Response:
    body = document if isinstance(document, bytes) else json.dumps(document).encode()
    headers = {"content-type": "application/json", **webhook_headers(body)}
    return httpx.post(url + "/webhooks/telnyx/", content=body, headers=headers, timeout=30)


def call_document(call: str, **payload: object) -> dict:
    document = json.loads(call_lifecycle(0, hangup=False)[0])
    document["data"]["id"] = str(uuid.uuid4())
    document["data"]["payload"].update(call_control_id=call, **payload)
    return document


def logins(url: str) -> None:
    control = login(url, "admin", path="/admin/login/")
    finding("§1 (control) the admin logs in at /admin/login/ before any failure", "sessionid" in control.cookies,
            f"session issued: {'sessionid' in control.cookies}")
    for username in ("admin", " admin", "admin\t", "ａｄｍｉｎ"):
        login(url, username, "wrong", path="/admin/login/")
    for _ in range(3):
        login(url, "admin", "wrong")
    admin = login(url, "admin", path="/admin/login/")
    finding("§1 admin login shares the lockout (7 failures over spellings and both login pages, then the "
            "right password at /admin/login/)", "sessionid" not in admin.cookies, f"session issued: {'sessionid' in admin.cookies}")
    fresh = login(url, "nobody-at-all", "wrong")
    for _ in range(6):
        fresh = login(url, "nobody-at-all", "wrong")
    known = login(url, "admin", "wrong")
    same = fresh.get("/accounts/login/").status_code == known.get("/accounts/login/").status_code
    finding("§1 lockout answer the same for an unknown and a known username", same, "same page")


def outside_text(url: str, supervisor: httpx.Client, viewer: httpx.Client) -> None:
    call = f"v3:red-{uuid.uuid4().hex}"
    answers = [post_webhook(url, call_document(call, caller_id_name=f"Ana{char}Ruiz", client_state=f"x{char}"))
               for char in ("\x00", "\udfff")]
    finding("§2 signed webhooks with NUL / a lone surrogate in caller fields are stored",
            all(a.status_code == 200 for a in answers), ", ".join(str(a.status_code) for a in answers))
    answer = viewer.post(f"/api/calls/{call}/actions/speak/", content=json.dumps({"payload": "\udfff"}).encode(),
                         headers={"content-type": "application/json", **csrf(viewer)})
    pages = [f"/calls/{call}/", "/history/actions/", "/api/history/actions/", "/history/actions/export.csv",
             "/history/actions/export.json", "/history/events/export.json"]
    statuses = {page: supervisor.get(page).status_code for page in pages}
    finding("§2 a viewer's action with a lone surrogate is audited and every page still answers",
            answer.status_code == 403 and set(statuses.values()) == {200}, f"action {answer.status_code}, pages {statuses}")


def edges(url: str) -> None:
    call = f"v3:red-{uuid.uuid4().hex}"
    attempt = call_document(call)
    attempt["meta"]["attempt"] = 2**40
    huge = json.dumps(call_document(call + "b", current_position=7)).replace('"current_position": 7', '"current_position": 1e400')
    overflow = call_document(call + "c")
    overflow["data"]["occurred_at"] = "9999-12-31T23:59:59-23:59"
    codes = [post_webhook(url, attempt).status_code, post_webhook(url, huge.encode()).status_code,
             post_webhook(url, overflow).status_code]
    finding("§7 out-of-range numbers and dates are stored, not a 503 for ever", codes == [200, 200, 200], str(codes))


def websocket_attacks(url: str, supervisor_cookie: str) -> None:
    ws_url = url.replace("http://", "ws://") + "/ws/live/calls/"
    host = url.removeprefix("http://")

    async def attempt(origin: str) -> str:
        try:
            async with websockets.connect(ws_url, origin=origin, additional_headers={"Cookie": supervisor_cookie}) as ws:
                await ws.recv()
                return "open"
        except websockets.InvalidStatus as exc:
            return f"refused {exc.response.status_code}"
        except websockets.ConnectionClosed as exc:
            return f"closed {exc.code}"

    async def bad_frames() -> list[str]:
        async with websockets.connect(ws_url, origin=url, additional_headers={"Cookie": supervisor_cookie}) as ws:
            await ws.recv()
            seen = []
            for frame in ("not json", "[1]", "[" * 5000 + "]" * 5000):
                await ws.send(frame)
                seen.append(json.loads(await ws.recv()).get("type"))
            return seen

    other = asyncio.run(attempt(f"http://{host.split(':')[0]}:9999"))
    scheme = asyncio.run(attempt(f"https://{host}"))
    own = asyncio.run(attempt(url))
    finding("§4 websocket origin compared whole (another port, another scheme refused; own origin open)",
            other != "open" and scheme != "open" and own == "open", f"port: {other}, scheme: {scheme}, own: {own}")
    frames = asyncio.run(bad_frames())
    finding("§4 non-JSON and array frames get an error frame", frames == ["error"] * 3, str(frames))


def socket_after_logout(url: str) -> None:
    client = login(url, "supervisor")
    cookie = f"sessionid={client.cookies['sessionid']}"

    async def run() -> str:
        async with websockets.connect(url.replace("http://", "ws://") + "/ws/live/calls/", origin=url,
                                      additional_headers={"Cookie": cookie}) as ws:
            await ws.recv()
            client.post("/accounts/logout/", headers=csrf(client))
            try:
                while True:
                    await asyncio.wait_for(ws.recv(), timeout=5)
            except websockets.ConnectionClosed as exc:
                return f"closed {exc.code}"
            except TimeoutError:
                return "still open after 5 s"

    seen = asyncio.run(run())
    finding("§4 an open socket is closed when its user logs out", seen == "closed 4401", seen)


def rejection_cost(url: str, database: Path) -> None:
    before = sqlite3.connect(database).execute("SELECT count(*) FROM dashboard_rejectedwebhook").fetchone()[0]
    started = time.perf_counter()
    with httpx.Client(base_url=url, timeout=30) as client:
        for n in range(300):
            client.post("/webhooks/telnyx/", content=b'{"n": %d}' % n,
                        headers={"telnyx-signature-ed25519": "A" * 88, "telnyx-timestamp": str(int(time.time()))})
    took = time.perf_counter() - started
    after = sqlite3.connect(database).execute("SELECT count(*) FROM dashboard_rejectedwebhook").fetchone()[0]
    finding("§5 300 forged webhooks write no row each (counted in memory, one row a minute)",
            after - before <= 2, f"{after - before} rows written meanwhile, {300 / took:.0f} forgeries/s")


def slow_body(url: str) -> None:
    port = int(url.rsplit(":", 1)[1])
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as raw:
        raw.sendall(b"POST /webhooks/telnyx/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    b"Content-Length: 2000\r\n\r\n{\"da")
        answer = raw.recv(200).split(b"\r\n", 1)[0].decode()
    took = time.monotonic() - started
    finding("§5 a webhook body that trickles in is cut off at the read deadline", " 408 " in answer + " ",
            f"{answer!r} after {took:.1f} s")
    big = httpx.post(url + "/webhooks/telnyx/", content=b"x" * 300_000, timeout=30)
    finding("§5 an oversized body still gets 413", big.status_code == 413, str(big.status_code))


def submissions(supervisor: httpx.Client, viewer: httpx.Client, call: str) -> None:
    path = f"/api/calls/{call}/actions/hangup/"
    headers = {"content-type": "application/json", "Idempotency-Key": "red-1"}
    supervisor.post(path, content=b"{}", headers={**headers, **csrf(supervisor)})
    reused = viewer.post(path, content=b"{}", headers={**headers, **csrf(viewer)})
    finding("§6 a viewer reusing a supervisor's submission id is denied (and audited)", reused.status_code == 403,
            str(reused.status_code))


def read_only(supervisor: httpx.Client, call: str) -> None:
    pages = ["/calls/", f"/calls/{call}/", "/conferences/", "/overview/", "/history/delivery/", "/queues/"]
    seen = {page: {m: supervisor.request(m, page, headers=csrf(supervisor)).status_code
                   for m in ("POST", "PUT", "PATCH", "DELETE")} for page in pages}
    wrong = {page: codes for page, codes in seen.items() if set(codes.values()) != {405}}
    finding("§6 read-only pages answer 405 to POST/PUT/PATCH/DELETE", not wrong, str(wrong or "all 405"))


def content_security_policy(supervisor: httpx.Client) -> None:
    policy = supervisor.get("/calls/").headers.get("content-security-policy", "")
    held = "script-src 'self'" in policy and "unsafe-inline" not in policy and "http" not in policy
    finding("§6 pages carry a Content-Security-Policy (own origin, no inline script)", held, policy or "none")


def secrets(supervisor: httpx.Client, call: str, database: Path) -> None:
    path = f"/api/calls/{call}/actions/hangup/"
    answers = [supervisor.post(path, content=b"{}", headers={"content-type": "application/json", **csrf(supervisor)})
               for _ in range(4)]
    rows = list(sqlite3.connect(database).execute(
        "SELECT outcome, error_code, error_title, error_detail, response FROM dashboard_operatoraction"))
    stored = "\n".join(str(row) for row in rows)
    shown = "\n".join(a.text for a in answers) + supervisor.get("/history/actions/export.json").text
    prefix = API_KEY[:12].lower()
    leaks = [where for where, text in (("stored", stored), ("answered or exported", shown))
             if prefix in text.lower() or quote(API_KEY, safe="")[:12].lower() in text.lower()]
    refused = sum(1 for row in rows if row[0] == "refused")
    finding("§3 the API key echoed back escaped, lower-cased, URL-encoded or cut short is scrubbed",
            not leaks and refused == 4,
            f"leaked: {leaks}" if leaks else f"{refused} refusals quoting it; no trace in the record, answers or exports")


def echoing_telnyx() -> MisbehavingTelnyx:
    escaped = "".join(f"\\u{ord(c):04x}" for c in API_KEY)
    raw = '{"errors": [{"code": "10009", "title": "Rejected", "detail": "Bearer ' + escaped + '"}]}'

    def refused(detail: str) -> Reply:
        return Reply(401, {"errors": [{"code": "10009", "title": "Rejected", "detail": detail}]})

    script = [Reply(401, raw=raw.encode()), refused(API_KEY.lower()), refused(quote(API_KEY, safe="")),
              refused(API_KEY[:15])]
    return MisbehavingTelnyx(script)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="redteam-") as tmp, echoing_telnyx() as telnyx:
        database = Path(tmp) / "redteam.sqlite3"
        port = free_port()
        env = {
            **PRODUCTION_ENV,
            "SWITCHBOARD_VAR_DIR": tmp,
            "DATABASE_URL": f"sqlite:///{database}",
            "DJANGO_STATIC_ROOT": str(Path(tmp) / "static"),
            "DJANGO_HTTPS": "false",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "TELNYX_API_KEY": API_KEY,
            "TELNYX_API_BASE": telnyx.base_url,
            "WEBHOOK_READ_TIMEOUT_SECS": "2",
            "PROMETHEUS_MULTIPROC_DIR": str(Path(tmp) / "metrics"),
        }
        manage("migrate", "--noinput", env=env)
        manage("collectstatic", "--noinput", env=env)
        for name, role in (("admin", "admin"), ("supervisor", "supervisor"), ("viewer", "viewer")):
            subprocess.run([sys.executable, "manage.py", "create_user", name, "--role", role], cwd=ROOT,
                           env={**os.environ, **env}, input=f"{PASSWORD}\n", text=True, check=True,
                           stdout=subprocess.DEVNULL)
        server = ServerProcess([sys.executable, "manage.py", "serve", "--host", "127.0.0.1", "--port", str(port),
                                "--workers", "1"], port=port, env={**os.environ, **env},
                               probe="/healthz", log_path=Path(tmp) / "server.log", name="manage.py serve")
        server.start(timeout=60)
        url = server.url
        try:
            call = f"v3:red-{uuid.uuid4().hex}"
            assert post_webhook(url, call_document(call)).status_code == 200
            supervisor, viewer = login(url, "supervisor"), login(url, "viewer")
            print(f"production profile up at {url} (manage.py serve, DJANGO_DEBUG=false, SQLite)\n", flush=True)
            secrets(supervisor, call, database)
            outside_text(url, supervisor, viewer)
            edges(url)
            websocket_attacks(url, f"sessionid={supervisor.cookies['sessionid']}")
            socket_after_logout(url)
            rejection_cost(url, database)
            slow_body(url)
            submissions(supervisor, viewer, call)
            read_only(supervisor, call)
            content_security_policy(supervisor)
            logins(url)
        finally:
            server.stop()
            log = (Path(tmp) / "server.log").read_text(errors="replace")
        tracebacks = log.count("Traceback")
        finding("server log free of tracebacks during the attacks", tracebacks == 0, f"{tracebacks} tracebacks")
    failed = [name for name, held, _ in results if not held]
    print(f"\n{len(results) - len(failed)} of {len(results)} held" + (f"; failed: {failed}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
