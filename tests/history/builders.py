"""Webhook documents for distinct calls, built from the recorded payloads (tests/fixtures)."""

import copy
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from tests.support.webhooks import fixture, post_webhook


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def event(name: str, n: int, at: datetime, **payload: object) -> dict:
    """The recorded `name` webhook, for call number `n`, happening at `at`."""
    document = copy.deepcopy(fixture(name))
    data = document["data"]
    data["id"] = f"hist-{n}-{name}"
    data["occurred_at"] = stamp(at)
    data["payload"].update(
        call_control_id=f"v3:hist-{n}",
        call_leg_id=f"leg-{n}",
        call_session_id=f"session-{n}",
        **payload,
    )
    return document


def call_documents(
    n: int,
    *,
    start: datetime | None = None,
    duration: int = 30,
    ended: bool = True,
    from_: str = "+35319605860",
    to: str = "+13129457420",
    direction: str = "incoming",
    cause: str = "normal_clearing",
    source: str = "caller",
    **initiated: object,
) -> list[dict]:
    """initiated, answered (and hangup) of one call."""
    start = start or timezone.now() - timedelta(minutes=5)
    numbers = {"from": from_, "to": to}
    documents = [
        event(
            "call.initiated", n, start, direction=direction, start_time=stamp(start), **numbers, **initiated
        ),
        event("call.answered", n, start + timedelta(seconds=1), **numbers),
    ]
    if ended:
        documents.append(
            event(
                "call.hangup",
                n,
                start + timedelta(seconds=duration),
                hangup_cause=cause,
                hangup_source=source,
                **numbers,
            )
        )
    return documents


def deliver(client, *documents: dict) -> None:
    for document in documents:
        response = post_webhook(client, document)
        assert response.status_code == 200, response.content
