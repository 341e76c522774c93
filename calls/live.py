"""Live calls on open pages: which groups hear of a changed call, and its row as a fragment."""

from datetime import datetime

from django.db.models import QuerySet
from django.template.loader import render_to_string

from calls.models import Call
from dashboard.actions.spec import action_spec
from dashboard.eventlog.batch_sql import rows_by_key
from dashboard.models import Event
from dashboard.realtime.registry import LiveKind, LivePage, register_live_kind, register_live_page
from dashboard.realtime.rows import RenderedRow

CALLS_GROUP = "calls"
ROW_TEMPLATE = "calls/_call_row.html"
# The actions a live row offers itself (the rest are on the call's page), when the call's state allows.
ROW_ACTIONS = ("hangup", "transfer")
# Who gets rows with action buttons (supervisors and admins; viewers read).
ACT_PERMISSION = "dashboard.call_hangup"


def call_group(call_pk: int) -> str:
    return f"call.{call_pk}"


def _detail_group(call_control_id: str) -> str | None:
    pk = Call.objects.filter(call_control_id=call_control_id).values_list("pk", flat=True).first()
    return call_group(pk) if pk else None


def row_stamp(version: int, call_control_id: str, event_count: int, last_event_at: datetime | None) -> tuple:
    """What a call's row was rendered at: beyond the version, what tells a reused pk, or the same
    call refolded by `rebuild_state` (its version starts again), from the row rendered before."""
    # Plain values: the stamp travels in broadcast notes, through Redis as msgpack.
    return (version, call_control_id, event_count, last_event_at.isoformat() if last_event_at else "")


def call_stamp(call: Call) -> tuple:
    return row_stamp(call.version, call.call_control_id, call.event_count, call.last_event_at)


def row_actions(call: Call) -> tuple[str, ...]:
    """The row's own actions that fit the call's state, from the action table."""
    if not call.is_alive:
        return ()
    return tuple(name for name in ROW_ACTIONS if action_spec("call", name).available_in(call.state))


def render_call_row(call: Call, can_act: bool = False) -> RenderedRow:
    context = {"call": call, "can_act": can_act, "quick": row_actions(call) if can_act else ()}
    return RenderedRow(
        stamp=call_stamp(call),
        dom_id=f"call-{call.pk}",
        alive=call.is_alive,
        html=render_to_string(ROW_TEMPLATE, context),
    )


def _changed_since(moment: datetime) -> QuerySet[Call]:
    touched = Event.objects.filter(received_at__gte=moment).exclude(call_control_id="").values("call_control_id")
    return Call.objects.filter(call_control_id__in=touched)


def _render(pks: list[int], can_act: bool) -> dict[int, RenderedRow]:
    # A statement built once: compiling `in_bulk`'s queryset cost more than running it, per burst.
    return {pk: render_call_row(call, can_act) for pk, call in rows_by_key(Call, "id", pks).items()}


def register() -> None:
    register_live_kind(
        LiveKind(
            kind="call",
            projection="calls",
            groups=lambda call: [CALLS_GROUP, call_group(call.pk)],
            stamp=call_stamp,
            render=_render,
            act_permission=ACT_PERMISSION,
            changed_since=_changed_since,
        )
    )
    register_live_page(LivePage(target="calls", list_group=CALLS_GROUP, detail_group=_detail_group))
