"""The simulated world: every call, queue and conference, the clock that moves them, and the
thread-safe Python API tests use to make things happen without HTTP."""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from simulator import people, resources
from simulator.call_engine import CallEngine
from simulator.conference_engine import ConferenceEngine
from simulator.events import call_fields
from simulator.options import DIAL_OUTCOMES, SimulatorOptions
from simulator.state import Call, Conference, Queue
from simulator.texml_engine import TexmlEngine
from simulator.validation import call_ended, conference_not_found, not_answered, not_found
from simulator.webhooks import Webhook, WebhookDispatcher

log = logging.getLogger("simulator")

P = ParamSpec("P")
R = TypeVar("R")

CALL_TIMEOUT_SECS = 10.0  # how long a thread waits for the event loop to run a world method


def on_loop(method: Callable[P, R]) -> Callable[P, R]:
    """Run a World method on the simulator's event loop, whichever thread calls it."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        world = args[0]
        assert isinstance(world, World)
        return world.run_on_loop(method, *args, **kwargs)

    return wrapper


@dataclass(frozen=True)
class CallHandle:
    call_control_id: str
    call_leg_id: str
    call_session_id: str
    direction: str
    from_: str
    to: str
    caller_id_name: str | None

    @classmethod
    def of(cls, call: Call) -> CallHandle:
        return cls(
            call.call_control_id,
            call.call_leg_id,
            call.call_session_id,
            call.direction,
            call.from_,
            call.to,
            call.caller_id_name,
        )


@dataclass(frozen=True)
class ConferenceHandle:
    id: str
    name: str
    calls: tuple[CallHandle, ...]


class Timer:
    """A scheduled world change. Transient timers are simulator work `wait_idle` waits for;
    the others (ring timeouts, time limits, floor changes) model waiting for people."""

    def __init__(self, world: World, delay: float, action: Callable[[], None], transient: bool) -> None:
        self._world = world
        self._action = action
        self.transient = transient
        self.done = False
        self._handle = world.loop.call_later(delay, self._fire)
        world.timers.add(self)

    def _fire(self) -> None:
        self._finish()
        try:
            self._action()
        except Exception:
            log.exception("simulated action failed")

    def cancel(self) -> None:
        if not self.done:
            self._handle.cancel()
            self._finish()

    def _finish(self) -> None:
        self.done = True
        self._world.timers.discard(self)


class World:
    """State plus the engines that change it. Engines and HTTP handlers run on the event loop;
    the public methods below are safe to call from any thread."""

    def __init__(self, options: SimulatorOptions, dispatcher: WebhookDispatcher) -> None:
        self.options = options
        self.dispatcher = dispatcher
        self.rng = random.Random(options.seed)
        self.calls: dict[str, Call] = {}
        self.conferences: dict[str, Conference] = {}
        self.queues: dict[str, Queue] = {}
        self.timers: set[Timer] = set()
        self.dial_outcomes: dict[str, str] = {}
        self._seen_commands: dict[tuple[str, str], tuple[float, Any]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self.call_engine = CallEngine(self)
        self.conference_engine = ConferenceEngine(self)
        self.texml_engine = TexmlEngine(self)

    # --- plumbing (event loop only) ---------------------------------------------------------------

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            raise RuntimeError("the simulator is not running")
        return self._loop

    def run_on_loop(self, function: Callable[..., R], *args: Any, **kwargs: Any) -> R:
        loop = self.loop
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            return function(*args, **kwargs)
        future: concurrent.futures.Future[R] = concurrent.futures.Future()

        def run() -> None:
            try:
                future.set_result(function(*args, **kwargs))
            except BaseException as exc:
                future.set_exception(exc)

        loop.call_soon_threadsafe(run)
        return future.result(timeout=CALL_TIMEOUT_SECS)

    def later(self, delay: float, action: Callable[[], None], *, transient: bool = True) -> Timer:
        return Timer(self, delay, action, transient)

    @property
    def busy(self) -> bool:
        """True while webhooks are pending or the simulator has short work scheduled."""
        return self.dispatcher.pending > 0 or any(timer.transient for timer in list(self.timers))

    def emit_call(
        self, call: Call, event_type: str, extra: dict[str, Any], client_state: str | None = None
    ) -> None:
        """A call event; `client_state` is the command's, else the call's current state is sent."""
        if call.silent:
            return
        payload = call_fields(call, client_state if client_state is not None else call.client_state) | extra
        # Seed 002: webhook_url_method is the "HTTP request type used for webhook_url".
        url, method = self.options.webhook_url, "POST"
        if call.webhook_url:
            url, method = call.webhook_url, call.webhook_url_method
        self.dispatcher.enqueue(
            Webhook.event(event_type, payload, url=url, keys=(call.call_control_id,), method=method)
        )

    def emit_conference(
        self, conference: Conference, event_type: str, payload: dict[str, Any], call_control_id: str | None
    ) -> None:
        """A conference event, kept in order with both its conference's and its call's webhooks."""
        if conference.texml:
            return
        keys = (call_control_id, conference.id) if call_control_id else (conference.id,)
        self.dispatcher.enqueue(Webhook.event(event_type, payload, url=self.options.webhook_url, keys=keys))

    def emit_texml(self, conference: Conference, fields: dict[str, str]) -> None:
        url = conference.status_callback or self.options.texml_url
        self.dispatcher.enqueue(Webhook.texml(fields, url=url, keys=(conference.id,)))

    def find_call(self, call_control_id: str) -> Call:
        call = self.calls.get(call_control_id)
        if call is None:
            raise not_found()
        return call

    def find_conference(self, id_or_name: str) -> Conference:
        conference = self.conferences.get(id_or_name)
        if conference is not None:
            return conference
        named = [item for item in self.conferences.values() if item.name == id_or_name]
        # A name means the live conference of that name, else the latest one.
        named.sort(key=lambda item: (item.is_active, item.created_at))
        if not named:
            raise conference_not_found()
        return named[-1]

    def active_conference_named(self, name: str) -> Conference | None:
        for conference in self.conferences.values():
            if conference.name == name and conference.is_active:
                return conference
        return None

    def answered(self, call_control_id: str) -> Call:
        """A call that is up and answered, as most commands need."""
        call = self.find_call(call_control_id)
        if not call.is_alive:
            raise call_ended()
        if not call.answered_at:
            raise not_answered()
        return call

    def outcome_for(self, number: str) -> str:
        return self.dial_outcomes.get(number, self.options.dial_outcome)

    def seen_command(self, target: str, command_id: str | None) -> Any:
        """The stored response of a command_id already used on `target` in the last 60 s, if any."""
        if not command_id:
            return None
        moment = time.monotonic()
        for key in [key for key, (expiry, _) in self._seen_commands.items() if expiry <= moment]:
            del self._seen_commands[key]
        entry = self._seen_commands.get((target, command_id))
        return entry[1] if entry else None

    def remember_command(self, target: str, command_id: str | None, response: Any) -> None:
        if command_id:
            expiry = time.monotonic() + self.options.command_id_ttl
            self._seen_commands[(target, command_id)] = (expiry, response)

    def prune(self, older_than: float) -> None:
        """Forget calls and conferences that ended more than `older_than` seconds ago (long runs)."""
        cutoff = time.time() - older_than
        for key, call in list(self.calls.items()):
            if call.ended_at and call.ended_at.timestamp() < cutoff:
                del self.calls[key]
        for key, conference in list(self.conferences.items()):
            if not conference.is_active and conference.updated_at.timestamp() < cutoff:
                del self.conferences[key]

    # --- the Python API (any thread) ----------------------------------------------------------------

    @on_loop
    def reset(self) -> None:
        """Forget every call, queue, conference and scripted outcome; cancel everything scheduled."""
        for timer in list(self.timers):
            timer.cancel()
        self.calls.clear()
        self.conferences.clear()
        self.queues.clear()
        self.dial_outcomes.clear()
        self._seen_commands.clear()

    @on_loop
    def set_dial_outcome(self, number: str, outcome: str) -> None:
        """What the far end does when `number` is dialled: answer, busy, no_answer, reject or machine."""
        if outcome not in DIAL_OUTCOMES:
            raise ValueError(f"outcome must be one of {', '.join(DIAL_OUTCOMES)}")
        self.dial_outcomes[number] = outcome

    @on_loop
    def incoming_call(
        self,
        from_: str | None = None,
        to: str | None = None,
        *,
        caller_id_name: str | None = None,
        client_state: str | None = None,
        custom_headers: list[dict[str, str]] | None = None,
        sip_headers: list[dict[str, str]] | None = None,
        tags: list[str] | None = None,
    ) -> CallHandle:
        """A call arriving on the connection: sends call.initiated and waits to be answered."""
        if from_ is None:
            caller = people.caller(self.rng)
            from_, caller_id_name = caller.number, caller_id_name or caller.name
        call = self.call_engine.incoming(
            from_=from_,
            to=to or people.company_number(self.rng),
            caller_id_name=caller_id_name,
            client_state=client_state,
            custom_headers=custom_headers or [],
            sip_headers=sip_headers or [],
            tags=tags or [],
        )
        return CallHandle.of(call)

    @on_loop
    def answered_call(self, from_: str | None = None, to: str | None = None, **details: Any) -> CallHandle:
        """An incoming call, answered at once (call.initiated then call.answered)."""
        handle = self.incoming_call(from_, to, **details)
        self.call_engine.answer(self.calls[handle.call_control_id], {})
        return handle

    @on_loop
    def dial(
        self,
        to: str,
        from_: str | None = None,
        *,
        outcome: str | None = None,
        client_state: str | None = None,
        timeout_secs: int = 30,
    ) -> CallHandle:
        """An outbound call, as if POST /calls was sent; `outcome` overrides the far end's answer."""
        body: dict[str, Any] = {
            "to": to,
            "from": from_ or people.company_number(self.rng),
            "connection_id": self.options.connection_id,
            "timeout_secs": timeout_secs,
        }
        if client_state is not None:
            body["client_state"] = client_state
        if outcome is not None and outcome not in DIAL_OUTCOMES:
            raise ValueError(f"outcome must be one of {', '.join(DIAL_OUTCOMES)}")
        return CallHandle.of(self.call_engine.dial(body, outcome)[0])

    @on_loop
    def answer(self, call_control_id: str, client_state: str | None = None) -> None:
        body = {"client_state": client_state} if client_state else {}
        self.call_engine.answer(self.find_call(call_control_id), body)

    @on_loop
    def hangup(self, call_control_id: str, cause: str = "normal_clearing") -> None:
        """The far end hangs up (an unanswered incoming call: the caller gives up)."""
        self.call_engine.remote_hangup(self.find_call(call_control_id), cause)

    @on_loop
    def press_digits(self, call_control_id: str, digits: str) -> None:
        """The far end keys in `digits`: call.dtmf.received each, fed to any running gather."""
        self.call_engine.press_digits(self.find_call(call_control_id), digits)

    @on_loop
    def script_digits(self, call_control_id: str, digits: str) -> None:
        """What the far end will key in at the call's next gather (instead of random digits)."""
        self.find_call(call_control_id).pending_digits = digits

    @on_loop
    def bridge(self, call_control_id: str, other_call_control_id: str) -> None:
        """Bridge two answered calls, as the bridge command does (call.bridged on both)."""
        call = self.answered(call_control_id)
        self.call_engine.bridge_command(call, {"call_control_id": other_call_control_id})

    @on_loop
    def enqueue(self, call_control_id: str, queue: str = "support") -> None:
        self.call_engine.enqueue(self.answered(call_control_id), {"queue_name": queue})

    @on_loop
    def create_conference(self, name: str, call_control_ids: list[str], **options: Any) -> ConferenceHandle:
        """A conference created by the first call, which the other calls then join."""
        calls = [self.find_call(call_control_id) for call_control_id in call_control_ids]
        if not calls:
            raise ValueError("a conference needs at least one call")
        conference = self.conference_engine.create(calls[0], {"name": name, **options})
        for call in calls[1:]:
            self.conference_engine.join(conference, call, {})
        return ConferenceHandle(conference.id, conference.name, tuple(CallHandle.of(call) for call in calls))

    @on_loop
    def start_conference(self, name: str | None = None, participants: int = 3) -> ConferenceHandle:
        """`participants` answered incoming calls in a new conference."""
        if participants < 1:
            raise ValueError("a conference needs at least one participant")
        handles = [self.answered_call() for _ in range(participants)]
        return self.create_conference(
            name or people.conference_name(self.rng), [handle.call_control_id for handle in handles]
        )

    @on_loop
    def join_conference(self, conference: str, call_control_id: str, **options: Any) -> str:
        """The call joins the conference (id or name); returns the participant id."""
        participant = self.conference_engine.join(
            self.find_conference(conference), self.find_call(call_control_id), options
        )
        return participant.id

    @on_loop
    def leave_conference(self, conference: str, call_control_id: str) -> None:
        self.conference_engine.leave(self.find_conference(conference), self.find_call(call_control_id))

    @on_loop
    def end_conference(self, conference: str) -> None:
        self.conference_engine.end_via_api(self.find_conference(conference))

    @on_loop
    def texml_dial_participant(
        self, conference: str, to: str, from_: str | None = None, *, label: str | None = None
    ) -> dict[str, Any]:
        """Dial `to` into a TeXML conference (created when new); returns the participant resource."""
        fields = {"To": to, "From": from_ or people.company_number(self.rng)}
        if label:
            fields["Label"] = label
        return self.texml_engine.dial_participant(conference, fields)

    @on_loop
    def call_info(self, call_control_id: str) -> dict[str, Any]:
        """GET /calls/{id}'s resource, plus where the call stands."""
        call = self.find_call(call_control_id)
        return resources.call(call) | {
            "direction": call.direction,
            "from": call.from_,
            "to": call.to,
            "state": call.state,
            "bridged_with": call.bridged_with,
            "supervising": call.supervising,
            "supervisor_role": call.supervisor_role,
            "supervisors": list(call.supervisors),
            "queue": call.queue,
            "conference_id": call.conference_id,
            "recording": call.recording is not None,
        }

    @on_loop
    def live_calls(self) -> list[dict[str, Any]]:
        return [resources.call(call) for call in self.calls.values() if call.is_alive]

    @on_loop
    def conference_info(self, conference: str) -> dict[str, Any]:
        """GET /conferences/{id}'s resource, plus its active participants."""
        item = self.find_conference(conference)
        return resources.conference(item) | {
            "participants": [
                resources.participant(item, participant) for participant in item.active_participants()
            ]
        }

    @on_loop
    def conference_list(self) -> list[dict[str, Any]]:
        return [resources.conference(item) for item in self.conferences.values()]

    def is_idle(self) -> bool:
        """No webhook pending and no short simulated work scheduled (any thread)."""
        try:
            return not self.run_on_loop(lambda: self.busy)
        except concurrent.futures.TimeoutError:
            return False  # the loop is too busy to answer: certainly not idle
