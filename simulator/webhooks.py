"""Webhook delivery: envelopes, signatures, per-call ordering, retries and the chaos switches."""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from collections import deque
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlencode

import httpx

from simulator.ids import iso, new_uuid, now
from simulator.options import Chaos, Delivery
from simulator.signing import Signer

log = logging.getLogger("simulator")

USER_AGENT = "telnyx-webhooks"
LOG_LIMIT = 100_000  # entries kept in the request and delivery logs, so a long load run stays bounded


@dataclass(eq=False)
class Webhook:
    """One webhook to deliver; chaos decisions are drawn when it is queued."""

    id: str
    kind: Literal["event", "texml"]
    event_type: str
    url: str
    keys: tuple[str, ...]  # webhooks sharing a key are delivered in order (a call, a conference)
    data: dict[str, Any]  # the event's `data`, or the TeXML form fields
    duplicate: bool = False
    reorder: bool = False
    late: bool = False
    bad_signature: bool = False
    delayed: bool = False  # a late webhook whose delay has been served
    started: bool = False
    # GET for a call whose webhook_url_method says so: the same signed body, sent with GET.
    method: str = "POST"

    @classmethod
    def event(
        cls, event_type: str, payload: dict[str, Any], *, url: str, keys: tuple[str, ...], method: str = "POST"
    ) -> Webhook:
        event_id = new_uuid()
        data = {
            "record_type": "event",
            "event_type": event_type,
            "id": event_id,
            "occurred_at": iso(now()),
            "payload": payload,
        }
        return cls(
            id=event_id, kind="event", event_type=event_type, url=url, keys=keys, data=data, method=method
        )

    @classmethod
    def texml(cls, fields: dict[str, str], *, url: str, keys: tuple[str, ...]) -> Webhook:
        return cls(
            id=new_uuid(),
            kind="texml",
            event_type=fields["StatusCallbackEvent"],
            url=url,
            keys=keys,
            data=fields,
        )

    def body(self, attempt: int) -> bytes:
        if self.kind == "texml":
            return urlencode(self.data).encode()
        envelope = {"data": self.data, "meta": {"attempt": attempt, "delivered_to": self.url}}
        return json.dumps(envelope, separators=(",", ":")).encode()

    @property
    def content_type(self) -> str:
        return "application/x-www-form-urlencoded" if self.kind == "texml" else "application/json"


@dataclass(frozen=True)
class DeliveryRecord:
    """One HTTP attempt at one webhook."""

    webhook_id: str
    kind: str
    event_type: str
    url: str
    attempt: int
    status: int | None
    error: str | None
    duplicate: bool
    late: bool
    reordered: bool
    bad_signature: bool
    method: str = "POST"
    sent_at: float = field(default_factory=time.time)

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__} | {"ok": self.ok}


