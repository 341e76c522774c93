"""History searches through the API: the pages' FilterSets, Telnyx's field names, capped counts."""

from collections.abc import Callable

from django.db.models import QuerySet
from django.http import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.request import Request

from calls.api import CallSerializer
from conferences.api import ConferenceSerializer
from dashboard.actions.api import OperatorActionSerializer
from dashboard.eventlog.api import EventSerializer
from dashboard.web.pagination import HistoryPagination
from operations.history import services
from operations.history.export import COLUMNS, export_response
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


def _export_body(resource: str, fmt: str) -> dict:
    names = [name for name, _ in COLUMNS[resource]]
    if fmt == "csv":
        return {
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR,
                description=f"CSV: a header row ({', '.join(names)}), then one row per match",
            )
        }
    row = {"type": "object", "properties": {name: {} for name in names}, "required": names}
    return {
        (200, "application/json"): OpenApiResponse(
            {"type": "array", "items": row}, description="One JSON array of every match (not JSON Lines)"
        )
    }


class HistoryExport(generics.GenericAPIView):
    """The whole result of a search (the list's filters) as CSV or JSON, streamed to the last row. Audited."""

    content_negotiation_class = _AnyAccept
    pagination_class = None
    is_export = True  # throttled as an export (dashboard/web/api_throttles.py)
    resource = ""
    fmt = ""

    def get_queryset(self) -> QuerySet:
        return RESOURCES[self.resource].export_rows()

    def get(self, request: Request) -> HttpResponseBase:
        rows = self.filter_queryset(self.get_queryset())
        services.record_export(
            user=request.user, channel="api", resource=self.resource, fmt=self.fmt, query=request.query_params
        )
        return export_response(request._request, rows, self.resource, self.fmt)


def export_view(resource: str, fmt: str) -> Callable:
    """One documented operation per resource and format (`history_calls_export_csv`, ...), with its filters."""

    class OneExport(HistoryExport):
        filterset_class = RESOURCES[resource].filterset

        @extend_schema(
            operation_id=f"history_{resource}_export_{fmt}",
            summary=f"Export {resource} as {fmt.upper()}",
            filters=True,
            responses=_export_body(resource, fmt),
            tags=["history"],
        )
        def get(self, request: Request) -> HttpResponseBase:
            return super().get(request)

    OneExport.__name__ = f"{resource.title()}Export{fmt.title()}"
    return OneExport.as_view(resource=resource, fmt=fmt)
