"""Read API for calls, fields named as Telnyx names them."""

from rest_framework import generics, serializers

from . import selectors
from .models import Call


class CallSerializer(serializers.ModelSerializer):
    # `from` is a Python keyword: declared through the field map below.
    to = serializers.CharField(source="to_number", read_only=True)
    end_time = serializers.DateTimeField(source="ended_at", read_only=True)
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
