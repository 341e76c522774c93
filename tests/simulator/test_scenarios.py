"""The traffic driver: a living world of realistic calls, and a load generator."""

import random
import re
from collections import Counter
from dataclasses import replace

import pytest

from simulator import people
from simulator.scenarios import PROFILES, TrafficProfile
from tests.simulator.conftest import make_simulator
from tests.simulator.receiver import WebhookReceiver

E164 = re.compile(r"^\+[1-9]\d{7,14}$")
QUICK = TrafficProfile(
    "test", 150.0, talk_time=(0.05, 0.2), ring_time=(0.01, 0.04), queue_wait=(0.02, 0.08), max_live_calls=400
)
CAUSES = {"normal_clearing", "originator_cancel", "user_busy", "timeout", "call_rejected"}


EXPECTED = (
    "call.initiated",
    "call.answered",
    "call.bridged",
    "call.enqueued",
    "call.dequeued",
    "conference.created",
    "conference.participant.joined",
    "call.hangup",
)


def busiest_conference(receiver: WebhookReceiver) -> int:
    joined = Counter(
        event["payload"]["conference_id"]
        for event in receiver.events()
        if event["event_type"] == "conference.participant.joined"
    )
    return max(joined.values(), default=0)


def lively(receiver: WebhookReceiver) -> bool:
    """Every kind of story has shown up: conferences of several participants, callers giving up…"""
    if len(receiver.requests) < 200:
        return False
    seen = set(receiver.types())
    causes = {
        event["payload"]["hangup_cause"]
        for event in receiver.events()
        if event["event_type"] == "call.hangup"
    }
    return (
        all(event_type in seen for event_type in EXPECTED)
        and {"normal_clearing", "originator_cancel"} <= causes
        and busiest_conference(receiver) >= 2
    )


def test_the_driver_keeps_a_living_world(receiver: WebhookReceiver, webhook_url: str) -> None:
    with make_simulator(webhook_url, traffic=QUICK, seed=3) as sim:
        receiver.wait_for(lively, timeout=10)
        stories = dict(sim.runtime.driver.started) if sim.runtime.driver else {}
    assert set(stories) >= {"ivr", "agent", "queue", "outbound"}
    initiated = [event["payload"] for event in receiver.events() if event["event_type"] == "call.initiated"]
    assert {payload["direction"] for payload in initiated} == {"incoming", "outgoing"}
    assert all(E164.match(payload["from"]) and E164.match(payload["to"]) for payload in initiated)
    incoming = [payload for payload in initiated if payload["direction"] == "incoming"]
    assert all(payload["caller_id_name"] for payload in incoming)
    assert any(payload["custom_headers"] for payload in incoming)
    causes = {
        event["payload"]["hangup_cause"]
        for event in receiver.events()
        if event["event_type"] == "call.hangup"
    }
    assert causes <= CAUSES
    assert all(item.verified for item in receiver.requests)


def test_the_load_profile_drives_many_calls_at_once(receiver: WebhookReceiver, webhook_url: str) -> None:
    # Throughput is measured by the benchmark scripts, not asserted here: a busy CI machine is slow.
    profile = PROFILES["load"].at_rate(150.0)
    with make_simulator(webhook_url, traffic=profile, seed=4) as sim:
        receiver.clear()
        receiver.wait_for(lambda r: len(r.requests) >= 300, timeout=30)
        assert sim.runtime.driver is not None and sum(sim.runtime.driver.started.values()) > 30
    assert len(receiver.requests) >= 300
    assert all(item.verified for item in receiver.requests[:300])


TEXML_EVENTS = {"conference-start", "participant-join", "participant-leave"}


@pytest.mark.parametrize("name", ["calm", "busy"])
def test_calm_and_busy_dial_people_into_texml_conferences(
    receiver: WebhookReceiver, webhook_url: str, name: str
) -> None:
    # `make demo` shows TeXML conferences too: their participants take seed 003's update.
    quick = replace(
        PROFILES[name],
        calls_per_second=80.0,
        talk_time=(0.05, 0.2),
        ring_time=(0.01, 0.04),
        queue_wait=(0.02, 0.08),
    )
    with make_simulator(webhook_url, traffic=quick, seed=5) as sim:
        receiver.wait_for(
            lambda r: {fields["StatusCallbackEvent"] for fields in r.texml()} >= TEXML_EVENTS, timeout=15
        )
        assert sim.runtime.driver is not None and sim.runtime.driver.started.get("texml_conference", 0) > 0
    callbacks = [item for item in receiver.requests if item.is_texml]
    assert callbacks and all(item.verified for item in callbacks)
    assert {(item.method, item.path) for item in callbacks} == {("POST", "/webhooks/telnyx/texml/")}
    joined = [fields for fields in receiver.texml() if fields["StatusCallbackEvent"] == "participant-join"]
    assert all(
        fields["CallSid"] and fields["ParticipantLabel"] and fields["FriendlyName"] for fields in joined
    )


def test_only_the_demo_profiles_bring_texml() -> None:
    assert PROFILES["calm"].texml_conferences and PROFILES["busy"].texml_conferences
    assert not PROFILES["rush"].texml_conferences and not PROFILES["load"].texml_conferences


def test_people_are_realistic() -> None:
    rng = random.Random(1)
    callers = [people.caller(rng) for _ in range(200)]
    assert all(E164.match(caller.number) for caller in callers)
    assert len({caller.name for caller in callers}) > 50
    assert any(caller.number.startswith("+44") for caller in callers)
    assert all(E164.match(number) for number in people.COMPANY_NUMBERS)
    assert people.sip_headers(rng)[0]["name"] == "User-to-User"


def test_profiles() -> None:
    assert (
        PROFILES["calm"].calls_per_second
        < PROFILES["busy"].calls_per_second
        < PROFILES["load"].calls_per_second
    )
    assert PROFILES["calm"].at_rate(3.0).calls_per_second == 3.0
    with pytest.raises(ValueError):
        PROFILES["calm"].at_rate(0)
