"""History searches through the API: the pages' FilterSets, Telnyx's field names, capped counts."""

from django.db.models import QuerySet
from django.http import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.request import Request
from rest_framework.views import APIView

from calls.api import CallSerializer
from conferences.api import ConferenceSerializer
from dashboard.actions.api import OperatorActionSerializer
from dashboard.eventlog.api import EventSerializer
from dashboard.web.pagination import HistoryPagination
from operations.history import services
from operations.history.export import FORMATS, export_response
from operations.history.resources import RESOURCES


class CallHistorySerializer(CallSerializer):
    duration_secs = serializers.FloatField(
        read_only=True, allow_null=True, help_text="start to end; null while live"
    )

    class Meta(CallSerializer.Meta):
        fields = [*CallSerializer.Meta.fields, "duration_secs"]
        read_only_fields = fields


class ConferenceHistorySerializer(ConferenceSerializer):
    # Plain text in the schema: a second component carrying the conference status enum makes
    # drf-spectacular's enum naming collide with the participant status (a deploy check warning).
    status = serializers.CharField(read_only=True, help_text="init, in_progress or completed")
    participants_total = serializers.IntegerField(read_only=True, help_text="everyone who ever joined")
    duration_secs = serializers.FloatField(
        read_only=True, allow_null=True, help_text="start to end; null while live"
    )

    class Meta(ConferenceSerializer.Meta):
        fields = [*ConferenceSerializer.Meta.fields, "participants_total", "duration_secs"]
        read_only_fields = fields


class EventHistorySerializer(EventSerializer):
    class Meta(EventSerializer.Meta):
        fields = [*EventSerializer.Meta.fields, "last_delivery_at"]
        read_only_fields = fields


class _HistoryList(generics.ListAPIView):
    resource = ""
    pagination_class = HistoryPagination

    def get_queryset(self) -> QuerySet:
        return RESOURCES[self.resource].export_rows()


class CallHistory(_HistoryList):
    """Calls, live and ended, newest first; `sort` takes a column name, `-` for descending."""

    resource = "calls"
    serializer_class = CallHistorySerializer
    filterset_class = RESOURCES["calls"].filterset


class ConferenceHistory(_HistoryList):
    """Conferences, live and ended, newest first."""

    resource = "conferences"
    serializer_class = ConferenceHistorySerializer
    filterset_class = RESOURCES["conferences"].filterset


class EventHistory(_HistoryList):
    """The webhook event log, last received first."""

    resource = "events"
    serializer_class = EventHistorySerializer
    filterset_class = RESOURCES["events"].filterset


class ActionHistory(_HistoryList):
    """The operator audit trail, newest first."""

    resource = "actions"
    serializer_class = OperatorActionSerializer
    filterset_class = RESOURCES["actions"].filterset


class _AnyAccept(BaseContentNegotiation):
    """An export answers CSV or JSON by its URL, whatever the client's Accept header asks."""

    def select_renderer(self, request: Request, renderers: list, format_suffix: str | None = None) -> tuple:
        return renderers[0], renderers[0].media_type

    def select_parser(self, request: Request, parsers: list) -> None:
        return None


class HistoryExport(APIView):
    """The whole result of a search (same filters as the list) as CSV or JSON, streamed. Audited."""

    content_negotiation_class = _AnyAccept

    @extend_schema(
        parameters=[
            OpenApiParameter("resource", str, OpenApiParameter.PATH, enum=list(RESOURCES)),
            OpenApiParameter(
                "fmt", str, OpenApiParameter.PATH, enum=list(FORMATS), description="csv or json"
            ),
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV, a header row first"),
            (200, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT, description="a JSON array"),
        },
    )
    def get(self, request: Request, resource: str, fmt: str) -> HttpResponseBase:
        spec = RESOURCES[resource]
        filterset = spec.filterset(request.query_params, queryset=spec.export_rows())
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        services.record_export(
            user=request.user, channel="api", resource=resource, fmt=fmt, query=request.query_params
        )
        return export_response(request._request, filterset.qs, resource, fmt)
