"""Configuration of one simulator instance: identity, timings, delivery and chaos knobs."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

DEMO_SIGNING_SEED = "7p2a0XmA/dATKCXyD4XcYWwAbMxw71KX0dk6Cq/VFIs="
SIGNING_SEED_ENV = "TELNYX_SIMULATOR_SIGNING_SEED"
DEFAULT_PORT = 8001
DEFAULT_WEBHOOK_URL = "http://127.0.0.1:8000/webhooks/telnyx/"

# What the far end does when the simulator dials it.
DIAL_OUTCOMES = ("answer", "busy", "no_answer", "reject", "machine")


@dataclass(frozen=True)
class Timings:
    """How long simulated things take, in seconds. Tests shrink them with `Timings.fast()`."""

    answer_delay: float = 1.0  # an outbound call rings this long before the far end answers
    busy_delay: float = 0.8  # ...or before it answers busy / rejects
    no_answer_delay: float | None = None  # None: ring for the dial's timeout_secs, as Telnyx does
    media_duration: float = 3.0  # one playback or speech
    dtmf_interval: float = 0.4  # between two simulated key presses
    recording_delay: float = 0.3  # between a recording's end and call.recording.saved
    refer_delay: float = 0.5  # between call.refer.started and call.refer.completed
    amd_delay: float = 1.0  # between the answer and the machine-detection result
    floor_change_interval: float | None = 6.0  # None: no conference.floor.changed

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if value is not None and value < 0:
                raise ValueError(f"timing {name} must not be negative")

    @classmethod
    def fast(cls) -> Timings:
        """Timings for tests: everything happens within a few tens of milliseconds."""
        return cls(
            answer_delay=0.02,
            busy_delay=0.02,
            no_answer_delay=0.05,
            media_duration=0.03,
            dtmf_interval=0.005,
            recording_delay=0.01,
            refer_delay=0.01,
            amd_delay=0.01,
            floor_change_interval=None,
        )


@dataclass(frozen=True)
class Delivery:
    """How webhooks are delivered: attempts, backoff, timeout, concurrency and ordering."""

    max_attempts: int = 5
    retry_backoff: float = 0.5  # seconds before attempt 2; doubles for each later attempt
    timeout: float = 5.0
    # Webhooks in flight at once over the one keep-alive client. Small on purpose: httpcore's pool
    # scans its connections quadratically, so beyond ~8 throughput falls instead of rising.
    concurrency: int = 8
    ordered: bool = True  # the webhooks of one call are delivered one after the other

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        if self.retry_backoff < 0 or self.timeout <= 0:
            raise ValueError("retry_backoff must not be negative and timeout must be positive")


@dataclass(frozen=True)
class Chaos:
    """Delivery faults, each drawn per webhook at the given rate from a seedable RNG."""

    duplicate_rate: float = 0.0  # delivered a second time, same data.id
    out_of_order_rate: float = 0.0  # delivered after the call's next webhook
    late_rate: float = 0.0  # delivered `late_delay` seconds late, without holding the others back
    bad_signature_rate: float = 0.0  # the first attempt carries a signature that does not verify
    late_delay: float = 2.0
    reorder_window: float = 0.5  # how long a held-back webhook waits for a successor
    seed: int | None = None

    def __post_init__(self) -> None:
        for name in ("duplicate_rate", "out_of_order_rate", "late_rate", "bad_signature_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, got {value}")
        if self.late_delay < 0 or self.reorder_window < 0:
            raise ValueError("late_delay and reorder_window must not be negative")

    @property
    def active(self) -> bool:
        return any((self.duplicate_rate, self.out_of_order_rate, self.late_rate, self.bad_signature_rate))


@dataclass(frozen=True)
class SimulatorOptions:
    api_key: str
    connection_id: str
    texml_account_sid: str
    webhook_url: str = DEFAULT_WEBHOOK_URL
    texml_webhook_url: str | None = None  # None: the webhook URL with "texml/" appended
    signing_seed: str = DEMO_SIGNING_SEED
    dial_outcome: str = "answer"  # what the far end of a dialled number does by default
    auto_dtmf: bool = True  # a gather with no scripted digits gets random valid ones
    command_id_ttl: float = 60.0
    seed: int | None = None  # the world's RNG (auto digits, floor changes); None: unseeded
    timings: Timings = field(default_factory=Timings)
    delivery: Delivery = field(default_factory=Delivery)
    chaos: Chaos = field(default_factory=Chaos)

    def __post_init__(self) -> None:
        if self.dial_outcome not in DIAL_OUTCOMES:
            raise ValueError(f"dial_outcome must be one of {', '.join(DIAL_OUTCOMES)}")

    @property
    def texml_url(self) -> str:
        if self.texml_webhook_url:
            return self.texml_webhook_url
        return self.webhook_url.rstrip("/") + "/texml/"

    @classmethod
    def from_settings(cls, **overrides: Any) -> SimulatorOptions:
        """Identity from Django settings, the signing seed from the environment, then `overrides`."""
        from django.conf import settings

        values: dict[str, Any] = {
            "api_key": settings.TELNYX_API_KEY,
            "connection_id": settings.TELNYX_CONNECTION_ID,
            "texml_account_sid": settings.TELNYX_TEXML_ACCOUNT_SID,
            "signing_seed": os.environ.get(SIGNING_SEED_ENV) or DEMO_SIGNING_SEED,
        }
        values.update({key: value for key, value in overrides.items() if value is not None})
        return cls(**values)
