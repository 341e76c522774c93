"""Threshold breaches raise one alert each, on every page, until their condition ends or a person
acknowledges theirs; the webhook feed's silence is pushed to pages and ends with the next webhook."""

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.core.cache import cache
from django.utils import timezone

from dashboard.models import Event
from operations.alerts.models import Alert, AlertKind
from operations.alerts.services import evaluate
from tests.alerts.test_frames_reach_pages import open_socket
from tests.queues.support import _send, queued_call


def ringing_call(seconds: float, caller: str = "+14155550177") -> str:
    call_id = "v3:ringing-" + caller[-4:]
    _send("call.initiated", call_id, seconds, caller=caller, state="parked")
    return call_id


@pytest.mark.django_db
def test_a_call_ringing_past_the_threshold_raises_one_alert(settings):
    settings.ALERT_RINGING_SECS = 30
    ringing_call(45)
    ringing_call(5, caller="+14155550188")
    raised, _ = evaluate()
    assert [(alert.kind, alert.subject) for alert in raised] == [(AlertKind.RINGING, "+14155550177")]
    assert evaluate() == ([], [])  # seen again: still the one alert


@pytest.mark.django_db
def test_a_call_queued_too_long_raises_an_alert_naming_its_queue(settings):
    settings.ALERT_QUEUED_SECS = 60
    queued_call("billing", waited=90)
    (alert,), _ = evaluate()
    assert alert.kind == AlertKind.QUEUED and "billing" in alert.detail


