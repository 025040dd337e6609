"""What one pole's connection costs the service, counted (issue 20, `benchmarks/
connection_cost.py` prices it in CPU): in a reconnect storm every object and task made per
connection is made 10,000 times. Real service, real WebSockets on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
from contextlib import AsyncExitStack
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.server import ServerProtocol
from websockets.typing import Subprotocol

from service.ocpp.call_budget import Admission, Place
from service.server import RunningService
from tests.support import until

OCPP = [Subprotocol("ocpp1.6")]
BOOT = [2, "b", "BootNotification", {"chargePointVendor": "Test", "chargePointModel": "Cost"}]


async def test_one_sans_io_protocol_per_connection_even_with_deflate_offered(
        service: RunningService, monkeypatch: pytest.MonkeyPatch) -> None:
    """uvicorn builds a `ServerProtocol` for each connection; the small deflate window is
    put on that one instead of on a second one built beside it (and the window still is
    the small one)."""
    built: list[ServerProtocol] = []
    original = ServerProtocol.__init__

    def counted(self: ServerProtocol, *args: Any, **kwargs: Any) -> None:
        built.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(ServerProtocol, "__init__", counted)
    async with AsyncExitStack() as stack:
        for n in range(3):
            pole = await stack.enter_async_context(connect(
                f"{service.ocpp_url}/PW-ONE-{n}", subprotocols=OCPP, compression="deflate"))
            assert pole.response is not None
            assert "server_max_window_bits=11" in pole.response.headers[
                "Sec-WebSocket-Extensions"]
        await pole.send(json.dumps(BOOT))
        while json.loads(await pole.recv())[0] != 3:
            pass  # the service's own calls after the boot, unanswered
    assert len(built) == 3


async def test_a_connection_waiting_for_its_boot_runs_in_one_task(
        service: RunningService) -> None:
    """An admitted pole holds its admission place until its first answer with a timer and
    a callback: its connection's only task is the one uvicorn serves it in (there were
    three: that one, a task holding the place, and `wait_for`'s task inside it)."""
    handlers = service.services.connections.handlers
    async with AsyncExitStack() as stack:
        for n in range(5):
            await stack.enter_async_context(connect(
                f"{service.ocpp_url}/PW-TASK-{n}", subprotocols=OCPP, compression=None))
            await until(lambda count=n + 1: len(handlers) == count)
            if n == 0:  # the service's own once-per-process work (the silence sweep) begun
                before = _server_tasks()
        assert _server_tasks() - before == 4
        assert service.services.admission.in_flight == 5  # all still waiting for a boot


def _server_tasks() -> int:
    """Tasks on this loop but the test's own clients' (the `websockets` client keeps one
    per connection)."""
    client = "websockets/asyncio/connection.py"
    return sum(1 for task in asyncio.all_tasks()
               if not str(getattr(getattr(task.get_coro(), "cr_code", None), "co_filename",
                                  "")).endswith(client))


async def test_a_place_is_given_back_at_the_first_answer_only() -> None:
    admission = Admission(2)
    await admission.enter()
    served: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    place = Place(admission, served, hold_s=3600.0)
    assert place.held and admission.in_flight == 1 and not admission.settled.is_set()
    served.set_result(None)
    await until(lambda: not place.held)
    assert admission.in_flight == 0 and admission.settled.is_set()
    place.give_back()  # the pole leaving later gives nothing back twice
    assert admission.in_flight == 0


async def test_a_silent_pole_gives_its_place_back_after_the_hold() -> None:
    admission = Admission(1)
    await admission.enter()
    never: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    place = Place(admission, never, hold_s=0.0)
    await until(lambda: not place.held)
    assert admission.in_flight == 0
    await asyncio.wait_for(admission.enter(), 5)  # the place is free for the next pole


async def test_a_poles_upgrade_skips_the_operator_apis_layers(
        service: RunningService, monkeypatch: pytest.MonkeyPatch) -> None:
    """The audit trail (one of the HTTP-only layers) never sees a pole's WebSocket, and a
    path the front door leaves alone still reaches the app (and is refused there)."""
    from websockets.exceptions import InvalidStatus

    from service.accounts.trail import AuditTrail

    seen: list[str] = []
    original = AuditTrail.__call__

    async def noted(self: AuditTrail, scope: Any, receive: Any, send: Any) -> None:
        seen.append(f"{scope['type']} {scope['path']}")
        await original(self, scope, receive, send)

    monkeypatch.setattr(AuditTrail, "__call__", noted)
    for n in range(3):
        async with connect(f"{service.ocpp_url}/PW-DOOR-{n}", subprotocols=OCPP) as pole:
            await pole.send(json.dumps(BOOT))
            while json.loads(await pole.recv())[0] != 3:
                pass
    assert seen == []
    with pytest.raises(InvalidStatus):
        async with connect(f"{service.ocpp_url}/PW-DOOR/extra", subprotocols=OCPP):
            pass
    assert seen == ["websocket /ocpp/PW-DOOR/extra"]
