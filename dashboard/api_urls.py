from django.urls import path

from calls import api as calls_api
from conferences import api as conferences_api

from . import api

urlpatterns = [
    path("", api.api_root, name="api-root"),
    path("calls/", calls_api.CallList.as_view(), name="api-calls"),
    path("calls/<str:call_control_id>/", calls_api.CallDetail.as_view(), name="api-call"),
    path("conferences/", conferences_api.ConferenceList.as_view(), name="api-conferences"),
    path(
        "conferences/<str:conference_id>/", conferences_api.ConferenceDetail.as_view(), name="api-conference"
    ),
    path(
        "conferences/<str:conference_id>/participants/",
        conferences_api.ParticipantList.as_view(),
        name="api-participants",
    ),
    path("events/", api.EventList.as_view(), name="api-events"),
]
