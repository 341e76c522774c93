"""Channel-layer group names (ASCII, no colons: Telnyx ids cannot be used directly)."""

CALLS = "calls"
CONFERENCES = "conferences"


def call_group(call_pk: int) -> str:
    return f"call.{call_pk}"


def conference_group(conference_pk: int) -> str:
    return f"conference.{conference_pk}"
