"""Action API: the same services and validation as the forms, answering with the audit record.

Errors share one JSON shape: {"error": {"type", "message", "fields"?, "telnyx"?}, "action"?: {...}}.
"""

from collections.abc import Callable, Mapping

from django.http import QueryDict
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers, status
from rest_framework.exceptions import ParseError
from rest_framework.request import Request
from rest_framework.response import Response

from dashboard.actions.body import CheckedBody
from dashboard.actions.runner import ActionDenied, ActionInvalid
from dashboard.actions.spec import ActionSpec
from dashboard.eventlog.api import ApiModelSerializer
from dashboard.models import ActionOutcome, OperatorAction


class OperatorActionSerializer(ApiModelSerializer):
    user = serializers.CharField(source="username", read_only=True)

    class Meta:
        model = OperatorAction
        fields = [
            "id",
            "created_at",
            "user",
            "channel",
            "action",
            "target_type",
            "call_control_id",
            "conference_id",
            "participant_id",
            "parameters",
            "command_id",
            "outcome",
            "http_status",
            "error_code",
            "error_title",
            "error_detail",
            "error_pointer",
            "response",
            "latency_ms",
        ]
        read_only_fields = fields


ERROR_TYPES = (
    "invalid",
    "not_authenticated",
    "permission_denied",
    "not_found",
    "method_not_allowed",
    "not_acceptable",
    "unsupported_media_type",
    "throttled",
    "refused",
    "failed",
    "server_error",
)


class TelnyxErrorSerializer(serializers.Serializer):
    status = serializers.IntegerField(allow_null=True, help_text="Telnyx's HTTP status; null if none came")
    code = serializers.CharField(allow_blank=True)
    title = serializers.CharField(allow_blank=True)
    detail = serializers.CharField(allow_blank=True)
    pointer = serializers.CharField(allow_blank=True, help_text="the request field Telnyx objected to")


class ErrorDetailSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ERROR_TYPES)
    message = serializers.CharField()
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text='{field: [messages]}; "__all__" for the request as a whole',
    )
    telnyx = TelnyxErrorSerializer(required=False, help_text="what Telnyx answered (refused, failed)")


class ErrorSerializer(serializers.Serializer):
    """Every error under /api/ has this shape."""

    error = ErrorDetailSerializer()
    action = OperatorActionSerializer(required=False, help_text="the audit record, for an action")


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


ACTION_RESPONSES = {
    200: OperatorActionSerializer,
    400: _error("invalid input (or a body that is not a JSON object): nothing sent, audited"),
    403: _error("permission denied: audited"),
    422: _error("Telnyx refused the command: its answer in `telnyx`"),
    502: _error("Telnyx did not answer in time, or failed"),
}

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description=(
        "Any text up to 64 characters, one per intended action. A repeat by the same user, of the same "
        "action on the same target, sends nothing and answers with the first attempt's outcome."
    ),
)
_STATUS_BY_OUTCOME = {
    ActionOutcome.OK: status.HTTP_200_OK,
    ActionOutcome.REFUSED: status.HTTP_422_UNPROCESSABLE_ENTITY,
    ActionOutcome.FAILED: status.HTTP_502_BAD_GATEWAY,
}


def error_body(kind: str, message: str, record: OperatorAction | None = None, **extra: object) -> dict:
    body: dict = {"error": {"type": kind, "message": message, **extra}}
    if record is not None:
        body["action"] = OperatorActionSerializer(record).data
    return body


def _renamed(data: Mapping, names: dict[str, str]) -> Mapping:
    """Telnyx's names (`from`) as the form's (`from_`)."""
    data = data.copy() if isinstance(data, QueryDict) else dict(data)
    for outside, inside in names.items():
        if outside in data and inside not in data:
            if isinstance(data, QueryDict):
                data.setlist(inside, data.pop(outside))
            else:
                data[inside] = data.pop(outside)
    return data


def _widget_part_names(fields: Mapping) -> set[str]:
    """Names a field posts beside its own (client_state's `client_state_encoding`)."""
    return {
        f"{name}{suffix}"
        for name, field in fields.items()
        if field is not None
        for suffix in getattr(field.widget, "widgets_names", ())
        if suffix
    }


def action_body(request: Request, spec: ActionSpec) -> Mapping:
    """The body as the action's form reads it; what no form can judge travels as CheckedBody.refused."""
    try:
        data = request.data
    except (ParseError, RecursionError):
        return CheckedBody({}, {"__all__": ["The body is not valid JSON (or nests too deep)."]})
    if not isinstance(data, Mapping):
        return CheckedBody({}, {"__all__": ["The body must be a JSON object."]})
    fields = spec.form.base_fields
    data = _renamed(data, {name.removesuffix("_"): name for name in fields if name.endswith("_")})
    known = set(fields) | {"submission_id"} | _widget_part_names(fields)
    refused = {str(name): ["Unknown field."] for name in data if name not in known}
    key = request.headers.get("Idempotency-Key", "")
    if len(key) > 64:
        refused["Idempotency-Key"] = ["At most 64 characters."]
    if not refused:
        return data
    plain = data.dict() if isinstance(data, QueryDict) else data
    return CheckedBody({name: value for name, value in plain.items() if name in known}, refused)


def submission_id(request: Request, body: Mapping) -> str:
    """The Idempotency-Key header, else the body's submission_id (what the pages send)."""
    key = request.headers.get("Idempotency-Key") or body.get("submission_id") or ""
    return str(key)[:64]


def run_action_for_api(run: Callable[..., OperatorAction], request: Request, spec: ActionSpec) -> Response:
    body = action_body(request, spec)
    try:
        record = run(data=body, channel="api", submission_id=submission_id(request, body))
    except ActionDenied as exc:
        return Response(
            error_body("permission_denied", str(exc), exc.record), status=status.HTTP_403_FORBIDDEN
        )
    except ActionInvalid as exc:
        fields = {name: [e["message"] for e in errors] for name, errors in exc.errors.items()}
        return Response(
            error_body("invalid", str(exc), exc.record, fields=fields), status=status.HTTP_400_BAD_REQUEST
        )
    if record.outcome == ActionOutcome.OK:
        return Response(OperatorActionSerializer(record).data)
    telnyx = {
        "status": record.http_status,
        "code": record.error_code,
        "title": record.error_title,
        "detail": record.error_detail,
        "pointer": record.error_pointer,
    }
    message = (
        f"Telnyx {'refused' if record.outcome == ActionOutcome.REFUSED else 'did not complete'} the command"
    )
    return Response(
        error_body(record.outcome, message, record, telnyx=telnyx), status=_STATUS_BY_OUTCOME[record.outcome]
    )
