"""The production profile passes Django's deployment checklist (`manage.py check --deploy`)."""

import os
import secrets
import subprocess
import sys

from tests.support.servers import ROOT
from tests.support.signing import TEST_PUBLIC_KEY_B64


def production_env() -> dict[str, str]:
    """This machine's environment without any dashboard setting, plus only what production needs."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "TELNYX_", "DATABASE_", "REDIS_", "WEBHOOK_", "LOGIN_"))
    }
    return {
        **inherited,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "switchboard.example.com",
        "TELNYX_API_KEY": "KEY-deploy-check",
        "TELNYX_PUBLIC_KEY": TEST_PUBLIC_KEY_B64,
        "TELNYX_CONNECTION_ID": "2208867041398097001",
        "TELNYX_TEXML_ACCOUNT_SID": "AC-deploy-check",
    }


def check(*options: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", *options],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_production_profile_passes_the_security_checklist():
    result = check("--deploy", "--tag", "security", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_production_profile_passes_the_whole_deployment_checklist():
    # Beyond security, apps add their own deploy checks (drf-spectacular generates the API schema).
    result = check("--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_its_secrets():
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    result = check(env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr
