"""Call pages: the live list, one call's detail with its timeline, and its action forms."""

import secrets
from dataclasses import dataclass
from functools import partial

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST, require_safe

from calls import selectors, services
from calls.live import ACT_PERMISSION, ROW_TEMPLATE, render_call_row, row_stamp
from calls.models import Call
from calls.selectors import LiveListView
from dashboard.actions.spec import ActionSpec, action_spec, actions_for
from dashboard.actions.web import available_actions, handle_action_post
from dashboard.realtime.rows import rows

# More rows to render than this: re-read the live list rather than name every pk in one IN (...).
_MAX_PKS_IN_QUERY = 500
# At most this many rows on a page: past it the list is a window, filtered and ordered by the server.
LIVE_WINDOW = 500
# Where the rows go in the rendered page: they are spliced in as bytes, not passed through the template.
_ROWS_MARK = f"<!--live-rows-{secrets.token_hex(8)}-->"
_ORDERS = {"asc": False, "desc": True}


@dataclass
class LiveWindow:
    rows: list[bytes]
    # Live calls the list's filters match (all of them when not windowed), and whether only the
    # first LIVE_WINDOW of them, in the list's order, are on the page.
    total: int
    windowed: bool


def live_list_view(request: HttpRequest) -> LiveListView:
    """The filters and order a live list's URL carries (static/live.js writes them)."""
    params = request.GET
    return LiveListView(
        direction=params.get("direction", "").strip(),
        state=params.get("state", "").strip(),
        q=params.get("q", "").strip(),
        conference=params.get("conference", "").strip(),
        sort=params.get("sort", "").strip(),
        descending=_ORDERS.get(params.get("order", ""), False),
    )


class LiveRows:
    """The live list's rows, from the row cache the websocket fragments share (`dashboard/realtime/rows.py`)."""

    def window(self, view: LiveListView, can_act: bool = False) -> LiveWindow:
        """Every live call's row while they fit in LIVE_WINDOW (the page filters and sorts them
        itself); past it, the first LIVE_WINDOW rows the view's filters and order select."""
        stamps = list(selectors.live_call_stamps()[: LIVE_WINDOW + 1])
        if len(stamps) <= LIVE_WINDOW:
            return LiveWindow(rows=self.render(stamps, can_act), total=len(stamps), windowed=False)
        stamps = list(selectors.live_call_stamps_in_view(view, LIVE_WINDOW))
        total = selectors.live_calls_in_view_count(view)
        return LiveWindow(rows=self.render(stamps, can_act), total=total, windowed=True)

    def render(self, stamped: list[tuple], can_act: bool = False) -> list[bytes]:
        """These calls' rows, in this order, from (pk, *stamp) tuples: each the row partial's
        (autoescaped) output; with their action buttons when `can_act`."""
        stamps = {pk: row_stamp(*stamp) for pk, *stamp in stamped}
        rows.forget_if_templates_changed(get_template(ROW_TEMPLATE).template)
        rows.hold_at_least(len(stamps))
        found = rows.get_many("call", can_act, stamps)
        missing = [pk for pk in stamps if pk not in found]
        if missing:
            if len(missing) <= _MAX_PKS_IN_QUERY:
                calls = selectors.calls_by_pk(missing)
            else:
                calls = {call.pk: call for call in selectors.live_calls()}
            for pk in missing:
                call = calls.get(pk)
                if call is not None:  # else gone since the first read
                    found[pk] = render_call_row(call, can_act)
                    rows.put("call", can_act, pk, found[pk])
        return [found[pk].html_bytes() for pk in stamps if pk in found]


live_rows = LiveRows()


def _call_commands() -> list[ActionSpec]:
    return [spec for spec in actions_for("call") if spec.name != "dial"]


def _live_page(request: HttpRequest, bound: tuple | None = None, status: int = 200) -> HttpResponse:
    dial = available_actions(
        request.user,
        specs=[action_spec("call", "dial")],
        bound=bound,
        url_for=lambda action: reverse("calls:dial"),
    )
    can_act = request.user.has_perm(ACT_PERMISSION)
    view = live_list_view(request)
    window = live_rows.window(view, can_act)
    context = {
        "rows": mark_safe(_ROWS_MARK),  # noqa: S308
        "call_count": window.total,
        "shown": len(window.rows),
        "windowed": window.windowed,
        "window_size": LIVE_WINDOW,
        "filtered": any((view.direction, view.state, view.q, view.conference)),
        "dial_actions": dial,
        "can_act": can_act,
    }
    response = render(request, "calls/live.html", context, status=status)
    # Splice the rows into the rendered page: many rows are megabytes, which the template
    # engine would copy at every level of nesting and then encode.
    head, tail = response.content.split(_ROWS_MARK.encode(), 1)
    response.content = [head, *window.rows, tail]
    return response


def _detail_page(
    request: HttpRequest, call: Call, bound: tuple | None = None, status: int = 200
) -> HttpResponse:
    context = {
        "call": call,
        "timeline": selectors.call_timeline(call=call),
        "actions": available_actions(
            request.user,
            specs=_call_commands(),
            bound=bound,
            state=call.state,
            conditions=selectors.call_conditions(call),
            url_for=lambda action: reverse("calls:action", args=[call.call_control_id, action]),
        ),
    }
    return render(request, "calls/detail.html", context, status=status)


@login_required
@require_safe
def live_calls(request: HttpRequest) -> HttpResponse:
    return _live_page(request)


@login_required
@require_safe
def call_detail(request: HttpRequest, call_control_id: str) -> HttpResponse:
    return _detail_page(request, selectors.call_get(call_control_id=call_control_id))


@login_required
@require_POST
def call_action(request: HttpRequest, call_control_id: str, action: str) -> HttpResponse:
    spec = action_spec("call", action)
    if spec is None or action == "dial":
        raise Http404("No such call action")
    call = selectors.call_get(call_control_id=call_control_id)
    return handle_action_post(
        request,
        run=partial(services.call_run_command, user=request.user, call=call, action=action),
        back_to=reverse("calls:detail", args=[call.call_control_id]),
        render_invalid=lambda errors: _detail_page(
            request, call, bound=(action, spec.form(request.POST)), status=400
        ),
        spec=spec,
        target=selectors.call_name(call),
    )


@login_required
@require_POST
def call_dial(request: HttpRequest) -> HttpResponse:
    return handle_action_post(
        request,
        run=partial(services.call_dial, user=request.user),
        back_to=reverse("calls:live"),
        render_invalid=lambda errors: _live_page(
            request, bound=("dial", action_spec("call", "dial").form(request.POST)), status=400
        ),
        spec=action_spec("call", "dial"),
    )
