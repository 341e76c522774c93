"""Acknowledging an alert, and the alerts' state for a page that reconnects."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from operations.alerts.models import Alert
from operations.alerts.selectors import feed_alert, open_alerts
from operations.alerts.services import acknowledge, alert_item_html, feed_frame


@login_required
@require_POST
def acknowledge_alert(request: HttpRequest, pk: int) -> HttpResponse:
    acknowledge(get_object_or_404(Alert, pk=pk), request.user)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"acknowledged": pk})
    back = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return HttpResponseRedirect(back if back and safe else "/")


@login_required
@require_GET
def alerts_state(request: HttpRequest) -> JsonResponse:
    """What a page shows of alerts, read again after its socket reconnects (frames may have been missed)."""
    alerts, total = open_alerts(request.user)
    return JsonResponse(
        {
            "alerts": [{"id": alert.pk, "html": alert_item_html(alert)} for alert in alerts],
            "total": total,
            "feed": feed_frame(feed_alert()),
        }
    )
