from django.urls import path

from . import views

app_name = "conferences"
urlpatterns = [
    path("", views.live_conferences, name="live"),
    path("<str:conference_id>/", views.conference_detail, name="detail"),
    path("<str:conference_id>/actions/<str:action>/", views.conference_action, name="action"),
    path(
        "<str:conference_id>/participants/<str:participant_id>/actions/<str:action>/",
        views.participant_action,
        name="participant-action",
    ),
]
