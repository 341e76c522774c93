from django.urls import include, path, re_path

from calls import api as calls_api
from calls.supervision import api as supervision_api
from conferences import api as conferences_api
from conferences import supervision_views as conference_supervision
from dashboard.actions.spec import actions_for
from dashboard.eventlog import api
from dashboard.web.api_errors import api_not_found

# One documented operation per action, before the catch-all URLs that answer 404 for other names.
call_actions = [
    path(f"calls/<tid:call_control_id>/actions/{spec.name}/", calls_api.call_action_view(spec))
    for spec in actions_for("call")
    if spec.name != "dial"
]
conference_actions = [
    path(
        f"conferences/<tid:conference_id>/actions/{spec.name}/", conferences_api.conference_action_view(spec)
    )
    for spec in actions_for("conference")
]
participant_actions = [
    path(
        f"conferences/<tid:conference_id>/participants/<tid:participant_id>/actions/{spec.name}/",
        conferences_api.participant_action_view(spec),
    )
    for spec in actions_for("participant")
]

urlpatterns = [
    path("", api.api_root, name="api-root"),
    path("calls/", calls_api.CallList.as_view(), name="api-calls"),
    path("calls/dial/", calls_api.CallDial.as_view(), name="api-call-dial"),
    path("calls/<tid:call_control_id>/", calls_api.CallDetail.as_view(), name="api-call"),
    path("calls/<tid:call_control_id>/supervise/", supervision_api.SuperviseCall.as_view(), name="api-call-supervise"),
    path(
        "conferences/<tid:conference_id>/supervise/",
        conference_supervision.SuperviseConference.as_view(),
        name="api-conference-supervise",
    ),
    path("supervisions/", supervision_api.SupervisionList.as_view(), name="api-supervisions"),
    path("supervisions/<int:supervision_id>/role/", supervision_api.SupervisionRole.as_view(), name="api-supervision-role"),
    path("supervisions/<int:supervision_id>/leave/", supervision_api.SupervisionLeave.as_view(), name="api-supervision-leave"),
    *call_actions,
    path(
        "calls/<tid:call_control_id>/actions/<str:action>/",
        calls_api.CallAction.as_view(),
        name="api-call-action",
    ),
    path("conferences/", conferences_api.ConferenceList.as_view(), name="api-conferences"),
    path(
        "conferences/<tid:conference_id>/", conferences_api.ConferenceDetail.as_view(), name="api-conference"
    ),
    path(
        "conferences/<tid:conference_id>/participants/",
        conferences_api.ParticipantList.as_view(),
        name="api-participants",
    ),
    *conference_actions,
    path(
        "conferences/<tid:conference_id>/actions/<str:action>/",
        conferences_api.ConferenceAction.as_view(),
        name="api-conference-action",
    ),
    *participant_actions,
    path(
        "conferences/<tid:conference_id>/participants/<tid:participant_id>/actions/<str:action>/",
        conferences_api.ParticipantAction.as_view(),
        name="api-participant-action",
    ),
    path("events/", api.EventList.as_view(), name="api-events"),
    path("history/", include("operations.history.api_urls")),
    # Last: any other path under /api/ is a 404 in the API's error shape, never an HTML page.
    re_path(r"^.*$", api_not_found),
]
