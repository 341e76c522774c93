"""The traffic driver: a living world of inbound and outbound calls, answered, bridged to agents,
queued, gathered into conferences, talking for a while and hanging up for realistic reasons.
It plays both sides (it answers incoming calls as the real application would), and at high
rates it is the load generator of the benchmarks."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from simulator import people
from simulator.state import Call
from simulator.validation import ApiError

if TYPE_CHECKING:
    from simulator.world import World

log = logging.getLogger("simulator")

Span = tuple[float, float]
Story = Callable[[], Coroutine[Any, Any, None]]
PRUNE_EVERY = 30.0  # seconds between two sweeps of long-ended calls
PRUNE_AFTER = 300.0
MAX_BACKLOG = 1000  # webhooks waiting for delivery


@dataclass(frozen=True)
class TrafficProfile:
    name: str
    calls_per_second: float
    talk_time: Span  # seconds a conversation lasts
    ring_time: Span  # seconds an incoming call rings before it is answered (or abandoned)
    queue_wait: Span
    max_live_calls: int  # scenarios under way at once; arrivals beyond it are dropped
    outbound_ring_timeout: int = 20  # timeout_secs of the driver's dials (5-120)
    # Some participants are dialled into TeXML conferences, whose status callbacks (not Call Control
    # webhooks) tell the dashboard, and whose participants take the TeXML update (seed 003).
    texml_conferences: bool = False

    def __post_init__(self) -> None:
        if self.calls_per_second <= 0:
            raise ValueError("calls_per_second must be positive")

    def at_rate(self, calls_per_second: float) -> TrafficProfile:
        return replace(self, calls_per_second=calls_per_second)


PROFILES = {
    "calm": TrafficProfile("calm", 0.2, (20, 120), (1, 6), (5, 40), 40, texml_conferences=True),
    "busy": TrafficProfile("busy", 1.0, (15, 90), (1, 5), (5, 30), 150, texml_conferences=True),
    "rush": TrafficProfile("rush", 5.0, (5, 40), (0.5, 3), (2, 15), 600),
    # Short calls at a high rate: several hundred webhooks a second.
    "load": TrafficProfile("load", 60.0, (1, 4), (0.05, 0.3), (0.2, 1.0), 5000, outbound_ring_timeout=5),
}

# Which story an arriving call tells, and how often.
INBOUND_SHARE = 0.65
INBOUND_STORIES = (("ivr", 0.2), ("agent", 0.35), ("queue", 0.25), ("conference", 0.2))
OUTBOUND_STORIES = (("outbound", 0.75), ("conference", 0.25))
OUTBOUND_OUTCOMES = (("answer", 0.7), ("busy", 0.1), ("no_answer", 0.1), ("reject", 0.05), ("machine", 0.05))
AGENT_OUTCOMES = (("answer", 0.85), ("no_answer", 0.1), ("busy", 0.05))
LIVE_CONFERENCES = 3
TEXML_SHARE = 0.15  # of arrivals, in profiles with TeXML conferences
LIVE_TEXML_CONFERENCES = 2
# The status callbacks a TeXML conference's creator asks for: all four (seed 003's resource world).
TEXML_EVENTS = "start end join leave"


def weighted(rng: random.Random, choices: tuple[tuple[str, float], ...]) -> str:
    names, weights = zip(*choices, strict=True)
    return rng.choices(names, weights=weights)[0]


class TrafficDriver:
    """Runs on the simulator's event loop, acting on the world directly (no HTTP)."""

    def __init__(self, world: World, profile: TrafficProfile, seed: int | None = None) -> None:
        self.world = world
        self.profile = profile
        self.rng = random.Random(seed)
        self.started: dict[str, int] = {}  # scenarios begun, by story
        self._tasks: set[asyncio.Task[None]] = set()
        self._main: asyncio.Task[None] | None = None

    # --- lifecycle --------------------------------------------------------------------------------

    def start(self) -> None:
        self._main = asyncio.get_running_loop().create_task(self._arrivals())

    async def stop(self) -> None:
        tasks = [*self._tasks, *([self._main] if self._main else [])]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()

    def reset(self) -> None:
        for task in list(self._tasks):
            task.cancel()

    async def _arrivals(self) -> None:
        pruned = time.monotonic()
        while True:
            await asyncio.sleep(self.rng.expovariate(self.profile.calls_per_second))
            backlog = self.world.dispatcher.pending
            # Past the backlog limit new calls wait: the receiver sets the pace, the queue stays bounded.
            if len(self._tasks) < self.profile.max_live_calls and backlog < MAX_BACKLOG:
                story = self._pick_story()
                self.started[story] = self.started.get(story, 0) + 1
                self._spawn(self._stories[story])
            if time.monotonic() - pruned > PRUNE_EVERY:
                self.world.prune(PRUNE_AFTER)
                pruned = time.monotonic()

    def _pick_story(self) -> str:
        # Profiles without TeXML draw nothing here, so their seeded worlds stay as they were.
        if self.profile.texml_conferences and self.rng.random() < TEXML_SHARE:
            return "texml_conference"
        inbound = self.rng.random() < INBOUND_SHARE
        story = weighted(self.rng, INBOUND_STORIES if inbound else OUTBOUND_STORIES)
        return f"{story}_out" if story == "conference" and not inbound else story

    def _spawn(self, story: Story) -> None:
        task = asyncio.get_running_loop().create_task(self._guarded(story))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _guarded(self, story: Story) -> None:
        try:
            await story()
        except ApiError:
            # Someone (the dashboard, a test) changed the call under the story's feet: it just ends.
            pass
        except Exception:
            log.exception("traffic story failed")

    @property
    def _stories(self) -> dict[str, Story]:
        return {
            "ivr": self.ivr,
            "agent": self.agent,
            "queue": self.queue,
            "conference": lambda: self.conference(inbound=True),
            "conference_out": lambda: self.conference(inbound=False),
            "outbound": self.outbound,
            "texml_conference": self.texml_conference,
        }

    # --- building blocks --------------------------------------------------------------------------

    async def pause(self, span: Span, factor: float = 1.0) -> None:
        await asyncio.sleep(self.rng.uniform(*span) * factor)

    def incoming(self) -> Call:
        caller = people.caller(self.rng)
        return self.world.call_engine.incoming(
            from_=caller.number,
            to=people.company_number(self.rng),
            caller_id_name=caller.name,
            custom_headers=people.custom_headers(self.rng) if self.rng.random() < 0.2 else [],
            sip_headers=people.sip_headers(self.rng) if self.rng.random() < 0.1 else [],
        )

    async def dial(self, to: str, outcome: str, link_to: Call | None = None) -> Call | None:
        """Dial and wait: the answered leg, or None when it was busy, unanswered or rejected."""
        body: dict[str, Any] = {
            "to": to,
            "from": people.company_number(self.rng),
            "connection_id": self.world.options.connection_id,
            "timeout_secs": self.profile.outbound_ring_timeout,
        }
        if link_to:
            body["link_to"] = link_to.call_control_id
        if outcome == "machine":
            body["answering_machine_detection"] = "detect_beep"
        leg = self.world.call_engine.dial(body, outcome)[0]
        answered: asyncio.Future[bool] = asyncio.get_running_loop().create_future()

        def settle(outcome: bool) -> Callable[[Call], None]:
            def hook(_: Call) -> None:
                if not answered.done():
                    answered.set_result(outcome)

            return hook

        leg.on_answer, leg.on_end = settle(True), settle(False)
        return leg if await answered else None

    async def ring_and_answer(self, call: Call) -> bool:
        """An incoming call rings; a few callers give up first, the rest are answered."""
        await self.pause(self.profile.ring_time)
        if not call.is_alive:
            return False
        if self.rng.random() < 0.08:
            self.world.call_engine.remote_hangup(call, "originator_cancel")
            return False
        if not call.answered_at:  # the dashboard's operator may have answered it already
            self.world.call_engine.answer(call, {})
        return call.answered

    def finish(self, call: Call) -> None:
        """The conversation ends: mostly the far end hangs up, sometimes the application does."""
        if not call.is_alive:
            return
        if self.rng.random() < 0.7:
            self.world.call_engine.remote_hangup(call)
        else:
            self.world.call_engine.hangup_command(call, {})

    # --- stories ----------------------------------------------------------------------------------

    async def ivr(self) -> None:
        """A caller talks to the menu only: a greeting, a key press, then goodbye."""
        call = self.incoming()
        if not await self.ring_and_answer(call):
            return
        engine = self.world.call_engine
        engine.speak(call, {})
        engine.gather(call, {"minimum_digits": 1, "maximum_digits": 1, "valid_digits": "1234"}, "speak")
        await self.pause(self.profile.talk_time, 0.5)
        self.finish(call)

    async def agent(self) -> None:
        """A caller is put through to an agent's phone and the two are bridged."""
        call = self.incoming()
        if not await self.ring_and_answer(call):
            return
        agent = await self.dial(
            people.agent(self.rng).number, weighted(self.rng, AGENT_OUTCOMES), link_to=call
        )
        if agent is None or not call.answered:
            self.world.call_engine.speak(call, {})
            await self.pause((2, 5), 0.5)
            self.finish(call)
            return
        self.world.call_engine.bridge(call, agent, {})
        await self.pause(self.profile.talk_time)
        self.finish(self.rng.choice((call, agent)))

    async def queue(self) -> None:
        """A caller waits in a queue; some give up, the rest get an agent."""
        call = self.incoming()
        if not await self.ring_and_answer(call):
            return
        self.world.call_engine.enqueue(call, {"queue_name": self.rng.choice(people.QUEUES)})
        await self.pause(self.profile.queue_wait)
        if not call.is_alive:
            return
        if self.rng.random() < 0.25:
            self.world.call_engine.remote_hangup(call)
            return
        agent = await self.dial(people.agent(self.rng).number, "answer", link_to=call)
        if agent is None or not call.answered:
            self.finish(call)
            return
        self.world.call_engine.bridge(call, agent, {})
        await self.pause(self.profile.talk_time)
        self.finish(self.rng.choice((call, agent)))

    async def conference(self, *, inbound: bool) -> None:
        """A participant dials in (or is dialled out to) one of a few running conferences."""
        if inbound:
            call = self.incoming()
            if not await self.ring_and_answer(call):
                return
        else:
            dialled = await self.dial(people.number(self.rng), "answer")
            if dialled is None:
                return
            call = dialled
        engines = self.world.conference_engine
        live = [item for item in self.world.conferences.values() if item.is_active and not item.texml]
        options = {"mute": self.rng.random() < 0.2}
        if live and (len(live) >= LIVE_CONFERENCES or self.rng.random() < 0.7):
            conference = self.rng.choice(live)
            engines.join(conference, call, options)
        else:
            engines.create(call, {"name": people.conference_name(self.rng)})
        await self.pause(self.profile.talk_time, 2.0)
        self.finish(call)

    async def texml_conference(self) -> None:
        """A TeXML application dials someone into one of a few TeXML conferences (a new one when
        there are few), over the TeXML REST API; they talk for a while and hang up."""
        live = [item for item in self.world.conferences.values() if item.is_active and item.texml]
        if live and (len(live) >= LIVE_TEXML_CONFERENCES or self.rng.random() < 0.7):
            name = self.rng.choice(live).id
        else:
            name = people.conference_name(self.rng)
            if self.world.active_conference_named(name):
                return  # a Call Control conference has the name: it is not the TeXML application's
        person = people.agent(self.rng)
        fields: dict[str, Any] = {
            "To": person.number,
            "From": people.company_number(self.rng),
            "Label": person.name,
            "Muted": self.rng.random() < 0.2,
            # Signed, form-encoded callbacks to the TeXML endpoint (webhook URL + "texml/").
            "ConferenceStatusCallback": self.world.options.texml_url,
            "ConferenceStatusCallbackEvent": TEXML_EVENTS,
        }
        resource = self.world.texml_engine.dial_participant(name, fields)
        call = self.world.calls[resource["call_sid"]]
        await self.pause(self.profile.talk_time, 2.0)
        self.finish(call)

    async def outbound(self) -> None:
        """The company calls a customer: answered, busy, unanswered, rejected or a machine."""
        call = await self.dial(people.number(self.rng), weighted(self.rng, OUTBOUND_OUTCOMES))
        if call is None:
            return
        await self.pause(self.profile.talk_time)
        self.finish(call)
