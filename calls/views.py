"""Call pages: the live list, one call's detail with its timeline, and its action forms."""

import secrets
import threading
from collections import OrderedDict
from functools import partial

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from calls import selectors, services
from calls.live import ROW_TEMPLATE
from calls.models import Call
from dashboard.actions.spec import ActionSpec, action_spec, actions_for
from dashboard.actions.web import available_actions, handle_action_post

# More rows to render than this: re-read the live list rather than name every pk in one IN (...).
_MAX_PKS_IN_QUERY = 500
# Where the rows go in the rendered page: they are spliced in as bytes, not passed through the template.
_ROWS_MARK = f"<!--live-rows-{secrets.token_hex(8)}-->"


class LiveRows:
    """The live list's rows, rendered with the row partial and reused while their call is unchanged.

    A row's HTML depends on its call alone (durations tick in the browser), and every change to a
    call bumps its version (the realtime fragments rely on the same), so a row is rendered again
    only when the call's (version, call_control_id, event_count) differs from the one it was
    rendered at; the id and event count also guard against a pk reused after `rebuild_state` on
    SQLite. Rendering 10,000 rows takes seconds, looking them up milliseconds. Rows are kept as
    UTF-8 bytes. Per process, least recently used first out, never smaller than twice the live
    list; cleared when the templates are reloaded (DEBUG).
    """

    def __init__(self, min_size: int = 20_000) -> None:
        self._min_size = min_size
        self._rows: OrderedDict[int, tuple[tuple, bytes]] = OrderedDict()
        self._compiled: object = None
        self._lock = threading.Lock()

    def render(self) -> list[bytes]:
        """The rows of every live call, in list order, each the row partial's (autoescaped) output."""
        stamps = [(pk, tuple(stamp)) for pk, *stamp in selectors.live_call_stamps()]
        template = get_template(ROW_TEMPLATE)
        found: dict[int, bytes] = {}
        with self._lock:
            if template.template is not self._compiled:
                self._rows.clear()
                self._compiled = template.template
            for pk, stamp in stamps:
                entry = self._rows.get(pk)
                if entry is not None and entry[0] == stamp:
                    self._rows.move_to_end(pk)
                    found[pk] = entry[1]
        missing = [pk for pk, _ in stamps if pk not in found]
        if missing:
            if len(missing) <= _MAX_PKS_IN_QUERY:
                calls = selectors.calls_by_pk(missing)
            else:
                calls = {call.pk: call for call in selectors.live_calls()}
            fresh = {}
            for pk in missing:
                call = calls.get(pk)
                if call is not None:  # else gone since the first read
                    html = template.render({"call": call}).encode()
                    fresh[pk] = ((call.version, call.call_control_id, call.event_count), html)
            with self._lock:
                for pk, entry in fresh.items():
                    self._rows[pk] = entry
                    self._rows.move_to_end(pk)
                limit = max(self._min_size, 2 * len(stamps))
                while len(self._rows) > limit:
                    self._rows.popitem(last=False)
            found.update((pk, entry[1]) for pk, entry in fresh.items())
        return [found[pk] for pk, _ in stamps if pk in found]


live_rows = LiveRows()


def _call_commands() -> list[ActionSpec]:
    return [spec for spec in actions_for("call") if spec.name != "dial"]


def _live_page(request: HttpRequest, bound: tuple | None = None, status: int = 200) -> HttpResponse:
    dial = available_actions(
        request.user, specs=[action_spec("call", "dial")], bound=bound, url_for=lambda action: reverse("calls:dial")
    )
    rows = live_rows.render()
    context = {"rows": mark_safe(_ROWS_MARK), "call_count": len(rows), "dial_actions": dial}  # noqa: S308
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
            url_for=lambda action: reverse("calls:action", args=[call.call_control_id, action]),
        ),
    }
    return render(request, "calls/detail.html", context, status=status)


@login_required
def live_calls(request: HttpRequest) -> HttpResponse:
    return _live_page(request)


@login_required
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
    )
