"""The simulated world's records: calls, their media, queues, conferences and participants."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from simulator.world import Timer

Direction = Literal["incoming", "outgoing"]
GatherKind = Literal["gather", "audio", "speak"]


@dataclass
class Recording:
    id: str
    started_at: datetime
    channels: str = "dual"
    format: str = "mp3"
    paused: bool = False


@dataclass
class Media:
    """One playback or speech, on a call or a conference."""

    kind: Literal["playback", "speak"]
    media_url: str | None = None
    media_name: str | None = None
    overlay: bool = False
    loops: int | None = 1  # None: loops until stopped
    client_state: str | None = None
    targets: tuple[str, ...] = ()  # conference media for some participants only
    timer: Timer | None = None


@dataclass
class Gather:
    kind: GatherKind
    minimum: int
    maximum: int
    terminating: str
    valid: str
    client_state: str | None
    digits: str = ""
    timers: list[Timer] = field(default_factory=list)


@dataclass
class Call:
    call_control_id: str
    call_leg_id: str
    call_session_id: str
    connection_id: str
    direction: Direction
    from_: str
    to: str
    start_time: datetime
    caller_id_name: str | None = None
    client_state: str | None = None
    state: Literal["parked", "bridging", "answered", "hangup"] = "parked"
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    hangup_cause: str | None = None
    custom_headers: list[dict[str, str]] = field(default_factory=list)
    sip_headers: list[dict[str, str]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    webhook_url: str | None = None
    webhook_url_method: str = "POST"  # how webhooks go to webhook_url (seed 002: POST or GET)
    silent: bool = False  # a TeXML leg: no Call Control webhooks
    bridged_with: str | None = None
    park_after_unbridge: bool = False
    queue: str | None = None
    queued_at: datetime | None = None
    conference_id: str | None = None
    recording: Recording | None = None
    record_on_answer: dict[str, Any] | None = None
    fork_stream_type: str | None = None
    siprec: bool = False
    suppression: str | None = None
    stream_url: str | None = None
    supervisor_role: str | None = None
    supervising: str | None = None  # a supervisor leg: the call_control_id it is attached to
    supervisors: list[str] = field(default_factory=list)  # supervisor legs attached to this call
    amd: str = "disabled"
    outcome: str = "answer"
    time_limit_secs: int = 14400
    timeout_secs: int = 30
    answer_media: dict[str, Any] | None = None  # media_url / media_name played when answered
    gather: Gather | None = None
    media: list[Media] = field(default_factory=list)  # media[0] plays, the rest wait
    overlays: list[Media] = field(default_factory=list)
    pending_digits: str | None = None  # what the far end keys in at the next gather
    dial_group: list[str] = field(default_factory=list)  # the other legs of a multi-destination dial
    on_answer: Callable[[Call], None] | None = None  # what a transfer or TeXML dial does once answered
    on_end: Callable[[Call], None] | None = None
    timers: list[Timer] = field(default_factory=list)

    @property
    def is_alive(self) -> bool:
        return self.state != "hangup"

    @property
    def answered(self) -> bool:
        return self.answered_at is not None and self.is_alive


@dataclass
class Queue:
    name: str
    max_size: int = 100
    calls: list[str] = field(default_factory=list)
    waits: list[float] = field(default_factory=list)  # seconds waited by calls that left


@dataclass
class Participant:
    id: str
    call_control_id: str
    call_leg_id: str
    call_session_id: str
    conference_id: str
    created_at: datetime
    updated_at: datetime
    label: str | None = None
    status: Literal["joining", "joined", "left"] = "joining"
    muted: bool = False
    on_hold: bool = False
    end_conference_on_exit: bool = False
    soft_end_conference_on_exit: bool = False
    beep_enabled: str = "never"
    supervisor_role: str = "none"
    whisper_call_control_ids: list[str] = field(default_factory=list)
    client_state: str | None = None

    @property
    def active(self) -> bool:
        return self.status != "left"


@dataclass
class Conference:
    id: str
    name: str
    connection_id: str
    created_at: datetime
    updated_at: datetime
    expires_at: datetime
    creator_call_control_id: str | None = None
    creator_call_session_id: str | None = None
    region: str = "US"
    status: Literal["init", "in_progress", "completed"] = "in_progress"
    end_reason: str | None = None
    ended_by: dict[str, str] | None = None
    max_participants: int = 250
    beep_enabled: str = "never"
    client_state: str | None = None
    soft_ended: bool = False  # no one new may join
    participants: dict[str, Participant] = field(default_factory=dict)
    recording: Recording | None = None
    media: list[Media] = field(default_factory=list)
    floor: str | None = None  # the call_control_id holding the floor
    texml: bool = False  # a TeXML conference: status callbacks instead of Call Control webhooks
    status_callback: str | None = None
    status_events: frozenset[str] | None = None  # None: every event
    sequence: int = 0
    started: bool = False  # conference-start was announced
    floor_timer: Timer | None = None
    timers: list[Timer] = field(default_factory=list)

    @property
    def is_active(self) -> bool:
        return self.status != "completed"

    def active_participants(self) -> list[Participant]:
        return [participant for participant in self.participants.values() if participant.active]

    def participant_for_call(self, call_control_id: str) -> Participant | None:
        for participant in self.participants.values():
            if participant.call_control_id == call_control_id and participant.active:
                return participant
        return None
