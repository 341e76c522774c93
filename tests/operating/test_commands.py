"""Deploying as the README says: users with roles, roles after migrate, one-line configuration errors,
no second worker without a shared channel layer."""

import io
import os
import shutil
import sqlite3
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from tests.security.test_deploy_check import production_env
from tests.support.ports import free_port
from tests.support.servers import ROOT, uvicorn_command


class Stdin(io.StringIO):
    def isatty(self) -> bool:
        return False


@pytest.mark.django_db
def test_create_user_gives_one_role_and_reads_the_password_from_stdin():
    out = io.StringIO()
    call_command("create_user", " dana ", role="supervisor", stdin=Stdin("a-long-enough-password\n"), stdout=out)
    user = get_user_model().objects.get(username="dana")
    assert list(user.groups.values_list("name", flat=True)) == ["supervisor"]
    assert user.check_password("a-long-enough-password") and not user.is_staff
    assert user.has_perm("dashboard.call_hangup")
    assert "created dana (supervisor)" in out.getvalue()

    with pytest.raises(CommandError, match="exists already"):
        call_command("create_user", "dana", role="admin", stdin=Stdin("another-long-password\n"))
    call_command("create_user", "dana", role="admin", update=True, stdin=Stdin("another-long-password\n"))
    user.refresh_from_db()
    assert user.is_staff and user.is_superuser and user.check_password("another-long-password")


@pytest.mark.django_db
def test_create_user_applies_the_password_rules():
    with pytest.raises(CommandError, match="too short"):
        call_command("create_user", "eve", role="viewer", stdin=Stdin("short\n"))
    with pytest.raises(CommandError, match="no password"):
        call_command("create_user", "eve", role="viewer", stdin=Stdin(""))
    assert not get_user_model().objects.filter(username="eve").exists()


def run(args: list[str], env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def embedded_env(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TELNYX_", "DATABASE_", "REDIS_"))}
    return {**env, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}", "SWITCHBOARD_VAR_DIR": str(tmp_path)}


@pytest.mark.slow
def test_a_fresh_migrate_creates_the_three_roles(tmp_path):
    result = run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], embedded_env(tmp_path))
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(tmp_path / "fresh.sqlite3") as db:
        groups = {name for (name,) in db.execute("SELECT name FROM auth_group")}
    assert groups == {"viewer", "supervisor", "admin"}


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("DJANGO_SECRET_KEY", "", "DJANGO_SECRET_KEY must be set"),
        ("TELNYX_CONNECTION_ID", "", "TELNYX_CONNECTION_ID must be set"),
        ("TELNYX_TEXML_ACCOUNT_SID", "", "TELNYX_TEXML_ACCOUNT_SID must be set"),
        ("LOG_FORMAT", "xml", "LOG_FORMAT must be plain or json"),
        ("WEBHOOK_TOLERANCE_SECS", "soon", "WEBHOOK_TOLERANCE_SECS must be an integer"),
    ],
)
def test_a_configuration_error_is_one_line_naming_the_variable(variable, value, named):
    env = production_env()
    env[variable] = value
    result = run([sys.executable, "manage.py", "check"], env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"switchboard: configuration error: {named}")
    assert "Traceback" not in result.stderr


def test_the_server_itself_reports_a_configuration_error_in_one_line():
    env = {**production_env(), "TELNYX_TEXML_ACCOUNT_SID": ""}
    result = run(uvicorn_command("switchboard.asgi:application", free_port()), env, timeout=60)
    assert result.returncode == 2
    assert "switchboard: configuration error: TELNYX_TEXML_ACCOUNT_SID must be set" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_refuses_several_workers_without_redis(tmp_path):
    result = run([sys.executable, "manage.py", "serve", "--workers", "2", "--dry-run"], embedded_env(tmp_path))
    assert result.returncode == 2
    assert result.stderr.strip().startswith("switchboard: REDIS_URL must be set to run 2 workers")
    ok = run([sys.executable, "manage.py", "serve", "--workers", "1", "--dry-run"], embedded_env(tmp_path))
    assert ok.returncode == 0 and "--workers 1" in ok.stdout


@pytest.mark.slow
def test_uvicorn_with_several_workers_and_no_redis_stops_instead_of_serving(tmp_path):
    env = embedded_env(tmp_path)
    command = uvicorn_command("switchboard.asgi:application", free_port(), workers=2, lifespan="on")
    # It stops by itself (run() would time out otherwise); uvicorn's parent exits 0 after stopping its workers.
    result = run(command, env, timeout=90)
    assert "REDIS_URL must be set to run 2 workers" in result.stderr
    assert "Application startup complete" not in result.stderr


@pytest.mark.slow
def test_a_wrong_postgresql_password_fails_fast_and_says_so(tmp_path):
    if not shutil.which("pg_isready") or subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode:
        pytest.skip("needs a PostgreSQL server on 127.0.0.1")
    env = {**embedded_env(tmp_path), "DATABASE_URL": "postgres://switchboard:not-the-password@127.0.0.1:5432/switchboard"}
    result = run([sys.executable, "manage.py", "migrate", "--noinput"], env)
    assert result.returncode != 0
    # Said by the check, before anything waits on the connection pool (its 10-second PoolTimeout).
    assert "DATABASE_URL: PostgreSQL did not accept the connection" in result.stderr
    assert "password authentication failed" in result.stderr
    assert "couldn't get a connection" not in result.stderr and "Traceback" not in result.stderr
    assert "not-the-password" not in result.stderr + result.stdout


def _settings_of(env: dict[str, str], expression: str) -> str:
    code = f"import django; django.setup(); from django.conf import settings; import sys; print({expression})"
    result = run([sys.executable, "-c", code], {**env, "DJANGO_SETTINGS_MODULE": "switchboard.settings"})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_plain_http_is_one_documented_switch():
    expression = "(settings.SECURE_SSL_REDIRECT, settings.SESSION_COOKIE_SECURE, settings.SECURE_HSTS_SECONDS)"
    assert _settings_of(production_env(), expression) == "(True, True, 31536000)"
    assert _settings_of({**production_env(), "DJANGO_HTTPS": "false"}, expression) == "(False, False, 0)"


def test_sentry_is_loaded_only_with_a_dsn_and_sends_no_personal_data():
    assert _settings_of(production_env(), "'sentry_sdk' in sys.modules") == "False"
    env = {**production_env(), "SENTRY_DSN": "http://public@127.0.0.1:9/1"}
    options = "(lambda o: (o['send_default_pii'], o['before_send'].__module__))(__import__('sentry_sdk').get_client().options)"
    assert _settings_of(env, options) == "(False, 'dashboard.observability.errors')"


def test_serve_empties_only_the_metric_files_of_its_directory(tmp_path):
    metrics = tmp_path / "metrics"
    metrics.mkdir()
    (metrics / "counter_123.db").write_bytes(b"old")
    (metrics / "keep.txt").write_text("not ours")
    env = {**embedded_env(tmp_path), "PROMETHEUS_MULTIPROC_DIR": str(metrics)}
    result = run([sys.executable, "manage.py", "serve", "--dry-run"], env)
    assert result.returncode == 0, result.stderr
    assert not (metrics / "counter_123.db").exists() and (metrics / "keep.txt").exists()
    assert f"PROMETHEUS_MULTIPROC_DIR={metrics}" in result.stdout
