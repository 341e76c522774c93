"""Live calls on open pages: which groups hear of a changed call, and its row as a fragment."""

from django.template.loader import render_to_string

from calls.models import Call
from dashboard.realtime.registry import LiveKind, LivePage, register_live_kind, register_live_page

CALLS_GROUP = "calls"
ROW_TEMPLATE = "calls/_call_row.html"


def call_group(call_pk: int) -> str:
    return f"call.{call_pk}"


def _detail_group(call_control_id: str) -> str | None:
    pk = Call.objects.filter(call_control_id=call_control_id).values_list("pk", flat=True).first()
    return call_group(pk) if pk else None


def _render(pk: int, can_act: bool) -> dict:
    call = Call.objects.get(pk=pk)
    html = render_to_string(ROW_TEMPLATE, {"call": call})
    return {"dom_id": f"call-{pk}", "version": call.version, "alive": call.is_alive, "html": html}


def register() -> None:
    register_live_kind(
        LiveKind(
            kind="call",
            projection="calls",
            groups=lambda call: [CALLS_GROUP, call_group(call.pk)],
            render=_render,
        )
    )
    register_live_page(LivePage(target="calls", list_group=CALLS_GROUP, detail_group=_detail_group))
