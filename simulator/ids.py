"""Identifiers and timestamps in the shapes Telnyx uses."""

import base64
import os
import random
import uuid
from datetime import UTC, datetime
from email.utils import format_datetime


def call_control_id() -> str:
    # Real ids are "v3:" plus an opaque base64url token of 40 bytes (54 characters).
    return "v3:" + base64.urlsafe_b64encode(os.urandom(40)).decode().rstrip("=")


def leg_id() -> str:
    """A call leg or session id: Telnyx uses time-based (version 1) UUIDs."""
    # A random node with the multicast bit set, as RFC 4122 asks when no MAC address is used.
    return str(uuid.uuid1(node=random.getrandbits(48) | 0x010000000000))


def new_uuid() -> str:
    return str(uuid.uuid4())


def now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """ISO-8601 in UTC with microseconds and a Z, as in every Telnyx webhook."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def rfc2822(moment: datetime) -> str:
    """The TeXML date format, e.g. "Fri, 27 Oct 2023 07:41:58 +0000"."""
    return format_datetime(moment.astimezone(UTC))
