import uuid

import pytest
from django.urls import NoReverseMatch, reverse

from dashboard.models import Event, OperatorAction
from tests.support.webhooks import envelope, fixture, post_webhook

# Not pages: the way in and out, Telnyx's endpoints, the API (DRF) and the admin.
ELSEWHERE = ("/accounts/", "/webhooks/", "/api/", "/admin/")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The suite's users are made with create_user: the production hasher costs a second each here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def pages(supervisor_client) -> dict[str, str]:
    """Every GET page by URL name, its parameters filled with objects that exist."""
    from tests.security.test_authentication_required import every_url  # walks the URLconf: not at import

    call = f"v3:ro-{uuid.uuid4().hex}"
    payload = {**fixture("conference.created")["data"]["payload"], "call_control_id": call}
    for event_type in ("call.initiated", "conference.created"):
        document = envelope(
            event_type, payload, event_id=str(uuid.uuid4()), occurred_at="2026-11-21T10:00:00Z"
        )
        assert post_webhook(supervisor_client, document).status_code == 200
    supervisor_client.post("/api/calls/dial/", {"to": "nowhere"}, content_type="application/json")
    parameters = {
        "calls:detail": {"call_control_id": call},
        "conferences:detail": {"conference_id": payload["conference_id"]},
        "history:event": {"pk": Event.objects.first().pk},
        "history:action": {"pk": OperatorAction.objects.first().pk},
    }
    found = {}
    for name, path, _ in every_url():
        if path.startswith(ELSEWHERE) or name.startswith("/"):
            continue
        try:
            url = reverse(name, kwargs=parameters.get(name, {}))
        except NoReverseMatch:
            continue  # takes an id: the ones above; the rest are actions, POST only
        if supervisor_client.get(url).status_code == 200:
            found[name] = url
    return found
