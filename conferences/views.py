"""Conference pages: the live list, one conference with its participants, and their action forms."""

import secrets
from functools import partial

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST, require_safe

from calls.selectors import call_name_for
from conferences import selectors, services
from conferences.live import floor_rows, participant_menus
from conferences.models import Conference, Participant
from dashboard.actions.spec import action_spec, actions_for
from dashboard.actions.web import available_actions, handle_action_post

# Where the live list's rows go in the rendered page.
_ROWS_MARK = f"<!--live-rows-{secrets.token_hex(8)}-->"


def participant_actions_for(conference: Conference) -> tuple[str, ...]:
    """TeXML conferences take the form-encoded update; Call Control ones the rest."""
    names = tuple(spec.name for spec in actions_for("participant"))
    if conference.kind == "texml":
        return tuple(name for name in names if name == "texml_update")
    return tuple(name for name in names if name != "texml_update")


def _detail_page(
    request: HttpRequest, conference: Conference, bound: tuple | None = None, status: int = 200
) -> HttpResponse:
    context = {
        "conference": conference,
        "participants": selectors.conference_participants(conference=conference),
        "timeline": selectors.conference_timeline(conference=conference),
        # TeXML conferences take no Call Control conference command.
        "actions": available_actions(
            request.user,
            specs=actions_for("conference") if conference.kind != "texml" else [],
            bound=bound,
            url_for=lambda action: reverse("conferences:action", args=[conference.conference_id, action]),
        ),
        "can_act_on_participants": request.user.has_perm("dashboard.participant_mute")
        or request.user.has_perm("dashboard.participant_texml_update"),
    }
    return render(request, "conferences/detail.html", context, status=status)


@login_required
@require_safe
def live_conferences(request: HttpRequest) -> HttpResponse:
    can_act = request.user.has_perm("dashboard.conference_mute")
    can_act_on_participants = request.user.has_perm("dashboard.participant_mute")
    count, rows = floor_rows(can_act, can_act_on_participants)
    context = {
        "count": count,
        "rows": mark_safe(_ROWS_MARK),  # noqa: S308
        "can_act": can_act,
        "can_act_on_participants": can_act_on_participants,
        # Each participant's actions, once for the page: static/floor.js fills a row's menu from
        # them when it is opened, so the list carries no form per participant.
        "participant_menus": (
            participant_menus(request.user.has_perm("dashboard.call_supervise"))
            if can_act_on_participants
            else ""
        ),
    }
    response = render(request, "conferences/live.html", context)
    # The rows come from the row cache, spliced in as bytes (as the live calls list does).
    head, tail = response.content.split(_ROWS_MARK.encode(), 1)
    response.content = [head, *rows, tail]
    return response


@login_required
@require_safe
def conference_detail(request: HttpRequest, conference_id: str) -> HttpResponse:
    return _detail_page(request, selectors.conference_get(conference_id=conference_id))


@login_required
@require_POST
def conference_action(request: HttpRequest, conference_id: str, action: str) -> HttpResponse:
    spec = action_spec("conference", action)
    if spec is None:
        raise Http404("No such conference action")
    conference = selectors.conference_get(conference_id=conference_id)
    return handle_action_post(
        request,
        run=partial(services.conference_run_command, user=request.user, conference=conference, action=action),
        back_to=reverse("conferences:detail", args=[conference.conference_id]),
        render_invalid=lambda errors: _detail_page(
            request, conference, bound=(action, spec.form(request.POST)), status=400
        ),
        spec=spec,
        target=conference.name or f"conference {conference.conference_id}",
    )


@login_required
@require_POST
def participant_action(
    request: HttpRequest, conference_id: str, participant_id: str, action: str
) -> HttpResponse:
    conference = selectors.conference_get(conference_id=conference_id)
    if action not in participant_actions_for(conference):
        raise Http404("No such participant action")
    participant: Participant = selectors.participant_get(conference=conference, participant_id=participant_id)
    back_to = reverse("conferences:detail", args=[conference.conference_id])
    return handle_action_post(
        request,
        run=partial(
            services.participant_run_command, user=request.user, participant=participant, action=action
        ),
        back_to=back_to,
        render_invalid=lambda errors: _participant_invalid(request, conference, participant, action),
        spec=action_spec("participant", action),
        target=call_name_for(participant.call_control_id) or participant.label or participant.call_control_id,
    )


def _participant_invalid(
    request: HttpRequest, conference: Conference, participant: Participant, action: str
) -> HttpResponse:
    spec = action_spec("participant", action)
    form = spec.form(request.POST)
    form.is_valid()
    context = {
        "conference": conference,
        "participant": participant,
        "action": action,
        "form": form,
        "label": spec.label,
        "url": reverse(
            "conferences:participant-action",
            args=[conference.conference_id, participant.call_control_id, action],
        ),
    }
    return render(request, "conferences/participant_action_invalid.html", context, status=400)
