"""Live calls, conferences and participants, counted in the database when /metrics is scraped.

Computed at scrape time rather than kept as counters: the database is the truth whichever worker
folded the change, and one scrape costs three indexed counts.
"""

from django.db import close_old_connections, connection

from calls.models import Call
from conferences.models import Conference, ConferenceStatus, Participant, ParticipantStatus
from dashboard.observability.metrics import gauge, register_scrape_collector


def live_rows():  # noqa: ANN201
    close_old_connections()
    try:
        calls = Call.objects.filter(is_alive=True).count()
        conferences = Conference.objects.exclude(status=ConferenceStatus.COMPLETED).count()
        participants = Participant.objects.filter(status=ParticipantStatus.JOINED).count()
    finally:
        connection.close()  # a scrape thread keeps no connection open between scrapes
    yield gauge("switchboard_live_calls", "Calls alive now.", calls)
    yield gauge("switchboard_live_conferences", "Conferences not completed.", conferences)
    yield gauge("switchboard_live_participants", "Participants joined now.", participants)


def register() -> None:
    register_scrape_collector("live_rows", live_rows)
