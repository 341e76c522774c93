from django.urls import re_path

from dashboard.realtime.consumers import LiveConsumer

websocket_urlpatterns = [
    re_path(r"^ws/live/(?P<target>[a-z]+)/$", LiveConsumer.as_asgi()),
    re_path(r"^ws/live/(?P<target>[a-z]+)/(?P<key>.+)/$", LiveConsumer.as_asgi()),
]
