"""The production way to run: `manage.py serve` with two workers on Redis, JSON logs and /metrics.

Webhooks (stored, duplicate, refused), operator actions and logins go to whichever worker the
kernel hands each connection; one scrape reports them summed, parsed back with prometheus-client's
own parser. Every log line is one JSON object carrying its request id; neither the metrics nor the
logs ever hold the API key or a caller's number, however hostile the caller data.
"""

import json
import re
import shutil
import sys
import uuid

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from simulator.options import Delivery, Timings
from simulator.server import SimulatorServer
from tests.support.servers import DashboardServer, RedisServer
from tests.support.signing import TEST_PUBLIC_KEY_B64, webhook_headers
from tests.support.tokens import api_token
from tests.support.waiting import eventually
from tests.support.webhooks import fixture

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server (apt-get install redis-server)"),
]

API_KEY = "KEY019ZCANARYoperating-api-key-never-logged"
METRICS_TOKEN = "scrape-9f8e7d6c5b4a"
HOSTILE_NUMBERS = ["+13125550199", "+442079460958"]


@pytest.fixture
def served(tmp_path):
    redis = RedisServer().start()
    server = DashboardServer(
        public_keys=[TEST_PUBLIC_KEY_B64],
        workers=2,
        extra_env={
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "INFO",
            "METRICS_TOKEN": METRICS_TOKEN,
            "TELNYX_API_KEY": API_KEY,
            "DJANGO_TRUSTED_PROXIES": "127.0.0.1",
            "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
            "SWITCHBOARD_VAR_DIR": str(tmp_path),
        },
    )
    simulator = SimulatorServer(
        webhook_url=server.url + "/webhooks/telnyx/",
        timings=Timings.fast(),
        delivery=Delivery(max_attempts=3, retry_backoff=0.05, timeout=5.0),
        api_key=API_KEY,
    ).start()
    server.env["REDIS_URL"] = redis.url
    server.env["TELNYX_API_BASE"] = simulator.base_url
    server.env["TELNYX_PUBLIC_KEY"] += "," + simulator.public_key
    # The documented way: `manage.py serve` (checks, empties the metrics directory, logs JSON from the start).
    server.command = [sys.executable, "manage.py", "serve", "--port", str(server.port), "--workers", "2"]
    server.log_path = tmp_path / "server.log"
    server.start(timeout=60)
    yield server, simulator, tmp_path
    server.stop()
    simulator.stop()
    redis.kill()


def hostile_webhook(number: str, event_id: str | None = None) -> bytes:
    document = fixture("call.initiated")
    payload = document["data"]["payload"]
    document["data"]["id"] = event_id or str(uuid.uuid4())
    payload["call_control_id"] = f"v3:hostile-{uuid.uuid4().hex}"
    payload.update({"from": number, "to": HOSTILE_NUMBERS[1], "caller_id_name": f"Bearer {API_KEY} {number}"})
    payload["client_state"] = API_KEY.lower()
    return json.dumps(document).encode()


def post(server: DashboardServer, body: bytes, headers: dict[str, str]) -> httpx.Response:
    # A connection each, so that the kernel spreads them over both workers.
    return httpx.post(server.url + "/webhooks/telnyx/", content=body, headers={**headers, "connection": "close"}, timeout=15)


def scrape(server: DashboardServer) -> str:
    response = httpx.get(server.url + "/metrics", headers={"authorization": f"Bearer {METRICS_TOKEN}"}, timeout=15)
    assert response.status_code == 200, response.text
    return response.text


def sample(text: str, name: str, **labels: str) -> float:
    total = 0.0
    for family in text_string_to_metric_families(text):
        for item in family.samples:
            if item.name == name and all(item.labels.get(k) == v for k, v in labels.items()):
                total += item.value
    return total


