"""The API's documentation: Swagger UI and Redoc pages, and the OpenAPI schema they read, all
served by the dashboard itself (the dashboard may run with no internet access)."""

import re
from urllib.parse import urlsplit

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.views import APIView

pytestmark = pytest.mark.django_db

DOC_PAGES = ["/api/docs/", "/api/redoc/"]
# Where a page names something for the browser to load: <script src>, <link href>, <img src>, ...
_LOADED = re.compile(r"<(?:script|link|img|iframe|source)\b[^>]*?\b(?:src|href)=[\"']([^\"']*)[\"']", re.I)
_ROUTE_PARAMETER = re.compile(r"<(?:[^>:]+:)?(?P<name>[^>]+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")
# Routed but left out of the schema on purpose: the API root is only a list of links.
# The API root, and the catch-all action URLs that answer 404 for names no operation documents.
NOT_DOCUMENTED = {
    ("GET", "/api/"),
    ("POST", "/api/calls/{call_control_id}/actions/{action}/"),
    ("POST", "/api/conferences/{conference_id}/actions/{action}/"),
    ("POST", "/api/conferences/{conference_id}/participants/{participant_id}/actions/{action}/"),
}
_METHODS = ("get", "post", "put", "patch", "delete")


def test_the_urls_keep_their_names():
    assert (reverse("api-schema"), reverse("api-docs"), reverse("api-redoc")) == (
        "/api/schema/",
        "/api/docs/",
        "/api/redoc/",
    )


async def served(paths: set[str]) -> dict[str, int]:
    """The size of what the async request path answers for each path, with no session (0: not found)."""
    client = AsyncClient()
    sizes = {}
    for path in paths:
        response = await client.get(path)
        body = b"".join([chunk async for chunk in response.streaming_content]) if response.streaming else b""
        sizes[path] = len(body) if response.status_code == 200 else 0
    return sizes


@pytest.mark.parametrize("url", DOC_PAGES)
def test_a_docs_page_loads_only_from_this_server(viewer_client, settings, url):
    response = viewer_client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    loaded = _LOADED.findall(page)
    assert any(src.endswith(".js") for src in loaded), loaded
    for src in loaded:
        assert not urlsplit(src).scheme and not urlsplit(src).netloc, src
    assert not re.search(r"https?://|//cdn|googleapis", " ".join(re.findall(r"<(?:script|link)\b[^>]*>", page)))
    # No inline script: the page's policy allows scripts from this server only, and the browser
    # holds the UIs' bundles to it (Redoc's would fetch its vendor's logo from a CDN).
    assert not re.search(r"<script>", page)
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "img-src 'self' data:" in policy
    assert "http" not in policy and "*" not in policy

    # This server answers for each of them: the UIs' bundles come with the sidecar app, Swagger
    # UI's set-up script from the page's own view; and one of them points the UI at the schema.
    settings.SERVESTATIC_USE_FINDERS = True
    assets = {src for src in loaded if src.startswith("/static/")}
    assert all(async_to_sync(served)(assets).values()), assets
    scripts = [viewer_client.get(src) for src in loaded if src.endswith(".js") is False and src.startswith(url)]
    assert all(s.status_code == 200 and "javascript" in s["Content-Type"] for s in scripts)
    assert any(reverse("api-schema") in text for text in [page, *(s.content.decode() for s in scripts)])


@pytest.mark.parametrize("url", DOC_PAGES)
def test_a_docs_page_links_back_to_the_dashboard(viewer_client, url):
    page = viewer_client.get(url).content.decode()
    assert f'href="{reverse("calls:live")}"' in page


@pytest.mark.parametrize("url", DOC_PAGES)
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_schema_is_refused_to_an_anonymous_client(client):
    assert client.get("/api/schema/").status_code in (401, 403)


def openapi_path(pattern: object) -> str:
    """A URL pattern as OpenAPI writes it: `calls/<tid:call_control_id>/` -> `calls/{call_control_id}/`."""
    if isinstance(pattern, RoutePattern):
        return _ROUTE_PARAMETER.sub(lambda m: "{" + m["name"] + "}", str(pattern))
    regex = _REGEX_GROUP.sub(lambda m: "{" + m["name"] + "}", str(pattern))
    return regex.lstrip("^").rstrip("$").replace("\\", "")


def routed_api_operations() -> set[tuple[str, str]]:
    """(METHOD, /path/{parameter}/) of every DRF view in the URLconf, read from the routes."""
    found = set()
    docs_views = (SpectacularAPIView, SpectacularSwaggerView, SpectacularRedocView)

    def walk(patterns: list, prefix: str) -> None:
        for entry in patterns:
            route = prefix + openapi_path(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, route)
                continue
            assert isinstance(entry, URLPattern)
            view = getattr(entry.callback, "cls", None)
            if view is None or not issubclass(view, APIView) or issubclass(view, docs_views):
                continue
            found.update((method.upper(), "/" + route) for method in _METHODS if hasattr(view, method))

    walk(get_resolver().url_patterns, "")
    return found


def test_the_schema_lists_every_operation(viewer_client):
    response = viewer_client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    listed = {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in _METHODS
    }
    routed = routed_api_operations()
    assert {("GET", "/api/calls/"), ("POST", "/api/calls/dial/"), ("GET", "/api/history/calls/")} <= routed
    assert routed - NOT_DOCUMENTED == listed
    # The notes of the old hand-made page are the schema's description, shown at the top of both UIs.
    assert "Authorization: Token" in schema["info"]["description"]


def test_the_schema_is_generated_once_per_process(viewer_client, monkeypatch):
    from drf_spectacular.generators import SchemaGenerator

    viewer_client.get("/api/schema/?format=json")
    monkeypatch.setattr(SchemaGenerator, "parse", lambda *a, **k: pytest.fail("schema generated again"))
    assert viewer_client.get("/api/schema/").status_code == 200


def test_every_action_is_its_own_operation_with_a_typed_body(viewer_client):
    schema = viewer_client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/conferences/{conference_id}/participants/{participant_id}/actions/update/"]
    body = operation["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    fields = schema["components"]["schemas"][body.rsplit("/", 1)[1]]["properties"]
    assert operation["post"]["operationId"] == "participant_set_supervisor_role"
    assert {"supervisor_role", "whisper_call_control_ids"} <= set(fields)
    assert "call_control_id" not in fields  # the participant's own leg is pinned by the server
    dial = schema["paths"]["/api/calls/dial/"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert schema["components"]["schemas"][dial["$ref"].rsplit("/", 1)[1]]["required"] == ["from", "to"]
