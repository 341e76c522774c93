from django.urls import path, re_path

from operations.history import api

urlpatterns = [
    path("calls/", api.CallHistory.as_view(), name="api-history-calls"),
    path("conferences/", api.ConferenceHistory.as_view(), name="api-history-conferences"),
    path("events/", api.EventHistory.as_view(), name="api-history-events"),
    path("actions/", api.ActionHistory.as_view(), name="api-history-actions"),
    re_path(
        r"^(?P<resource>calls|conferences|events|actions)/export\.(?P<fmt>csv|json)$",
        api.HistoryExport.as_view(),
        name="api-history-export",
    ),
]
