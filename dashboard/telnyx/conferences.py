"""Reading conferences and their participants (commands go through `EndpointBase.command`)."""

from collections.abc import Mapping

from dashboard.telnyx.endpoint import EndpointBase, Scalar, path_segment, text_fields
from dashboard.telnyx.response import TelnyxResponse


class ConferenceEndpoints(EndpointBase):
    def list_conferences(self, *, filters: Mapping[str, Scalar] | None = None) -> TelnyxResponse:
        """Every conference matching `filters` ({"name": ..., "status": ...} sent as filter[name]=...)."""
        return self._numbered_pages("conferences", _filter_query(filters))

    def list_participants(
        self, *, conference_id: str, filters: Mapping[str, Scalar] | None = None
    ) -> TelnyxResponse:
        """Every participant of a conference, optionally filtered (muted, on_hold, whispering)."""
        path = f"conferences/{path_segment(conference_id)}/participants"
        return self._numbered_pages(path, _filter_query(filters))


def _filter_query(filters: Mapping[str, Scalar] | None) -> dict[str, str]:
    return {f"filter[{key}]": value for key, value in text_fields(filters).items()}
