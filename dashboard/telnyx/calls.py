"""Call endpoints: dial, the call commands, and reading live calls."""

from collections.abc import Mapping

from dashboard.telnyx.actions import CALL_ACTION_HTTP_METHODS, CALL_ACTIONS, CALL_ACTIONS_WITHOUT_COMMAND_ID
from dashboard.telnyx.endpoint import EndpointBase, Params, merge_pages, path_segment
from dashboard.telnyx.response import TelnyxResponse


class CallEndpoints(EndpointBase):
    def dial(self, *, params: Params, command_id: str | None = None) -> TelnyxResponse:
        return self._command("POST", "calls", params=params, command_id=command_id, accepts_command_id=True)

    def call_action(
        self,
        *,
        call_control_id: str,
        action: str,
        params: Params | None = None,
        command_id: str | None = None,
    ) -> TelnyxResponse:
        """Send `action` (one of CALL_ACTIONS) to a call."""
        if action not in CALL_ACTIONS:
            raise ValueError(f"unknown call action: {action!r}")
        return self._command(
            CALL_ACTION_HTTP_METHODS[action],
            f"calls/{path_segment(call_control_id)}/actions/{action}",
            params=params,
            command_id=command_id,
            accepts_command_id=action not in CALL_ACTIONS_WITHOUT_COMMAND_ID,
        )

    def get_call(self, *, call_control_id: str) -> TelnyxResponse:
        return self._session.request("GET", f"calls/{path_segment(call_control_id)}")

    def list_active_calls(self, *, connection_id: str) -> TelnyxResponse:
        """Every live call of a connection, following the page[after] cursor to the end."""
        path = f"connections/{path_segment(connection_id)}/active_calls"
        pages: list[TelnyxResponse] = []
        seen: set[str] = set()
        query: Mapping[str, str] = {}
        while True:
            page = self._session.request("GET", path, query=query)
            pages.append(page)
            cursor = _after_cursor(page.meta)
            # An empty page or a cursor already followed ends the walk: no loop on a confused server.
            if not page.items or cursor is None or cursor in seen:
                return merge_pages(pages)
            seen.add(cursor)
            query = {"page[after]": cursor}

    def answer(
        self, *, call_control_id: str, params: Params | None = None, command_id: str | None = None
    ) -> TelnyxResponse:
        return self.call_action(
            call_control_id=call_control_id, action="answer", params=params, command_id=command_id
        )

    def bridge(
        self, *, call_control_id: str, params: Params | None = None, command_id: str | None = None
    ) -> TelnyxResponse:
        return self.call_action(
            call_control_id=call_control_id, action="bridge", params=params, command_id=command_id
        )

    def client_state_update(self, *, call_control_id: str, params: Params | None = None) -> TelnyxResponse:
        return self.call_action(call_control_id=call_control_id, action="client_state_update", params=params)

    def enqueue(
        self, *, call_control_id: str, params: Params | None = None, command_id: str | None = None
    ) -> TelnyxResponse:
        return self.call_action(
            call_control_id=call_control_id, action="enqueue", params=params, command_id=command_id
        )

    def fork_start(
        self, *, call_control_id: str, params: Params | None = None, command_id: str | None = None
    ) -> TelnyxResponse:
        return self.call_action(
            call_control_id=call_control_id, action="fork_start", params=params, command_id=command_id
        )

    def fork_stop(
        self, *, call_control_id: str, params: Params | None = None, command_id: str | None = None
    ) -> TelnyxResponse:
        return self.call_action(
            call_control_id=call_control_id, action="fork_stop", params=params, command_id=command_id
        )

    def gather(
        self, *, call_control_id: str, params: Params | None = None, command_id: str | None = None
    ) -> TelnyxResponse:
        return self.call_action(
            call_control_id=call_control_id, action="gather", params=params, command_id=command_id
        )

    def gather_stop(
        self, *, call_control_id: str, params: Params | None = None, command_id: str | None = None
    ) -> TelnyxResponse:
        return self.call_action(
            call_control_id=call_control_id, action="gather_stop", params=params, command_id=command_id
        )

    def gather_using_audio(
        self, *, call_control_id: str, params: Params | None = None, command_id: str | None = None
    ) -> TelnyxResponse:
        return self.call_action(
            call_control_id=call_control_id, action="gather_using_audio", params=params, command_id=command_id
        )

    def gather_using_speak(
        self, *, call_control_id: str, params: Params | None = None, command_id: str | None = None
    ) -> TelnyxResponse:
        return self.call_action(
            call_control_id=call_control_id, action="gather_using_speak", params=params, command_id=command_id
        )

    def hangup(
        self, *, call_control_id: str, params: Params | None = None, command_id: str | None = None
    ) -> TelnyxResponse:
        return self.call_action(
            call_control_id=call_control_id, action="hangup", params=params, command_id=command_id
        )

    def leave_queue(
        self, *, call_control_id: str, params: Params | None = None, command_id: str | None = None
    ) -> TelnyxResponse:
        return self.call_action(
            call_control_id=call_control_id, action="leave_queue", params=params, command_id=command_id
        )

    def playback_start(
        self, *, call_control_id: str, params: Params | None = None, command_id: str | None = None
    ) -> TelnyxResponse:
        return self.call_action(
            call_control_id=call_control_id, action="playback_start", params=params, command_id=command_id
        )

    def playback_stop(
        self, *, call_control_id: str, params: Params | None = None, command_id: str | None = None
    ) -> TelnyxResponse:
        return self.call_action(
            call_control_id=call_control_id, action="playback_stop", params=params, command_id=command_id
        )

    def record_pause(
        self, *, call_control_id: str, params: Params | None = None, command_id: str | None = None
    ) -> TelnyxResponse:
        return self.call_action(
            call_control_id=call_control_id, action="record_pause", params=params, command_id=command_id
        )

    def record_resume(
        self, *, call_control_id: str, params: Params | None = None, command_id: str | None = None
    ) -> TelnyxResponse:
        return self.call_action(
            call_control_id=call_control_id, action="record_resume", params=params, command_id=command_id
        )

    def record_start(
        self, *, call_control_id: str, params: Params | None = None, command_id: str | None = None
    ) -> TelnyxResponse:
        return self.call_action(
            call_control_id=call_control_id, action="record_start", params=params, command_id=command_id
        )

    def record_stop(
        self, *, call_control_id: str, params: Params | None = None, command_id: str | None = None
    ) -> TelnyxResponse:
        return self.call_action(
            call_control_id=call_control_id, action="record_stop", params=params, command_id=command_id
        )

    def refer(
        self, *, call_control_id: str, params: Params | None = None, command_id: str | None = None
    ) -> TelnyxResponse:
        return self.call_action(
            call_control_id=call_control_id, action="refer", params=params, command_id=command_id
        )

    def reject(
        self, *, call_control_id: str, params: Params | None = None, command_id: str | None = None
    ) -> TelnyxResponse:
        return self.call_action(
            call_control_id=call_control_id, action="reject", params=params, command_id=command_id
        )

    def send_dtmf(
        self, *, call_control_id: str, params: Params | None = None, command_id: str | None = None
    ) -> TelnyxResponse:
        return self.call_action(
            call_control_id=call_control_id, action="send_dtmf", params=params, command_id=command_id
        )

    def siprec_start(self, *, call_control_id: str, params: Params | None = None) -> TelnyxResponse:
        return self.call_action(call_control_id=call_control_id, action="siprec_start", params=params)

    def siprec_stop(
        self, *, call_control_id: str, params: Params | None = None, command_id: str | None = None
    ) -> TelnyxResponse:
        return self.call_action(
            call_control_id=call_control_id, action="siprec_stop", params=params, command_id=command_id
        )

    def speak(
        self, *, call_control_id: str, params: Params | None = None, command_id: str | None = None
    ) -> TelnyxResponse:
        return self.call_action(
            call_control_id=call_control_id, action="speak", params=params, command_id=command_id
        )

    def suppression_start(
        self, *, call_control_id: str, params: Params | None = None, command_id: str | None = None
    ) -> TelnyxResponse:
        return self.call_action(
            call_control_id=call_control_id, action="suppression_start", params=params, command_id=command_id
        )

    def suppression_stop(
        self, *, call_control_id: str, params: Params | None = None, command_id: str | None = None
    ) -> TelnyxResponse:
        return self.call_action(
            call_control_id=call_control_id, action="suppression_stop", params=params, command_id=command_id
        )

    def switch_supervisor_role(self, *, call_control_id: str, params: Params | None = None) -> TelnyxResponse:
        return self.call_action(
            call_control_id=call_control_id, action="switch_supervisor_role", params=params
        )

    def transfer(
        self, *, call_control_id: str, params: Params | None = None, command_id: str | None = None
    ) -> TelnyxResponse:
        return self.call_action(
            call_control_id=call_control_id, action="transfer", params=params, command_id=command_id
        )


def _after_cursor(meta: Mapping[str, object]) -> str | None:
    cursors = meta.get("cursors")
    after = cursors.get("after") if isinstance(cursors, dict) else None
    return after if isinstance(after, str) and after else None