def test_metrics_add_up_across_workers_and_logs_are_json_with_request_ids(served, supervisor):
    server, simulator, tmp_path = served
    stored = 16
    bodies = [hostile_webhook(HOSTILE_NUMBERS[i % 2]) for i in range(stored)]
    for body in bodies:
        assert post(server, body, webhook_headers(body)).status_code == 200
    for body in bodies[:3]:  # Telnyx delivering again
        assert post(server, body, webhook_headers(body)).json()["duplicate"] is True
    forged = hostile_webhook(HOSTILE_NUMBERS[0])
    assert post(server, forged, {**webhook_headers(b"other"), "content-type": "application/json"}).status_code == 403
    garbage = f'{{"data": "{API_KEY}"}}'.encode()
    assert post(server, garbage, webhook_headers(garbage)).status_code == 400

    # Operator actions: one Telnyx carries out, one it refuses (a call it never had: a hostile webhook's).
    token = api_token(supervisor)
    call = simulator.world.answered_call(caller_id_name="Metrics caller")
    simulator.wait_idle()
    api = {"authorization": f"Token {token}", "connection": "close"}
    ok = httpx.post(f"{server.url}/api/calls/{call.call_control_id}/actions/hangup/", json={}, headers=api, timeout=15)
    assert ok.status_code == 200, ok.text
    unknown = json.loads(bodies[0])["data"]["payload"]["call_control_id"]
    refused = httpx.post(f"{server.url}/api/calls/{unknown}/actions/hangup/", json={}, headers=api, timeout=15)
    assert refused.status_code == 422, refused.text

    # Two failed logins, the password being the API key and the username a phone number.
    for _ in range(2):
        with httpx.Client(base_url=server.url, timeout=15) as browser:
            page = browser.get("/accounts/login/")
            csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
            browser.post(
                "/accounts/login/",
                data={"username": HOSTILE_NUMBERS[0], "password": API_KEY, "csrfmiddlewaretoken": csrf},
            )

    # A request id set by the trusted proxy (127.0.0.1 here) is echoed and carried by its log lines.
    missing = httpx.get(server.url + "/no-such-page/", headers={"x-request-id": "lb-req-42"}, timeout=15)
    assert missing.status_code == 404 and missing.headers["x-request-id"] == "lb-req-42"

    text = scrape(server)
    # The simulator's own webhooks (the answered call, its hangup) are stored too.
    simulated = sample(text, "switchboard_events_stored_total") - stored
    assert simulated >= 2
    assert sample(text, "switchboard_webhooks_received_total", endpoint="call_control", outcome="stored") == stored + simulated
    assert sample(text, "switchboard_webhooks_received_total", outcome="duplicate") == 3
    assert sample(text, "switchboard_webhooks_rejected_total", reason="signature_mismatch") == 1
    assert sample(text, "switchboard_webhooks_rejected_total", reason="malformed") == 1
    assert sample(text, "switchboard_webhook_handling_seconds_count") == stored + simulated + 3 + 2
    assert sample(text, "switchboard_ingest_batch_size_sum") == stored + simulated + 3  # duplicates pass the writer too
    assert sample(text, "switchboard_telnyx_commands_total", action="hangup", outcome="ok") == 1
    assert sample(text, "switchboard_telnyx_commands_total", action="hangup") == 2
    assert sample(text, "switchboard_telnyx_command_seconds_count", action="hangup") == 2
    assert sample(text, "switchboard_login_failures_total") == 2
    assert sample(text, "switchboard_http_requests_total", route="login", status="2xx") >= 2
    assert sample(text, "switchboard_live_calls") >= stored
    # Both workers took part: each wrote its own counter file.
    pids = {path.name.rsplit("_", 1)[1] for path in (tmp_path / "metrics").glob("counter_*.db")}
    assert len(pids) >= 2, pids

    # Neither metrics nor logs hold the key (any spelling), a caller's number or a call id.
    log = eventually(lambda: (tmp_path / "server.log").read_text(), timeout=2)
    for leak in [API_KEY[:12], *(number[1:] for number in HOSTILE_NUMBERS)]:
        assert leak.lower() not in text.lower(), leak
        assert leak.lower() not in log.lower(), leak
    assert "v3:hostile" not in text

    lines = [json.loads(line) for line in log.splitlines() if line.strip()]
    assert lines and all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    assert any(line["logger"].startswith("uvicorn") for line in lines)
    assert not any(line["logger"] == "uvicorn.access" for line in lines)  # off unless LOG_ACCESS=true
    not_found = [line for line in lines if line.get("request_id") == "lb-req-42"]
    assert not_found and not_found[0]["logger"] == "django.request"
    refusal = [line for line in lines if line["logger"] == "switchboard.actions"]
    assert refusal and refusal[0]["user"] == supervisor.username
    assert refusal[0]["call_control_id"] == unknown and refusal[0]["command_id"]
    assert refusal[0]["request_id"]
