"""The profile's supervisor phone (dialled by Listen/Whisper/Barge) and the alert opt-ins."""

import pytest
from django.test import Client

from dashboard.models import UserProfile

pytestmark = pytest.mark.django_db


def save_profile(client: Client, **fields: str):
    return client.post("/profile/", {"time_zone": "", "theme": "system", **fields})


def test_alert_opt_ins_are_off_until_the_person_ticks_them(supervisor_client, supervisor):
    page = supervisor_client.get("/profile/").content.decode()
    assert "Sound and desktop notifications stay off until you tick them here." in page
    assert 'name="alert_sound"' in page and 'name="alert_desktop"' in page
    assert "checked" not in page.split('id="alert-opt-ins"')[1].split("</fieldset>")[0]
    assert "Not set yet: supervising a call needs it." in page

    save_profile(supervisor_client, supervisor_phone="+13125550100", alert_sound="on")
    profile = UserProfile.objects.get(user=supervisor)
    assert (profile.supervisor_phone, profile.alert_sound, profile.alert_desktop) == ("+13125550100", True, False)
    page = supervisor_client.get("/profile/").content.decode()
    assert 'value="+13125550100"' in page and "Not set yet" not in page
    assert supervisor_client.get("/").wsgi_request.preferences.alert_sound is True


@pytest.mark.parametrize("phone", ["sip:ana@pbx.example.com", " +442071838750 "])
def test_a_number_or_a_sip_uri_is_kept(supervisor_client, supervisor, phone):
    assert save_profile(supervisor_client, supervisor_phone=phone).status_code == 302
    assert UserProfile.objects.get(user=supervisor).supervisor_phone == phone.strip()


@pytest.mark.parametrize("phone", ["3125550100", "+1 312 555 0100", "tel:+13125550100", "sip:", "+1234567890123456"])
def test_a_phone_that_telnyx_could_not_dial_is_refused(supervisor_client, supervisor, phone):
    response = save_profile(supervisor_client, supervisor_phone=phone)
    assert response.status_code == 400
    assert "Enter an E.164 number" in response.content.decode()
    assert not UserProfile.objects.filter(user=supervisor).exists()


def test_an_admin_sets_someone_elses_supervisor_phone_in_the_admin(client, admin_user, supervisor):
    client.force_login(admin_user)
    response = client.post(
        "/admin/dashboard/userprofile/add/",
        {"user": supervisor.pk, "time_zone": "", "theme": "system", "supervisor_phone": "+13125550111"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert UserProfile.objects.get(user=supervisor).supervisor_phone == "+13125550111"
    refused = client.post(
        f"/admin/dashboard/userprofile/{UserProfile.objects.get(user=supervisor).pk}/change/",
        {"user": supervisor.pk, "time_zone": "", "theme": "system", "supervisor_phone": "call me"},
    )
    assert refused.status_code == 200 and "Enter an E.164 number" in refused.content.decode()


def test_the_demo_supervisor_can_listen_from_the_first_click(db):
    from dashboard.accounts.demo import DEMO_SUPERVISOR_PHONE, ensure_demo_users

    ensure_demo_users()
    phones = dict(UserProfile.objects.values_list("user__username", "supervisor_phone"))
    assert phones == {"supervisor": DEMO_SUPERVISOR_PHONE, "admin": DEMO_SUPERVISOR_PHONE}
    UserProfile.objects.filter(user__username="supervisor").update(supervisor_phone="sip:me@pbx.example.com")
    ensure_demo_users()  # a phone the person chose is kept
    assert UserProfile.objects.get(user__username="supervisor").supervisor_phone == "sip:me@pbx.example.com"
