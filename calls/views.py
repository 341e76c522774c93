"""Call pages: the live list, one call's detail with its timeline, and its action forms."""

from functools import partial

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from dashboard.action_views import available_actions, handle_action_post

from . import selectors, services
from .forms import CALL_ACTION_FORMS
from .models import Call

_CALL_COMMANDS = {action: form for action, form in CALL_ACTION_FORMS.items() if action != "dial"}


def _live_page(request: HttpRequest, bound: tuple | None = None, status: int = 200) -> HttpResponse:
    dial = available_actions(
        request.user,
        kind="call",
        registry=CALL_ACTION_FORMS,
        only=("dial",),
        bound=bound,
        url_for=lambda action: reverse("calls:dial"),
    )
    context = {"calls": selectors.live_calls(), "dial_actions": dial}
    return render(request, "calls/live.html", context, status=status)


def _detail_page(
    request: HttpRequest, call: Call, bound: tuple | None = None, status: int = 200
) -> HttpResponse:
    context = {
        "call": call,
        "timeline": selectors.call_timeline(call=call),
        "actions": available_actions(
            request.user,
            kind="call",
            registry=_CALL_COMMANDS,
            bound=bound,
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
    if action not in _CALL_COMMANDS:
        raise Http404("No such call action")
    call = selectors.call_get(call_control_id=call_control_id)
    return handle_action_post(
        request,
        run=partial(services.call_run_command, user=request.user, call=call, action=action),
        back_to=reverse("calls:detail", args=[call.call_control_id]),
        render_invalid=lambda errors: _detail_page(
            request, call, bound=(action, _CALL_COMMANDS[action](request.POST)), status=400
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
            request, bound=("dial", CALL_ACTION_FORMS["dial"](request.POST)), status=400
        ),
    )
