"""The floor: a bare ASGI app that only verifies the signature and inserts the row.

Same work as PERFORMANCE.md's floor: PyNaCl verify, json.loads, one INSERT OR IGNORE (SQLite,
WAL, the dashboard's synchronous setting, one persistent connection) or INSERT ... ON CONFLICT DO NOTHING on
PostgreSQL. Run with uvicorn: `uvicorn bench.baseline_app:app`. BASELINE_DATABASE_URL selects
the database (sqlite:///path or postgres://...).
"""

import base64
import json
import os

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

KEY = VerifyKey(base64.b64decode(os.environ["TELNYX_PUBLIC_KEY"].split(",")[0]))
URL = os.environ.get("BASELINE_DATABASE_URL", "sqlite:///var/bench-baseline.sqlite3")

if URL.startswith("sqlite"):
    import sqlite3

    db = sqlite3.connect(URL.removeprefix("sqlite:///"), isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    # The dashboard's own durability (SQLITE_SYNCHRONOUS, FULL unless set): a floor that skips the
    # fsync the dashboard pays per commit would not be a floor.
    db.execute(f"PRAGMA synchronous={os.environ.get('SQLITE_SYNCHRONOUS', 'FULL').upper()}")
    db.execute("CREATE TABLE IF NOT EXISTS events (id TEXT PRIMARY KEY, type TEXT, body TEXT)")

    def insert(event_id: str, event_type: str, body: str) -> None:
        db.execute("INSERT OR IGNORE INTO events VALUES (?, ?, ?)", (event_id, event_type, body))
else:
    import psycopg

    db = psycopg.connect(URL, autocommit=True)
    # Several workers start at once; an advisory lock keeps their CREATE TABLE IF NOT EXISTS from
    # racing in PostgreSQL's catalogue (a unique violation on pg_type otherwise).
    with db.transaction():
        db.execute("SELECT pg_advisory_xact_lock(1)")
        db.execute("CREATE TABLE IF NOT EXISTS events (id TEXT PRIMARY KEY, type TEXT, body TEXT)")

    def insert(event_id: str, event_type: str, body: str) -> None:
        db.execute("INSERT INTO events VALUES (%s, %s, %s) ON CONFLICT DO NOTHING", (event_id, event_type, body))


async def _body(receive) -> bytes:  # noqa: ANN001
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def app(scope, receive, send) -> None:  # noqa: ANN001
    if scope["type"] != "http":
        return
    body = await _body(receive)
    headers = dict(scope["headers"])
    status = 200
    try:
        timestamp = headers[b"telnyx-timestamp"]
        KEY.verify(timestamp + b"|" + body, base64.b64decode(headers[b"telnyx-signature-ed25519"]))
        data = json.loads(body)["data"]
        insert(data["id"], data["event_type"], body.decode())
    except (KeyError, BadSignatureError, ValueError):
        status = 403
    await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": b'{"status":"ok"}'})
