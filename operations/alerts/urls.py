from django.urls import path

from operations.alerts import views

app_name = "alerts"
urlpatterns = [
    path("state/", views.alerts_state, name="state"),
    path("<int:pk>/ack/", views.acknowledge_alert, name="ack"),
]
