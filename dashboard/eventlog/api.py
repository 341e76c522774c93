"""Read API for the event log, the API root, and the one timestamp format every API answer uses."""

from datetime import UTC, datetime

from django.db import models
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from dashboard.models import Event

UTC_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def utc_iso(moment: datetime) -> str:
    """ISO 8601 in UTC, with microseconds and Z: the API's, CSV's and JSON exports' one format."""
    return moment.astimezone(UTC).strftime(UTC_FORMAT)


class UtcDateTimeField(serializers.DateTimeField):
    """Always UTC (never the reader's zone a page would use), always with microseconds."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("format", UTC_FORMAT)
        kwargs.setdefault("default_timezone", UTC)
        super().__init__(**kwargs)

    def to_representation(self, value: datetime | None) -> str | None:
        return None if value is None else utc_iso(value)


class ApiModelSerializer(serializers.ModelSerializer):
    """The base of every API serializer: model timestamps as UtcDateTimeField."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: UtcDateTimeField,
    }


class EventSerializer(ApiModelSerializer):
    id = serializers.CharField(source="event_id", read_only=True)
    seq = serializers.IntegerField(
        source="pk",
        read_only=True,
        help_text="Position in the log, rising with each stored event: `?after=<seq>`",
    )

    class Meta:
        model = Event
        fields = [
            "id",
            "seq",
            "event_type",
            "source",
            "occurred_at",
            "received_at",
            "attempt",
            "duplicates",
            "call_control_id",
            "call_session_id",
            "call_leg_id",
            "conference_id",
            "payload",
        ]
        read_only_fields = fields


class EventList(generics.ListAPIView):
    serializer_class = EventSerializer
    filterset_fields = ["event_type", "source", "call_control_id", "call_session_id", "conference_id"]

    def get_queryset(self):  # noqa: ANN201
        return Event.objects.all()


@extend_schema(exclude=True)
@api_view(["GET"])
def api_root(request: Request, format: str | None = None) -> Response:  # noqa: A002
    return Response(
        {
            "calls": reverse("api-calls", request=request, format=format),
            "conferences": reverse("api-conferences", request=request, format=format),
            "events": reverse("api-events", request=request, format=format),
        }
    )
