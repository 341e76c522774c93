import base64
import contextlib
import copy
import os
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.contrib.auth import get_user_model

from dashboard.accounts.roles import ROLE_ADMIN, ROLE_SUPERVISOR, ROLE_VIEWER, assign_role
from tests.support.signing import TEST_PUBLIC_KEY_B64
from tests.support.waiting import eventually

REDIS_DATABASES = 16  # redis-server's default number of databases


def _redis_url_for_worker(url: str, index: int) -> str:
    """The same Redis, database number moved up by `index` (wrapping at REDIS_DATABASES)."""
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0) if parts.path.strip("/").isdigit() else 0
    return urlunsplit(parts._replace(path=f"/{(base + index) % REDIS_DATABASES}"))


def _replace_redis_address(value: object, old: str, new: str) -> object:
    if value == old:
        return new
    if isinstance(value, dict):
        return {key: _replace_redis_address(item, old, new) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_replace_redis_address(item, old, new) for item in value)
    return value


def pytest_configure(config):
    """Under pytest-xdist each worker is a process with its own test database (pytest-django
    suffixes its name), its own ports (tests.support.ports) and, here, its own Redis database: the
    channel layer's groups of one worker's servers are never heard by another's."""
    worker = getattr(config, "workerinput", {}).get("workerid", "")
    from django.conf import settings

    if not worker.startswith("gw") or not getattr(settings, "REDIS_URL", ""):
        return
    old = settings.REDIS_URL
    new = _redis_url_for_worker(old, int(worker[2:]))
    settings.REDIS_URL = new
    for name in ("CHANNEL_LAYERS", "CACHES"):  # whatever settings.py builds from REDIS_URL
        setattr(settings, name, _replace_redis_address(copy.deepcopy(getattr(settings, name)), old, new))
    os.environ["REDIS_URL"] = new  # for subprocesses that inherit the environment


def pytest_collection_modifyitems(config, items):
    """Slow tests first (a stable sort: each module keeps its order), so that under xdist the
    longest ones start at once instead of being the last to finish."""
    items.sort(key=lambda item: 0 if item.get_closest_marker("slow") else 1)


# A live server for many tests' requests in a few minutes, from one address: not throttled.
UNTHROTTLED_ENV = {
    name: "none"
    for name in (
        "API_WRITES_PER_TOKEN",
        "API_WRITES_PER_ADDRESS",
        "API_EXPORTS_PER_TOKEN",
        "API_EXPORTS_PER_ADDRESS",
    )
}


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.TELNYX_PUBLIC_KEYS = [base64.b64decode(TEST_PUBLIC_KEY_B64)]
    # In-process clients share the test's connection and transaction; real servers use the writer thread.
    settings.INGEST_WRITER_THREAD = False
    # The throttle counts live in the cache, which outlives a test: tests/api/test_tokens_and_throttles.py
    # sets the rates it checks.
    settings.API_THROTTLE_RATES = dict.fromkeys(settings.API_THROTTLE_RATES)
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def rejections(monkeypatch):
    """Refused webhooks are counted in memory: each test counts its own, and `rejections.flush()`
    writes them (a server does that once a minute)."""
    from dashboard.webhooks import receive
    from dashboard.webhooks.rejections import Rejections

    fresh = Rejections()
    monkeypatch.setattr(receive, "rejections", fresh)
    return fresh


def _user(username: str, role: str | None):
    user = get_user_model().objects.create_user(username=username, password="pw-" + username)
    if role:
        assign_role(user, role)
    return user


@pytest.fixture
def supervisor(db):
    return _user("sam-supervisor", ROLE_SUPERVISOR)


@pytest.fixture
def viewer(db):
    return _user("val-viewer", ROLE_VIEWER)


@pytest.fixture
def admin_user(db):
    user = _user("ada-admin", ROLE_ADMIN)
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def outsider(db):
    return _user("olly-outsider", None)


@pytest.fixture
def supervisor_client(client, supervisor):
    client.force_login(supervisor)
    return client


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client


@pytest.fixture(scope="session")
def live_stack(django_db_setup, django_db_blocker):
    """A real dashboard (uvicorn subprocess on the test database) and the Telnyx simulator, wired
    together: the simulator's webhooks go to the dashboard, the dashboard's commands to the simulator."""
    from django.conf import settings as django_settings

    from simulator.options import Delivery, Timings
    from simulator.server import SimulatorServer
    from tests.support.servers import DashboardServer
    from tests.support.signing import TEST_PUBLIC_KEY_B64

    server = DashboardServer(
        public_keys=[TEST_PUBLIC_KEY_B64, django_settings.DEMO_TELNYX_PUBLIC_KEY],
        extra_env={"LIVE_GRACE_SECS": "1", **UNTHROTTLED_ENV},
    )
    simulator = SimulatorServer(
        webhook_url=server.url + "/webhooks/telnyx/",
        timings=Timings.fast(),
        delivery=Delivery(max_attempts=5, retry_backoff=0.05, timeout=5.0),
        seed=11,
    ).start()
    server.env["TELNYX_API_BASE"] = simulator.base_url
    with django_db_blocker.unblock():
        server.start()
    yield server, simulator
    server.stop()
    simulator.stop()


@pytest.fixture(scope="session")
def live_dashboard(live_stack):
    return live_stack[0]


@pytest.fixture
def simulator(live_stack, settings):
    """The simulator, emptied for this test; in-process actions of this test are sent to it too."""
    sim = live_stack[1]
    sim.reset()
    settings.TELNYX_API_BASE = sim.base_url
    yield sim
    # Webhooks under way land before the test database is emptied: on PostgreSQL the flush's
    # TRUNCATE and the dashboard's writer, each holding what the other wants, deadlock.
    with contextlib.suppress(TimeoutError):
        sim.wait_idle(timeout=3)
    sim.reset()


@pytest.fixture(scope="session", autouse=True)
def _close_connection_pools(django_db_setup, django_db_blocker):
    """PostgreSQL pools keep connections open, which would stop the test database being dropped;
    so would a server process on its way out, or a connection a worker thread never closed: the
    first are waited for, the rest ended (the database is dropped next anyway)."""
    yield
    from django.db import connection, connections

    for conn in connections.all(initialized_only=True):
        if hasattr(conn, "close_pool"):
            conn.close_pool()
    if connection.vendor != "postgresql":
        return
    others = "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"

    def others_gone() -> bool:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) {others}")
            return cursor.fetchone()[0] == 0

    with django_db_blocker.unblock():
        if not eventually(others_gone, timeout=5, interval=0.1):
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT pg_terminate_backend(pid) {others}")
            eventually(others_gone, timeout=5, interval=0.1)
        connection.close()
        if hasattr(connection, "close_pool"):
            connection.close_pool()
