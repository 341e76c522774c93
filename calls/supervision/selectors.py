"""Reads for supervision: the bar's row, the API's lists, and the marks live lists put on calls."""

from django.db.models import Q, QuerySet

from calls.models import Call
from calls.supervision.models import ACTIVE_STATES, MARK_PHRASES, Supervision


def supervision_list(*, active_only: bool = False) -> QuerySet[Supervision]:
    supervisions = Supervision.objects.all()
    return supervisions.filter(state__in=ACTIVE_STATES) if active_only else supervisions


def active_supervision_of(user) -> Supervision | None:  # noqa: ANN001
    return Supervision.objects.filter(user=user, state__in=ACTIVE_STATES).first()


def bar_supervision(user) -> Supervision | None:  # noqa: ANN001
    """What the user's supervision bar shows: their latest supervision, until they close it."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Supervision.objects.filter(user=user, dismissed=False).first()


def supervision_of(user, pk: int) -> Supervision | None:  # noqa: ANN001
    """One of the user's own supervisions (nobody steers another person's phone)."""
    return Supervision.objects.filter(user=user, pk=pk).first()


def leg_of(supervision: Supervision) -> Call | None:
    if not supervision.supervisor_call_control_id:
        return None
    return Call.objects.filter(call_control_id=supervision.supervisor_call_control_id).first()


def target_of(supervision: Supervision) -> Call | None:
    return Call.objects.filter(call_control_id=supervision.target_call_control_id).first()


def live_marks() -> dict[str, dict]:
    """Every live supervision, keyed by both of its legs: who supervises a call, and which calls
    are supervisors' own legs ({call_control_id: {"by", "role", "leg", "words", "target"}})."""
    marks: dict[str, dict] = {}
    live = Supervision.objects.filter(state__in=ACTIVE_STATES).filter(~Q(supervisor_call_control_id=""))
    for supervision in live.only("username", "role", "target_call_control_id", "supervisor_call_control_id", "target_name"):
        by, role = supervision.username, supervision.role
        marks[supervision.target_call_control_id] = {
            "by": by,
            "role": role,
            "leg": False,
            "words": f"{MARK_PHRASES.get(role, role)} {by}",
        }
        marks[supervision.supervisor_call_control_id] = {
            "by": by,
            "role": role,
            "leg": True,
            "words": f"supervisor leg ({by})",
            "target": supervision.target_name,
        }
    return marks


def call_party(call: Call) -> str:
    """The call's other party as a person reads it: "Ana Ruiz (+13125550142)", or the number alone."""
    if call.direction == "outgoing":
        return call.to_number or call.call_control_id
    number = call.from_number or call.call_control_id
    return f"{call.caller_id_name} ({number})" if call.caller_id_name and call.caller_id_name != number else number


def our_number(call: Call) -> str:
    """The number of ours on the call: the supervisor's phone shows it as the caller."""
    return (call.to_number if call.direction == "incoming" else call.from_number) or call.from_number or call.to_number
