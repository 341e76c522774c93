"""One error shape for everything under /api/: DRF's own errors (validation, authentication,
permission, throttling, 404, 405, ...) answer in the action API's envelope,
{"error": {"type", "message", "fields"?}}, never in DRF's bare {"detail"} nor an HTML page."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView, set_rollback

from dashboard.actions.api import error_body

# The `type` of each DRF error, as documented in the schema (ErrorTypeEnum).
_TYPES: tuple[tuple[type[exceptions.APIException], str], ...] = (
    (exceptions.ValidationError, "invalid"),
    (exceptions.ParseError, "invalid"),
    (exceptions.NotAuthenticated, "not_authenticated"),
    (exceptions.AuthenticationFailed, "not_authenticated"),
    (exceptions.PermissionDenied, "permission_denied"),
    (exceptions.NotFound, "not_found"),
    (exceptions.MethodNotAllowed, "method_not_allowed"),
    (exceptions.NotAcceptable, "not_acceptable"),
    (exceptions.UnsupportedMediaType, "unsupported_media_type"),
    (exceptions.Throttled, "throttled"),
)


def _fields(detail: object) -> dict[str, list[str]]:
    """DRF's nested error detail as {field: [messages]}; non-field errors under "__all__"."""
    if isinstance(detail, dict):
        return {
            ("__all__" if name == "non_field_errors" else str(name)): [
                str(item) for item in (value if isinstance(value, list) else [value])
            ]
            for name, value in detail.items()
        }
    return {"__all__": [str(item) for item in (detail if isinstance(detail, list) else [detail])]}


def _message(exc: exceptions.APIException) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return "The request was not valid: see fields."
    return str(exc.detail)


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or "Not found.")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None  # a server error: Django's handler (JSON under /api/, see server_error)
    kind = next((name for cls, name in _TYPES if isinstance(exc, cls)), "error")
    extra = {"fields": _fields(exc.detail)} if isinstance(exc, exceptions.ValidationError) else {}
    headers = {}
    if auth_header := getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = auth_header
    if (wait := getattr(exc, "wait", None)) is not None:
        headers["Retry-After"] = str(max(1, int(wait + 0.999)))
    set_rollback()
    return Response(error_body(kind, _message(exc), **extra), status=exc.status_code, headers=headers)


class ApiNotFound(APIView):
    """The last URL under /api/: any other path is a 404 in the one shape, once authenticated
    (a visitor without credentials learns nothing about which paths exist: 401)."""

    def initial(self, request: Request, *args: object, **kwargs: object) -> None:
        super().initial(request, *args, **kwargs)  # authentication first: 401 without credentials
        raise exceptions.NotFound("No such API endpoint.")


api_not_found = ApiNotFound.as_view()


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: JSON under /api/, Django's page elsewhere."""
    if not request.path.startswith("/api/"):
        return defaults.server_error(request)
    return JsonResponse(
        error_body("server_error", "The server failed to answer; the failure is logged."),
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )
