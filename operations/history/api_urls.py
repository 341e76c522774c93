from django.urls import path

from operations.history import api
from operations.history.export import FORMATS
from operations.history.resources import RESOURCES

urlpatterns = [
    path("calls/", api.CallHistory.as_view(), name="api-history-calls"),
    path("conferences/", api.ConferenceHistory.as_view(), name="api-history-conferences"),
    path("events/", api.EventHistory.as_view(), name="api-history-events"),
    path("actions/", api.ActionHistory.as_view(), name="api-history-actions"),
    *(
        path(
            f"{resource}/export.{fmt}",
            api.export_view(resource, fmt),
            name=f"api-history-{resource}-export-{fmt}",
        )
        for resource in RESOURCES
        for fmt in FORMATS
    ),
]
