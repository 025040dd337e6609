"""The fleet as it changes: the service's pole list, then its live feed, into the model.

Events arrive in bursts (a thousand poles reconnecting after a network blip); they are
queued and applied to the `FleetModel` in one batch per tick, so the table repaints a
few times a second however busy the fleet is.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from gui.fleet.model import FleetModel
from pole_link.errors import ConnectError
from pole_link.transports.csms import ServiceEndpoint, fetch_poles

FLUSH_MS = 250
RETRY_S = 3.0
UPTIME_DAYS = 30
"""The fleet's uptime column (eis 48) covers the last 30 days."""


class FleetFeed(QObject):
    """Keeps a `FleetModel` in step with one service."""

    state_changed = Signal(str)

    def __init__(self, model: FleetModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.service: ServiceEndpoint | None = None
        self.received = 0
        self._pending: list[dict[str, Any]] = []
        self._task: asyncio.Task[None] | None = None
        self._timer = QTimer(self, interval=FLUSH_MS)
        self._timer.timeout.connect(self.flush)

    def follow(self, service: ServiceEndpoint) -> None:
        self.stop()
        self.service = service
        self._task = asyncio.ensure_future(self._run(service))
        self._timer.start()

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self._timer.stop()

    async def aclose(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        self._timer.stop()

    def flush(self) -> None:
        if self._pending:
            events, self._pending = self._pending, []
            self.model.apply_events(events)

    async def _run(self, service: ServiceEndpoint) -> None:
        while True:
            try:
                async with connect(service.live_url, additional_headers=service.headers,
                                   max_size=2**22) as feed:
                    poles = await fetch_poles(service, uptime_days=UPTIME_DAYS)
                    self._pending.clear()
                    self.model.set_poles(poles)
                    self.state_changed.emit(f"fleet of {service.url}: live")
                    async for text in feed:
                        event = json.loads(text)
                        if isinstance(event, dict) and event.get("type") != "live":
                            self._pending.append(event)
                            self.received += 1
                self.state_changed.emit(f"the service at {service.url} closed the feed")
            except (ConnectError, OSError, ConnectionClosed, InvalidHandshake,
                    ValueError) as exc:
                self.state_changed.emit(f"fleet feed lost ({exc}); retrying")
            await asyncio.sleep(RETRY_S)
