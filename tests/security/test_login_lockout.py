"""Login lockout (django-axes): one budget of failures per normalised username, for every way in.

The login page, the admin login and DRF's password authentication all call authenticate(), where
axes' backend checks and counts; a success clears that username's failures and nobody else's.
"""

import base64
import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.test import AsyncClient, RequestFactory
from rest_framework.authentication import BasicAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from dashboard.accounts.views import client_ip
from tests.support.tokens import api_token

pytestmark = pytest.mark.django_db

LOCKED = "Too many failed attempts; try again in 15 minutes."


def password(user) -> str:
    return "pw-" + user.username


def page_login(client, username: str, secret: str, **extra):
    return client.post("/accounts/login/", {"username": username, "password": secret}, **extra)


def admin_login(client, username: str, secret: str, **extra):
    return client.post(
        "/admin/login/", {"username": username, "password": secret, "next": "/admin/"}, **extra
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail(client, username: str, times: int, login=page_login, **extra) -> list:
    return [login(client, username, "wrong", **extra) for _ in range(times)]


# --- one budget, every way in -------------------------------------------------------------------


def test_the_admin_login_is_locked_out_like_the_login_page(client, admin_user):
    responses = fail(client, admin_user.username, 40, login=admin_login)
    assert not logged_in(client)
    assert responses[3].status_code == 200  # below the limit: the admin's own form error
    assert all(response.status_code == 429 for response in responses[4:])
    response = admin_login(client, admin_user.username, password(admin_user))
    assert response.status_code == 429 and not logged_in(client)
    assert LOCKED in response.content.decode()
    # ... and the same lockout holds on the login page.
    assert page_login(client, admin_user.username, password(admin_user)).status_code == 429
    assert not logged_in(client)
    assert client.get("/admin/").status_code == 302


def test_failures_on_the_login_page_lock_the_admin_login_too(client, admin_user):
    fail(client, admin_user.username, 3)
    fail(client, admin_user.username, 2, login=admin_login)
    assert admin_login(client, admin_user.username, password(admin_user)).status_code == 429
    assert not logged_in(client)


@pytest.mark.parametrize("login", [page_login, admin_login], ids=["login-page", "admin"])
def test_spellings_of_one_username_share_one_budget(client, supervisor, login):
    name = supervisor.username  # "sam-supervisor"
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in name)  # "ｓａｍ－ｓｕｐｅｒｖｉｓｏｒ"
    spellings = [" " + name, name + " ", "\t" + name, full_width, "\u3000" + name + "\u00a0"]
    for spelling in spellings[:4]:
        assert login(client, spelling, "wrong").status_code == 200
    assert login(client, spellings[4], "wrong").status_code == 429  # the fifth failure, all one name
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {name}
    assert login(client, name, password(supervisor)).status_code == 429
    assert not logged_in(client)


def test_a_differently_spelled_username_logs_in_as_the_one_user(client, supervisor):
    response = page_login(client, "\t ｓａｍ－ｓｕｐｅｒｖｉｓｏｒ ", password(supervisor))
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(supervisor.pk)


def test_drf_basic_authentication_shares_the_budget(client, supervisor):
    """DRF's password authentication (not enabled today) would go through the same lockout."""

    def basic(username: str, secret: str):
        encoded = base64.b64encode(f"{username}:{secret}".encode()).decode()
        request = APIRequestFactory().get("/api/calls/", HTTP_AUTHORIZATION=f"Basic {encoded}")
        return BasicAuthentication().authenticate(Request(request))

    assert basic(supervisor.username, password(supervisor))[0] == supervisor
    fail(client, supervisor.username, 3)
    for spelling in (" " + supervisor.username, supervisor.username + "\t"):
        with pytest.raises(AuthenticationFailed):
            basic(spelling, "wrong")
    with pytest.raises(AuthenticationFailed):
        basic(supervisor.username, password(supervisor))
    assert page_login(client, supervisor.username, password(supervisor)).status_code == 429


def test_the_api_authenticates_by_session_or_token_only():
    """Neither takes a password; a class that did would have to go through authenticate() (above)."""
    assert django_settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] == [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ]


