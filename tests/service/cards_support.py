"""Shared by the card register's tests: a service on a clock the test moves, and a raw
pole that speaks OCPP 1.6J frame by frame (to read the exact ``idTagInfo``)."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from pole_link.sim.clock import SimClock
from service.ocpp.pole_handler import CsmsSettings
from tests.support import Api, postgres_schema, running_service

T0 = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)
"""Service and poles live at this date, so no check depends on today."""


@dataclass
class CardsApi:
    api: Api
    clock: SimClock
    """The service's clock: `SimClock.jump_to` moves it (expiry is judged on it)."""


@asynccontextmanager
async def cards_service(tmp_path: Path, backend: str, *, accept_unknown: bool = True,
                        push_local_lists: bool = True) -> AsyncIterator[CardsApi]:
    """The CSMS on SQLite or PostgreSQL with the clock at `T0`; no capacity profile is
    deployed, so a raw pole hears no calls of the service's own. ``push_local_lists``
    False: local lists change only by the operator's command (what those tests drive)."""
    clock = SimClock(T0)
    settings = CsmsSettings(deploy_capacity_profile=False,
                            accept_unknown_id_tags=accept_unknown,
                            push_local_lists=push_local_lists)
    if backend == "sqlite":
        async with running_service(tmp_path, clock=clock.now, settings=settings) as api:
            yield CardsApi(api, clock)
        return
    with postgres_schema() as url:
        async with running_service(tmp_path, url, clock=clock.now,
                                   settings=settings) as api:
            yield CardsApi(api, clock)


class RawPole:
    """One OCPP connection whose calls and answers the test writes and reads as JSON."""

    def __init__(self, websocket: ClientConnection) -> None:
        self.websocket = websocket
        self._ids = itertools.count(1)

    async def call(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        """The CALLRESULT's payload (a CALLERROR fails the test with its text)."""
        unique_id = f"t{next(self._ids)}"
        await self.websocket.send(json.dumps([2, unique_id, action, payload]))
        async with asyncio.timeout(10):
            while True:
                answer = json.loads(await self.websocket.recv())
                if answer[1] == unique_id:
                    assert answer[0] == 3, f"{action} refused: {answer}"
                    result: dict[str, Any] = answer[2]
                    return result

    async def authorize(self, id_tag: str) -> dict[str, Any]:
        info: dict[str, Any] = (await self.call("Authorize", {"idTag": id_tag}))["idTagInfo"]
        return info


@asynccontextmanager
async def raw_pole(api: Api, pole_id: str = "RAW-1") -> AsyncIterator[RawPole]:
    async with connect(f"{api.service.ocpp_url}/{pole_id}",
                       subprotocols=[Subprotocol("ocpp1.6")]) as websocket:
        pole = RawPole(websocket)
        boot = await pole.call("BootNotification", {"chargePointVendor": "Test",
                                                    "chargePointModel": "Raw"})
        assert boot["status"] == "Accepted"
        yield pole
