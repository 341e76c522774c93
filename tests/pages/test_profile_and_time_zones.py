"""Each person's profile: their time zone on every time shown and in history searches, and their theme."""

import re
from datetime import UTC, datetime

import pytest
from django.test import Client

from dashboard.models import UserProfile
from tests.history.builders import call_documents, deliver

pytestmark = pytest.mark.django_db

# 2026-01-15 09:30:05 UTC is 18:30:05 in Tokyo (no summer time there) and 04:30:05 in New York.
START = datetime(2026, 1, 15, 9, 30, 5, tzinfo=UTC)


def save_profile(client: Client, **fields: str):
    return client.post("/profile/", {"time_zone": "", "theme": "system", **fields})


def test_the_profile_page_needs_a_login(client):
    response = client.get("/profile/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_new_person_sees_the_servers_zone_and_the_devices_theme(supervisor_client, settings):
    page = supervisor_client.get("/profile/").content.decode()
    assert f"The server&#x27;s ({settings.TIME_ZONE})" in page
    assert '<html lang="en" data-theme="system">' in page
    assert not UserProfile.objects.exists()  # nothing is written until the person saves


def test_saving_a_zone_and_a_theme_applies_them_to_every_page(supervisor_client, supervisor):
    response = save_profile(supervisor_client, time_zone="Asia/Tokyo", theme="dark")
    assert response.status_code == 302
    profile = UserProfile.objects.get(user=supervisor)
    assert (profile.time_zone, profile.theme) == ("Asia/Tokyo", "dark")
    page = supervisor_client.get(response["Location"]).content.decode()
    assert "Profile saved: times in Asia/Tokyo, theme dark." in page
    assert '<html lang="en" data-theme="dark">' in page
    assert '<meta name="color-scheme" content="dark">' in page
    assert 'data-time-zone="Asia/Tokyo"' in page
    # The zone is named once, at the foot of the page.
    assert page.count("Times are shown in") == 1 and "Asia/Tokyo (JST)" in page


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "../../etc/passwd", "utc ", "Europe/Paris\x00"])
def test_a_zone_that_is_not_an_iana_name_is_refused(supervisor_client, supervisor, zone):
    response = save_profile(supervisor_client, time_zone=zone)
    assert response.status_code == 400
    assert "not one of the available choices" in response.content.decode()
    assert not UserProfile.objects.filter(user=supervisor).exists()


def test_times_on_pages_are_in_the_readers_zone_in_one_format(supervisor_client, viewer):
    deliver(supervisor_client, *call_documents(1, start=START, duration=65))
    save_profile(supervisor_client, time_zone="Asia/Tokyo")
    tokyo = supervisor_client.get("/history/calls/").content.decode()
    assert '<time datetime="2026-01-15T09:30:05+00:00">2026-01-15 18:30:05</time>' in tokyo
    call_page = supervisor_client.get("/calls/v3:hist-1/").content.decode()
    assert ">2026-01-15 18:30:05</time>" in call_page  # started
    assert ">2026-01-15 18:31:10</time>" in call_page  # ended
    assert re.search(r">2026-01-15 18:30:05\.\d{3}</time>", call_page)  # the timeline, to the millisecond

    # Another person, with no profile, reads the same call in the server's zone (UTC here).
    other = Client()
    other.force_login(viewer)
    utc = other.get("/history/calls/").content.decode()
    assert ">2026-01-15 09:30:05</time>" in utc and "18:30:05" not in utc


def test_a_time_typed_into_a_history_search_is_read_in_the_readers_zone(supervisor_client):
    deliver(supervisor_client, *call_documents(1, start=START, duration=10))
    save_profile(supervisor_client, time_zone="America/New_York")
    # 04:30 in New York is 09:30 UTC: the call started five seconds after it, not five hours before.
    after = supervisor_client.get("/history/calls/?started_after=2026-01-15T04:30").content.decode()
    before = supervisor_client.get("/history/calls/?started_before=2026-01-15T04:30").content.decode()
    assert 'id="call-' in after and "No calls match this search." in before


def test_relative_times_carry_the_moment_on_hover(supervisor_client):
    deliver(supervisor_client, *call_documents(1, start=START, duration=10))
    page = supervisor_client.get("/calls/v3:hist-1/").content.decode()
    assert re.search(r'<time datetime="2026-01-15T09:30:05\+00:00" title="2026-01-15 09:30:05" data-ago>\d+ days? ago</time>', page)


def test_the_preferences_are_kept_in_the_session_not_read_on_every_page(supervisor_client, supervisor):
    save_profile(supervisor_client, time_zone="Asia/Tokyo")
    supervisor_client.get("/profile/")
    # Changed behind this session's back (another device): this session keeps what it read.
    UserProfile.objects.filter(user=supervisor).update(time_zone="Europe/Paris")
    page = supervisor_client.get("/history/delivery/").content.decode()
    assert 'data-time-zone="Asia/Tokyo"' in page
