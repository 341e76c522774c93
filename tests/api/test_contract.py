"""The API's contract, checked as an integrator meets it (issue 19 §1): a live server on loopback
with simulator traffic; its served schema is valid OpenAPI (openapi-spec-validator); schemathesis
finds no failure; a client generated from it (openapi-python-client) walks the common tasks.

Part of `make test` (CI runs it on both profiles). Bounded: a few examples per operation.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from openapi_spec_validator import validate

from calls.models import Call
from conferences.models import Participant
from tests.support.tokens import api_token
from tests.support.waiting import eventually

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

BIN = Path(sys.executable).parent
SMOKE = Path(__file__).with_name("contract_smoke.py")
CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance"
EXAMPLES = int(os.environ.get("CONTRACT_EXAMPLES", "10"))


@pytest.fixture
def token(supervisor) -> str:
    return api_token(supervisor)


@pytest.fixture
def traffic(simulator):
    """Busy enough to have something of each kind: a conference of three, and calls on their own."""
    simulator.world.start_conference(name="Contract bridge", participants=3)
    for _ in range(3):
        simulator.world.answered_call()
    assert eventually(lambda: Participant.objects.filter(status="joined").count() == 3, timeout=15)
    assert eventually(lambda: Call.objects.filter(is_alive=True, conference_id="").count() >= 3, timeout=15)
    return simulator


@pytest.fixture
def served_schema(live_dashboard, token, tmp_path) -> Path:
    answer = httpx.get(
        f"{live_dashboard.url}/api/schema/?format=json",
        headers={"Authorization": f"Token {token}"},
        timeout=60,
    )
    assert answer.status_code == 200
    path = tmp_path / "schema.json"
    path.write_bytes(answer.content)
    return path


def run(command: list[str], timeout: float, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    """A tool, in `cwd` (schemathesis leaves its .schemathesis/ there)."""
    path = f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"  # ruff, for the generator's formatting
    env = {**os.environ, "PATH": path, "NO_COLOR": "1", **env}
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env, cwd=cwd)  # noqa: S603


def test_the_served_schema_is_valid_openapi(served_schema):
    validate(json.loads(served_schema.read_text()))


def test_schemathesis_finds_no_failure_against_the_live_server(live_dashboard, token, traffic, served_schema):
    result = run(
        [
            str(BIN / "schemathesis"),
            "run",
            str(served_schema),
            "--url",
            live_dashboard.url,
            "--header",
            f"Authorization: Token {token}",
            "--checks",
            CHECKS,
            "--max-examples",
            str(EXAMPLES),
            "--phases",
            "examples,fuzzing",
            "--seed",
            "19",
            "--request-timeout",
            "30",
        ],
        timeout=420,
        cwd=served_schema.parent,
    )
    failures = result.stdout.partition("= FAILURES =")[2].partition("= SUMMARY =")[0]
    assert result.returncode == 0, (failures or result.stdout)[-12000:] + result.stderr[-2000:]


def test_a_generated_client_does_the_common_tasks(live_dashboard, token, traffic, served_schema, tmp_path):
    generated = run(
        [
            str(BIN / "openapi-python-client"),
            "generate",
            "--path",
            str(served_schema),
            "--meta",
            "none",
            "--output-path",
            str(tmp_path / "switchboard_client"),
        ],
        timeout=120,
        cwd=tmp_path,
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    smoke = run(
        [sys.executable, str(SMOKE), live_dashboard.url, token],
        timeout=120,
        cwd=tmp_path,
        PYTHONPATH=str(tmp_path),
    )
    assert smoke.returncode == 0, smoke.stdout + smoke.stderr
    summary = json.loads(smoke.stdout.strip().splitlines()[-1])
    assert summary["live_calls"] >= 3 and summary["exported_rows"] >= 1 and summary["events_walked"] > 0
