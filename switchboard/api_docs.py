"""The OpenAPI schema, and a documentation page rendered from it on the server.

drf-spectacular's Swagger UI and Redoc views load their JavaScript from a CDN (its offline
"sidecar" package is not installed), and the dashboard may run with no internet access; so the
docs page is plain HTML built from the same schema, with nothing fetched from elsewhere.
"""

from functools import cache

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import IsAuthenticated

# The schema describes private endpoints: it is behind authentication like them.
schema_view = SpectacularAPIView.as_view(permission_classes=[IsAuthenticated])

_METHODS = ("get", "post", "put", "patch", "delete")


@cache
def _schema() -> dict:
    # Generating walks every view; the result only changes with the code, so once per process.
    return SchemaGenerator().get_schema(request=None, public=True)


def _schema_type(schema: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    kind = schema.get("type", "object")
    if kind == "array":
        return f"list of {_schema_type(schema.get('items', {}))}"
    return f"{kind} ({schema['format']})" if "format" in schema else kind


def _operations(schema: dict) -> list[dict]:
    operations = []
    for path, methods in schema.get("paths", {}).items():
        for method in _METHODS:
            operation = methods.get(method)
            if operation is None:
                continue
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "anchor": operation.get("operationId", f"{method}-{path}"),
                    "tag": (operation.get("tags") or ["api"])[0],
                    "description": operation.get("description", ""),
                    "parameters": [
                        {
                            "name": parameter["name"],
                            "in": parameter["in"],
                            "required": parameter.get("required", False),
                            "type": _schema_type(parameter.get("schema", {})),
                            "choices": parameter.get("schema", {}).get("enum")
                            or parameter.get("schema", {}).get("items", {}).get("enum"),
                            "description": parameter.get("description", ""),
                        }
                        for parameter in operation.get("parameters", [])
                    ],
                    "responses": sorted(operation.get("responses", {})),
                }
            )
    return operations


def _components(schema: dict) -> list[dict]:
    return [
        {
            "name": name,
            "fields": [
                {"name": field, "type": _schema_type(spec), "description": spec.get("description", "")}
                for field, spec in component.get("properties", {}).items()
            ],
            "choices": component.get("enum"),
        }
        for name, component in sorted(schema.get("components", {}).get("schemas", {}).items())
    ]


@login_required
def api_docs(request: HttpRequest) -> HttpResponse:
    schema = _schema()
    context = {
        "info": schema.get("info", {}),
        "operations": _operations(schema),
        "components": _components(schema),
    }
    return render(request, "history/api_docs.html", context)
