"""History searches: calls, conferences, events and operator actions, filtered, sorted, paged."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from bench.history_generator import generate
from calls.models import Call
from dashboard.models import Event, OperatorAction
from dashboard.web.pagination import CappedPaginator
from tests.support.webhooks import fixture, post_webhook

from .builders import call_documents, deliver, event

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert(1)</script>"


def rows(page: str) -> list[str]:
    return re.findall(r'<tr class="history-row[^"]*" id="([a-z]+-\d+)"', page)


def call_rows(client, query: str) -> set[str]:
    response = client.get(f"/history/calls/?{query}")
    assert response.status_code == 200
    pks = {int(row.split("-")[1]) for row in rows(response.content.decode())}
    return set(Call.objects.filter(pk__in=pks).values_list("call_control_id", flat=True))


@pytest.fixture
def three_calls(supervisor_client):
    now = timezone.now()
    deliver(
        supervisor_client,
        *call_documents(
            1, start=now - timedelta(hours=3), duration=20, from_="+13129457420", to="+18005550001"
        ),
        *call_documents(
            2,
            start=now - timedelta(hours=2),
            duration=300,
            to="+442071234567",
            cause="user_busy",
            source="callee",
            direction="outgoing",
        ),
        *call_documents(
            3, start=now - timedelta(minutes=1), ended=False, from_="+14155550123", to="+18005550003"
        ),
    )
    return supervisor_client


@pytest.mark.parametrize(
    "url",
    [
        "/history/calls/",
        "/history/conferences/",
        "/history/events/",
        "/history/actions/",
        "/history/delivery/",
        "/history/events/1/",
        "/history/calls/export.csv",
        "/api/docs/",
    ],
)
def test_it_requires_a_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_calls_are_found_by_a_partial_number_typed_any_way(three_calls):
    assert call_rows(three_calls, "number=312+945-74") == {"v3:hist-1"}
    assert call_rows(three_calls, "number=%2B44") == {"v3:hist-2"}
    assert call_rows(three_calls, "from=555") == {"v3:hist-3"}
    assert call_rows(three_calls, "to=2071") == {"v3:hist-2"}
    assert call_rows(three_calls, "from=2071") == set()


def test_calls_are_found_by_any_of_their_ids(three_calls):
    for value in ("v3:hist-2", "session-2", "leg-2"):
        assert call_rows(three_calls, f"call_id={value}") == {"v3:hist-2"}
    assert call_rows(three_calls, "call_session_id=session-1") == {"v3:hist-1"}


def test_calls_filter_by_direction_state_cause_source_and_liveness(three_calls):
    assert call_rows(three_calls, "direction=outgoing") == {"v3:hist-2"}
    assert call_rows(three_calls, "state=hangup") == {"v3:hist-1", "v3:hist-2"}
    assert call_rows(three_calls, "is_alive=true") == {"v3:hist-3"}
    assert call_rows(three_calls, "is_alive=false&hangup_cause=user_busy&hangup_source=callee") == {
        "v3:hist-2"
    }


def test_calls_filter_by_duration_and_time_range(three_calls):
    assert call_rows(three_calls, "duration_min=100") == {"v3:hist-2"}
    assert call_rows(three_calls, "duration_max=25") == {"v3:hist-1"}
    assert call_rows(three_calls, "duration_min=0") == {"v3:hist-1", "v3:hist-2"}  # a live call has none yet
    since = (timezone.now() - timedelta(minutes=150)).strftime("%Y-%m-%dT%H:%M")
    assert call_rows(three_calls, f"started_after={since}") == {"v3:hist-2", "v3:hist-3"}
    assert call_rows(three_calls, f"started_before={since}") == {"v3:hist-1"}


def test_the_search_stays_in_the_url_the_form_the_sort_and_export_links(three_calls):
    page = three_calls.get("/history/calls/?direction=outgoing&number=442&sort=-duration").content.decode()
    assert 'name="number" value="442"' in page
    assert '<option value="outgoing" selected>' in page
    assert '<input type="hidden" name="sort" value="-duration">' in page
    export = re.search(r'id="export-csv" href="([^"]+)"', page).group(1)
    assert (
        export.startswith("/history/calls/export.csv?")
        and "number=442" in export
        and "direction=outgoing" in export
    )
    sort_link = re.search(r'<a href="([^"]+)">Duration</a> ▼', page).group(1)
    assert "sort=duration" in sort_link and "number=442" in sort_link


def test_calls_sort_by_any_sortable_column(three_calls):
    def order(sort: str) -> list[str]:
        page = three_calls.get(f"/history/calls/?sort={sort}").content.decode()
        pks = [int(row.split("-")[1]) for row in rows(page)]
        ids = dict(Call.objects.values_list("pk", "call_control_id"))
        return [ids[pk] for pk in pks]

    assert order("") == ["v3:hist-3", "v3:hist-2", "v3:hist-1"]  # newest first
    assert order("start_time") == ["v3:hist-1", "v3:hist-2", "v3:hist-3"]
    assert order("-duration")[:2] == [
        "v3:hist-2",
        "v3:hist-1",
    ]  # where a live call goes depends on the database
    assert order("hangup_cause")[-1] == "v3:hist-2"


def test_pages_walk_the_whole_result_and_cost_the_same_whatever_they_show(
    supervisor_client, django_assert_max_num_queries
):
    generate(events=600, calls=100, actions=60, rejected=10, days=2, live=5)
    seen = []
    for number in (1, 2, 3, 4):
        page = supervisor_client.get(f"/history/calls/?per_page=25&page={number}").content.decode()
        seen += rows(page)
    assert len(seen) == len(set(seen)) == 100
    # Session, user, count, rows (plus the usernames list on the actions page), and the header's
    # alerts and supervision bar: nothing per row.
    for url in ("/history/calls/", "/history/conferences/", "/history/events/", "/history/actions/"):
        with django_assert_max_num_queries(7) as small:
            supervisor_client.get(f"{url}?per_page=25")
        with django_assert_max_num_queries(7) as large:
            supervisor_client.get(f"{url}?per_page=200")
        assert len(small.captured_queries) == len(large.captured_queries), url


def test_counts_stop_at_the_cap(supervisor_client, monkeypatch):
    generate(events=600, calls=100, actions=0, rejected=0, days=2, live=0)
    monkeypatch.setattr(CappedPaginator, "cap", 40)
    page = supervisor_client.get("/history/calls/?per_page=25").content.decode()
    assert 'id="result-count">40+<' in page
    last = supervisor_client.get("/history/calls/?per_page=25&page=99").content.decode()
    assert "page 2 of 2+" in last and "narrow the search" in last


def test_events_are_found_by_type_id_call_and_time(supervisor_client):
    now = timezone.now()
    deliver(
        supervisor_client,
        *call_documents(1, start=now - timedelta(minutes=10)),
        *call_documents(2, ended=False),
    )
    Event.objects.filter(call_control_id="v3:hist-1").update(received_at=now - timedelta(hours=2))

    def found(query: str) -> set[str]:
        page = supervisor_client.get(f"/history/events/?{query}").content.decode()
        pks = [int(row.split("-")[1]) for row in rows(page)]
        return set(Event.objects.filter(pk__in=pks).values_list("event_id", flat=True))

    assert found("event_type=call.hangup") == {"hist-1-call.hangup"}
    assert found("event_type=call.hangup,call.answered") == {
        "hist-1-call.hangup",
        "hist-1-call.answered",
        "hist-2-call.answered",
    }
    assert found("id=hist-2-call.initiated") == {"hist-2-call.initiated"}
    assert len(found("call_control_id=v3:hist-2")) == 2
    since = (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S")
    assert found(f"received_after={since}") == {"hist-2-call.initiated", "hist-2-call.answered"}


def test_events_are_found_by_delivery_trouble(supervisor_client):
    document = fixture("call.initiated")
    document["meta"]["attempt"] = 3
    post_webhook(supervisor_client, document)
    post_webhook(supervisor_client, fixture("call.answered"))
    post_webhook(supervisor_client, fixture("call.answered"))
    page = supervisor_client.get("/history/events/?duplicated=true").content.decode()
    assert len(rows(page)) == 1 and "1 duplicate" in page
    page = supervisor_client.get("/history/events/?retried=true").content.decode()
    assert len(rows(page)) == 1 and "attempt 3" in page


def audit(username: str, action: str, outcome: str, minutes_ago: int, **extra: object) -> OperatorAction:
    return OperatorAction.objects.create(
        created_at=timezone.now() - timedelta(minutes=minutes_ago),
        username=username,
        action=action,
        target_type="participant",
        outcome=outcome,
        **extra,
    )


def test_operator_actions_are_found_by_user_action_outcome_and_time(supervisor_client):
    muted = audit("sam", "mute", "ok", 5, conference_id="conf-1", participant_id="v3:x")
    audit("sam", "hold", "refused", 50, error_code="90018", error_title="Call has already ended")
    audit("val", "mute", "denied", 5)

    def found(query: str) -> list[str]:
        return rows(supervisor_client.get(f"/history/actions/?{query}").content.decode())

    assert found("user=sam&action=mute") == [f"action-{muted.pk}"]
    assert len(found("action=mute,hold")) == 3
    assert len(found("outcome=refused")) == 1
    since = (timezone.now() - timedelta(minutes=20)).strftime("%Y-%m-%dT%H:%M")
    assert len(found(f"created_after={since}")) == 2
    page = supervisor_client.get("/history/actions/?outcome=refused").content.decode()
    assert "Call has already ended" in page


def test_conferences_are_found_by_name_participant_and_number(supervisor_client):
    deliver(
        supervisor_client,
        *call_documents(1, from_="+14155550100"),
        fixture("conference.created"),
        event("conference.participant.joined", 1, timezone.now()),
    )
    conference_id = fixture("conference.created")["data"]["payload"]["conference_id"]

    def found(query: str) -> int:
        return len(rows(supervisor_client.get(f"/history/conferences/?{query}").content.decode()))

    assert found(f"conference_id={conference_id}") == 1
    assert found("call_control_id=v3:hist-1") == 1 and found("call_control_id=v3:other") == 0
    assert found("number=555-0100") == 1 and found("number=999") == 0
    assert found("status=in_progress") == 1 and found("status=completed") == 0


def test_an_invalid_search_is_refused_with_the_field_marked(supervisor_client):
    response = supervisor_client.get("/history/calls/?started_after=yesterday&duration_min=long")
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count('class="error"') >= 2 and "history-table" not in page


def test_hostile_text_is_shown_as_text_in_results(supervisor_client):
    deliver(supervisor_client, *call_documents(1, caller_id_name=HOSTILE, from_=HOSTILE))
    page = supervisor_client.get("/history/calls/?number=script").content.decode()
    assert HOSTILE not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    event_pk = Event.objects.get(event_type="call.initiated").pk
    detail = supervisor_client.get(f"/history/events/{event_pk}/").content.decode()
    assert HOSTILE not in detail and "&lt;script&gt;" in detail
