from django.urls import path

from calls.queues import views

app_name = "queues"
urlpatterns = [
    path("", views.queues_page, name="board"),
]
