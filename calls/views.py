"""Call pages: the live list and one call's detail with its timeline."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors


@login_required
def live_calls(request: HttpRequest) -> HttpResponse:
    calls = selectors.live_calls()
    return render(request, "calls/live.html", {"calls": calls})


@login_required
def call_detail(request: HttpRequest, call_control_id: str) -> HttpResponse:
    call = selectors.call_get(call_control_id=call_control_id)
    context = {"call": call, "timeline": selectors.call_timeline(call=call)}
    return render(request, "calls/detail.html", context)
