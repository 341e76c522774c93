"""Conference pages: the live list and one conference with its participants and timeline."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors


@login_required
def live_conferences(request: HttpRequest) -> HttpResponse:
    conferences = selectors.live_conferences()
    return render(request, "conferences/live.html", {"conferences": conferences})


@login_required
def conference_detail(request: HttpRequest, conference_id: str) -> HttpResponse:
    conference = selectors.conference_get(conference_id=conference_id)
    context = {
        "conference": conference,
        "participants": selectors.conference_participants(conference=conference),
        "timeline": selectors.conference_timeline(conference=conference),
    }
    return render(request, "conferences/detail.html", context)
