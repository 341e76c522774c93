"""Call pages: the live list, one call's detail with its timeline, and its action forms."""

import secrets
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
from dashboard.actions.spec import ActionSpec, action_spec, actions_for
from dashboard.actions.web import available_actions, handle_action_post
from dashboard.realtime.rows import rows

# More rows to render than this: re-read the live list rather than name every pk in one IN (...).
_MAX_PKS_IN_QUERY = 500
# Where the rows go in the rendered page: they are spliced in as bytes, not passed through the template.
_ROWS_MARK = f"<!--live-rows-{secrets.token_hex(8)}-->"


class LiveRows:
    """The live list's rows, from the row cache the websocket fragments share (`dashboard/realtime/rows.py`)."""

    def render(self, can_act: bool = False) -> list[bytes]:
        """The rows of every live call, in list order, each the row partial's (autoescaped) output;
        with their action buttons when `can_act`."""
        stamps = {pk: row_stamp(*stamp) for pk, *stamp in selectors.live_call_stamps()}
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
    rows = live_rows.render(can_act)
    context = {
        "rows": mark_safe(_ROWS_MARK),  # noqa: S308
        "call_count": len(rows),
        "dial_actions": dial,
        "can_act": can_act,
    }
    response = render(request, "calls/live.html", context, status=status)
    # Splice the rows into the rendered page: 10,000 rows are megabytes, which the template
    # engine would copy at every level of nesting and then encode.
    head, tail = response.content.split(_ROWS_MARK.encode(), 1)
    response.content = [head, *rows, tail]
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
