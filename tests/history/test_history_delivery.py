"""Delivery health: what arrived in the last hour, what was refused, and the silence banner."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from dashboard.models import Event, RejectedWebhook
from operations.history.context import delivery_warning
from tests.support.webhooks import post_webhook

from .builders import call_documents, deliver

pytestmark = pytest.mark.django_db

BANNER = "history/_delivery_banner.html"


def banner_for(user) -> str:
    request = RequestFactory().get("/calls/")
    request.user = user
    return render_to_string(BANNER, delivery_warning(request), request=request)


def silence(minutes: int) -> None:
    Event.objects.update(received_at=timezone.now() - timedelta(minutes=minutes))


def test_the_delivery_page_counts_the_last_hour(supervisor_client, rejections):
    initiated, answered, hangup = call_documents(1)
    deliver(supervisor_client, initiated, answered, answered, hangup)
    assert post_webhook(supervisor_client, initiated, timestamp=1).status_code in (400, 401, 403)
    rejections.flush()  # a server writes the minute's count a minute later
    RejectedWebhook.objects.create(endpoint="telnyx", reason="<i>odd</i> reason", status=400)
    page = supervisor_client.get("/history/delivery/").content.decode()
    assert 'id="figure-events">3<' in page
    assert 'id="figure-duplicates">1<' in page
    assert 'id="figure-rejected">2<' in page
    assert page.count("<rect ") == 120  # a stored and a rejected bar for each of 60 minutes
    assert "&lt;i&gt;odd&lt;/i&gt; reason" in page
    assert f'href="/history/events/{Event.objects.get(event_type="call.answered").pk}/"' in page


def test_the_banner_warns_when_webhooks_stop_while_calls_are_live(supervisor_client, supervisor, settings):
    settings.WEBHOOK_SILENCE_WARNING_SECS = 300
    deliver(supervisor_client, *call_documents(1, ended=False))
    silence(minutes=7)
    banner = banner_for(supervisor)
    assert 'id="delivery-warning"' in banner and "No webhook received for 7" in banner
    assert "1 call is live" in banner and 'href="/history/delivery/"' in banner
    assert 'id="delivery-silence"' in supervisor_client.get("/history/delivery/").content.decode()


@pytest.mark.parametrize("situation", ["webhooks flow", "no live call", "anonymous"])
def test_no_banner_without_a_reason(supervisor_client, supervisor, situation):
    deliver(supervisor_client, *call_documents(1, ended=situation == "no live call"))
    if situation != "webhooks flow":
        silence(minutes=60)
    user = AnonymousUser() if situation == "anonymous" else supervisor
    assert "delivery-warning" not in banner_for(user)


def test_no_webhook_ever_is_a_silence_too(supervisor):
    from calls.models import Call

    Call.objects.create(call_control_id="v3:stuck", is_alive=True)
    assert "No webhook received yet" in banner_for(supervisor)


def test_the_banner_costs_two_queries_at_most_then_none_for_a_while(
    supervisor_client, supervisor, django_assert_num_queries, django_assert_max_num_queries
):
    deliver(supervisor_client, *call_documents(1, ended=False))
    silence(minutes=10)
    with django_assert_max_num_queries(2):
        assert "delivery-warning" in banner_for(supervisor)
    with django_assert_num_queries(0):
        assert "delivery-warning" in banner_for(supervisor)


def test_a_page_that_does_not_show_the_banner_does_not_pay_for_it(
    supervisor, django_assert_num_queries, django_assert_max_num_queries
):
    request = RequestFactory().get("/")
    request.user = supervisor
    with django_assert_num_queries(0):
        context = delivery_warning(request)
    with django_assert_max_num_queries(2):
        value = context["delivery_warning"]()
        assert context["delivery_warning"]() is value  # evaluated once per request
