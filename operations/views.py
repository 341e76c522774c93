"""Cross-cutting pages: the live overview."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from operations.overview import overview


@login_required
@require_safe
def overview_page(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboard/overview.html", {"overview": overview()})
