"""The queue page: one card per queue, live."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from calls.queues.selectors import bridge_candidates, queue_board


@login_required
@require_safe
def queues_page(request: HttpRequest) -> HttpResponse:
    board = queue_board()
    can_bridge = request.user.has_perm("dashboard.call_bridge")
    return render(
        request,
        "queues/board.html",
        {
            "board": board,
            "waiting_total": sum(facts.waiting_count for facts in board),
            "bridge_targets": bridge_candidates() if can_bridge and board else [],
            "queued_alert_secs": settings.ALERT_QUEUED_SECS,
            # Listen (the supervision partial) is offered to those who may supervise.
            "can_act": request.user.has_perm("dashboard.call_supervise"),
        },
    )
