"""One sweeper per process hangs up on poles that went silent, instead of a task per pole.

A pole behind a half-open TCP connection (its modem lost the network, no packet ever says
so) would otherwise be shown online for ever, so a connection silent past missed heartbeats
is closed. A sleeping task per connection did that, but each one is a Task, its coroutine
frame and a timer handle — a few KB for every one of thousands of idle poles (issue 20,
memory per connection). `SilenceWatch` keeps the connections in one dict and looks at all
of them every `limit_s / SWEEPS` seconds: a silent pole is hung up on at most a tenth of the
limit late, and the watch costs one dict entry per connection.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from service.ocpp.connection_end import EndReason
from service.ocpp.websocket_connection import WebSocketConnection

LOGGER = logging.getLogger(__name__)

SWEEPS = 10
"""Sweeps per silence limit: how late (at most) a silent pole is hung up on."""


class SilenceWatch:
    """The connections this process holds, each hung up on once silent `limit_s`."""

    def __init__(self, limit_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit_s = limit_s
        self._clock = clock
        self._watched: dict[WebSocketConnection, None] = {}
        self._sweeper: asyncio.Task[None] | None = None
        self._hanging_up: set[asyncio.Task[None]] = set()

    def watch(self, connection: WebSocketConnection) -> None:
        self._watched[connection] = None
        if self._sweeper is None or self._sweeper.done():
            self._sweeper = asyncio.create_task(self._sweep_forever(), name="silence watch")

    def forget(self, connection: WebSocketConnection) -> None:
        self._watched.pop(connection, None)
        if not self._watched and self._sweeper is not None:
            self._sweeper.cancel()  # nothing to watch (e.g. the service stops): no timer
            self._sweeper = None

    def sweep(self) -> None:
        """Hang up (in the background) on every connection silent for `limit_s` or more."""
        now = self._clock()
        for connection in [c for c in self._watched
                           if now - c.last_received >= self.limit_s]:
            del self._watched[connection]
            LOGGER.warning("%s: silent for %.0f s: missed heartbeats, hanging up",
                           connection.pole_id, now - connection.last_received)
            task = asyncio.create_task(connection.hang_up(EndReason.SILENT,
                                                          "missed heartbeats"))
            self._hanging_up.add(task)
            task.add_done_callback(self._hanging_up.discard)

    async def _sweep_forever(self) -> None:
        while self._watched:
            await asyncio.sleep(self.limit_s / SWEEPS)
            self.sweep()
