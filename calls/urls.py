from django.urls import path

from calls import views

app_name = "calls"
urlpatterns = [
    path("", views.live_calls, name="live"),
    path("dial/", views.call_dial, name="dial"),
    path("<tid:call_control_id>/", views.call_detail, name="detail"),
    path("<tid:call_control_id>/actions/<str:action>/", views.call_action, name="action"),
]
