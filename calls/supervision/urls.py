from django.urls import path

from calls.supervision import views

app_name = "supervision"
urlpatterns = [
    path("bar/", views.bar, name="bar"),
    path("marks/", views.marks, name="marks"),
    path("calls/<tid:call_control_id>/", views.supervise, name="supervise"),
    path("<int:pk>/role/", views.switch_role, name="role"),
    path("<int:pk>/leave/", views.leave, name="leave"),
    path("<int:pk>/close/", views.close, name="close"),
]
