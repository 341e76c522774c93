"""Tell open pages a supervision changed, after commit: its supervisor's pages re-read their bar,
every page re-reads the marks on its call rows. Frames are hints: pages re-read the database."""

from django.db import transaction

from calls.supervision.models import Supervision
from dashboard.realtime.users import send_to_floor, send_to_user

FRAME_KIND = "supervision"


def supervision_changed(supervision: Supervision) -> None:
    frame = {"kind": FRAME_KIND, "id": supervision.pk, "state": supervision.state, "role": supervision.role}
    user_id = supervision.user_id

    def send() -> None:
        if user_id:
            send_to_user(user_id, {**frame, "mine": True})
        send_to_floor(frame)

    transaction.on_commit(send)
