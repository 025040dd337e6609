"""Keeps this process's run in `service.storage.service_runs`: started, alive, stopped.

Started from the lifespan (`Services.start`), before the first pole is served, so a pole
that reconnects is never seen before the run that explains its gap; the service's clock
(injected in tests) stamps every row, as it stamps the poles' sessions.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime

from service.storage.database import StorageError
from service.storage.service_runs import ALIVE_EVERY, ServiceRuns

LOGGER = logging.getLogger(__name__)


class RunKeeper:
    """One process's run: `start`, then a sign of life every `ALIVE_EVERY`, then `stop`."""

    def __init__(self, runs: ServiceRuns, clock: Callable[[], datetime],
                 every_s: float = ALIVE_EVERY.total_seconds()) -> None:
        self.runs, self.clock, self.every_s = runs, clock, every_s
        self.run_id: int | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.run_id = await asyncio.to_thread(self.runs.started, self.clock())
        self._task = asyncio.create_task(self._beat(), name="service alive")

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(self.every_s)
            if self.run_id is None:
                continue
            try:
                await asyncio.to_thread(self.runs.alive, self.run_id, self.clock())
            except StorageError as exc:  # the database is away a moment: try next time
                LOGGER.warning("could not note the service alive: %s", exc)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self.run_id is not None:
            with contextlib.suppress(StorageError):
                await asyncio.to_thread(self.runs.stopped, self.run_id, self.clock())
            self.run_id = None
