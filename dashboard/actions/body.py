"""An action's request body as the API received it, with what was wrong before any form saw it."""

from collections.abc import Mapping

from dashboard.db.storable import storable


class CheckedBody(dict):
    """The body's fields (made storable), and `refused`: {field: [message]} for what no form can
    judge (a body that is not a JSON object, fields the action does not have). The runner records
    an attempt with refusals as invalid, after the permission check, and sends nothing."""

    def __init__(self, fields: Mapping, refused: dict[str, list[str]]) -> None:
        super().__init__(storable(dict(fields)))
        self.refused = refused


def refusals_as_errors(refused: dict[str, list[str]]) -> dict[str, list[dict]]:
    """In the shape of a form's `errors.get_json_data()`."""
    return {
        name: [{"message": message, "code": "invalid"} for message in messages]
        for name, messages in refused.items()
    }
