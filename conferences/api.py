"""Read API for conferences and participants, fields named as Telnyx names them."""

from collections.abc import Callable
from functools import partial

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from conferences import selectors, services
from conferences.models import Conference, Participant
from conferences.views import participant_actions_for
from dashboard.actions.api import ACTION_RESPONSES, IDEMPOTENCY_KEY, run_action_for_api
from dashboard.actions.schema import request_serializer
from dashboard.actions.spec import ActionSpec, action_spec
from dashboard.eventlog.api import ApiModelSerializer


class ConferenceSerializer(ApiModelSerializer):
    id = serializers.CharField(source="conference_id", read_only=True)
    participant_count = serializers.IntegerField(source="live_participants", read_only=True)

    class Meta:
        model = Conference
        fields = [
            "id",
            "name",
            "kind",
            "account_sid",
            "connection_id",
            "status",
            "created_at",
            "ended_at",
            "end_reason",
            "floor_call_control_id",
            "participant_count",
            "details",
            "version",
        ]
        read_only_fields = fields


class ParticipantSerializer(ApiModelSerializer):
    conference = serializers.SerializerMethodField()

    class Meta:
        model = Participant
        fields = [
            "call_control_id",
            "call_leg_id",
            "call_session_id",
            "label",
            "conference",
            "status",
            "muted",
            "on_hold",
            "supervisor_role",
            "whisper_call_control_ids",
            "end_conference_on_exit",
            "soft_end_conference_on_exit",
            "beep_enabled",
            "coaching",
            "joined_at",
            "left_at",
            "details",
            "version",
        ]
        read_only_fields = fields

    def get_conference(self, participant: Participant) -> dict:
        return {"id": participant.conference.conference_id, "name": participant.conference.name}


class ConferenceList(generics.ListAPIView):
    serializer_class = ConferenceSerializer
    filterset_fields = ["status", "kind", "name"]

    def get_queryset(self):  # noqa: ANN201
        return selectors.conference_list()


class ConferenceDetail(generics.RetrieveAPIView):
    serializer_class = ConferenceSerializer
    lookup_field = "conference_id"
    lookup_url_kwarg = "conference_id"

    def get_queryset(self):  # noqa: ANN201
        return selectors.conference_list()


class ParticipantList(generics.ListAPIView):
    serializer_class = ParticipantSerializer
    filterset_fields = ["status", "muted", "on_hold"]

    def get_queryset(self):  # noqa: ANN201
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no conference to look up
            return Participant.objects.none()
        conference = get_object_or_404(Conference, conference_id=self.kwargs["conference_id"])
        return selectors.conference_participants(conference=conference)


class ConferenceAction(APIView):
    """Any conference action by name: the one URL that answers 404 for undocumented names."""

    @extend_schema(exclude=True)
    def post(self, request: Request, conference_id: str, action: str) -> Response:
        spec = action_spec("conference", action)
        if spec is None:
            raise Http404("No such conference action")
        conference = selectors.conference_get(conference_id=conference_id)
        return run_action_for_api(
            partial(services.conference_run_command, user=request.user, conference=conference, action=action),
            request,
            spec,
        )


class ParticipantAction(APIView):
    """Any participant action by name: the one URL that answers 404 for undocumented names."""

    @extend_schema(exclude=True)
    def post(self, request: Request, conference_id: str, participant_id: str, action: str) -> Response:
        conference = selectors.conference_get(conference_id=conference_id)
        if action not in participant_actions_for(conference):
            raise Http404("No such participant action")
        participant = selectors.participant_get(conference=conference, participant_id=participant_id)
        return run_action_for_api(
            partial(
                services.participant_run_command, user=request.user, participant=participant, action=action
            ),
            request,
            action_spec("participant", action),
        )


# Operation names a generated client offers, where the action's own name says less than its label.
_OPERATION_NAMES = {
    ("participant", "update"): "participant_set_supervisor_role",
    ("participant", "participant_update"): "participant_update_settings",
    ("participant", "texml_update"): "participant_update_texml",
}


def _documented(spec: ActionSpec) -> dict:
    return {
        "operation_id": _OPERATION_NAMES.get((spec.target, spec.name), f"{spec.target}_{spec.name}"),
        "parameters": [IDEMPOTENCY_KEY],
        "summary": spec.label,
        "description": f"{spec.description} Returns the audit record.",
        "request": request_serializer(spec),
        "responses": ACTION_RESPONSES,
        "tags": [f"{spec.target} actions"],
    }


def conference_action_view(spec: ActionSpec) -> Callable:
    """One documented operation per conference action (`conference_mute`, ...)."""

    class OneConferenceAction(ConferenceAction):
        @extend_schema(**_documented(spec))
        def post(self, request: Request, conference_id: str) -> Response:
            return super().post(request, conference_id, spec.name)

    OneConferenceAction.__name__ = f"Conference{spec.name.title().replace('_', '')}"
    return OneConferenceAction.as_view()


def participant_action_view(spec: ActionSpec) -> Callable:
    """One documented operation per participant action (`participant_mute`, ...)."""

    class OneParticipantAction(ParticipantAction):
        @extend_schema(**_documented(spec))
        def post(self, request: Request, conference_id: str, participant_id: str) -> Response:
            return super().post(request, conference_id, participant_id, spec.name)

    OneParticipantAction.__name__ = f"Participant{spec.name.title().replace('_', '')}"
    return OneParticipantAction.as_view()
