"""Websocket URLs: one per registered live page (its list, and one object's detail)."""

import re

from django.urls import re_path

from dashboard.realtime.consumers import PERSONAL_TARGET, LiveConsumer
from dashboard.realtime.registry import live_targets

# Built once the apps have registered their pages (this module loads after Django's set-up).
_TARGETS = "|".join(re.escape(target) for target in live_targets())

websocket_urlpatterns = [
    re_path(rf"^ws/live/(?P<target>{_TARGETS})/$", LiveConsumer.as_asgi()),
    re_path(rf"^ws/live/(?P<target>{_TARGETS})/(?P<key>.+)/$", LiveConsumer.as_asgi()),
    # Pages without rows: the user's and the floor's frames only (users.py).
    re_path(rf"^ws/live/(?P<target>{PERSONAL_TARGET})/$", LiveConsumer.as_asgi()),
]
