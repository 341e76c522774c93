"""TeXML conferences: participants dialled in over the TeXML REST API, updated with form fields,
and the signed, form-encoded conference status callbacks. Runs on the simulator's event loop."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from simulator import ids, resources
from simulator.state import Call, Conference, Participant
from simulator.validation import ApiError, missing, texml_not_found, unable

if TYPE_CHECKING:
    from simulator.world import World

Fields = dict[str, Any]
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# ConferenceStatusCallbackEvent takes short names (Twilio's) or the full event names.
EVENT_NAMES = {
    "start": "conference-start",
    "end": "conference-end",
    "join": "participant-join",
    "leave": "participant-leave",
}


class TexmlEngine:
    def __init__(self, world: World) -> None:
        self.world = world

    @property
    def account_sid(self) -> str:
        return self.world.options.texml_account_sid

    def announce(self, conference: Conference, event: str, participant: Participant | None) -> None:
        """One status callback, numbered in the conference's sequence."""
        if conference.status_events is not None and event not in conference.status_events:
            return
        conference.sequence += 1
        fields = {
            "AccountSid": self.account_sid,
            "CallSid": participant.call_control_id if participant else "",
            "ConferenceSid": conference.id,
            "ConnectionId": conference.connection_id,
            "FriendlyName": conference.name,
            "SequenceNumber": str(conference.sequence),
            "StatusCallbackEvent": event,
            "Timestamp": ids.rfc2822(ids.now()),
        }
        call = self.world.calls.get(participant.call_control_id) if participant else None
        if call:
            fields |= {"From": call.from_, "To": call.to}
        if participant and participant.label:
            fields["ParticipantLabel"] = participant.label
        self.world.emit_texml(conference, fields)

    # --- lookups ----------------------------------------------------------------------------------

    def conference(self, sid_or_name: str) -> Conference:
        try:
            return self.world.find_conference(sid_or_name)
        except ApiError:
            raise texml_not_found() from None

    def participant(self, conference: Conference, call_sid_or_label: str) -> Participant:
        matches = [
            participant
            for participant in conference.participants.values()
            if call_sid_or_label in (participant.call_control_id, participant.label)
        ]
        if not matches:
            raise texml_not_found()
        # A label may have been reused after its holder left: the one still in wins.
        matches.sort(key=lambda participant: (participant.active, participant.created_at))
        return matches[-1]

    # --- participants -----------------------------------------------------------------------------

    def dial_participant(self, conference_ref: str, fields: Fields) -> dict[str, Any]:
        """POST …/Participants: dial `To`, who joins once answered; a new name makes a new conference."""
        conference = self.world.conferences.get(conference_ref) or self.world.active_conference_named(
            conference_ref
        )
        if conference is not None and not conference.is_active:
            raise unable("The conference has already ended.")
        if conference is None:
            conference = self.create_conference(conference_ref, fields)
        self.world.conference_engine.check_room(conference, None)
        call = self.world.call_engine.outgoing_leg(
            {"timeout_secs": fields.get("Timeout"), "time_limit_secs": fields.get("TimeLimit")},
            to=fields["To"],
            from_=fields["From"],
            session=ids.leg_id(),
            silent=True,
        )
        participant = self.world.conference_engine.new_participant(
            conference,
            call,
            {
                "label": fields.get("Label"),
                "mute": fields.get("Muted"),
                "hold": fields.get("Hold"),
                "end_conference_on_exit": fields.get("EndConferenceOnExit"),
            },
        )
        self.apply_coaching(conference, participant, fields)
        start_on_enter = fields.get("StartConferenceOnEnter", True)

        def joined(answered: Call) -> None:
            if conference.is_active and participant.status == "joining":
                if start_on_enter and conference.status == "init":
                    conference.status = "in_progress"
                self.world.conference_engine.admit(conference, participant)
            else:
                self.world.call_engine.hangup(answered, cause="normal_clearing", source="caller")

        def ended(_: Call) -> None:
            if participant.status == "joining":
                participant.status = "left"
                participant.updated_at = ids.now()

        call.on_answer, call.on_end = joined, ended
        self.world.call_engine.ring(call)
        return resources.texml_participant(self.account_sid, conference, participant)

    def create_conference(self, reference: str, fields: Fields) -> Conference:
        conference = self.world.conference_engine.new_conference(
            reference, {"max_participants": fields.get("MaxParticipants")}, creator=None, texml=True
        )
        if UUID.match(reference):
            # The caller chose the sid: keep it, so later requests with it find this conference.
            del self.world.conferences[conference.id]
            conference.id = reference
            self.world.conferences[reference] = conference
        conference.status_callback = fields.get("ConferenceStatusCallback")
        if wanted := fields.get("ConferenceStatusCallbackEvent"):
            names = re.split(r"[\s,]+", wanted.strip())
            conference.status_events = frozenset(EVENT_NAMES.get(name, name) for name in names if name)
        return conference

    def apply_coaching(self, conference: Conference, participant: Participant, fields: Fields) -> None:
        coaching = fields.get("Coaching")
        if coaching is None:
            return
        if coaching:
            target = fields.get("CallSidToCoach")
            if not target:
                raise ApiError(422, [missing("CallSidToCoach")])
            if conference.participant_for_call(target) is None:
                raise texml_not_found()
            participant.whisper_call_control_ids = [target]
            participant.supervisor_role = "whisper"
        else:
            participant.whisper_call_control_ids = []
            participant.supervisor_role = "none"

    def update_participant(
        self, conference: Conference, participant: Participant, fields: Fields
    ) -> dict[str, Any]:
        """POST …/Participants/{call_sid_or_label} (seed 003)."""
        if not participant.active:
            raise unable("The participant has left the conference.")
        self.apply_coaching(conference, participant, fields)
        for field, attribute in (
            ("Muted", "muted"),
            ("Hold", "on_hold"),
            ("EndConferenceOnExit", "end_conference_on_exit"),
        ):
            if fields.get(field) is not None:
                setattr(participant, attribute, fields[field])
        if fields.get("BeepOnExit") is not None:
            participant.beep_enabled = "on_exit" if fields["BeepOnExit"] else "never"
        participant.updated_at = conference.updated_at = ids.now()
        return resources.texml_participant(self.account_sid, conference, participant)

    def remove_participant(self, conference: Conference, participant: Participant) -> None:
        """DELETE …/Participants/{call_sid_or_label}: a TeXML leg is hung up, any other just leaves."""
        if not participant.active:
            raise texml_not_found()
        call = self.world.calls.get(participant.call_control_id)
        if call and call.silent and call.is_alive:
            self.world.call_engine.hangup_command(call, {})
        if participant.active:
            self.world.conference_engine.depart(conference, participant)

    def update_conference(self, conference: Conference, fields: Fields) -> dict[str, Any]:
        if fields.get("Status") == "completed" and conference.is_active:
            self.world.conference_engine.end_via_api(conference)
        return resources.texml_conference(self.account_sid, conference)
