"""Everything one running simulator owns: options, signer, dispatcher, world, request log, driver."""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any

from simulator.options import SimulatorOptions
from simulator.scenarios import TrafficDriver, TrafficProfile
from simulator.signing import Signer
from simulator.webhooks import LOG_LIMIT, WebhookDispatcher
from simulator.world import World


class Runtime:
    def __init__(self, options: SimulatorOptions, traffic: TrafficProfile | None = None) -> None:
        self.options = options
        self.signer = Signer(options.signing_seed)
        self.dispatcher = WebhookDispatcher(self.signer, options.delivery, options.chaos)
        self.world = World(options, self.dispatcher)
        # Every /v2 request received: method, path, query, headers (no Authorization), body, status.
        self.received: deque[dict[str, Any]] = deque(maxlen=LOG_LIMIT)
        self.driver = TrafficDriver(self.world, traffic, seed=options.seed) if traffic else None

    async def start(self) -> None:
        self.world.bind(asyncio.get_running_loop())
        await self.dispatcher.start()
        if self.driver:
            self.driver.start()

    async def stop(self) -> None:
        if self.driver:
            await self.driver.stop()
        self.world.reset()
        await self.dispatcher.close()

    def reset(self) -> None:
        """Back to an empty world (event loop only); the traffic driver, if any, carries on."""
        if self.driver:
            self.driver.reset()
        self.world.reset()
        self.dispatcher.reset()
        self.received.clear()
