from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from conferences import supervision_views as conference_supervision
from dashboard.accounts.forms import LoginForm
from dashboard.accounts.profile import profile_page
from dashboard.webhooks.views import telnyx_webhook, texml_callback
from operations.views import overview_page
from switchboard.api_docs import redoc_view, schema_view, swagger_view

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="calls:live", permanent=False)),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(form_class=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", profile_page, name="profile"),
    path("webhooks/telnyx/", telnyx_webhook, name="webhook"),
    path("webhooks/telnyx/texml/", texml_callback, name="texml-webhook"),
    path("overview/", overview_page, name="overview"),
    path("calls/", include("calls.urls")),
    path("queues/", include("calls.queues.urls")),
    path("alerts/", include("operations.alerts.urls")),
    path("supervision/", include("calls.supervision.urls")),
    path("supervision/conferences/<tid:conference_id>/", conference_supervision.supervise, name="supervise-conference"),
    path("conferences/", include("conferences.urls")),
    path("history/", include("operations.history.urls")),
    path("api/schema/", schema_view, name="api-schema"),
    path("api/docs/", swagger_view, name="api-docs"),
    path("api/redoc/", redoc_view, name="api-redoc"),
    path("api/", include("switchboard.api_urls")),
    path("admin/", admin.site.urls),
]

# Under /api/ a server error answers in the API's error shape too.
handler500 = "dashboard.web.api_errors.server_error"
