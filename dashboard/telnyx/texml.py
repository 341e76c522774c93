"""TeXML conference participant endpoints: form-encoded bodies with PascalCase keys."""

from collections.abc import Mapping
from dataclasses import replace

from dashboard.telnyx.endpoint import EndpointBase, Scalar, path_segment, text_fields
from dashboard.telnyx.response import TelnyxResponse


class TexmlEndpoints(EndpointBase):
    def texml_update_participant(
        self,
        *,
        account_sid: str,
        conference_sid: str,
        call_sid_or_label: str,
        form: Mapping[str, Scalar],
    ) -> TelnyxResponse:
        """POST the form (e.g. {"Muted": True, "Hold": False}); `data` is the participant resource."""
        path = f"{_participants_path(account_sid, conference_sid)}/{path_segment(call_sid_or_label)}"
        return self._session.request("POST", path, form=text_fields(form))

    def texml_list_participants(self, *, account_sid: str, conference_sid: str) -> TelnyxResponse:
        """The first page of participants in `items`; the TeXML paging fields in `meta`."""
        page = self._session.request("GET", _participants_path(account_sid, conference_sid))
        participants = page.data.get("participants")
        items = (
            [item for item in participants if isinstance(item, dict)]
            if isinstance(participants, list)
            else []
        )
        meta = {key: value for key, value in page.data.items() if key != "participants"}
        return replace(page, data={}, items=items, meta=meta)


def _participants_path(account_sid: str, conference_sid: str) -> str:
    return (
        f"texml/Accounts/{path_segment(account_sid)}/Conferences/{path_segment(conference_sid)}/Participants"
    )
