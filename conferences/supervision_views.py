"""Listen / Whisper / Barge on a conference, or on one participant of it (web and API)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from calls.forms import SUPERVISOR_ROLES
from calls.supervision.api import RESPONSES, SupervisionSerializer, attempt, requested_role, submission_key
from calls.supervision.models import SupervisorRole
from calls.supervision.views import respond, respond_invalid
from conferences.models import Participant
from conferences.selectors import conference_get
from conferences.supervision import supervise_conference
from dashboard.actions.runner import ActionDenied, ActionInvalid
from dashboard.models import ActionOutcome


def _participant(conference, call_control_id: str) -> Participant | None:  # noqa: ANN001
    """The participant named (None: the whole conference); 404 for one not in it now."""
    if not call_control_id:
        return None
    participant = conference.participants.filter(call_control_id=call_control_id).exclude(status="left").first()
    if participant is None:
        raise Http404("No such participant in this conference")
    return participant


@login_required
@require_POST
def supervise(request: HttpRequest, conference_id: str) -> HttpResponse:
    conference = conference_get(conference_id=conference_id)
    back = reverse("conferences:detail", args=[conference.conference_id])
    participant = _participant(conference, request.POST.get("participant", ""))
    try:
        supervision, record = supervise_conference(
            user=request.user,
            conference=conference,
            role=request.POST.get("role") or SupervisorRole.MONITOR,
            participant=participant,
            submission_id=request.POST.get("submission_id", "")[:64],
        )
    except ActionDenied:
        raise PermissionDenied("You may not supervise calls.") from None
    except ActionInvalid as exc:
        return respond_invalid(request, exc, back)
    if record.outcome != ActionOutcome.OK:
        message = f"Could not supervise {supervision.target_name}: {supervision.outcome}"
        return respond(request, ok=False, message=message, back=back, status=422)
    message = f"Ringing your phone ({supervision.supervisor_phone}); once you answer you join {supervision.target_name}."
    if record.action != "supervise":  # already in this conference: the role was switched
        message = f"{supervision.role_phrase} {supervision.target_name}."
    return respond(request, ok=True, message=message, back=back)


class ConferenceRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=SUPERVISOR_ROLES)
    participant = serializers.CharField(required=False, help_text="a participant's call_control_id: whisper to them alone")


class SuperviseConference(APIView):
    @extend_schema(
        operation_id="conference_supervise",
        summary="Supervise a conference from your phone",
        description=(
            "Dials your supervisor phone; once you answer, Telnyx's join brings you into the conference with "
            "`supervisor_role` = `role` (whisper: heard by `participant` alone)."
        ),
        request=ConferenceRoleSerializer,
        responses={201: SupervisionSerializer, **RESPONSES},
        tags=["supervision"],
    )
    def post(self, request: Request, conference_id: str) -> Response:
        conference = conference_get(conference_id=conference_id)
        data = request.data if isinstance(request.data, dict) else {}
        participant = _participant(conference, str(data.get("participant") or ""))
        return attempt(
            lambda: supervise_conference(
                user=request.user,
                conference=conference,
                role=requested_role(request, also=frozenset({"participant"})),
                participant=participant,
                channel="api",
                submission_id=submission_key(request),
            ),
            ok_status=status.HTTP_201_CREATED,
        )
