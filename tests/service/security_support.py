"""Helpers for the credential tests: a virtual pole with a security profile, raw handshakes."""

from __future__ import annotations

import asyncio
import base64
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidStatus
from websockets.typing import Subprotocol

from pole_link.sim.clock import SimClock
from pole_link.sim.ocpp_client import PoleOcppClient
from pole_link.sim.outbox import Outbox
from pole_link.sim.pole import VirtualPole
from pole_link.sim.security import ClientCertificate
from tests.support import ConnectedPole, until

OCPP = [Subprotocol("ocpp1.6")]
START = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
PASSWORD = "correct-horse-battery-staple-1"
"""A pole password that appears nowhere else in any output, so a grep can find leaks."""


def basic(user: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@asynccontextmanager
async def secured_pole(ocpp_url: str, state_dir: Path, pole_id: str = "PW-0001", *,
                       profile: int = 0, password: str | None = None,
                       ca_pem: str | None = None,
                       certificate: ClientCertificate | None = None,
                       wait: bool = True) -> AsyncIterator[ConnectedPole]:
    """A virtual pole with its real OCPP client at ``profile``, connected (unless not
    ``wait``) and with its outbox drained."""
    pole = VirtualPole(pole_id, clock=SimClock(START))
    pole.security.profile = profile
    pole.security.authorization_key = password
    pole.security.ca_pem = ca_pem
    pole.security.certificate = certificate
    outbox = Outbox(state_dir / pole_id / "outbox.sqlite")
    client = PoleOcppClient(pole, ocpp_url, outbox)
    tasks = [asyncio.create_task(client.run()), asyncio.create_task(pole.scheduler.run())]
    try:
        if wait:
            await until(lambda: client.connected and len(outbox) == 0, timeout=20)
        yield ConnectedPole(pole, client, outbox)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        outbox.close()


async def refused(url: str, headers: dict[str, str] | None = None,
                  ssl_context: ssl.SSLContext | None = None) -> int:
    """The HTTP status of a handshake the service refuses (fails if it upgrades)."""
    try:
        async with connect(url, subprotocols=OCPP, additional_headers=headers or {},
                           ssl=ssl_context, open_timeout=20):
            pass
    except InvalidStatus as exc:
        return exc.response.status_code
    raise AssertionError(f"{url}: the service upgraded a connection it should refuse")


@asynccontextmanager
async def raw_pole(url: str, headers: dict[str, str] | None = None,
                   ssl_context: ssl.SSLContext | None = None
                   ) -> AsyncIterator[ClientConnection]:
    async with connect(url, subprotocols=OCPP, additional_headers=headers or {},
                       ssl=ssl_context, open_timeout=20) as websocket:
        yield websocket


BOOT_AS_IMPOSTOR = {"chargePointVendor": "Impostor", "chargePointModel": "Fake"}
