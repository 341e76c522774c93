from django.urls import path

from . import views

app_name = "calls"
urlpatterns = [
    path("", views.live_calls, name="live"),
    path("<str:call_control_id>/", views.call_detail, name="detail"),
]
