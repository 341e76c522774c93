"""Live calls, conferences and participants, counted in the database when /metrics is scraped.

Computed at scrape time rather than kept as counters: the database is the truth whichever worker
folded the change, and one scrape costs three indexed counts.
"""

from django.db import close_old_connections

from calls.models import Call
from conferences.models import Conference, ConferenceStatus, Participant, ParticipantStatus
from dashboard.observability.metrics import gauge, register_scrape_collector


def live_rows():  # noqa: ANN201
    close_old_connections()
    yield gauge("switchboard_live_calls", "Calls alive now.", Call.objects.filter(is_alive=True).count())
    yield gauge(
        "switchboard_live_conferences",
        "Conferences not completed.",
        Conference.objects.exclude(status=ConferenceStatus.COMPLETED).count(),
    )
    yield gauge(
        "switchboard_live_participants",
        "Participants joined now.",
        Participant.objects.filter(status=ParticipantStatus.JOINED).count(),
    )


def register() -> None:
    register_scrape_collector("live_rows", live_rows)
