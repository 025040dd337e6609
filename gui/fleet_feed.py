"""The fleet as it changes: the service's pole list, then its live feed, into the model.

The list comes first without uptime, so a fleet of thousands is on screen in a moment; the
uptime column (a month of every pole's history, seconds of the service's time for a large
fleet) follows from a second request while the live feed already runs, and is read again
now and then (`UPTIME_REFRESH_S`), and soon after new poles appear (`UPTIME_MISSING_S`).

Events arrive in bursts (a thousand poles reconnecting after a network blip); they are
queued and applied to the `FleetModel` in one batch per tick, so the table repaints a
few times a second however busy the fleet is.
"""

from __future__ import annotations

import asyncio
import contextlib

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from gui.error_words import explain
from gui.fleet.model import FleetModel
from gui.security_words import SECURITY_ATTENTION
from pole_link.errors import PoleLinkError
from pole_link.service_api import (
    ConnectionEvent,
    LiveEvent,
    RolloutEvent,
    RolloutPoleEvent,
    SecurityEventReported,
    ServiceClient,
    ServiceEndpoint,
    ServiceEvent,
    StatusEvent,
)
from pole_link.timeutil import utc_now

FLUSH_MS = 250
RETRY_S = 3.0
UPTIME_DAYS = 30
"""The fleet's uptime column (eis 48) covers the last 30 days."""
UPTIME_REFRESH_S = 300.0
"""Uptime moves slowly: read again every five minutes…"""
SECURITY_LIMIT = 1000
"""The most security events read at a (re)listing: the service's page limit."""
UPTIME_MISSING_S = 20.0
"""…or this long after poles joined through the live feed (one reading for a burst)."""


class FleetFeed(QObject):
    """Keeps a `FleetModel` in step with one service."""

    state_changed = Signal(str)
    rollout_changed = Signal(object)
    """A `RolloutEvent` or `RolloutPoleEvent`, as it arrives (not batched: they are few,
    and the Firmware view shows each at once)."""
    security_event = Signal(object)
    """A `SecurityEventRecord` as the feed brings it (the Pole view lists its pole's)."""
    pole_changed = Signal(str)
    """A pole connected, disconnected or reported a status (the Outages page reads its
    board again a moment later)."""
    went_live = Signal()
    """The feed is (again) open: what happened while it was not must be read."""

    def __init__(self, model: FleetModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.service: ServiceEndpoint | None = None
        self.received = 0
        self._pending: list[ServiceEvent] = []
        self._task: asyncio.Task[None] | None = None
        self._uptime: asyncio.Task[None] | None = None
        self._new_poles = asyncio.Event()
        model.rowsInserted.connect(self._new_poles.set)
        self._timer = QTimer(self, interval=FLUSH_MS)
        self._timer.timeout.connect(self.flush)

    def follow(self, service: ServiceEndpoint) -> None:
        self.stop()
        self.service = service
        self._task = asyncio.ensure_future(self._run(service))
        self._timer.start()

    def stop(self) -> None:
        for task in (self._task, self._uptime):
            if task is not None:
                task.cancel()
        self._task = self._uptime = None
        self._timer.stop()

    async def aclose(self) -> None:
        tasks = [task for task in (self._task, self._uptime) if task is not None]
        self.stop()
        await asyncio.gather(*tasks, return_exceptions=True)

    def flush(self) -> None:
        if self._pending:
            events, self._pending = self._pending, []
            self.model.apply_events(events)

    async def _run(self, service: ServiceEndpoint) -> None:
        async with ServiceClient(service) as client:
            while True:
                try:
                    async with client.live() as feed:
                        poles = await client.poles()
                        self._pending.clear()
                        self.model.set_poles(poles)
                        self.model.set_stale(None)
                        await self._read_security_events(client)
                        self.state_changed.emit(self.tr("fleet of %1: live").replace(
                            "%1", service.url))
                        if self._uptime is not None:
                            self._uptime.cancel()
                        self._uptime = asyncio.ensure_future(self._fetch_uptime(client))
                        self.went_live.emit()
                        async for event in feed:
                            if isinstance(event, RolloutEvent | RolloutPoleEvent):
                                self.rollout_changed.emit(event)
                            elif isinstance(event, SecurityEventReported):
                                self._pending.append(event)
                                self.security_event.emit(event.event)
                            elif not isinstance(event, LiveEvent):
                                self._pending.append(event)
                                self.received += 1
                                if isinstance(event, ConnectionEvent | StatusEvent):
                                    self.pole_changed.emit(event.pole_id)
                except PoleLinkError as exc:
                    self.flush()  # what arrived before the loss is still true
                    why = explain(exc).sentence.text(QCoreApplication.translate)
                    self.model.set_stale(utc_now(), why)
                    self.state_changed.emit(self.tr("fleet feed lost: %1 Retrying.").replace(
                        "%1", why))
                await asyncio.sleep(RETRY_S)

    async def _read_security_events(self, client: ServiceClient) -> None:
        """The last day's security events (what keeps a pole under "Needs attention"),
        once per (re)listing; later ones come with the feed. Without them the fleet is
        still shown, with a word that security events are missing."""
        try:
            events = await client.security_events(since=utc_now() - SECURITY_ATTENTION,
                                                  limit=SECURITY_LIMIT)
        except PoleLinkError as exc:
            self.state_changed.emit(self.tr("security events not available: %1").replace(
                "%1", explain(exc).sentence.text(QCoreApplication.translate)))
        else:
            self.model.set_security_events(events)

    async def _fetch_uptime(self, client: ServiceClient) -> None:
        while True:
            try:
                poles = await client.poles(uptime_days=UPTIME_DAYS)
            except PoleLinkError as exc:
                self.state_changed.emit(self.tr("uptime not available: %1").replace(
                    "%1", explain(exc).sentence.text(QCoreApplication.translate)))
            else:
                self.model.set_uptime({pole.id: pole.uptime_percent for pole in poles})
                self.model.set_clock_offsets({pole.id: pole.clock_offset_s for pole in poles})
            self._new_poles.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(UPTIME_REFRESH_S):
                    await self._new_poles.wait()
                await asyncio.sleep(UPTIME_MISSING_S)  # new poles: let a burst settle
