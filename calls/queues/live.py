"""The queue page is live: every change to a call that was ever queued is announced to its group.

The page holds summaries (waiting, longest and average wait, today's outcomes) that depend on many
calls at once, so it re-reads its snapshot on each note (at most every two seconds, `live.js`)
rather than swapping one row; a note is sent only for calls with a queue, so a busy floor without
queue traffic costs the page nothing.
"""

from django.template.loader import render_to_string

# A queued call is a call: its stamp, and which calls changed since a moment, are the calls kind's.
from calls.live import _changed_since, call_stamp
from calls.models import Call
from dashboard.eventlog.batch_sql import rows_by_key
from dashboard.realtime.registry import LiveKind, LivePage, register_live_kind, register_live_page
from dashboard.realtime.rows import RenderedRow

QUEUES_GROUP = "queues"
ROW_TEMPLATE = "queues/_waiting_call.html"


def _groups(call: Call) -> list[str]:
    return [QUEUES_GROUP] if call.queue_name else []


def _queued_row(call: Call, can_act: bool) -> RenderedRow:
    return RenderedRow(
        stamp=call_stamp(call),
        dom_id=f"queued-call-{call.pk}",
        alive=call.is_alive and call.state == "queued",
        html=render_to_string(ROW_TEMPLATE, {"call": call, "can_act": can_act}),
    )


def _render(pks: list[int], can_act: bool) -> dict[int, RenderedRow]:
    return {pk: _queued_row(call, can_act) for pk, call in rows_by_key(Call, "id", pks).items()}


def register() -> None:
    register_live_kind(
        LiveKind(
            kind="queued-call",
            projection="calls",
            groups=_groups,
            stamp=call_stamp,
            render=_render,
            changed_since=_changed_since,
        )
    )
    register_live_page(LivePage(target="queues", list_group=QUEUES_GROUP, detail_group=lambda key: None))