def test_a_locked_out_username_keeps_its_api_token(client, viewer):
    """A token is not a password: nothing is guessed with it, so the lockout leaves it alone."""
    token = api_token(viewer)
    fail(client, viewer.username, 5)
    assert page_login(client, viewer.username, password(viewer)).status_code == 429
    assert client.get("/api/calls/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    assert client.get("/api/calls/", HTTP_AUTHORIZATION="Token wrong").status_code in (401, 403)


# --- what a success resets ----------------------------------------------------------------------


def test_a_viewer_logging_in_does_not_reset_the_admins_failures(client, admin_user, viewer):
    fail(client, admin_user.username, 4)
    assert page_login(client, viewer.username, password(viewer)).status_code == 302
    client.post("/accounts/logout/")
    assert admin_login(client, admin_user.username, "wrong").status_code == 429  # the fifth
    assert admin_login(client, admin_user.username, password(admin_user)).status_code == 429
    assert not logged_in(client)


def test_a_success_resets_only_that_users_own_failures(client, admin_user, supervisor):
    fail(client, admin_user.username, 4)
    fail(client, supervisor.username, 4)
    assert page_login(client, supervisor.username, password(supervisor)).status_code == 302
    client.post("/accounts/logout/")
    assert not AccessAttempt.objects.filter(username=supervisor.username).exists()
    assert AccessAttempt.objects.get(username=admin_user.username).failures_since_start == 4
    assert [response.status_code for response in fail(client, supervisor.username, 4)] == [200] * 4


# --- the client's address -----------------------------------------------------------------------


def test_x_forwarded_for_from_an_untrusted_client_is_ignored(client, supervisor, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    page_login(
        client, supervisor.username, "wrong", REMOTE_ADDR="198.51.100.20", HTTP_X_FORWARDED_FOR="10.1.1.1"
    )
    page_login(
        client, supervisor.username, "wrong", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.20", "203.0.113.9"}


def test_a_made_up_x_forwarded_for_does_not_escape_the_lockout(client, supervisor):
    for n in range(5):
        page_login(client, supervisor.username, "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    response = page_login(
        client, supervisor.username, password(supervisor), HTTP_X_FORWARDED_FOR="192.0.2.99"
    )
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        ([], "198.51.100.20", "203.0.113.9", "198.51.100.20"),  # no proxy trusted: header ignored
        (["10.0.0.2"], "198.51.100.20", "203.0.113.9", "198.51.100.20"),  # not from the proxy
        (["10.0.0.2"], "10.0.0.2", "203.0.113.9", "203.0.113.9"),
        (["10.0.0.2"], "10.0.0.2", "", "10.0.0.2"),
        # The client wrote the left part itself; the proxy appended what it saw.
        (["10.0.0.2"], "10.0.0.2", "127.0.0.1, 203.0.113.9", "203.0.113.9"),
        # Two trusted proxies in a row, as networks.
        (["10.0.0.0/8"], "10.0.0.2", "192.0.2.1, 203.0.113.9, 10.0.0.3", "203.0.113.9"),
        (["10.0.0.2", "2001:db8::/32"], "2001:db8::1", "2001:db8:ffff::5", "2001:db8:ffff::5"),
        (["10.0.0.2"], "10.0.0.2", "not-an-address", "10.0.0.2"),
        (["10.0.0.2"], "10.0.0.2", "10.0.0.2", "10.0.0.2"),
    ],
)
def test_the_client_address_is_read_from_trusted_proxies_only(settings, trusted, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = trusted
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR=remote, **extra)
    assert client_ip(request) == expected


def test_trusted_proxies_are_validated_at_start(monkeypatch):
    from switchboard.settings import env_networks

    monkeypatch.setenv("DJANGO_TRUSTED_PROXIES", " 10.0.0.2, 192.168.0.0/16 ,")
    assert env_networks("DJANGO_TRUSTED_PROXIES") == ["10.0.0.2", "192.168.0.0/16"]
    monkeypatch.setenv("DJANGO_TRUSTED_PROXIES", "10.0.0.2,proxy.internal")
    with pytest.raises(ImproperlyConfigured, match="DJANGO_TRUSTED_PROXIES"):
        env_networks("DJANGO_TRUSTED_PROXIES")
    monkeypatch.delenv("DJANGO_TRUSTED_PROXIES")
    assert env_networks("DJANGO_TRUSTED_PROXIES") == []


# --- what a locked-out client sees --------------------------------------------------------------


def test_the_lockout_page_is_the_same_for_existing_and_unknown_usernames(client, supervisor):
    existing = fail(client, supervisor.username, 6)
    unknown = fail(client, "nobody-by-this-name", 6)
    for index in (4, 5):  # the failure that locks, and one while locked
        assert existing[index].status_code == unknown[index].status_code == 429
        assert existing[index].content == unknown[index].content
    page = existing[5].content.decode()
    assert LOCKED in page and supervisor.username not in page
    assert 'class="login"' in page and "switchboard" in page  # the login page's look


def test_the_lockout_lasts_fifteen_minutes(client, supervisor):
    fail(client, supervisor.username, 5)
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=14)
    )
    assert page_login(client, supervisor.username, password(supervisor)).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )
    assert page_login(client, supervisor.username, password(supervisor)).status_code == 302


@pytest.mark.django_db(transaction=True)
async def test_under_asgi_the_lockout_page_is_served_too(supervisor):
    client = AsyncClient()
    statuses = [
        (
            await client.post("/accounts/login/", {"username": supervisor.username, "password": "wrong"})
        ).status_code
        for _ in range(5)
    ]
    assert statuses == [200] * 4 + [429]
    response = await client.post(
        "/accounts/login/", {"username": supervisor.username, "password": password(supervisor)}
    )
    assert response.status_code == 429 and LOCKED in response.content.decode()


# --- admins see lockouts and can lift them ------------------------------------------------------


def test_lockouts_are_logged(client, supervisor, caplog):
    with caplog.at_level(logging.WARNING, logger="axes"):
        fail(client, supervisor.username, 5)
    assert any("Locking out" in record.getMessage() for record in caplog.records)


def test_an_admin_sees_the_lockout_and_lifts_it(client, admin_user, supervisor):
    fail(client, supervisor.username, 5)
    assert page_login(client, supervisor.username, password(supervisor)).status_code == 429

    client.force_login(admin_user)
    assert 'href="/admin/axes/accessattempt/"' in client.get("/admin/").content.decode()
    listing = client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and supervisor.username in listing.content.decode()
    attempt = AccessAttempt.objects.get(username=supervisor.username)
    response = client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    client.logout()

    assert page_login(client, supervisor.username, password(supervisor)).status_code == 302
