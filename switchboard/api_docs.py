"""The OpenAPI schema, and Swagger UI and Redoc pages that read it, all served by this server.

The pages' JavaScript and CSS are drf-spectacular-sidecar's static files (SPECTACULAR_SETTINGS
"SIDECAR"), served like the dashboard's own: the dashboard may run with no internet access, and
nothing is loaded from another host. The pages' Content-Security-Policy holds the browser to that
(Redoc's bundle would otherwise fetch its vendor's logo from a CDN).
"""

import re
from functools import cache

from django.contrib.auth.decorators import login_required
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.permissions import IsAuthenticated


@cache
def _schema(api_version: str | None) -> dict:
    return SchemaGenerator(api_version=api_version).get_schema(request=None, public=True)


class PerProcessSchemaGenerator(SchemaGenerator):
    """Generating walks every view; the result only changes with the code, so once per process.
    Built without the request: every user is shown the same (public) schema."""

    def get_schema(self, request=None, public=False) -> dict:  # noqa: ANN001, ARG002
        return _schema(self.api_version)


# The schema describes private endpoints: it is behind authentication like them.
schema_view = SpectacularAPIView.as_view(
    generator_class=PerProcessSchemaGenerator, permission_classes=[IsAuthenticated]
)


# Same origin only. Inline style attributes are the UIs' own; Redoc's search runs in a blob: worker.
DOCS_CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class _DocsPage:
    url_name = "api-schema"
    permission_classes = [IsAuthenticated]

    def finalize_response(self, request, response, *args, **kwargs):  # noqa: ANN001, ANN201
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Security-Policy"] = DOCS_CONTENT_SECURITY_POLICY
        # Swagger UI asks for "unsafe-none" for OAuth2 pop-ups; there are none here, so the
        # project's own Cross-Origin-Opener-Policy applies (SecurityMiddleware sets it).
        if "Cross-Origin-Opener-Policy" in response:
            del response["Cross-Origin-Opener-Policy"]
        return response


class SwaggerPage(_DocsPage, SpectacularSwaggerSplitView):
    """The split view serves Swagger UI's set-up script at ?script, not inline: script-src 'self'."""

    template_name = "api_docs/swagger_ui.html"


class RedocPage(_DocsPage, SpectacularRedocView):
    template_name = "api_docs/redoc.html"


# Pages for a browser: a visitor who is not logged in is sent to the login page.
swagger_view = login_required(SwaggerPage.as_view())
redoc_view = login_required(RedocPage.as_view())


_CHOICE_LINE = re.compile(r"^\* `(?P<value>[^`]*)` - (?P<label>.*)$")


def drop_redundant_choice_descriptions(
    result: dict, generator: object, request: object, public: bool
) -> dict:
    """POSTPROCESSING_HOOKS: drf-spectacular describes every enum as a Markdown list, "* `always` - always".
    A line whose label only repeats its value says nothing the enum does not: it goes, and a description
    left with nothing goes too. Lines that explain ("* `parked` - ringing") stay, rendered as lists by
    Swagger UI and Redoc."""

    def clean(node: object) -> None:
        if isinstance(node, dict):
            text = node.get("description")
            if isinstance(text, str) and "* `" in text:
                kept = [
                    line
                    for line in text.split("\n")
                    if not ((match := _CHOICE_LINE.match(line)) and match["value"] == match["label"].strip())
                ]
                cleaned = "\n".join(kept).strip()
                if cleaned:
                    node["description"] = cleaned
                else:
                    del node["description"]
            for value in node.values():
                clean(value)
        elif isinstance(node, list):
            for item in node:
                clean(item)

    clean(result)
    return result


_ERROR = {"$ref": "#/components/schemas/Error"}
# Errors any operation can answer, by when they happen.
_COMMON_ERRORS = {
    "400": "Invalid input: an unknown or malformed query parameter or field, named in `fields`.",
    "401": "No credentials, or bad ones: send `Authorization: Token <key>` (the answer says `WWW-Authenticate: Token`).",
    "403": "Authenticated, without permission (or, with a session, without its CSRF token).",
}
_NOT_FOUND = "No such object."
_THROTTLED = "Too many requests: wait the `Retry-After` header's seconds."


def document_errors_and_ids(result: dict, generator: object, request: object, public: bool) -> dict:
    """POSTPROCESSING_HOOKS: every operation documents the errors it can answer, in the one error
    shape; ids in paths are never empty."""
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            errors = dict(_COMMON_ERRORS)
            if "{" in path:
                errors["404"] = _NOT_FOUND
            if method != "get" or "/export." in path:
                errors["429"] = _THROTTLED
            for status, description in errors.items():
                responses.setdefault(status, {"description": description})
            for status, response in responses.items():
                if status[0] in "45" and not response.get("content"):  # an error documented without its body
                    response["content"] = {"application/json": {"schema": _ERROR}}
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path" and parameter.get("schema", {}).get("type") == "string":
                    parameter["schema"].setdefault("minLength", 1)
    return result
