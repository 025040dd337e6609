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
from tests.support import Api, connected_pole, running_service, technician_token

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


POLE_PASSWORD = "commissioning-test-password-1"
"""PW-0001's HTTP Basic password at the service (security profile 1, eis 69)."""


async def register_pole(api: Api, profile: int = 1) -> None:
    """PW-0001 in the service's register at ``profile`` with `POLE_PASSWORD`, as an admin
    does before the pole's first boot (the tender's security step wants profile ≥ 1)."""
    registered = await api.client.post("/api/v1/poles", json={
        "id": "PW-0001", "securityProfile": profile, "basicAuthPassword": POLE_PASSWORD})
    assert registered.status_code in (200, 201), registered.text


@asynccontextmanager
async def site(tmp_path: Path, *, start: datetime = T0, profile: int = 1
               ) -> AsyncIterator[Site]:
    """The pole logs in at ``profile`` (1: with its own password, as the tender asks)."""
    async with running_service(tmp_path, clock=SimClock(start).now) as api:
        if profile:
            await register_pole(api, profile)
        async with connected_pole(api.service.ocpp_url, tmp_path, start=start, profile=profile,
                                  password=POLE_PASSWORD if profile else None) as connected, \
                _served(api, connected.pole, tmp_path) as here:
            yield here


@asynccontextmanager
async def _served(api: Api, pole: VirtualPole, tmp_path: Path) -> AsyncIterator[Site]:
    """``pole``'s service port on a pseudo-terminal, opened with a technician's token."""
    port = PtyPort()
    end = ServicePortEnd(pole, FramedConnection(port))
    task = asyncio.create_task(end.serve())
    session = PoleSession(SerialLink(port.path))
    try:
        await session.open()
        token = await technician_token(api.service, pole)
        await session.authenticate(token)
        async with ServiceClient(ServiceEndpoint(api.url, api.token)) as service:
            yield Site(pole, session, service, RunStore(tmp_path / "runs"),
                       find_checklist("tender"), port.path, token)
    finally:
        await session.close()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await port.close()
