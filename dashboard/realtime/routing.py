from django.urls import re_path

from dashboard.realtime.consumers import LiveConsumer

websocket_urlpatterns = [
    re_path(r"^ws/live/(?P<target>calls|conferences)/$", LiveConsumer.as_asgi()),
    re_path(r"^ws/live/(?P<target>calls|conferences)/(?P<key>.+)/$", LiveConsumer.as_asgi()),
]
