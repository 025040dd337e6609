"""A pole that leaves while the service's boot-time calls wait is one INFO line, not a
WARNING per pending call (issue 20: a storm's log was dozens of such warnings). The real
service over WebSockets on 127.0.0.1 with an `ocpp`-library pole."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from ocpp.routing import on
from ocpp.v16 import ChargePoint, call, call_result
from ocpp.v16.enums import Action
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from service.server import RunningService
from tests.support import until

OCPP = [Subprotocol("ocpp1.6")]


class LeavingPole(ChargePoint):  # type: ignore[misc]
    """Boots, then leaves as the service's first boot-time call reaches it, unanswered."""

    def __init__(self, pole_id: str, connection: ClientConnection) -> None:
        super().__init__(pole_id, connection)
        self.asked = asyncio.Event()

    @on(Action.get_configuration)
    async def on_get_configuration(self, **_: Any) -> call_result.GetConfiguration:
        self.asked.set()
        await asyncio.Event().wait()  # never answered: the pole goes first
        raise AssertionError("unreachable")


def lines_about(caplog: pytest.LogCaptureFixture, pole_id: str, level: int) -> list[str]:
    return [record.getMessage() for record in caplog.records
            if record.levelno == level and record.getMessage().startswith(pole_id)]


async def test_a_pole_leaving_during_its_boot_calls_is_one_info_line_and_no_warning(
        service: RunningService, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    async with connect(f"{service.ocpp_url}/PW-GONE", subprotocols=OCPP) as websocket:
        pole = LeavingPole("PW-GONE", websocket)
        task = asyncio.create_task(pole.start())
        answer = await pole.call(call.BootNotification(charge_point_vendor="Test",
                                                       charge_point_model="Leave"))
        assert answer.status == "Accepted"
        await pole.asked.wait()  # the grid limit and the token keys wait for this answer
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    # Later events: the capacity policy gave up on the pole, the follow-up ended.
    await until(lambda: any("capacity profile not deployed" in line for line
                            in lines_about(caplog, "PW-GONE", logging.INFO)))
    await service.services.follow_ups.idle()
    left = [line for line in lines_about(caplog, "PW-GONE", logging.INFO)
            if "(the pole left)" in line]
    assert len(left) == 1
    assert left[0].split(" (the pole left)")[0] in (
        "PW-GONE: GridConnectionMaxCurrent not set",
        "PW-GONE: service token keys not provisioned")
    assert lines_about(caplog, "PW-GONE", logging.WARNING) == []
