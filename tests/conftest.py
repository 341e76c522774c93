import base64
import contextlib

import pytest
from django.contrib.auth import get_user_model

from dashboard.accounts.roles import ROLE_ADMIN, ROLE_SUPERVISOR, ROLE_VIEWER, assign_role
from tests.helpers import TEST_PUBLIC_KEY_B64


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.TELNYX_PUBLIC_KEYS = [base64.b64decode(TEST_PUBLIC_KEY_B64)]
    # In-process clients share the test's connection and transaction; real servers use the writer thread.
    settings.INGEST_WRITER_THREAD = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


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
    from tests.helpers import TEST_PUBLIC_KEY_B64
    from tests.live import ServerProcess

    server = ServerProcess(
        public_keys=[TEST_PUBLIC_KEY_B64, django_settings.DEMO_TELNYX_PUBLIC_KEY], extra_env={"LIVE_GRACE_SECS": "1"}
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
def _close_connection_pools(django_db_setup):
    """PostgreSQL pools keep connections open, which would stop the test database being dropped."""
    yield
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        if hasattr(conn, "close_pool"):
            conn.close_pool()
