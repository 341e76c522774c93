"""A page that only shows something answers 405 to POST, PUT, PATCH and DELETE (with an Allow
header), instead of rendering as if it had been asked to GET. Every URL of the URLconf that a
supervisor can GET is checked, so a new read-only page is covered without being listed here."""

import uuid

import pytest
from django.urls import NoReverseMatch, reverse

from dashboard.models import Event, OperatorAction
from tests.security.test_authentication_required import every_url
from tests.support.webhooks import envelope, fixture, post_webhook

pytestmark = pytest.mark.django_db

# Pages that are also forms: they take a POST (and nothing else that writes).
FORMS = {"profile"}
# Not pages: the way in and out, Telnyx's endpoints (405 already), the API (DRF) and the admin.
ELSEWHERE = ("/accounts/", "/webhooks/", "/api/", "/admin/")
WRITES = ["post", "put", "patch", "delete"]


@pytest.fixture
def pages(supervisor_client) -> dict[str, str]:
    """Every GET page by URL name, its parameters filled with objects that exist."""
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


def test_the_read_only_pages_are_all_found(pages):
    assert {
        "calls:live",
        "calls:detail",
        "conferences:live",
        "conferences:detail",
        "overview",
        "history:delivery",
        "history:event",
        "history:action",
        "history:calls",
        "queues:board",
    } <= set(pages)


def test_every_read_only_page_refuses_writes_with_405(supervisor_client, pages):
    wrong = []
    for name, url in pages.items():
        for method in WRITES:
            if name in FORMS and method == "post":
                continue
            answer = getattr(supervisor_client, method)(url)
            if answer.status_code != 405 or "GET" not in answer.get("Allow", ""):
                wrong.append((method.upper(), url, answer.status_code))
    assert not wrong
