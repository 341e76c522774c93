"""Supervision API: start (`POST /api/calls/<id>/supervise/`), switch role, leave, list.

Every attempt runs through the action runner, so it is checked, sent and audited like any other
action; errors take the API's one shape ({"error": {...}, "action": <audit record>}).
"""

from collections.abc import Callable, Mapping

import django_filters
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from calls.forms import SUPERVISOR_ROLES
from calls.selectors import call_get
from calls.supervision import selectors, services
from calls.supervision.forms import NO_PHONE
from calls.supervision.models import SUPERVISION_STATES, Supervision
from dashboard.actions.api import error_body
from dashboard.actions.runner import ActionDenied, ActionInvalid
from dashboard.eventlog.api import ApiModelSerializer
from dashboard.models import ActionOutcome, OperatorAction
from dashboard.web.api_filters import StrictFilterBackend

_STATUS = {ActionOutcome.REFUSED: status.HTTP_422_UNPROCESSABLE_ENTITY, ActionOutcome.FAILED: status.HTTP_502_BAD_GATEWAY}


class SupervisionSerializer(ApiModelSerializer):  # times in UTC with Z, as everywhere in the API
    user = serializers.CharField(source="username", read_only=True)
    target = serializers.CharField(source="target_call_control_id", read_only=True, help_text="the supervised leg")
    supervisor_call_control_id = serializers.CharField(read_only=True, help_text="the supervisor's leg")
    role = serializers.ChoiceField(choices=SUPERVISOR_ROLES, read_only=True)
    state = serializers.ChoiceField(choices=SUPERVISION_STATES, read_only=True)

    class Meta:
        model = Supervision
        fields = [
            "id",
            "user",
            "target",
            "target_name",
            "role",
            "supervisor_phone",
            "supervisor_call_control_id",
            "state",
            "outcome",
            "error_code",
            "started_at",
            "connected_at",
            "ended_at",
        ]
        read_only_fields = fields


class RoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=SUPERVISOR_ROLES)


class CanSupervise(BasePermission):
    def has_permission(self, request: Request, view: object) -> bool:
        return bool(request.user and request.user.has_perm("dashboard.call_supervise"))


RESPONSES = {
    400: OpenApiResponse(description="invalid input (no supervisor phone, unknown role): nothing sent, audited"),
    403: OpenApiResponse(description="permission denied: audited"),
    404: OpenApiResponse(description="no such call, or no such supervision of yours"),
    422: OpenApiResponse(description="Telnyx refused (e.g. the call is not answered yet): its answer in `telnyx`"),
    502: OpenApiResponse(description="Telnyx did not answer in time, or failed"),
}


def requested_role(request: Request, also: frozenset[str] = frozenset()) -> str:
    """The body's `role`; any field but `role` and those named in `also` is a 400 naming it."""
    try:
        data = request.data
    except (ParseError, RecursionError):  # RecursionError: JSON nested thousands deep
        return ""
    if isinstance(data, Mapping) and (unknown := sorted(str(name) for name in data if name != "role" and name not in also)):
        raise ValidationError({name: ["Unknown field."] for name in unknown})  # the API's strict input
    role = data.get("role") if isinstance(data, Mapping) else ""
    return role if isinstance(role, str) else ""


def submission_key(request: Request) -> str:
    return request.headers.get("Idempotency-Key", "")[:64]


def _telnyx(record: OperatorAction) -> dict:
    return {
        "status": record.http_status,
        "code": record.error_code,
        "title": record.error_title,
        "detail": record.error_detail,
        "pointer": record.error_pointer,
    }


def attempt(run: Callable[[], tuple[Supervision, OperatorAction | None]], ok_status: int = status.HTTP_200_OK) -> Response:
    try:
        supervision, record = run()
    except ActionDenied as exc:
        return Response(error_body("permission_denied", str(exc), exc.record), status=status.HTTP_403_FORBIDDEN)
    except ActionInvalid as exc:
        fields = {name: [error["message"] for error in errors] for name, errors in exc.errors.items()}
        message = "No supervisor phone is set: add it on /profile/." if NO_PHONE in fields.get("to", []) else str(exc)
        return Response(
            error_body("invalid", message, exc.record, fields=fields), status=status.HTTP_400_BAD_REQUEST
        )
    if record is None or record.outcome == ActionOutcome.OK:
        return Response(SupervisionSerializer(supervision).data, status=ok_status)
    body = error_body(record.outcome, services.refusal_words(record), record, telnyx=_telnyx(record))
    body["supervision"] = SupervisionSerializer(supervision).data
    return Response(body, status=_STATUS[record.outcome])


