"""The supervise dial as an action: checked, sent and audited by the action runner like any other.

Not registered in the call action table: it is offered as Listen / Whisper / Barge, not as a form
among the call's commands; its permission (`dashboard.call_supervise`) is created with the others
(dashboard/accounts/roles.py).
"""

from django.conf import settings

from calls.actions import LIVE
from calls.supervision.forms import JoinSupervisorDialForm, SuperviseDialForm
from dashboard.actions.spec import ActionSpec
from dashboard.eventlog.event_types import EventType

SUPERVISE = ActionSpec(
    target="call",
    name="supervise",
    form=SuperviseDialForm,
    method="POST",
    path="/calls",
    label="Supervise",
    done="Ringing your phone to supervise {target} ({role})",
    description="Dial your supervisor phone onto this call: monitor listens, whisper speaks to the agent, barge to both.",
    confirmed_by=EventType.CALL_INITIATED,
    # Any live call is offered; Telnyx itself refuses one not answered yet (its refusal is shown).
    valid_in=LIVE,
    defaults=lambda: {"connection_id": settings.TELNYX_CONNECTION_ID},
)

# A conference's supervisor: the same permission and audit name; the dial alone, the join follows.
SUPERVISE_BY_JOIN = ActionSpec(
    target="call",
    name="supervise",
    form=JoinSupervisorDialForm,
    method="POST",
    path="/calls",
    label="Supervise",
    done="Ringing your phone to supervise {target} ({role})",
    description="Dial your supervisor phone; once you answer, you join the conference in your role.",
    confirmed_by=EventType.CALL_INITIATED,
    defaults=lambda: {"connection_id": settings.TELNYX_CONNECTION_ID},
)
