"""Each person's preferences (dashboard.models.UserProfile), applied to every request they make.

`UserPreferencesMiddleware` reads the logged-in person's profile once per request, activates their
time zone (every time a page shows, and every time typed into a history filter, is in it) and
leaves the profile on `request.preferences` for the pages (the theme; the zone named once per page;
the alert opt-ins). The supervisor phone is not kept: it is read when a supervision starts, as an
admin may have changed it.
It also notes when the request began (`request.started_at`): a live page tells its websocket, which
then knows whether anything changed since the page read the database (dashboard/realtime/consumers.py).
Requests with no session (webhooks, API tokens, static files) skip it: no thread hop, no query.
"""

import time

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone

from dashboard.models import UserProfile

SESSION_KEY = "switchboard_preferences"


def remember(request: HttpRequest, profile: UserProfile) -> None:
    """Keep the profile's values in the session: later requests read them without a query."""
    request.session[SESSION_KEY] = {
        "user": profile.user_id,
        "time_zone": profile.time_zone,
        "theme": profile.theme,
        "alert_sound": profile.alert_sound,
        "alert_desktop": profile.alert_desktop,
    }


def preferences_for(request: HttpRequest) -> UserProfile:
    """The person's profile (unsaved, with the defaults, for anonymous visitors and until first saved).

    Read from the session (loaded anyway to know the user); from the database once per session.
    """
    user = request.user  # loads and caches the user (and the session) for the view as well
    if not user.is_authenticated:
        return UserProfile()
    kept = request.session.get(SESSION_KEY)
    if isinstance(kept, dict) and kept.get("user") == user.pk:
        return UserProfile(
            user_id=user.pk,
            time_zone=kept.get("time_zone", ""),
            theme=kept.get("theme", "system"),
            alert_sound=kept.get("alert_sound") is True,
            alert_desktop=kept.get("alert_desktop") is True,
        )
    profile = UserProfile.objects.filter(user_id=user.pk).first() or UserProfile(user_id=user.pk)
    remember(request, profile)
    return profile


def _has_session(request: HttpRequest) -> bool:
    return settings.SESSION_COOKIE_NAME in request.COOKIES


class UserPreferencesMiddleware:
    """After AuthenticationMiddleware: the person's time zone is the current one while their request runs."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response) -> None:  # noqa: ANN001
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if self.is_async:
            return self.__acall__(request)
        request.started_at = time.time()
        request.preferences = preferences_for(request) if _has_session(request) else UserProfile()
        with timezone.override(request.preferences.zone_name):
            return self.get_response(request)

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        request.started_at = time.time()
        if _has_session(request):
            # One hop to the thread the view runs in; the user it loads stays cached on the request.
            request.preferences = await sync_to_async(preferences_for)(request)
        else:
            request.preferences = UserProfile()
        with timezone.override(request.preferences.zone_name):
            return await self.get_response(request)