class SuperviseCall(APIView):
    @extend_schema(
        operation_id="call_supervise",
        summary="Supervise a call from your phone",
        description=(
            "Dials your supervisor phone (your profile's) with `supervise_call_control_id` = this call and "
            "`supervisor_role` = `role`. Returns the supervision; its `state` follows your phone's leg "
            "(ringing, connected, ended). A supervision of yours already running is left first."
        ),
        request=RoleSerializer,
        responses={201: SupervisionSerializer, **RESPONSES},
        tags=["supervision"],
    )
    def post(self, request: Request, call_control_id: str) -> Response:
        call = call_get(call_control_id=call_control_id)
        return attempt(
            lambda: services.supervise_call(
                user=request.user, call=call, role=requested_role(request), channel="api", submission_id=submission_key(request)
            ),
            ok_status=status.HTTP_201_CREATED,
        )


def _own(request: Request, pk: int) -> Supervision:
    supervision = selectors.supervision_of(request.user, pk)
    if supervision is None:
        raise Http404("No such supervision of yours")
    return supervision


class SupervisionRole(APIView):
    @extend_schema(
        operation_id="supervision_role",
        summary="Switch your supervisor role",
        description="`switch_supervisor_role` on your phone's leg: monitor, whisper or barge.",
        request=RoleSerializer,
        responses={200: SupervisionSerializer, **RESPONSES},
        tags=["supervision"],
    )
    def post(self, request: Request, supervision_id: int) -> Response:
        supervision = _own(request, supervision_id)

        def run() -> tuple[Supervision, OperatorAction]:
            record = services.switch_role(
                user=request.user, supervision=supervision, role=requested_role(request), channel="api", submission_id=submission_key(request)
            )
            return supervision, record

        return attempt(run)


class SupervisionLeave(APIView):
    @extend_schema(
        operation_id="supervision_leave",
        summary="Leave: hang up your phone's leg",
        description="The supervised call goes on.",
        request=None,
        responses={200: SupervisionSerializer, **RESPONSES},
        tags=["supervision"],
    )
    def post(self, request: Request, supervision_id: int) -> Response:
        supervision = _own(request, supervision_id)

        def run() -> tuple[Supervision, OperatorAction | None]:
            record = services.leave(user=request.user, supervision=supervision, channel="api", submission_id=submission_key(request))
            supervision.refresh_from_db()
            return supervision, record

        return attempt(run)


# `?active=1` as the console has always linked it, and the API's own true/false; nothing else.
ACTIVE_SPELLINGS = {"1": True, "true": True, "0": False, "false": False}


class SupervisionFilter(django_filters.FilterSet):
    active = django_filters.ChoiceFilter(
        choices=[(spelling, spelling) for spelling in ACTIVE_SPELLINGS],
        method="running_now",
        help_text="1 or true: only supervisions running now (dialling, ringing, connected); 0 or false: all",
    )

    class Meta:
        model = Supervision
        fields: list[str] = []

    def running_now(self, queryset: QuerySet[Supervision], name: str, value: str) -> QuerySet[Supervision]:
        return queryset & selectors.supervision_list(active_only=True) if ACTIVE_SPELLINGS[value] else queryset


class SupervisionList(generics.ListAPIView):
    """Supervisions, newest first; `?active=1`: those running now (dialling, ringing, connected)."""

    serializer_class = SupervisionSerializer
    permission_classes = [CanSupervise]
    filter_backends = [StrictFilterBackend]
    filterset_class = SupervisionFilter

    @extend_schema(operation_id="supervision_list", tags=["supervision"])
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):  # noqa: ANN201
        return selectors.supervision_list()
