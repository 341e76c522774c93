"""Read API for calls, fields named as Telnyx names them."""

from collections.abc import Callable
from functools import partial

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from calls import selectors, services
from calls.models import Call
from dashboard.actions.api import ACTION_RESPONSES, IDEMPOTENCY_KEY, run_action_for_api
from dashboard.actions.schema import request_serializer
from dashboard.actions.spec import ActionSpec, action_spec
from dashboard.eventlog.api import ApiModelSerializer, UtcDateTimeField

CALL_DIRECTIONS = ("incoming", "outgoing")


class CallSerializer(ApiModelSerializer):
    # `from` is a Python keyword: declared through the field map below.
    to = serializers.CharField(source="to_number", read_only=True)
    end_time = UtcDateTimeField(source="ended_at", read_only=True, allow_null=True)
    direction = serializers.ChoiceField(
        choices=CALL_DIRECTIONS, allow_blank=True, read_only=True, help_text="empty until Telnyx says"
    )
    queue = serializers.CharField(source="queue_name", read_only=True)

    class Meta:
        model = Call
        fields = [
            "call_control_id",
            "call_leg_id",
            "call_session_id",
            "connection_id",
            "direction",
            "state",
            "is_alive",
            "on_hold",
            "from",
            "to",
            "caller_id_name",
            "start_time",
            "answered_at",
            "end_time",
            "hangup_cause",
            "hangup_source",
            "sip_hangup_cause",
            "client_state",
            "conference_id",
            "queue",
            "details",
            "version",
        ]
        read_only_fields = fields


CallSerializer._declared_fields["from"] = serializers.CharField(source="from_number", read_only=True)


class CallList(generics.ListAPIView):
    serializer_class = CallSerializer
    filterset_fields = ["state", "direction", "is_alive", "conference_id", "hangup_cause"]

    def get_queryset(self):  # noqa: ANN201
        return selectors.call_list()


class CallDetail(generics.RetrieveAPIView):
    serializer_class = CallSerializer
    lookup_field = "call_control_id"

    def get_queryset(self):  # noqa: ANN201
        return selectors.call_list()


class CallAction(APIView):
    """Any call action by name: the one URL that answers 404 for names no operation documents."""

    @extend_schema(exclude=True)
    def post(self, request: Request, call_control_id: str, action: str) -> Response:
        spec = action_spec("call", action)
        if spec is None or action == "dial":
            raise Http404("No such call action")
        call = selectors.call_get(call_control_id=call_control_id)
        return run_action_for_api(
            partial(services.call_run_command, user=request.user, call=call, action=action), request, spec
        )


def call_action_view(spec: ActionSpec) -> Callable:
    """One documented operation per call action (`call_hangup`, ...), with its typed body."""

    class OneCallAction(CallAction):
        @extend_schema(
            operation_id=f"call_{spec.name}",
            summary=spec.label,
            description=f"{spec.description} Returns the audit record.",
            request=request_serializer(spec),
            parameters=[IDEMPOTENCY_KEY],
            responses=ACTION_RESPONSES,
            tags=["call actions"],
        )
        def post(self, request: Request, call_control_id: str) -> Response:
            return super().post(request, call_control_id, spec.name)

    OneCallAction.__name__ = f"Call{spec.name.title().replace('_', '')}"
    return OneCallAction.as_view()


class CallDial(APIView):
    """Place a new outbound call; returns the audit record (with the new call_control_id)."""

    @extend_schema(
        operation_id="call_dial",
        request=request_serializer(action_spec("call", "dial")),
        parameters=[IDEMPOTENCY_KEY],
        responses=ACTION_RESPONSES,
        tags=["call actions"],
    )
    def post(self, request: Request) -> Response:
        spec = action_spec("call", "dial")
        return run_action_for_api(partial(services.call_dial, user=request.user), request, spec)
