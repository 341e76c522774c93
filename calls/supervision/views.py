"""Supervision from the pages: Listen / Whisper / Barge on a call, the bar's buttons, and the two
reads the bar's script makes (the bar itself, the marks on call rows).

A button posts a plain form (the page reloads on the same page, the answer as a message); the
bar's script posts it in the background instead, asking for JSON, and re-reads the bar.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from calls.selectors import call_get
from calls.supervision import selectors, services
from calls.supervision.forms import NO_PHONE
from calls.supervision.models import Supervision, SupervisorRole
from dashboard.actions.runner import ActionDenied, ActionInvalid, ActionUnavailable
from dashboard.models import ActionOutcome, OperatorAction

BAR_TEMPLATE = "supervision/_bar.html"


def _back(request: HttpRequest, fallback: str) -> str:
    referer = request.headers.get("Referer", "")
    safe = url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return referer if referer and safe else fallback


def respond(request: HttpRequest, *, ok: bool, message: str, back: str, status: int = 200, link: dict | None = None) -> HttpResponse:
    """JSON for the bar's script; otherwise a message on the page the button was on."""
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"outcome": "ok" if ok else "error", "message": message, "link": link}, status=status)
    text = format_html('{} <a href="{}">{}</a>', message, link["href"], link["text"]) if link else message
    messages.add_message(request, messages.SUCCESS if ok else messages.ERROR, text)
    return HttpResponseRedirect(_back(request, back))


def respond_invalid(request: HttpRequest, exc: ActionInvalid, back: str) -> HttpResponse:
    if isinstance(exc, ActionUnavailable):  # the leg moved on (not connected yet, or gone)
        return respond(request, ok=False, message=str(exc), back=back, status=409)
    errors = exc.errors
    if any(error.get("message") == NO_PHONE for error in errors.get("to", [])):
        link = {"href": reverse("profile") + "#id_supervisor_phone", "text": "Set your supervisor phone"}
        return respond(request, ok=False, message="Nothing was sent: no supervisor phone is set.", back=back, status=400, link=link)
    words = "; ".join(error["message"] for field_errors in errors.values() for error in field_errors)
    return respond(request, ok=False, message=f"Nothing was sent: {words}", back=back, status=400)


def _outcome(request: HttpRequest, record: OperatorAction | None, done: str, back: str) -> HttpResponse:
    if record is None or record.outcome == ActionOutcome.OK:
        return respond(request, ok=True, message=done, back=back)
    return respond(request, ok=False, message=services.refusal_words(record), back=back, status=422)


@login_required
@require_POST
def supervise(request: HttpRequest, call_control_id: str) -> HttpResponse:
    call = call_get(call_control_id=call_control_id)
    back = reverse("calls:detail", args=[call.call_control_id])
    role = request.POST.get("role") or SupervisorRole.MONITOR
    try:
        supervision, record = services.supervise_call(
            user=request.user, call=call, role=role, submission_id=request.POST.get("submission_id", "")[:64]
        )
    except ActionDenied:
        raise PermissionDenied("You may not supervise calls.") from None
    except ActionInvalid as exc:
        return respond_invalid(request, exc, back)
    if record.outcome != ActionOutcome.OK:
        return respond(
            request, ok=False, message=f"Could not supervise {supervision.target_name}: {supervision.outcome}", back=back, status=422
        )
    message = f"Ringing your phone ({supervision.supervisor_phone}) to supervise {supervision.target_name}."
    if record.action != "supervise":  # already on this call: the role was switched
        message = f"{supervision.role_phrase} {supervision.target_name}."
    return respond(request, ok=True, message=message, back=back)


def _page_of(supervision: Supervision) -> str:
    if supervision.conference_id:
        return reverse("conferences:detail", args=[supervision.conference_id])
    return reverse("calls:detail", args=[supervision.target_call_control_id])


def _own(request: HttpRequest, pk: int) -> Supervision:
    supervision = selectors.supervision_of(request.user, pk)
    if supervision is None:
        raise Http404("No such supervision of yours")
    return supervision


@login_required
@require_POST
def switch_role(request: HttpRequest, pk: int) -> HttpResponse:
    supervision = _own(request, pk)
    back = _page_of(supervision)
    role = request.POST.get("role", "")
    try:
        record = services.switch_role(user=request.user, supervision=supervision, role=role)
    except ActionDenied:
        raise PermissionDenied("You may not supervise calls.") from None
    except ActionInvalid as exc:
        return respond_invalid(request, exc, back)
    return _outcome(request, record, f"{supervision.get_role_display()}: {supervision.target_name}.", back)


@login_required
@require_POST
def leave(request: HttpRequest, pk: int) -> HttpResponse:
    supervision = _own(request, pk)
    back = _page_of(supervision)
    try:
        record = services.leave(user=request.user, supervision=supervision)
    except ActionDenied:
        raise PermissionDenied("You may not hang up calls.") from None
    except ActionInvalid as exc:
        return respond_invalid(request, exc, back)
    return _outcome(request, record, f"You left {supervision.target_name}; the call goes on.", back)


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    supervision = _own(request, pk)
    services.close(supervision=supervision)
    return respond(request, ok=True, message="", back=reverse("calls:live"))


@login_required
@require_GET
def bar(request: HttpRequest) -> HttpResponse:
    return render(request, BAR_TEMPLATE, {"supervision": selectors.bar_supervision(request.user)})


@login_required
@require_GET
def marks(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"marks": selectors.live_marks()})