class WebhookDispatcher:
    """Delivers webhooks from the simulator's event loop over one shared keep-alive client.

    Ordering: a webhook has keys (its call, and its conference if any) and is sent only once it
    is first in line for every one of them, so a call's webhooks, and a conference's, arrive in
    the order they happened while unrelated calls go out side by side."""

    def __init__(self, signer: Signer, delivery: Delivery, chaos: Chaos) -> None:
        self.signer = signer
        self.delivery = delivery
        self.records: deque[DeliveryRecord] = deque(maxlen=LOG_LIMIT)
        # Webhooks not yet done with; a set, so deliveries cancelled by reset() cannot miscount.
        self._pending: set[Webhook] = set()
        self._lines: dict[str, deque[Webhook]] = {}
        self._held: dict[str, tuple[Webhook, asyncio.TimerHandle]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._client: httpx.AsyncClient | None = None
        self._semaphore: asyncio.Semaphore | None = None
        self.set_chaos(chaos)

    @property
    def pending(self) -> int:
        """Webhooks queued, held back, in flight or waiting for a retry."""
        return len(self._pending)

    def set_chaos(self, chaos: Chaos) -> None:
        self.chaos = chaos
        self._rng = random.Random(chaos.seed)

    async def start(self) -> None:
        limits = httpx.Limits(
            max_connections=self.delivery.concurrency, max_keepalive_connections=self.delivery.concurrency
        )
        self._client = httpx.AsyncClient(timeout=self.delivery.timeout, limits=limits, trust_env=False)
        self._semaphore = asyncio.Semaphore(self.delivery.concurrency)

    async def close(self) -> None:
        tasks = list(self._tasks)
        self.reset()
        # Let cancelled deliveries unwind before their connections are closed under them.
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._client is not None:
            await self._client.aclose()

    def reset(self) -> None:
        """Forget everything queued or under way (must run on the event loop)."""
        for task in list(self._tasks):
            task.cancel()
        for _, timer in self._held.values():
            timer.cancel()
        self._tasks.clear()
        self._lines.clear()
        self._held.clear()
        self._pending.clear()
        self.records.clear()

    def enqueue(self, hook: Webhook) -> None:
        """Queue `hook` for delivery (must run on the event loop)."""
        self._draw_chaos(hook)
        self._pending.add(hook)
        key = hook.keys[0]
        held = self._held.pop(key, None)
        if hook.reorder and held is None:
            # Out of order: it waits for the call's next webhook (or a short while) and follows it.
            timer = asyncio.get_running_loop().call_later(self.chaos.reorder_window, self._release, key)
            self._held[key] = (hook, timer)
            return
        self._admit(hook)
        if held is not None:
            held[1].cancel()
            self._admit(held[0])

    def _release(self, key: str) -> None:
        hook, _ = self._held.pop(key)
        self._admit(hook)

    def _draw_chaos(self, hook: Webhook) -> None:
        # Four draws for every webhook, whatever the rates, so a seed replays the same faults.
        chaos, draws = self.chaos, [self._rng.random() for _ in range(4)]
        hook.duplicate = draws[0] < chaos.duplicate_rate
        hook.reorder = draws[1] < chaos.out_of_order_rate
        hook.late = draws[2] < chaos.late_rate
        hook.bad_signature = draws[3] < chaos.bad_signature_rate

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _admit(self, hook: Webhook) -> None:
        if not self.delivery.ordered:
            self._spawn(self._process(hook))
            return
        for key in hook.keys:
            self._lines.setdefault(key, deque()).append(hook)
        self._start_if_first(hook)

    def _start_if_first(self, hook: Webhook) -> None:
        if not hook.started and all(self._lines[key][0] is hook for key in hook.keys):
            hook.started = True
            self._spawn(self._take_turn(hook))

    async def _take_turn(self, hook: Webhook) -> None:
        try:
            await self._process(hook)
        finally:
            for key in hook.keys:
                line = self._lines.get(key)
                if line and line[0] is hook:
                    line.popleft()
                    if line:
                        self._start_if_first(line[0])
                    else:
                        del self._lines[key]

    async def _process(self, hook: Webhook) -> None:
        if hook.late and not hook.delayed:
            # Late: it leaves the line at once, so the webhooks behind it are not held back.
            hook.delayed = True
            self._spawn(self._deliver_late(hook))
            return
        try:
            await self._deliver(hook, duplicate=False)
            if hook.duplicate:
                await self._deliver(hook, duplicate=True)
        finally:
            self._pending.discard(hook)

    async def _deliver_late(self, hook: Webhook) -> None:
        await asyncio.sleep(self.chaos.late_delay)
        await self._process(hook)

    async def _deliver(self, hook: Webhook, *, duplicate: bool) -> None:
        assert self._client is not None and self._semaphore is not None, "dispatcher not started"
        for attempt in range(1, self.delivery.max_attempts + 1):
            body = hook.body(attempt)
            bad = hook.bad_signature and attempt == 1 and not duplicate
            headers = {
                "content-type": hook.content_type,
                "user-agent": USER_AGENT,
                **self.signer.headers(body, corrupt=bad),
            }
            status, problem = None, None
            async with self._semaphore:
                try:
                    response = await self._client.request(hook.method, hook.url, content=body, headers=headers)
                    status = response.status_code
                except httpx.HTTPError as exc:
                    problem = f"{type(exc).__name__}: {exc}"
            record = DeliveryRecord(
                webhook_id=hook.id,
                kind=hook.kind,
                event_type=hook.event_type,
                url=hook.url,
                attempt=attempt,
                status=status,
                error=problem,
                duplicate=duplicate,
                late=hook.delayed,
                reordered=hook.reorder,
                bad_signature=bad,
                method=hook.method,
            )
            self.records.append(record)
            if record.ok:
                return
            if attempt < self.delivery.max_attempts:
                await asyncio.sleep(self.delivery.retry_backoff * 2 ** (attempt - 1))
        log.warning(
            "gave up on %s %s after %d attempts", hook.event_type, hook.id, self.delivery.max_attempts
        )
