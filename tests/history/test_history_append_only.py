"""History is append-only: the admin shows it read-only, and the models refuse edits and deletes."""

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken

from dashboard.eventlog.append_only import HistoryIsAppendOnly
from dashboard.models import Event, OperatorAction, RejectedWebhook
from tests.support.webhooks import fixture, post_webhook

from .builders import call_documents, deliver

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.fixture
def history(supervisor_client):
    deliver(
        supervisor_client,
        *call_documents(1),
        fixture("conference.created"),
        fixture("conference.participant.joined"),
    )
    RejectedWebhook.objects.create(endpoint="telnyx", reason="bad signature", status=401)
    OperatorAction.objects.create(
        created_at=timezone.now(), username="sam", action="mute", target_type="participant", outcome="ok"
    )


ADMIN_MODELS = [
    "dashboard/event",
    "dashboard/operatoraction",
    "dashboard/rejectedwebhook",
    "calls/call",
    "conferences/conference",
    "conferences/participant",
    "knox/authtoken",
    "auth/user",
    "auth/group",
]


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_the_admin_shows_every_model(admin_client, history, model):
    changelist = admin_client.get(f"/admin/{model}/")
    assert changelist.status_code == 200


@pytest.mark.parametrize("model", ADMIN_MODELS[:6])
def test_the_admin_refuses_to_add_change_or_delete_history(admin_client, history, model):
    app_label, model_name = model.split("/")
    from django.apps import apps

    row = apps.get_model(app_label, model_name).objects.first()
    detail = admin_client.get(f"/admin/{model}/{row.pk}/change/")
    assert (
        detail.status_code == 200
        and 'type="submit"' not in detail.content.decode().split('id="content-main"')[1]
    )
    assert admin_client.post(f"/admin/{model}/{row.pk}/change/", {}).status_code == 403
    assert admin_client.post(f"/admin/{model}/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin_client.get(f"/admin/{model}/add/").status_code == 403
    changelist = admin_client.get(f"/admin/{model}/").content.decode()
    assert "delete_selected" not in changelist


def test_the_admin_shows_a_payload_pretty_and_escaped(admin_client, supervisor_client):
    deliver(supervisor_client, *call_documents(1, caller_id_name="<b>bold</b>"))
    event = Event.objects.get(event_type="call.initiated")
    page = admin_client.get(f"/admin/dashboard/event/{event.pk}/change/").content.decode()
    assert (
        "&quot;caller_id_name&quot;: &quot;&lt;b&gt;bold&lt;/b&gt;&quot;" in page
        and "<b>bold</b>" not in page
    )


def test_an_admin_manages_api_tokens(admin_client, viewer):
    response = admin_client.post("/admin/knox/authtoken/add/", {"user": viewer.pk})
    assert response.status_code == 302
    assert AuthToken.objects.filter(user=viewer).exists()


@pytest.mark.parametrize("model", [Event, OperatorAction, RejectedWebhook])
def test_no_code_can_edit_or_delete_a_history_row(history, model):
    row = model.objects.first()
    with pytest.raises(HistoryIsAppendOnly):
        row.save()
    # A refused delete spoils the transaction it ran in (as any error in a delete would): a savepoint.
    with pytest.raises(HistoryIsAppendOnly), transaction.atomic():
        row.delete()
    impostor = model.objects.first()
    impostor._state.adding = True
    with pytest.raises(HistoryIsAppendOnly):
        impostor.save()  # a "new" object carrying an existing primary key would overwrite it
    assert model.objects.count() >= 1


def test_the_system_still_counts_duplicates_and_records_a_dialled_call(supervisor_client, history):
    assert post_webhook(supervisor_client, call_documents(1)[0]).status_code == 200
    assert Event.objects.get(event_type="call.initiated").duplicates == 1
    record = OperatorAction.objects.get()
    OperatorAction.objects.filter(pk=record.pk).update(call_control_id="v3:dialled")
    assert OperatorAction.objects.get().call_control_id == "v3:dialled"


def test_deleting_a_user_keeps_their_audit_trail(history):
    user = get_user_model().objects.create_user("leaver")
    OperatorAction.objects.create(
        created_at=timezone.now(),
        user=user,
        username="leaver",
        action="hangup",
        target_type="call",
        outcome="ok",
    )
    user.delete()
    assert OperatorAction.objects.get(username="leaver").user is None
