import base64

import pytest
from django.contrib.auth import get_user_model

from dashboard.roles import ROLE_ADMIN, ROLE_SUPERVISOR, ROLE_VIEWER, assign_role
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
