"""A virtual pole connected to a running service and served on a pseudo-terminal: what a
technician meets on site (a pole online at its back office, a cable to its service port)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pole_link.commissioning.checklist import Checklist, find_checklist
from pole_link.commissioning.runner import CommissioningRun
from pole_link.commissioning.store import RunStore
from pole_link.protocol.connection import FramedConnection
from pole_link.service_api import ServiceClient, ServiceEndpoint
from pole_link.session import PoleSession
from pole_link.sim.clock import SimClock
from pole_link.sim.pole import VirtualPole
from pole_link.sim.pty_port import PtyPort
from pole_link.sim.service_port import ServicePortEnd
from pole_link.transports.serial import SerialLink
from tests.support import connected_pole, running_service, technician_token

T0 = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)
"""10:00 in Amsterdam: outside the peak, far from a daylight-saving change."""

ANSWERS = {
    "pole-id": "PW-0001",
    "grid-connection": "3x35",
    "led-colours": True,
    "earth-resistance": 12.5,
    "firmware": "sim-0.1.0",
    "sticker-photo": {"skip": "no camera on the test bench"},
}
"""What a technician answers for a healthy virtual pole PW-0001."""


@dataclass
class Site:
    pole: VirtualPole
    session: PoleSession
    service: ServiceClient
    store: RunStore
    checklist: Checklist
    path: str
    token: str = ""
    """The technician's service token for the pole (it refuses the PIN once provisioned)."""

    def clock(self) -> datetime:
        return self.pole.clock.now()

    def begin(self) -> CommissioningRun:
        return CommissioningRun.begin(self.checklist, self.session, self.store,
                                      technician="Test Technician", link="serial",
                                      clock=self.clock, service=self.service)

    def resume(self, run_id: str, session: PoleSession | None = None) -> CommissioningRun:
        return CommissioningRun.resume(self.checklist, session or self.session, self.store,
                                       run_id, clock=self.clock, service=self.service)


@asynccontextmanager
async def site(tmp_path: Path, *, start: datetime = T0) -> AsyncIterator[Site]:
    async with running_service(tmp_path, clock=SimClock(start).now) as api, \
            connected_pole(api.service.ocpp_url, tmp_path, start=start) as connected:
        port = PtyPort()
        end = ServicePortEnd(connected.pole, FramedConnection(port))
        task = asyncio.create_task(end.serve())
        session = PoleSession(SerialLink(port.path))
        try:
            await session.open()
            token = await technician_token(api.service, connected.pole)
            await session.authenticate(token)
            async with ServiceClient(ServiceEndpoint(api.url, api.token)) as service:
                yield Site(connected.pole, session, service, RunStore(tmp_path / "runs"),
                           find_checklist("tender"), port.path, token)
        finally:
            await session.close()
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await port.close()
