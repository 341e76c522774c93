"""What conferences do: start, admit and lose participants, change the floor, play, record and end,
sending conference.* webhooks (or TeXML status callbacks). Runs on the simulator's event loop."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from simulator import events, ids
from simulator.call_engine import adopt_client_state, loop_count
from simulator.state import Call, Conference, Media, Participant, Recording
from simulator.validation import (
    call_ended,
    conference_ended,
    invalid_call_control_id,
    max_participants,
    not_answered,
    one_of,
    unable,
)

if TYPE_CHECKING:
    from simulator.world import World

Body = dict[str, Any]
LIFETIME = timedelta(hours=4)  # conferences expire after four hours


class ConferenceEngine:
    def __init__(self, world: World) -> None:
        self.world = world

    # --- lifecycle --------------------------------------------------------------------------------

    def create(self, call: Call, body: Body) -> Conference:
        """POST /conferences: the call creates the conference and is its first participant."""
        name = body["name"]
        if self.world.active_conference_named(name):
            raise unable("Conference with given name already exists and it's active.")
        if call.conference_id:
            raise unable("The call is already in a conference.")
        state = adopt_client_state(call, body)
        conference = self.new_conference(name, body, creator=call, texml=False)
        conference.client_state = state
        self.world.emit_conference(
            conference,
            "conference.created",
            {
                **events.conference_fields(conference, call),
                "client_state": state or call.client_state,
                "occurred_at": ids.iso(conference.created_at),
            },
            call.call_control_id,
        )
        join_options: Body = {key: body[key] for key in ("beep_enabled", "hold_audio_url") if key in body}
        self.join(conference, call, join_options)
        return conference

    def new_conference(self, name: str, body: Body, *, creator: Call | None, texml: bool) -> Conference:
        moment = ids.now()
        minutes = body.get("duration_minutes")
        conference = Conference(
            id=ids.new_uuid(),
            name=name,
            connection_id=self.world.options.connection_id,
            created_at=moment,
            updated_at=moment,
            expires_at=moment + (timedelta(minutes=minutes) if minutes else LIFETIME),
            creator_call_control_id=creator.call_control_id if creator else None,
            creator_call_session_id=creator.call_session_id if creator else None,
            region=body.get("region") or "US",
            status="in_progress" if body.get("start_conference_on_create", True) else "init",
            max_participants=body.get("max_participants") or 250,
            beep_enabled=body.get("beep_enabled") or "never",
            texml=texml,
        )
        self.world.conferences[conference.id] = conference
        limit = (conference.expires_at - moment).total_seconds()
        conference.timers.append(
            self.world.later(limit, lambda: self.end(conference, "time_exceeded"), transient=False)
        )
        return conference

    def check_room(self, conference: Conference, call: Call | None) -> None:
        """May `call` (None: a call still to be dialled) join?"""
        if not conference.is_active:
            raise conference_ended()
        if conference.soft_ended:
            raise unable("The conference no longer accepts new participants.")
        if call and call.conference_id == conference.id:
            raise unable("The call is already a participant of this conference.")
        if call and call.conference_id:
            raise unable("The call is already in another conference.")
        if len(conference.active_participants()) >= conference.max_participants:
            raise max_participants(conference.max_participants)

    def join(self, conference: Conference, call: Call, body: Body) -> Participant:
        self.check_room(conference, call)
        state = adopt_client_state(call, body)
        participant = self.new_participant(conference, call, body)
        participant.client_state = state
        if body.get("start_conference_on_enter") and conference.status == "init":
            conference.status = "in_progress"
        self.admit(conference, participant)
        return participant

    def new_participant(self, conference: Conference, call: Call, body: Body) -> Participant:
        moment = ids.now()
        participant = Participant(
            id=ids.new_uuid(),
            call_control_id=call.call_control_id,
            call_leg_id=call.call_leg_id,
            call_session_id=call.call_session_id,
            conference_id=conference.id,
            created_at=moment,
            updated_at=moment,
            label=body.get("label"),
            muted=bool(body.get("mute")),
            on_hold=bool(body.get("hold")),
            end_conference_on_exit=bool(body.get("end_conference_on_exit")),
            soft_end_conference_on_exit=bool(body.get("soft_end_conference_on_exit")),
            beep_enabled=body.get("beep_enabled") or conference.beep_enabled,
            supervisor_role=body.get("supervisor_role") or "none",
            whisper_call_control_ids=list(body.get("whisper_call_control_ids") or []),
        )
        conference.participants[participant.id] = participant
        return participant

    def admit(self, conference: Conference, participant: Participant) -> None:
        """The participant's audio joins the conference."""
        call = self.world.calls[participant.call_control_id]
        participant.status = "joined"
        participant.updated_at = conference.updated_at = ids.now()
        call.conference_id = conference.id
        self.world.emit_conference(
            conference,
            "conference.participant.joined",
            {
                **events.conference_fields(conference, participant),
                "client_state": participant.client_state or call.client_state,
            },
            participant.call_control_id,
        )
        if conference.texml:
            if not conference.started and conference.status == "in_progress":
                conference.started = True
                self.world.texml_engine.announce(conference, "conference-start", participant)
            self.world.texml_engine.announce(conference, "participant-join", participant)
        self.start_floor(conference)

    def call_left(self, call: Call) -> None:
        """The call hung up: it leaves its conference."""
        conference = self.world.conferences.get(call.conference_id or "")
        participant = conference.participant_for_call(call.call_control_id) if conference else None
        call.conference_id = None
        if conference and participant:
            self.depart(conference, participant)

    def leave(self, conference: Conference, call: Call) -> None:
        participant = conference.participant_for_call(call.call_control_id)
        if participant is None:
            raise unable("The call is not a participant of this conference.")
        self.depart(conference, participant)

    def depart(self, conference: Conference, participant: Participant) -> None:
        self.mark_left(conference, participant)
        if participant.end_conference_on_exit:
            self.end(conference, "host_left", by=participant)
        elif participant.soft_end_conference_on_exit:
            conference.soft_ended = True
        if conference.is_active and not conference.active_participants():
            self.end(conference, "all_left", by=participant)
        elif conference.floor == participant.call_control_id:
            conference.floor = None

    def mark_left(self, conference: Conference, participant: Participant) -> None:
        participant.status = "left"
        participant.updated_at = conference.updated_at = ids.now()
        call = self.world.calls.get(participant.call_control_id)
        if call and call.conference_id == conference.id:
            call.conference_id = None
        self.world.emit_conference(
            conference,
            "conference.participant.left",
            {
                **events.conference_fields(conference, participant),
                "client_state": participant.client_state or (call.client_state if call else None),
            },
            participant.call_control_id,
        )
        if conference.texml:
            self.world.texml_engine.announce(conference, "participant-leave", participant)

    def end(
        self,
        conference: Conference,
        reason: str,
        *,
        by: Participant | None = None,
        end_reason: str | None = None,
    ) -> None:
        """Everyone still in leaves, any recording is saved, and conference.ended is sent."""
        if not conference.is_active:
            return
        last = by
        for participant in conference.active_participants():
            self.mark_left(conference, participant)
            last = participant
        for timer in conference.timers:
            timer.cancel()
        conference.timers.clear()
        for item in conference.media:
            if item.timer:
                item.timer.cancel()
        conference.media.clear()
        moment = ids.now()
        conference.status = "completed"
        conference.end_reason = end_reason or reason
        conference.updated_at = conference.expires_at = moment
        conference.floor = None
        if by:
            conference.ended_by = {
                "call_control_id": by.call_control_id,
                "call_session_id": by.call_session_id,
            }
        if conference.recording:
            self.save_recording(conference)
        self.world.emit_conference(
            conference,
            "conference.ended",
            {
                **events.conference_fields(conference, by),
                "client_state": conference.client_state,
                "occurred_at": ids.iso(moment),
                "reason": reason,
            },
            by.call_control_id if by else None,
        )
        if conference.texml:
            self.world.texml_engine.announce(conference, "conference-end", last)

    def end_via_api(self, conference: Conference, body: Body | None = None) -> None:
        if not conference.is_active:
            raise conference_ended()
        # The webhook's reason enum has no "ended_via_api"; the resource's end_reason does.
        self.end(conference, "all_left", end_reason="ended_via_api")

    # --- participants -----------------------------------------------------------------------------

    def select(self, conference: Conference, call_control_ids: list[str] | None) -> list[Participant]:
        """The participants named by call_control_ids; an empty or absent list means everyone."""
        if not call_control_ids:
            return conference.active_participants()
        selected = []
        for call_control_id in call_control_ids:
            participant = conference.participant_for_call(call_control_id)
            if participant is None:
                raise invalid_call_control_id("/call_control_ids")
            selected.append(participant)
        return selected

    def set_flags(self, conference: Conference, body: Body, **flags: bool) -> None:
        moment = ids.now()
        for participant in self.select(conference, body.get("call_control_ids")):
            for name, value in flags.items():
                setattr(participant, name, value)
            participant.updated_at = moment

    def update_role(self, conference: Conference, body: Body) -> None:
        call = self.world.calls.get(body["call_control_id"])
        if call is None:
            raise invalid_call_control_id()
        participant = conference.participant_for_call(call.call_control_id)
        if participant is None:
            raise unable("The call is not a participant of this conference.")
        participant.supervisor_role = body["supervisor_role"]
        participant.whisper_call_control_ids = list(body.get("whisper_call_control_ids") or [])
        participant.updated_at = ids.now()

    def update_participant(self, conference: Conference, participant: Participant, body: Body) -> None:
        """PATCH /conferences/{id}/participants/{participant_id} (seed 001)."""
        if not conference.is_active:
            raise conference_ended()
        if not participant.active:
            raise unable("The participant has left the conference.")
        for name in ("beep_enabled", "end_conference_on_exit", "soft_end_conference_on_exit"):
            if body.get(name) is not None:
                setattr(participant, name, body[name])
        participant.updated_at = ids.now()

    # --- floor ------------------------------------------------------------------------------------

    def start_floor(self, conference: Conference) -> None:
        interval = self.world.options.timings.floor_change_interval
        if interval is None or conference.floor_timer or len(conference.active_participants()) < 2:
            return
        delay = interval * self.world.rng.uniform(0.5, 1.5)
        conference.floor_timer = self.world.later(delay, lambda: self.floor_tick(conference), transient=False)
        conference.timers.append(conference.floor_timer)

    def floor_tick(self, conference: Conference) -> None:
        """Someone else starts talking: conference.floor.changed carries the new speaker's call."""
        conference.floor_timer = None
        if not conference.is_active:
            return
        speakers = [
            participant
            for participant in conference.active_participants()
            if not participant.muted
            and not participant.on_hold
            and participant.supervisor_role != "monitor"
            and participant.call_control_id != conference.floor
        ]
        if speakers and len(conference.active_participants()) >= 2:
            speaker = self.world.rng.choice(speakers)
            conference.floor = speaker.call_control_id
            self.world.emit_conference(
                conference,
                "conference.floor.changed",
                {**events.conference_fields(conference, speaker), "occurred_at": ids.iso(ids.now())},
                speaker.call_control_id,
            )
        self.start_floor(conference)

    # --- media, DTMF and recording ----------------------------------------------------------------

    def targets(self, conference: Conference, body: Body) -> tuple[str, ...]:
        """The participants a speak or play is for; () means the whole conference."""
        chosen = body.get("call_control_ids") or []
        return (
            tuple(participant.call_control_id for participant in self.select(conference, chosen))
            if chosen
            else ()
        )

    def speak(self, conference: Conference, body: Body) -> None:
        self.start_media(conference, Media("speak", targets=self.targets(conference, body)))

    def play(self, conference: Conference, body: Body) -> None:
        one_of(body, ("audio_url", "media_name"))
        item = Media(
            "playback",
            media_url=body.get("audio_url"),
            media_name=body.get("media_name"),
            loops=loop_count(body.get("loop")),
            targets=self.targets(conference, body),
        )
        self.start_media(conference, item)

    def start_media(self, conference: Conference, item: Media) -> None:
        conference.media.append(item)
        self.media_event(conference, item, "started")
        if item.loops is not None:
            duration = self.world.options.timings.media_duration * item.loops
            item.timer = self.world.later(duration, lambda: self.media_done(conference, item))
            conference.timers.append(item.timer)

    def media_done(self, conference: Conference, item: Media) -> None:
        if item in conference.media:
            conference.media.remove(item)
            self.media_event(conference, item, "ended")

    def stop(self, conference: Conference, body: Body) -> None:
        chosen = set(body.get("call_control_ids") or [])
        if chosen:
            self.select(conference, list(chosen))
        for item in list(conference.media):
            if not chosen or not item.targets or chosen & set(item.targets):
                if item.timer:
                    item.timer.cancel()
                self.media_done(conference, item)

    def media_event(self, conference: Conference, item: Media, phase: str) -> None:
        """conference.speak.* / conference.playback.* for everyone, or the participant.* forms per target."""
        extra: dict[str, Any] = {
            "creator_call_session_id": conference.creator_call_session_id,
            "occurred_at": ids.iso(ids.now()),
        }
        if item.kind == "playback":
            extra |= {"media_url": item.media_url, "media_name": item.media_name}
        if not item.targets:
            payload = {"conference_id": conference.id, "connection_id": conference.connection_id, **extra}
            self.world.emit_conference(conference, f"conference.{item.kind}.{phase}", payload, None)
            return
        for call_control_id in item.targets:
            participant = conference.participant_for_call(call_control_id)
            if participant is None:
                continue
            payload = {**events.conference_fields(conference, participant), **extra}
            self.world.emit_conference(
                conference, f"conference.participant.{item.kind}.{phase}", payload, call_control_id
            )

    def send_dtmf(self, conference: Conference, body: Body) -> None:
        self.select(conference, body.get("call_control_ids"))

    def record_start(self, conference: Conference, body: Body) -> None:
        if conference.recording:
            raise unable("The conference is already being recorded.")
        conference.recording = Recording(
            id=ids.new_uuid(),
            started_at=ids.now(),
            channels=body.get("channels") or "single",
            format=body["format"],
        )

    def record_stop(self, conference: Conference, body: Body) -> None:
        if not conference.recording:
            raise unable("The conference is not being recorded.")
        if body.get("client_state"):
            conference.client_state = body["client_state"]
        self.save_recording(conference)

    def record_pause(self, conference: Conference, body: Body, *, paused: bool = True) -> None:
        if not conference.recording:
            raise unable("The conference is not being recorded.")
        conference.recording.paused = paused

    def record_resume(self, conference: Conference, body: Body) -> None:
        self.record_pause(conference, body, paused=False)

    def save_recording(self, conference: Conference) -> None:
        recording, conference.recording = conference.recording, None
        if recording is None:
            return
        ended = ids.now()
        self.world.later(
            self.world.options.timings.recording_delay,
            lambda: self.world.emit_conference(
                conference,
                "conference.recording.saved",
                events.conference_recording_saved(conference, recording, ended),
                None,
            ),
        )

    def hold(self, conference: Conference, body: Body) -> None:
        self.set_flags(conference, body, on_hold=True)

    def unhold(self, conference: Conference, body: Body) -> None:
        self.set_flags(conference, body, on_hold=False)

    def mute(self, conference: Conference, body: Body) -> None:
        self.set_flags(conference, body, muted=True)

    def unmute(self, conference: Conference, body: Body) -> None:
        self.set_flags(conference, body, muted=False)

    def join_command(self, conference: Conference, body: Body) -> None:
        self.join(conference, self.live_call(body["call_control_id"]), body)

    def leave_command(self, conference: Conference, body: Body) -> None:
        call = self.world.calls.get(body["call_control_id"])
        if call is None:
            raise invalid_call_control_id()
        self.leave(conference, call)

    def live_call(self, call_control_id: str) -> Call:
        """A call named in a request body, which must be up and answered."""
        call = self.world.calls.get(call_control_id)
        if call is None:
            raise invalid_call_control_id()
        if not call.is_alive:
            raise call_ended()
        if not call.answered_at:
            raise not_answered()
        return call
