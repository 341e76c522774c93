from django.urls import path

from . import views

app_name = "conferences"
urlpatterns = [
    path("", views.live_conferences, name="live"),
    path("<str:conference_id>/", views.conference_detail, name="detail"),
]
