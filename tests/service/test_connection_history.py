"""Why is a pole offline? Each connection session is stored with how it ended.

Three endings a helpdesk must tell apart: the pole said goodbye (it rebooted or was told
to), the connection broke (the network or the mains at the pole), and the pole went
silent behind a connection that stayed open (only missed heartbeats reveal it). The
history is read the way the app reads it, through `ServiceClient.connections`.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

from pole_link.service_api import ConnectionRecord, EndReason, ServiceClient, ServiceEndpoint
from service.ocpp.pole_handler import CsmsSettings
from tests.service.test_csms_ocpp import BOOT, call
from tests.support import Api, connected_pole, eventually, running_service

OCPP = [Subprotocol("ocpp1.6")]
START = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)
WIDE = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2031, 1, 1, tzinfo=UTC))


async def history(api: Api, pole_id: str) -> list[ConnectionRecord]:
    async with ServiceClient(ServiceEndpoint(api.url, api.token)) as client:
        return await client.connections(pole_id, *WIDE)


async def ended_sessions(api: Api, pole_id: str, count: int) -> list[ConnectionRecord]:
    """Wait until the pole has ``count`` ended sessions, and return its history."""
    found: list[ConnectionRecord] = []

    async def enough() -> bool:
        found[:] = await history(api, pole_id)
        return sum(session.ended is not None for session in found) >= count

    await eventually(enough)
    return found


async def test_a_pole_that_says_goodbye_is_recorded_as_closed(api: Api) -> None:
    async with connect(f"{api.service.ocpp_url}/PW-BYE", subprotocols=OCPP) as pole:
        await call(pole, [2, "b", "BootNotification", BOOT])
        assert [s.ended for s in await history(api, "PW-BYE")] == [None]  # open while on
    sessions = await ended_sessions(api, "PW-BYE", 1)
    assert [s.end_reason for s in sessions] == [EndReason.CLOSED]


async def test_a_pole_that_loses_its_network_is_recorded_as_dropped(
        api: Api, tmp_path: Path) -> None:
    async with connected_pole(api.service.ocpp_url, tmp_path, "PW-CUT", start=START) as on:
        on.pole.set_network(False)  # the modem drops: no closing handshake
        sessions = await ended_sessions(api, "PW-CUT", 1)
        assert sessions[0].end_reason is EndReason.DROPPED
        on.pole.set_network(True)
        await eventually(lambda: _open_again(api, "PW-CUT"))
        sessions = await history(api, "PW-CUT")
        assert [s.end_reason for s in sessions] == [EndReason.DROPPED, None]
        assert sessions[1].started >= sessions[0].ended  # type: ignore[operator]


async def _open_again(api: Api, pole_id: str) -> bool:
    sessions = await history(api, pole_id)
    return len(sessions) == 2 and sessions[-1].ended is None


async def test_a_pole_gone_silent_is_hung_up_on_after_missed_heartbeats(tmp_path: Path) -> None:
    # Heartbeats every second: the pole is given up on after 2.5 s of silence.
    async with (running_service(tmp_path, settings=CsmsSettings(
                    heartbeat_interval_s=1, deploy_capacity_profile=False)) as api,
                connect(f"{api.service.ocpp_url}/PW-MUTE", subprotocols=OCPP) as pole):
        answer = await call(pole, [2, "b", "BootNotification", BOOT])
        assert answer[2]["interval"] == 1  # type: ignore[index]
        # The pole keeps its socket open and says nothing more: the service hangs up.
        sessions = await ended_sessions(api, "PW-MUTE", 1)
        assert [s.end_reason for s in sessions] == [EndReason.SILENT]
        pole_record = (await api.client.get("/api/v1/poles/PW-MUTE")).json()
        assert pole_record["connected"] is False


async def test_a_pole_that_keeps_talking_is_not_hung_up_on(tmp_path: Path) -> None:
    async with (running_service(tmp_path, settings=CsmsSettings(
                    heartbeat_interval_s=1, deploy_capacity_profile=False)) as api,
                connect(f"{api.service.ocpp_url}/PW-CHAT", subprotocols=OCPP) as pole):
        await call(pole, [2, "b", "BootNotification", BOOT])
        # Ten heartbeats over 4 s, longer than the 2.5 s silence limit: still connected.
        for number in range(10):
            await call(pole, [2, f"h{number}", "Heartbeat", {}])
            await asyncio.sleep(0.4)
        assert [s.end_reason for s in await history(api, "PW-CHAT")] == [None]
