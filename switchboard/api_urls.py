from django.urls import include, path

from calls import api as calls_api
from conferences import api as conferences_api
from dashboard.eventlog import api

urlpatterns = [
    path("", api.api_root, name="api-root"),
    path("calls/", calls_api.CallList.as_view(), name="api-calls"),
    path("calls/dial/", calls_api.CallDial.as_view(), name="api-call-dial"),
    path("calls/<tid:call_control_id>/", calls_api.CallDetail.as_view(), name="api-call"),
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
    path(
        "conferences/<tid:conference_id>/actions/<str:action>/",
        conferences_api.ConferenceAction.as_view(),
        name="api-conference-action",
    ),
    path(
        "conferences/<tid:conference_id>/participants/<tid:participant_id>/actions/<str:action>/",
        conferences_api.ParticipantAction.as_view(),
        name="api-participant-action",
    ),
    path("events/", api.EventList.as_view(), name="api-events"),
    path("history/", include("operations.history.api_urls")),
]
