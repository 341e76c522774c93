"""The operator actions, one table per target: everything the dashboard knows about each.

An `ActionSpec` says what an action sends (Telnyx method, path, body encoding, command_id), how
it is checked (its form, its permission), how it is offered (label, description, confirmation,
the call states it makes sense in) and how its success shows (the webhook Telnyx sends, or the
fact the dashboard records when Telnyx sends none). The apps above the core declare their tables
(`calls/actions.py`, `conferences/actions.py`) and register them from `AppConfig.ready()`;
permissions, buttons, form lookups, the API's request schemas and the runner all read from here.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from dashboard.actions.fields import CommandForm

# How a command aimed at one participant names that participant's leg in a conference command's body.
PIN_LIST = "call_control_ids"
PIN_ONE = "call_control_id"


@dataclass(frozen=True)
class ActionSpec:
    target: str  # "call", "conference" or "participant"
    name: str  # the word in URLs, permissions and the audit trail (Telnyx's action name where it has one)
    form: type[CommandForm]
    method: str  # HTTP method Telnyx takes
    # Telnyx path with {placeholders} the target fills (call_control_id, conference_id, ...).
    path: str
    label: str
    description: str
    # What the operator is told once Telnyx accepted it, in words: "Sent the digits {digits!c} to {target}".
    # {target} is the call, participant or conference by name (or number); other {names} are the request's
    # fields ({name!c}: its characters spaced out, as digits are read). Empty: "<label> for {target}: sent".
    done: str = ""
    command_id: bool = True  # Telnyx documents a command_id for it (retries are then deduplicated)
    encoding: str = "json"  # or "form" (TeXML)
    destructive: bool = False  # the UI asks for confirmation first
    # The Telnyx webhook that confirms the command took effect ("" when Telnyx sends none).
    confirmed_by: str = ""
    # Telnyx sends no webhook: on success the dashboard records this fact in the event log, with
    # these request fields, once per affected leg, and folds it like any webhook.
    records: str = ""
    records_fields: tuple[str, ...] = ()
    # For participant commands sent as conference commands: how the participant's leg is named.
    pin: str = ""
    # States of the target (a call's state, a conference's or participant's status) the action
    # makes sense in; None: any. The page offers only these and the runner refuses the others.
    valid_in: frozenset[str] | None = None
    # Conditions the target must have ("incoming", "recording", "forking", ...), and must not have:
    # the state alone does not say whether a recording can be paused or a fork stopped.
    needs: frozenset[str] = frozenset()
    unless: frozenset[str] = frozenset()
    # Request values the dashboard fills in when the operator leaves them empty (e.g. the connection).
    defaults: Callable[[], dict] | None = None

    @property
    def permission(self) -> str:
        """The permission's codename (in the dashboard app): `call_hangup`, `participant_mute`, ..."""
        return f"{self.target}_{self.name}"

    @property
    def permission_name(self) -> str:
        return f"Can {self.name.replace('_', ' ')} ({self.target})"

    def allowed_for(self, user: object) -> bool:
        return user.has_perm(f"dashboard.{self.permission}")

    def available_in(self, state: str, conditions: frozenset[str] = frozenset()) -> bool:
        if self.valid_in is not None and state not in self.valid_in:
            return False
        return self.needs <= conditions and not self.unless & conditions


_specs: dict[tuple[str, str], ActionSpec] = {}


def register_actions(specs: Iterable[ActionSpec]) -> None:
    for spec in specs:
        _specs[(spec.target, spec.name)] = spec


def action_spec(target: str, name: str) -> ActionSpec | None:
    return _specs.get((target, name))


def actions_for(target: str) -> list[ActionSpec]:
    """A target's actions in the order its table declares them (the order the page offers them)."""
    return [spec for (kind, _), spec in _specs.items() if kind == target]


def all_actions() -> list[ActionSpec]:
    return list(_specs.values())
