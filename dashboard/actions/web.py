"""Shared handling of action form posts: run the service, then tell the operator what happened."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse

from dashboard.actions.runner import ActionDenied, ActionInvalid
from dashboard.actions.spec import ActionSpec
from dashboard.models import ActionOutcome, OperatorAction


def describe(record: OperatorAction) -> str:
    if record.outcome == ActionOutcome.OK:
        return f"{record.action.replace('_', ' ').capitalize()} sent: Telnyx accepted it."
    what = " ".join(part for part in (record.error_code, record.error_title) if part)
    detail = f": {record.error_detail}" if record.error_detail else ""
    verb = "refused" if record.outcome == ActionOutcome.REFUSED else "failed"
    return f"{record.action.replace('_', ' ').capitalize()} {verb}. {what or 'No answer from Telnyx'}{detail}"


def handle_action_post(
    request: HttpRequest,
    *,
    run: Callable[..., OperatorAction],
    back_to: str,
    render_invalid: Callable[[dict], HttpResponse],
) -> HttpResponse:
    """POST → service → redirect (PRG) with a message; invalid input re-renders the page with errors.

    Inline buttons post from the page's script and ask for JSON: they get the message itself and
    the row updates over the websocket, with no page load in between.
    """
    data = request.POST.dict()
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        record = run(data=request.POST, submission_id=data.get("submission_id", "")[:64])
    except ActionDenied:
        if wants_json:
            return JsonResponse({"outcome": "denied", "message": "You may not do this."}, status=403)
        raise PermissionDenied("You may not do this.") from None
    except ActionInvalid as exc:
        if wants_json:
            return JsonResponse({"outcome": "invalid", "message": str(exc), "fields": exc.errors}, status=400)
        return render_invalid(exc.errors)
    if wants_json:
        return JsonResponse({"outcome": record.outcome, "message": describe(record)})
    level = messages.SUCCESS if record.outcome == ActionOutcome.OK else messages.ERROR
    messages.add_message(request, level, describe(record))
    return HttpResponseRedirect(back_to)


def available_actions(
    user,  # noqa: ANN001
    *,
    specs: list[ActionSpec],
    url_for: Callable[[str], str],
    bound: tuple[str, object] | None = None,
    state: str | None = None,
) -> list[dict]:
    """The actions this user may use (in `state`, when given), in table order; a bound form
    replaces its blank one."""
    actions = []
    for spec in specs:
        if not spec.allowed_for(user) or (state is not None and not spec.available_in(state)):
            continue
        is_bound = bool(bound and bound[0] == spec.name)
        form = bound[1] if is_bound else spec.form(auto_id=f"id_{spec.target}_{spec.name}_%s")
        actions.append(
            {
                "action": spec.name,
                "form": form,
                "label": spec.label,
                "description": spec.description,
                "destructive": spec.destructive,
                "url": url_for(spec.name),
                "open": is_bound,
            }
        )
    return actions