@pytest.mark.django_db
def test_every_page_lists_the_alert_until_the_person_acknowledges_it(settings, client, supervisor, viewer):
    settings.ALERT_RINGING_SECS = 30
    ringing_call(45)
    (alert,), _ = evaluate()
    client.force_login(supervisor)
    for path in ("/history/calls/", "/profile/", "/queues/"):
        assert f'id="alert-{alert.pk}"' in client.get(path).content.decode()
    response = client.post(f"/alerts/{alert.pk}/ack/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert f'id="alert-{alert.pk}"' not in client.get("/history/calls/").content.decode()
    client.force_login(viewer)  # acknowledged by one person, still there for another
    assert f'id="alert-{alert.pk}"' in client.get("/history/calls/").content.decode()


@pytest.mark.django_db
def test_acknowledging_needs_a_post_and_a_login(client, supervisor):
    alert = Alert.objects.create(
        kind=AlertKind.RINGING, key="k", subject="s", since=timezone.now(), raised_at=timezone.now()
    )
    assert client.post(f"/alerts/{alert.pk}/ack/").status_code == 302  # to the login page
    client.force_login(supervisor)
    assert client.get(f"/alerts/{alert.pk}/ack/").status_code == 405


def _silent_feed() -> None:
    """A live call whose last webhook arrived ten minutes ago."""
    ringing_call(600)
    Event.objects.update(received_at=timezone.now() - timedelta(minutes=10))


@pytest.mark.django_db(transaction=True)
async def test_the_feed_falls_silent_and_comes_back_on_every_open_page(supervisor):
    socket = await open_socket(supervisor, "/ws/live/me/")
    await sync_to_async(_silent_feed)()
    await sync_to_async(evaluate)()
    frames = [await socket.receive_json_from(timeout=2), await socket.receive_json_from(timeout=2)]
    feed = next(message["frame"] for message in frames if message["frame"]["kind"] == "feed")
    assert feed["state"] == "silent" and 'id="delivery-warning"' in feed["html"]
    # The next webhook ends the silence at once: no evaluation is due, the ingest hook clears it.
    await sync_to_async(_send)("call.answered", "v3:ringing-0177", 0)
    frames = [(await socket.receive_json_from(timeout=2))["frame"] for _ in range(2)]
    # Another server in this process may push its own floor frames meanwhile: read what else came.
    while not await socket.receive_nothing(timeout=0.5):
        frames.append((await socket.receive_json_from())["frame"])
    assert {"kind": "feed", "state": "live", "since": None, "html": ""} in frames
    assert "alert" in {frame["kind"] for frame in frames}  # and the call's ringing alert
    await socket.disconnect()


@pytest.mark.django_db
def test_a_page_rendered_while_the_feed_is_silent_says_so_in_its_badge(client, supervisor):
    _silent_feed()
    evaluate()
    cache.clear()  # the banner's few seconds of cache, filled by an earlier test's page
    client.force_login(supervisor)
    page = client.get("/history/calls/").content.decode()
    assert 'data-feed="silent"' in page and 'id="delivery-warning"' in page


@pytest.mark.django_db
def test_a_supervisor_joining_a_call_alerts_the_others_not_themselves(client, supervisor, viewer):
    from calls.supervision.models import Supervision

    supervision = Supervision.objects.create(
        user=supervisor,
        username=supervisor.username,
        target_call_control_id="v3:target",
        target_name="Ana Ruiz (+13125550142)",
        role="whisper",
        supervisor_phone="+13125550199",
        started_at=timezone.now(),
    )
    (alert,), _ = evaluate()
    assert alert.kind == AlertKind.SUPERVISION and alert.detail == f"{supervisor.username} · whispering"
    client.force_login(supervisor)
    assert f'id="alert-{alert.pk}"' not in client.get("/profile/").content.decode()
    client.force_login(viewer)
    assert f'id="alert-{alert.pk}"' in client.get("/profile/").content.decode()
    Supervision.objects.filter(pk=supervision.pk).update(role="barge")  # a new request: a new alert
    (barged,), (whispered,) = evaluate()
    assert whispered == alert and barged.detail.endswith("barged in")


@pytest.mark.django_db
def test_a_page_that_reconnects_reads_the_list_and_the_feed_again(settings, client, supervisor):
    settings.ALERT_RINGING_SECS = 30
    ringing_call(45)
    (alert,), _ = evaluate()
    client.force_login(supervisor)
    state = client.get("/alerts/state/").json()
    assert [item["id"] for item in state["alerts"]] == [alert.pk] and "+14155550177" in state["alerts"][0]["html"]
    assert state["feed"]["state"] == "live"


@pytest.mark.django_db
def test_a_call_on_hold_too_long_raises_an_alert_cleared_by_unhold(settings):
    settings.ALERT_HOLD_SECS = 60
    _send("call.initiated", "v3:held", 200, caller="+14155550144", state="parked")
    _send("call.answered", "v3:held", 190)
    _send("call.hold", "v3:held", 90)
    (alert,), _ = evaluate()
    assert alert.kind == AlertKind.HOLD and alert.detail == "on hold for over 60 s"
    _send("call.unhold", "v3:held", 0)
    assert evaluate() == ([], [alert])


@pytest.mark.django_db
def test_a_supervisors_own_phone_ringing_is_no_alert(settings, supervisor):
    from calls.supervision.models import Supervision

    settings.ALERT_RINGING_SECS = 30
    leg = ringing_call(45)
    Supervision.objects.create(
        user=supervisor,
        username=supervisor.username,
        target_call_control_id="v3:target",
        supervisor_phone="+14155550177",
        supervisor_call_control_id=leg,
        started_at=timezone.now(),
    )
    raised, _ = evaluate()
    assert [alert.kind for alert in raised] == [AlertKind.SUPERVISION]


@pytest.mark.django_db
def test_a_silent_feed_is_said_again_for_pages_that_missed_it(monkeypatch, django_capture_on_commit_callbacks):
    from operations.alerts import services

    frames = []
    monkeypatch.setattr(services, "send_to_floor", frames.append)
    _silent_feed()
    start = timezone.now()
    for seconds in (0, 10, 31):
        with django_capture_on_commit_callbacks(execute=True):
            services.evaluate(now=start + timedelta(seconds=seconds))
    feed = [frame for frame in frames if frame["kind"] == "feed"]
    assert [frame["state"] for frame in feed] == ["silent", "silent"]
