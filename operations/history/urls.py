from django.urls import path, re_path
from django.views.generic import RedirectView

from operations.history import views

app_name = "history"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="history:calls", permanent=False), name="index"),
    path("calls/", views.search, {"resource": "calls"}, name="calls"),
    path("conferences/", views.search, {"resource": "conferences"}, name="conferences"),
    path("events/", views.search, {"resource": "events"}, name="events"),
    path("events/<int:pk>/", views.event_detail, name="event"),
    path("actions/", views.search, {"resource": "actions"}, name="actions"),
    path("actions/<int:pk>/", views.action_detail, name="action"),
    re_path(
        r"^(?P<resource>calls|conferences|events|actions)/export\.(?P<fmt>csv|json)$",
        views.export,
        name="export",
    ),
    path("delivery/", views.delivery_page, name="delivery"),
]
