"""Nothing is served to a stranger: every URL in the URLconf and every websocket route turns an
anonymous visitor away, except the login and logout pages and the two (signed) webhooks."""

import re

import pytest
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RoutePattern

from dashboard.realtime.routing import websocket_urlpatterns
from switchboard.asgi import application

pytestmark = pytest.mark.django_db

# Reachable by anyone by design: the way in, the way out, and Telnyx (which signs instead).
PUBLIC = {"login", "logout", "webhook", "texml-webhook", "admin:login", "admin:logout"}
LOGIN_PAGES = {reverse("login"), reverse("admin:login")}
_ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^)]*)\)")
_SAMPLES = {"int": "1", "uuid": "00000000-0000-4000-8000-000000000001"}


def _sample_regex_group(match: re.Match) -> str:
    # Alternatives (`calls|conferences`): the first one; any other pattern (`.*`, `[^/]+`): a plain word.
    body = match["body"]
    return body.split("|")[0] if re.fullmatch(r"[\w|-]+", body) else "sample"


def concrete(pattern: object) -> str:
    """A path segment that the pattern matches, with a sample value for every parameter."""
    if isinstance(pattern, RoutePattern):
        route = str(pattern)
        return _ROUTE_PARAMETER.sub(lambda m: _SAMPLES.get(m["converter"] or "str", "1"), route)
    regex = _REGEX_GROUP.sub(_sample_regex_group, str(pattern))
    return regex.lstrip("^").rstrip("$").replace("\\", "")


def every_url() -> list[tuple[str, str, object]]:
    """(name, concrete path, view) of every URL pattern, nested includes and the admin included."""
    found = []

    def walk(patterns: list, prefix: str, namespace: str) -> None:
        for entry in patterns:
            path = prefix + concrete(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(
                    entry.url_patterns,
                    path,
                    f"{namespace}{entry.namespace}:" if entry.namespace else namespace,
                )
            elif isinstance(entry, URLPattern):
                found.append((f"{namespace}{entry.name or '/' + path}", "/" + path, entry.callback))

    walk(get_resolver().url_patterns, "", "")
    return found


PROTECTED = [(name, path) for name, path, _ in every_url() if name not in PUBLIC]


def test_the_walk_covers_the_whole_urlconf():
    urls = every_url()
    names = {name for name, _, _ in urls}
    assert {
        "calls:live",
        "conferences:participant-action",
        "api-call-action",
        "overview",
        "admin:index",
    } <= names
    assert names >= PUBLIC
    for name, path, view in urls:
        # Each sample path reaches the very pattern it was made from, not a neighbour or a catch-all.
        assert resolve(path).func == view, (name, path)


def turned_away(response) -> bool:  # noqa: ANN001
    """Refused outright, or sent (through any redirects) to a login page."""
    if response.status_code in (401, 403):
        return True
    return bool(response.redirect_chain) and response.request["PATH_INFO"] in LOGIN_PAGES


@pytest.mark.parametrize(("name", "path"), PROTECTED, ids=[name for name, _ in PROTECTED])
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_anonymous_visitor_is_turned_away(name, path, method):
    response = getattr(Client(), method)(path, follow=True)
    assert turned_away(response), (method.upper(), path, response.status_code)


def websocket_paths() -> list[str]:
    paths = []
    for entry in websocket_urlpatterns:
        regex = str(entry.pattern)
        for target in re.search(r"\(\?P<target>([^)]*)\)", regex)[1].split("|"):
            path = _REGEX_GROUP.sub(lambda m, t=target: t if m["name"] == "target" else "sample", regex)
            paths.append("/" + path.lstrip("^").rstrip("$"))
    return paths


@pytest.mark.parametrize("path", websocket_paths())
async def test_an_anonymous_websocket_is_refused(path):
    communicator = WebsocketCommunicator(
        application, path, headers=[(b"origin", b"http://127.0.0.1:8000"), (b"host", b"127.0.0.1")]
    )
    communicator.scope["server"] = ("127.0.0.1", 8000)
    connected, code = await communicator.connect()
    assert not connected and code == 4401, (path, connected, code)
    await communicator.disconnect()
