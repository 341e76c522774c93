"""Conference endpoints: create, read, participants, and the conference commands."""

from collections.abc import Mapping

from dashboard.telnyx.actions import CONFERENCE_ACTIONS, CONFERENCE_ACTIONS_WITHOUT_COMMAND_ID
from dashboard.telnyx.endpoint import EndpointBase, Params, Scalar, path_segment, text_fields
from dashboard.telnyx.response import TelnyxResponse


class ConferenceEndpoints(EndpointBase):
    def create_conference(self, *, params: Params, command_id: str | None = None) -> TelnyxResponse:
        return self._command(
            "POST", "conferences", params=params, command_id=command_id, accepts_command_id=True
        )

    def list_conferences(self, *, filters: Mapping[str, Scalar] | None = None) -> TelnyxResponse:
        """Every conference matching `filters` ({"name": ..., "status": ...} sent as filter[name]=...)."""
        return self._numbered_pages("conferences", _filter_query(filters))

    def get_conference(self, *, conference_id: str) -> TelnyxResponse:
        return self._session.request("GET", f"conferences/{path_segment(conference_id)}")

    def list_participants(
        self, *, conference_id: str, filters: Mapping[str, Scalar] | None = None
    ) -> TelnyxResponse:
        """Every participant of a conference, optionally filtered (muted, on_hold, whispering)."""
        path = f"conferences/{path_segment(conference_id)}/participants"
        return self._numbered_pages(path, _filter_query(filters))

    def get_participant(self, *, conference_id: str, participant_id: str) -> TelnyxResponse:
        return self._session.request("GET", _participant_path(conference_id, participant_id))

    def update_participant(
        self, *, conference_id: str, participant_id: str, params: Params
    ) -> TelnyxResponse:
        return self._command(
            "PATCH",
            _participant_path(conference_id, participant_id),
            params=params,
            command_id=None,
            accepts_command_id=False,
        )

    def conference_action(
        self,
        *,
        conference_id: str,
        action: str,
        params: Params | None = None,
        command_id: str | None = None,
    ) -> TelnyxResponse:
        """Send `action` (one of CONFERENCE_ACTIONS) to a conference."""
        if action not in CONFERENCE_ACTIONS:
            raise ValueError(f"unknown conference action: {action!r}")
        return self._command(
            "POST",
            f"conferences/{path_segment(conference_id)}/actions/{action}",
            params=params,
            command_id=command_id,
            accepts_command_id=action not in CONFERENCE_ACTIONS_WITHOUT_COMMAND_ID,
        )

    def conference_end(
        self, *, conference_id: str, params: Params | None = None, command_id: str | None = None
    ) -> TelnyxResponse:
        return self.conference_action(
            conference_id=conference_id, action="end", params=params, command_id=command_id
        )

    def conference_hold(self, *, conference_id: str, params: Params | None = None) -> TelnyxResponse:
        return self.conference_action(conference_id=conference_id, action="hold", params=params)

    def conference_join(
        self, *, conference_id: str, params: Params | None = None, command_id: str | None = None
    ) -> TelnyxResponse:
        return self.conference_action(
            conference_id=conference_id, action="join", params=params, command_id=command_id
        )

    def conference_leave(
        self, *, conference_id: str, params: Params | None = None, command_id: str | None = None
    ) -> TelnyxResponse:
        return self.conference_action(
            conference_id=conference_id, action="leave", params=params, command_id=command_id
        )

    def conference_mute(self, *, conference_id: str, params: Params | None = None) -> TelnyxResponse:
        return self.conference_action(conference_id=conference_id, action="mute", params=params)

    def conference_play(self, *, conference_id: str, params: Params | None = None) -> TelnyxResponse:
        return self.conference_action(conference_id=conference_id, action="play", params=params)

    def conference_record_pause(
        self, *, conference_id: str, params: Params | None = None, command_id: str | None = None
    ) -> TelnyxResponse:
        return self.conference_action(
            conference_id=conference_id, action="record_pause", params=params, command_id=command_id
        )

    def conference_record_resume(
        self, *, conference_id: str, params: Params | None = None, command_id: str | None = None
    ) -> TelnyxResponse:
        return self.conference_action(
            conference_id=conference_id, action="record_resume", params=params, command_id=command_id
        )

    def conference_record_start(
        self, *, conference_id: str, params: Params | None = None, command_id: str | None = None
    ) -> TelnyxResponse:
        return self.conference_action(
            conference_id=conference_id, action="record_start", params=params, command_id=command_id
        )

    def conference_record_stop(
        self, *, conference_id: str, params: Params | None = None, command_id: str | None = None
    ) -> TelnyxResponse:
        return self.conference_action(
            conference_id=conference_id, action="record_stop", params=params, command_id=command_id
        )

    def conference_send_dtmf(self, *, conference_id: str, params: Params | None = None) -> TelnyxResponse:
        return self.conference_action(conference_id=conference_id, action="send_dtmf", params=params)

    def conference_speak(
        self, *, conference_id: str, params: Params | None = None, command_id: str | None = None
    ) -> TelnyxResponse:
        return self.conference_action(
            conference_id=conference_id, action="speak", params=params, command_id=command_id
        )

    def conference_stop(self, *, conference_id: str, params: Params | None = None) -> TelnyxResponse:
        return self.conference_action(conference_id=conference_id, action="stop", params=params)

    def conference_unhold(self, *, conference_id: str, params: Params | None = None) -> TelnyxResponse:
        return self.conference_action(conference_id=conference_id, action="unhold", params=params)

    def conference_unmute(self, *, conference_id: str, params: Params | None = None) -> TelnyxResponse:
        return self.conference_action(conference_id=conference_id, action="unmute", params=params)

    def conference_update(
        self, *, conference_id: str, params: Params | None = None, command_id: str | None = None
    ) -> TelnyxResponse:
        return self.conference_action(
            conference_id=conference_id, action="update", params=params, command_id=command_id
        )


def _participant_path(conference_id: str, participant_id: str) -> str:
    return f"conferences/{path_segment(conference_id)}/participants/{path_segment(participant_id)}"


def _filter_query(filters: Mapping[str, Scalar] | None) -> dict[str, str]:
    return {f"filter[{key}]": value for key, value in text_fields(filters).items()}
