"""Shared handling of action form posts: run the service, then tell the operator what happened."""

import string
from collections.abc import Callable, Mapping, Sequence

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse

from dashboard.actions.runner import ActionDenied, ActionInvalid, ActionUnavailable
from dashboard.actions.spec import ActionSpec
from dashboard.models import ActionOutcome, OperatorAction


class _Phrase(string.Formatter):
    """Fills an ActionSpec's `done` phrase: a field the request did not have is empty, never an error;
    `!c` spaces out characters ("1 2 3"), as a person reads digits."""

    def get_value(self, key: int | str, args: Sequence, kwargs: Mapping) -> object:
        value = kwargs.get(key, "") if isinstance(key, str) else ""
        if isinstance(value, list | tuple):
            return ", ".join(str(item) for item in value)
        return "" if value is None else value

    def convert_field(self, value: object, conversion: str | None) -> object:
        if conversion == "c":
            return " ".join(str(value))
        return super().convert_field(value, conversion)


def _whom(parameters: dict) -> str:
    ids = parameters.get("call_control_ids") or []
    if not ids:
        return "everyone"
    return "1 participant" if len(ids) == 1 else f"{len(ids)} participants"


def describe(record: OperatorAction, spec: ActionSpec | None = None, target: str = "") -> str:
    """What happened, in words: "Sent the digits 1 2 3 to Ana Ruiz", or what went wrong and why."""
    target = target or record.target_type
    label = spec.label if spec else record.action.replace("_", " ").capitalize()
    if record.outcome == ActionOutcome.OK:
        parameters = record.parameters if isinstance(record.parameters, dict) else {}
        if spec and spec.done:
            try:
                done = _Phrase().format(
                    spec.done, **{**parameters, "target": target, "whom": _whom(parameters)}
                )
            except (ValueError, IndexError, AttributeError):
                done = f"{label} for {target}: sent"
        else:
            done = f"{label} for {target}: sent"
        return f"{done}. Telnyx accepted it."
    what = " ".join(part for part in (record.error_code, record.error_title) if part)
    detail = f": {record.error_detail}" if record.error_detail else ""
    verb = "refused by Telnyx" if record.outcome == ActionOutcome.REFUSED else "failed"
    return f"{label} for {target} {verb}. {what or 'No answer from Telnyx'}{detail}"


def handle_action_post(
    request: HttpRequest,
    *,
    run: Callable[..., OperatorAction],
    back_to: str,
    render_invalid: Callable[[dict], HttpResponse],
    spec: ActionSpec | None = None,
    target: str = "",
) -> HttpResponse:
    """POST → service → redirect (PRG) with a message; invalid input re-renders the page with errors.

    Inline buttons post from the page's script and ask for JSON: they get the message itself and
    the row updates over the websocket, with no page load in between. `target` names what was acted
    on in the message ("Ana Ruiz", "+14155550123", "Support huddle").
    """
    data = request.POST.dict()
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        record = run(data=request.POST, submission_id=data.get("submission_id", "")[:64])
    except ActionDenied:
        if wants_json:
            return JsonResponse({"outcome": "denied", "message": "You may not do this."}, status=403)
        raise PermissionDenied("You may not do this.") from None
    except ActionUnavailable as exc:
        # No field to correct: the call moved on (or the button was stale). Say so where the page was.
        if wants_json:
            return JsonResponse({"outcome": "invalid", "message": str(exc), "fields": exc.errors}, status=409)
        messages.error(request, str(exc))
        return HttpResponseRedirect(back_to)
    except ActionInvalid as exc:
        if wants_json:
            return JsonResponse({"outcome": "invalid", "message": str(exc), "fields": exc.errors}, status=400)
        return render_invalid(exc.errors)
    if wants_json:
        return JsonResponse({"outcome": record.outcome, "message": describe(record, spec, target)})
    level = messages.SUCCESS if record.outcome == ActionOutcome.OK else messages.ERROR
    messages.add_message(request, level, describe(record, spec, target))
    return HttpResponseRedirect(back_to)


def available_actions(
    user,  # noqa: ANN001
    *,
    specs: list[ActionSpec],
    url_for: Callable[[str], str],
    bound: tuple[str, object] | None = None,
    state: str | None = None,
    conditions: frozenset[str] = frozenset(),
) -> list[dict]:
    """The actions this user may use (in `state` with `conditions`, when given), in table order; a
    bound form replaces its blank one."""
    actions = []
    for spec in specs:
        if not spec.allowed_for(user) or (state is not None and not spec.available_in(state, conditions)):
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
