"""Action API: the same services and validation as the forms, answering with the audit record.

Errors share one JSON shape: {"error": {"type", "message", "fields"?, "telnyx"?}, "action"?: {...}}.
"""

from collections.abc import Callable

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers, status
from rest_framework.response import Response

from dashboard.actions.runner import ActionDenied, ActionInvalid
from dashboard.models import ActionOutcome, OperatorAction


class OperatorActionSerializer(serializers.ModelSerializer):
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


ACTION_RESPONSES = {
    200: OperatorActionSerializer,
    400: OpenApiResponse(description="invalid input; nothing sent"),
    403: OpenApiResponse(description="permission denied (audited)"),
    422: OpenApiResponse(description="Telnyx refused the command"),
    502: OpenApiResponse(description="Telnyx did not answer in time or failed"),
}

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


def run_action_for_api(run: Callable[..., OperatorAction], data: dict) -> Response:
    try:
        record = run(data=data, channel="api", submission_id=str(data.get("submission_id", ""))[:64])
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
