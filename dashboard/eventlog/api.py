"""Read API for the event log, and the API root."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from dashboard.models import Event


class EventSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="event_id", read_only=True)

    class Meta:
        model = Event
        fields = [
            "id",
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
        return Event.objects.order_by("-received_at", "-id")


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
