from django.urls import path

from conferences import views

app_name = "conferences"
urlpatterns = [
    path("", views.live_conferences, name="live"),
    path("<tid:conference_id>/", views.conference_detail, name="detail"),
    path("<tid:conference_id>/actions/<str:action>/", views.conference_action, name="action"),
    path(
        "<tid:conference_id>/participants/<tid:participant_id>/actions/<str:action>/",
        views.participant_action,
        name="participant-action",
    ),
]
