"""What calls do: ring, answer, bridge, queue, play, gather, record, fork and hang up, sending the
webhooks the seeds list for each command. Runs on the simulator's event loop."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from simulator import events, ids, schemas
from simulator.options import Timings
from simulator.state import Call, Direction, Gather, GatherKind, Media, Queue, Recording
from simulator.validation import (
    ApiError,
    already_queued,
    bad_value,
    call_ended,
    cannot_answer,
    dtmf_to_send,
    engine_config,
    error,
    invalid_call_control_id,
    missing,
    not_answered,
    not_forked,
    one_of,
    out_of_range,
    queue_full,
    unable,
)

if TYPE_CHECKING:
    from simulator.world import Timer, World

Body = dict[str, Any]
MACHINE_GREETING_MODES = ("detect_beep", "greeting_end", "detect_words")


def adopt_client_state(call: Call, body: Body) -> str | None:
    """A command's client_state is sent with its webhooks and kept for every later one."""
    state = body.get("client_state") or None
    if state:
        call.client_state = state
    return state


def loop_count(value: Any) -> int | None:
    """A playback's `loop`: a count, or None for "infinity"."""
    if value in (None, ""):
        return 1
    return None if value == "infinity" else int(value)


class CallEngine:
    def __init__(self, world: World) -> None:
        self.world = world

    # --- timers -----------------------------------------------------------------------------------

    def later(self, call: Call, delay: float, action: Callable[[], None], *, transient: bool = True) -> Timer:
        """A timer that dies with the call."""
        timer = self.world.later(delay, action, transient=transient)
        call.timers.append(timer)
        return timer

    @property
    def timings(self) -> Timings:
        return self.world.options.timings

    # --- new calls --------------------------------------------------------------------------------

    def new_call(
        self,
        *,
        direction: Direction,
        from_: str,
        to: str,
        session: str | None = None,
        caller_id_name: str | None = None,
        client_state: str | None = None,
        custom_headers: list[dict[str, str]] | None = None,
        sip_headers: list[dict[str, str]] | None = None,
        tags: list[str] | None = None,
        webhook_url: str | None = None,
        silent: bool = False,
    ) -> Call:
        call = Call(
            call_control_id=ids.call_control_id(),
            call_leg_id=ids.leg_id(),
            call_session_id=session or ids.leg_id(),
            connection_id=self.world.options.connection_id,
            direction=direction,
            from_=from_,
            to=to,
            start_time=ids.now(),
            caller_id_name=caller_id_name,
            client_state=client_state,
            custom_headers=list(custom_headers or []),
            sip_headers=list(sip_headers or []),
            tags=list(tags or []),
            webhook_url=webhook_url,
            silent=silent,
        )
        self.world.calls[call.call_control_id] = call
        return call

    def incoming(self, **details: Any) -> Call:
        call = self.new_call(direction="incoming", **details)
        self.world.emit_call(call, "call.initiated", events.initiated(call))
        return call

    def dial(self, body: Body, outcome: str | None = None) -> list[Call]:
        """POST /calls: one leg per destination; the first to answer cancels the others.
        `outcome` overrides what the far end does (the traffic driver's choice)."""
        supervised = self.supervised_by_dial(body)
        targets = body["to"] if isinstance(body["to"], list) else [body["to"]]
        linked = self.world.calls.get(body.get("link_to") or "")
        session = linked.call_session_id if linked else ids.leg_id()
        legs = [self.outgoing_leg(body, to=target, from_=body["from"], session=session) for target in targets]
        for leg in legs:
            leg.outcome = outcome or leg.outcome
            leg.dial_group = [other.call_control_id for other in legs if other is not leg]
            if supervised is not None:
                leg.supervising = supervised.call_control_id
                leg.supervisor_role = body.get("supervisor_role") or "barge"
                leg.on_answer = self.attach_supervisor
            self.world.emit_call(leg, "call.initiated", events.initiated(leg))
            self.ring(leg)
        return legs

    def supervised_by_dial(self, body: Body) -> Call | None:
        """The call a dial's `supervise_call_control_id` names: it must be live and answered
        (a supervisor listens to a conversation, not to ringing), else nothing is dialled."""
        target_id = body.get("supervise_call_control_id")
        if not target_id:
            return None
        target = self.world.calls.get(target_id)
        if target is None:
            raise invalid_call_control_id("/supervise_call_control_id")
        if not target.is_alive:
            raise call_ended()
        if not target.answered_at:
            raise unable("The call to supervise has not been answered yet: only an answered call can be supervised.")
        return target

    def attach_supervisor(self, leg: Call) -> None:
        """The supervisor answered: its leg joins the supervised call in its role, reported as bridged;
        the call it was to supervise has gone meanwhile: the supervisor is hung up."""
        target = self.world.calls.get(leg.supervising or "")
        if target is None or not target.is_alive:
            self.hangup(leg, cause="normal_clearing", source="unknown")
            return
        target.supervisors.append(leg.call_control_id)
        self.world.emit_call(leg, "call.bridged", events.bridged(leg))

    def outgoing_leg(self, body: Body, *, to: str, from_: str, session: str, silent: bool = False) -> Call:
        leg = self.new_call(
            direction="outgoing",
            from_=from_,
            to=to,
            session=session,
            caller_id_name=body.get("from_display_name"),
            client_state=body.get("client_state"),
            custom_headers=body.get("custom_headers"),
            sip_headers=body.get("sip_headers"),
            webhook_url=body.get("webhook_url"),
            silent=silent,
        )
        leg.state = "bridging"
        leg.webhook_url_method = body.get("webhook_url_method") or "POST"
        leg.amd = body.get("answering_machine_detection") or "disabled"
        leg.time_limit_secs = body.get("time_limit_secs") or 14400
        leg.timeout_secs = body.get("timeout_secs") or 30
        leg.stream_url = body.get("stream_url")
        leg.record_on_answer = record_options(body)
        if body.get("audio_url") or body.get("media_name"):
            leg.answer_media = {"media_url": body.get("audio_url"), "media_name": body.get("media_name")}
        leg.outcome = self.world.outcome_for(to)
        return leg

    def ring(self, call: Call) -> None:
        """Schedule what the far end does with an outbound leg."""
        outcome, timings = call.outcome, self.timings
        if outcome in ("answer", "machine"):
            self.later(call, timings.answer_delay, lambda: self.far_end_answers(call))
        elif outcome == "busy":
            self.later(
                call, timings.busy_delay, lambda: self.hangup(call, cause="user_busy", source="callee")
            )
        elif outcome == "reject":
            self.later(
                call, timings.busy_delay, lambda: self.hangup(call, cause="call_rejected", source="callee")
            )
        else:
            # Ringing out a real timeout is waiting for people; a shortened one is simulator work.
            delay = timings.no_answer_delay
            self.later(
                call,
                call.timeout_secs if delay is None else delay,
                lambda: self.hangup(call, cause="timeout", source="unknown"),
                transient=delay is not None,
            )

    # --- answering --------------------------------------------------------------------------------

    def far_end_answers(self, call: Call) -> None:
        if not call.is_alive or call.answered_at:
            return
        self.mark_answered(call, None)

    def answer(self, call: Call, body: Body) -> None:
        """The answer command: only an incoming call still ringing can be answered."""
        if not call.is_alive:
            raise call_ended()
        if call.direction != "incoming" or call.answered_at:
            raise cannot_answer(outgoing=call.direction != "incoming")
        state = adopt_client_state(call, body)
        call.webhook_url = body.get("webhook_url") or call.webhook_url
        call.webhook_url_method = body.get("webhook_url_method") or call.webhook_url_method
        call.stream_url = body.get("stream_url")
        call.record_on_answer = record_options(body)
        self.mark_answered(call, state)

    def mark_answered(self, call: Call, client_state: str | None) -> None:
        call.state = "answered"
        call.answered_at = ids.now()
        self.world.emit_call(call, "call.answered", events.answered(call), client_state)
        for other_id in call.dial_group:
            other = self.world.calls.get(other_id)
            if other and other.is_alive and not other.answered_at:
                self.hangup(other, cause="originator_cancel", source="caller")
        if call.record_on_answer:
            self.start_recording(call, call.record_on_answer)
        if call.stream_url:
            self.world.emit_call(call, "streaming.started", {"stream_url": call.stream_url})
        if call.amd != "disabled":
            self.later(call, self.timings.amd_delay, lambda: self.machine_detected(call))
        self.later(
            call,
            call.time_limit_secs,
            lambda: self.hangup(call, cause="time_limit", source="unknown"),
            transient=False,
        )
        if call.answer_media:
            self.play(call, Media("playback", **call.answer_media))
        if call.on_answer:
            call.on_answer(call)

    def machine_detected(self, call: Call) -> None:
        machine = call.outcome == "machine"
        self.world.emit_call(
            call,
            "call.machine.detection.ended",
            {**events.parties(call), "result": "machine" if machine else "human"},
        )
        if machine and call.amd in MACHINE_GREETING_MODES:
            self.later(
                call,
                self.timings.amd_delay,
                lambda: self.world.emit_call(
                    call, "call.machine.greeting.ended", {**events.parties(call), "result": "beep_detected"}
                ),
            )

    # --- hanging up -------------------------------------------------------------------------------

    def hangup(self, call: Call, *, cause: str, source: str, client_state: str | None = None) -> None:
        """End the call and everything running on it, in the order Telnyx reports them."""
        if not call.is_alive:
            return
        if call.gather:
            self.finish_gather(call, "call_hangup")
        self.stop_media(call, "call_hangup", everything=True, overlay=True)
        self.stop_media(call, "call_hangup", everything=True, overlay=False)
        if call.fork_stream_type:
            self.world.emit_call(call, "call.fork.stopped", {"stream_type": call.fork_stream_type})
            call.fork_stream_type = None
        if call.siprec:
            self.world.emit_call(call, "siprec.stopped", {"hangup_cause": "normal_clearing"})
            call.siprec = False
        if call.stream_url and call.answered_at:
            self.world.emit_call(call, "streaming.stopped", {"stream_url": call.stream_url})
        if call.queue:
            self.dequeue(call, "hangup")
        if call.conference_id:
            self.world.conference_engine.call_left(call)
        supervised = self.world.calls.get(call.supervising or "")
        if supervised and call.call_control_id in supervised.supervisors:
            # Leaving: the supervised call goes on without its supervisor.
            supervised.supervisors.remove(call.call_control_id)
        for timer in call.timers:
            timer.cancel()
        call.timers.clear()
        call.state = "hangup"
        call.ended_at = ids.now()
        call.hangup_cause = cause
        self.world.emit_call(
            call, "call.hangup", events.hangup(call, cause, source, self.world.rng), client_state
        )
        if call.recording:
            self.save_recording(call, client_state)
        peer = self.world.calls.get(call.bridged_with or "")
        call.bridged_with = None
        if peer and peer.is_alive:
            peer.bridged_with = None
            if not peer.park_after_unbridge:
                self.hangup(peer, cause="normal_clearing", source="unknown")
        # Nothing left to supervise: the supervisors' legs end with the call.
        for supervisor_id in call.supervisors:
            supervisor = self.world.calls.get(supervisor_id)
            if supervisor and supervisor.is_alive:
                self.hangup(supervisor, cause="normal_clearing", source="unknown")
        call.supervisors.clear()
        if call.on_end:
            call.on_end(call)

    def hangup_command(self, call: Call, body: Body) -> None:
        state = adopt_client_state(call, body)
        if call.answered_at:
            cause, source = "normal_clearing", "caller" if call.direction == "outgoing" else "callee"
        elif call.direction == "outgoing":
            cause, source = "originator_cancel", "caller"
        else:
            cause, source = "call_rejected", "callee"
        self.hangup(call, cause=cause, source=source, client_state=state)

    def remote_hangup(self, call: Call, cause: str = "normal_clearing") -> None:
        """The far end hangs up; a caller giving up before the answer is an originator_cancel."""
        if not call.is_alive:
            raise call_ended()
        if call.direction == "incoming" and not call.answered_at and cause == "normal_clearing":
            cause = "originator_cancel"
        self.hangup(call, cause=cause, source="caller" if call.direction == "incoming" else "callee")

    def reject(self, call: Call, body: Body) -> None:
        if call.direction != "incoming" or call.answered_at:
            raise unable("Only an incoming call that has not been answered can be rejected.")
        state = adopt_client_state(call, body)
        cause = "user_busy" if body["cause"] == "USER_BUSY" else "call_rejected"
        self.hangup(call, cause=cause, source="callee", client_state=state)

    # --- bridging and transfer --------------------------------------------------------------------

    def bridge_command(self, call: Call, body: Body) -> None:
        target, queue_name = body.get("call_control_id"), body.get("queue")
        if target and queue_name:
            raise ApiError(
                422, [bad_value("queue", "'queue' can't be used together with 'call_control_id'.")]
            )
        if queue_name:
            queue = self.world.queues.get(queue_name)
            if queue is None or not queue.calls:
                raise unable(f"The '{queue_name}' queue is empty.")
            found = self.world.calls.get(queue.calls[0])
        elif target:
            found = self.world.calls.get(target)
            if found is None:
                raise invalid_call_control_id()
        else:
            raise ApiError(422, [missing("call_control_id")])
        assert found is not None, "queued calls are always registered"
        other = found
        if other is call:
            raise unable("A call can't be bridged with itself.")
        if not other.is_alive:
            raise call_ended()
        if not other.answered_at:
            raise not_answered()
        if body.get("prevent_double_bridge") and (call.bridged_with or other.bridged_with):
            raise unable("One of the calls is already bridged.")
        self.bridge(call, other, body)

    def bridge(self, call: Call, other: Call, body: Body) -> None:
        state = adopt_client_state(call, body)
        call.park_after_unbridge = body.get("park_after_unbridge") == "self"
        for leg, partner in ((call, other), (other, call)):
            if leg.queue:
                self.dequeue(leg, "bridged")
            previous = self.world.calls.get(leg.bridged_with or "")
            if previous and previous is not partner:
                previous.bridged_with = None
            leg.bridged_with = partner.call_control_id
        self.world.emit_call(call, "call.bridged", events.bridged(call), state)
        self.world.emit_call(other, "call.bridged", events.bridged(other))
        if (options := record_options(body)) and not call.recording:
            self.start_recording(call, options)

    def transfer(self, call: Call, body: Body) -> None:
        """A new leg to `to` in the same session, bridged with this call once it answers."""
        adopt_client_state(call, body)
        leg_body = {**body, "client_state": body.get("target_leg_client_state")}
        leg_body.setdefault("from_display_name", call.caller_id_name)
        leg = self.outgoing_leg(
            leg_body, to=body["to"], from_=body.get("from") or call.from_, session=call.call_session_id
        )

        def bridge_back(answered: Call) -> None:
            if call.answered:
                self.bridge(call, answered, {"park_after_unbridge": body.get("park_after_unbridge")})

        leg.on_answer = bridge_back
        self.world.emit_call(leg, "call.initiated", events.initiated(leg))
        self.ring(leg)

    def switch_supervisor_role(self, call: Call, body: Body) -> None:
        """On a supervisor's leg, attached to the call it supervises (or a bridged call)."""
        supervised = self.world.calls.get(call.supervising or "")
        attached = supervised is not None and call.call_control_id in supervised.supervisors
        if not (attached or call.bridged_with):
            raise unable("The call is not bridged.")
        call.supervisor_role = body["role"]

    def client_state_update(self, call: Call, body: Body) -> None:
        call.client_state = body["client_state"]

    # --- queues -----------------------------------------------------------------------------------

    def enqueue(self, call: Call, body: Body) -> None:
        name = body["queue_name"]
        if call.queue == name:
            raise already_queued()
        queue = self.world.queues.setdefault(name, Queue(name, max_size=body.get("max_size") or 100))
        if len(queue.calls) >= queue.max_size:
            raise queue_full(name)
        state = adopt_client_state(call, body)
        if call.queue:
            self.dequeue(call, "leave")
        queue.calls.append(call.call_control_id)
        call.queue, call.queued_at = name, ids.now()
        average = int(sum(queue.waits) / len(queue.waits)) if queue.waits else 0
        self.world.emit_call(
            call,
            "call.enqueued",
            {"queue": name, "current_position": len(queue.calls), "queue_avg_wait_time_secs": average},
            state,
        )
        if max_wait := body.get("max_wait_time_secs"):
            entered = call.queued_at

            def time_out() -> None:
                if call.queue == name and call.queued_at == entered:
                    self.dequeue(call, "timeout")

            self.later(call, max_wait, time_out, transient=False)

    def dequeue(self, call: Call, reason: str, client_state: str | None = None) -> None:
        queue = self.world.queues.get(call.queue or "")
        if queue is None or call.call_control_id not in queue.calls:
            call.queue = None
            return
        position = queue.calls.index(call.call_control_id) + 1
        queue.calls.remove(call.call_control_id)
        waited = (ids.now() - call.queued_at).total_seconds() if call.queued_at else 0.0
        queue.waits.append(waited)
        name, call.queue, call.queued_at = queue.name, None, None
        self.world.emit_call(
            call,
            "call.dequeued",
            {"queue": name, "queue_position": position, "reason": reason, "wait_time_secs": int(waited)},
            client_state,
        )

    def leave_queue(self, call: Call, body: Body) -> None:
        if not call.queue:
            raise unable("The call is not in a queue.")
        self.dequeue(call, "leave", adopt_client_state(call, body))

    # --- media ------------------------------------------------------------------------------------

    def playback_start(self, call: Call, body: Body) -> None:
        one_of(body, ("audio_url", "media_name", "playback_content"))
        overlay = bool(body.get("overlay"))
        if overlay and body.get("target_legs") not in (None, "", "self"):
            # Seed 002: "When overlay is enabled, target_legs is limited to self."
            raise ApiError(
                422,
                [
                    error(
                        "10032",
                        "Invalid enumerated value",
                        "When overlay is enabled, target_legs is limited to self.",
                        "/target_legs",
                    )
                ],
            )
        if overlay and not call.media:
            raise unable("An overlay can only be played over a playback that is already playing.")
        state = adopt_client_state(call, body)
        if stop := body.get("stop"):
            self.stop_media(call, "cancelled", everything=stop == "all", overlay=False, client_state=state)
        self.play(
            call,
            Media(
                "playback",
                media_url=body.get("audio_url"),
                media_name=body.get("media_name"),
                overlay=overlay,
                loops=loop_count(body.get("loop")),
                client_state=state,
            ),
        )

    def speak(self, call: Call, body: Body) -> None:
        self.play(call, Media("speak", client_state=adopt_client_state(call, body)))

    def play(self, call: Call, item: Media) -> None:
        """Overlays play at once; anything else waits for the playback ahead of it."""
        if item.overlay:
            call.overlays.append(item)
            self.start_media(call, item)
            return
        call.media.append(item)
        if len(call.media) == 1:
            self.start_media(call, item)

    def start_media(self, call: Call, item: Media) -> None:
        extra = events.media(item) if item.kind == "playback" else {}
        self.world.emit_call(call, f"call.{item.kind}.started", extra, item.client_state)
        if item.loops is not None:
            duration = self.timings.media_duration * item.loops
            item.timer = self.later(call, duration, lambda: self.media_ended(call, item, "completed"))

    def media_ended(self, call: Call, item: Media, status: str, client_state: str | None = None) -> None:
        """The item is done; `client_state`: that of the command that stopped it, if it gave one."""
        if item.timer:
            item.timer.cancel()
        playing = call.overlays if item.overlay else call.media
        head = bool(playing) and playing[0] is item
        if item in playing:
            playing.remove(item)
        if item.kind == "playback":
            extra = {**events.media(item), "status": status}
        else:
            # call.speak.ended has no "cancelled" status.
            extra = {"status": "completed" if status == "cancelled" else status}
        self.world.emit_call(call, f"call.{item.kind}.ended", extra, client_state or item.client_state)
        if head and not item.overlay and call.media and call.is_alive and status != "call_hangup":
            self.start_media(call, call.media[0])

    def stop_media(
        self, call: Call, status: str, *, everything: bool, overlay: bool, client_state: str | None = None
    ) -> None:
        """Stop what plays; with `everything`, drop what waits too (it never started: no webhook)."""
        playing = call.overlays if overlay else call.media
        if not playing:
            return
        if overlay:
            stopped = list(playing) if everything else [playing[-1]]
        else:
            stopped = [playing[0]]
            if everything:
                del playing[1:]
        for item in stopped:
            self.media_ended(call, item, status, client_state)

    def playback_stop(self, call: Call, body: Body) -> None:
        # Seed 002: client state is added "to every subsequent webhook", the playback's end included.
        state = adopt_client_state(call, body)
        everything = (body.get("stop") or "all") == "all"
        self.stop_media(
            call, "cancelled", everything=everything, overlay=bool(body.get("overlay")), client_state=state
        )

    # --- gathering digits -------------------------------------------------------------------------

    def gather(self, call: Call, body: Body, kind: GatherKind) -> None:
        if kind == "audio":
            one_of(body, ("audio_url", "media_name"))
            # Seed 002: "invalid_media_name and invalid_audio_url cannot be used together".
            one_of(body, ("invalid_audio_url", "invalid_media_name"), required=False)
        minimum, maximum = body.get("minimum_digits") or 1, body.get("maximum_digits") or 128
        if minimum > maximum:
            raise ApiError(422, [out_of_range("minimum_digits", 1, maximum)])
        state = adopt_client_state(call, body)
        if call.gather:
            self.finish_gather(call, "cancelled")
        gather = Gather(
            kind=kind,
            minimum=minimum,
            maximum=maximum,
            terminating=body.get("terminating_digit") or "#",
            valid=body.get("valid_digits") or "0123456789#*",
            client_state=state,
        )
        call.gather = gather
        prompt = 0.0
        if kind == "audio":
            prompt = self.timings.media_duration
            item = Media(
                "playback",
                media_url=body.get("audio_url"),
                media_name=body.get("media_name"),
                client_state=state,
            )
            self.world.emit_call(call, "call.playback.started", events.media(item), state)
            gather.timers.append(
                self.later(
                    call,
                    prompt,
                    lambda: self.world.emit_call(
                        call, "call.playback.ended", {**events.media(item), "status": "completed"}, state
                    ),
                )
            )
        elif kind == "speak":
            prompt = self.timings.media_duration
        digits, call.pending_digits = call.pending_digits, None
        if digits is None and self.world.options.auto_dtmf:
            digits = self.random_entry(gather)
        interval = self.timings.dtmf_interval
        for index, digit in enumerate(digits or ""):
            gather.timers.append(
                self.later(call, prompt + (index + 1) * interval, self.key_press(call, digit))
            )
        timeout = (body.get("timeout_millis") or 60000) / 1000
        gather.timers.append(
            self.later(call, prompt + timeout, lambda: self.finish_gather(call, "timeout"), transient=False)
        )

    def random_entry(self, gather: Gather) -> str:
        """What a caller plausibly keys in: a few valid digits, then the terminator if short of the max."""
        pool = [digit for digit in gather.valid if digit != gather.terminating] or list("0123456789")
        length = self.world.rng.randint(gather.minimum, min(gather.maximum, gather.minimum + 3))
        entry = "".join(self.world.rng.choice(pool) for _ in range(length))
        return entry + gather.terminating if length < gather.maximum else entry

    def key_press(self, call: Call, digit: str) -> Callable[[], None]:
        """The far end pressing `digit`, to run later."""
        return lambda: self.key_pressed(call, digit)

    def key_pressed(self, call: Call, digit: str) -> None:
        if not call.is_alive:
            return
        gather = call.gather
        state = gather.client_state if gather else None
        self.world.emit_call(call, "call.dtmf.received", {"digit": digit, **events.parties(call)}, state)
        if gather is None:
            return
        if digit == gather.terminating:
            self.finish_gather(call, None)
            return
        gather.digits += digit
        if len(gather.digits) >= gather.maximum:
            self.finish_gather(call, None)

    def press_digits(self, call: Call, digits: str) -> None:
        if not call.is_alive:
            raise call_ended()
        if problem := dtmf_to_send("digits", digits):
            raise ApiError(422, [problem])
        for digit in digits:
            if digit not in "wW":
                self.key_pressed(call, digit)

    def finish_gather(self, call: Call, status: str | None) -> None:
        """End the running gather; with no status, judge the digits against the rules."""
        gather, call.gather = call.gather, None
        if gather is None:
            return
        for timer in gather.timers:
            timer.cancel()
        if status is None:
            fits = gather.minimum <= len(gather.digits) <= gather.maximum
            status = "valid" if fits and set(gather.digits) <= set(gather.valid) else "invalid"
        self.world.emit_call(
            call,
            "call.gather.ended",
            {"digits": gather.digits, "status": status, **events.parties(call)},
            gather.client_state,
        )

    def gather_stop(self, call: Call, body: Body) -> None:
        adopt_client_state(call, body)
        if call.gather:
            self.finish_gather(call, "cancelled")

    # --- recording --------------------------------------------------------------------------------

    def start_recording(self, call: Call, options: Body) -> None:
        call.recording = Recording(
            id=ids.new_uuid(),
            started_at=ids.now(),
            channels=options.get("channels") or "dual",
            format=options.get("format") or "mp3",
        )
        if max_length := options.get("max_length"):
            recording = call.recording

            def stop() -> None:
                if call.recording is recording:
                    self.save_recording(call, None)

            self.later(call, max_length, stop, transient=False)

    def record_start(self, call: Call, body: Body) -> None:
        if call.recording:
            raise unable("The call is already being recorded.")
        adopt_client_state(call, body)
        self.start_recording(call, body)

    def record_stop(self, call: Call, body: Body) -> None:
        if not call.recording:
            raise unable("The call is not being recorded.")
        self.save_recording(call, adopt_client_state(call, body))

    def save_recording(self, call: Call, client_state: str | None) -> None:
        recording, call.recording = call.recording, None
        if recording is None:
            return
        ended = ids.now()
        # Not a call timer: the recording is saved after the call has gone.
        self.world.later(
            self.timings.recording_delay,
            lambda: self.world.emit_call(
                call, "call.recording.saved", events.recording_saved(call, recording, ended), client_state
            ),
        )

    def record_pause(self, call: Call, body: Body) -> None:
        if not call.recording:
            raise unable("The call is not being recorded.")
        adopt_client_state(call, body)
        call.recording.paused = True

    def record_resume(self, call: Call, body: Body) -> None:
        if not call.recording:
            raise unable("The call is not being recorded.")
        adopt_client_state(call, body)
        call.recording.paused = False

    # --- forking, SIPREC, suppression, refer, DTMF ------------------------------------------------

    def fork_start(self, call: Call, body: Body) -> None:
        stream_type = body.get("stream_type") or "raw"
        # Either a target or rx and tx; decrypted streams always need rx and tx.
        if stream_type == "decrypted" or body.get("rx") or body.get("tx"):
            required: tuple[str, ...] = ("rx", "tx")
        else:
            required = ("target",)
        for name in required:
            if not body.get(name):
                raise ApiError(422, [missing(name)])
        if call.fork_stream_type:
            raise unable("The call is already forked.")
        state = adopt_client_state(call, body)
        call.fork_stream_type = stream_type
        self.world.emit_call(call, "call.fork.started", {"stream_type": stream_type}, state)

    def fork_stop(self, call: Call, body: Body) -> None:
        if not call.fork_stream_type:
            raise not_forked()
        state = adopt_client_state(call, body)
        stream_type, call.fork_stream_type = call.fork_stream_type, None
        self.world.emit_call(call, "call.fork.stopped", {"stream_type": stream_type}, state)

    def siprec_start(self, call: Call, body: Body) -> None:
        if call.siprec:
            raise unable("A SIPREC session is already running on this call.")
        call.siprec = True
        self.world.emit_call(call, "siprec.started", {}, adopt_client_state(call, body))

    def siprec_stop(self, call: Call, body: Body) -> None:
        if not call.siprec:
            raise unable("No SIPREC session is running on this call.")
        call.siprec = False
        self.world.emit_call(
            call, "siprec.stopped", {"hangup_cause": "normal_clearing"}, adopt_client_state(call, body)
        )

    def suppression_start(self, call: Call, body: Body) -> None:
        engine_config(body, schemas.SUPPRESSION_ENGINE_PARAMETERS)
        adopt_client_state(call, body)
        call.suppression = body.get("direction") or "inbound"

    def suppression_stop(self, call: Call, body: Body) -> None:
        if not call.suppression:
            raise unable("Noise suppression is not running on this call.")
        adopt_client_state(call, body)
        call.suppression = None

    def refer(self, call: Call, body: Body) -> None:
        state = adopt_client_state(call, body)
        self.world.emit_call(
            call, "call.refer.started", {**events.parties(call), "sip_notify_response": 100}, state
        )
        self.later(
            call,
            self.timings.refer_delay,
            lambda: self.world.emit_call(
                call, "call.refer.completed", {**events.parties(call), "sip_notify_response": 200}, state
            ),
        )

    def send_dtmf(self, call: Call, body: Body) -> None:
        """Tones sent on this leg are heard (and reported) on the leg bridged with it."""
        adopt_client_state(call, body)
        peer = self.world.calls.get(call.bridged_with or "")
        if peer is None or not peer.is_alive:
            return
        interval = (body.get("duration_millis") or 250) / 1000
        digits = [digit for digit in body["digits"] if digit not in "wW"]
        for index, digit in enumerate(digits):
            self.later(peer, (index + 1) * interval, self.key_press(peer, digit))


def record_options(body: Body) -> Body | None:
    """The record-from-answer settings of a dial, answer, bridge or transfer."""
    if body.get("record") != "record-from-answer":
        return None
    return {
        "channels": body.get("record_channels") or "dual",
        "format": body.get("record_format") or "mp3",
        "max_length": body.get("record_max_length") or 0,
    }
