"""What one idle pole connection keeps in the service (issue 20: memory per connection).

A real service (uvicorn on 127.0.0.1, our WebSocket protocol, SQLite) and real poles:
plain `websockets` clients in a child process (so their own objects are not counted
here) that boot and then stay connected and silent. The service's heap is then looked at:
which objects exist once per connection, and how many bytes (tracemalloc) each
connection adds. Before issue 20's slimming a connection kept its upgrade's headers
(request, response, the scope's list), two asyncio queues, an event, a lock and 30 KB in
all; now about 14 KB (`benchmarks/connection_memory.py --live-only`: 29.0 and 10.7 KB).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
import tracemalloc
import weakref
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from websockets.datastructures import Headers

from service.ocpp.call_budget import Place
from service.ocpp.pole_handler import CsmsSettings
from service.server import RunningService, start_service
from service.websocket_protocol import BufferedWebSocketProtocol
from tests.support import until

POLES = 60
KB_PER_CONNECTION_BOUND = 20.0
"""Measured here 13.7 KB a connection with issue 20's slimming and 30.3 KB before it (the
same test on the code before): the bound lies between, with room for variation."""

CLIENTS = r"""
import asyncio, json, sys
from websockets.asyncio.client import connect

async def pole(url, name, opened):
    ws = await connect(f"{url}/{name}", compression=None, subprotocols=["ocpp1.6"])
    opened.append(ws)
    await ws.send(json.dumps([2, "b", "BootNotification",
                              {"chargePointVendor": "Mem", "chargePointModel": "Idle"}]))
    async for text in ws:  # answer whatever the service asks, keep the boot's answer
        message = json.loads(text)
        if message[0] == 3 and message[1] == "b":
            print("booted", flush=True)
        elif message[0] == 2:
            await ws.send(json.dumps([4, message[1], "NotSupported", "", {}]))

async def main(url, prefix, count):
    opened = []
    tasks = [asyncio.ensure_future(pole(url, f"{prefix}-{n:03d}", opened))
             for n in range(count)]
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    for task in tasks:
        task.cancel()

asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
"""


class Poles:
    """Child processes of booted, silent poles; closed together at the end."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.children: list[asyncio.subprocess.Process] = []

    async def boot(self, prefix: str, count: int) -> None:
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-c", CLIENTS, self.url, prefix, str(count),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
        self.children.append(child)
        assert child.stdout is not None
        for _ in range(count):
            assert await asyncio.wait_for(child.stdout.readline(), 60) == b"booted\n"

    async def close(self) -> None:
        for child in self.children:
            assert child.stdin is not None
            child.stdin.close()
            await child.wait()


@pytest.fixture
async def quiet(tmp_path: Path, caplog: pytest.LogCaptureFixture
                ) -> AsyncIterator[tuple[RunningService, Poles]]:
    """A service that deploys no profiles at boot (so little is in flight when the heap is
    looked at), and the poles to connect to it. Its warnings (the poles answer its calls
    NotSupported) are not made: pytest keeps every record, and each record's exception
    and frames, which would be counted as the connections' own."""
    caplog.set_level(logging.ERROR)
    running = await start_service(f"sqlite:///{tmp_path / 'csms.sqlite'}",
                                  token_file=tmp_path / "tokens",
                                  settings=CsmsSettings(deploy_capacity_profile=False))
    poles = Poles(running.ocpp_url)
    try:
        yield running, poles
    finally:
        await poles.close()
        await running.stop()


async def settled(running: RunningService, connected: int) -> None:
    """Until every pole is held, served and the service's own calls are done."""
    services = running.services
    await until(lambda: len(services.connections.handlers) == connected
                and all(handler.served.done()
                        for handler in services.connections.handlers.values())
                and services.budget.waiting == 0, timeout=60)
    await asyncio.sleep(0.2)  # the boots' log rows and after-boot hooks finish
    gc.unfreeze()  # what the gc policy froze (`service.ocpp.gc_policy`) and is garbage now
    gc.collect()


def protocols(running: RunningService) -> list[BufferedWebSocketProtocol]:
    return [protocol for protocol in running.server.server_state.connections
            if isinstance(protocol, BufferedWebSocketProtocol)]


def count(kind: type | tuple[type, ...], keep: Callable[[Any], bool] = bool) -> int:
    return sum(1 for obj in gc.get_objects() if isinstance(obj, kind) and keep(obj))


async def test_an_open_pole_connection_keeps_none_of_its_upgrades_headers(
        quiet: tuple[RunningService, Poles]) -> None:
    """uvicorn keeps the upgrade's request and response (websockets `Headers`) and the
    scope's header list for the connection's whole life; ours lets go of them once the
    pole is accepted, and empties the request's headers that websockets' parser still
    references."""
    running, poles = quiet
    await poles.boot("WARM", 2)
    await settled(running, 2)
    headers_before = count(Headers, lambda headers: len(headers) > 0)
    await poles.boot("HDR", POLES)
    await settled(running, POLES + 2)
    assert count(Headers, lambda headers: len(headers) > 0) - headers_before < POLES // 4
    held = protocols(running)
    assert len(held) == POLES + 2
    for protocol in held:
        assert not hasattr(protocol, "request") and not hasattr(protocol, "response")
        assert protocol.scope["headers"] == []
        assert "path_params" not in protocol.scope  # the pole's id is read at the start
    assert len({id(protocol.scope["asgi"]) for protocol in held}) == 1  # one dict for all


async def test_an_idle_connection_holds_no_asyncio_queue_event_or_lock(
        quiet: tuple[RunningService, Poles]) -> None:
    """No asyncio.Queue (uvicorn's receive queue, the routing's response queue), Event
    (uvicorn's ``writable``) or Lock (the routing's call lock) per idle connection: each
    Queue and Event made a deque of 760 B at once (Python 3.11)."""
    running, poles = quiet
    await poles.boot("WARM", 2)
    await settled(running, 2)
    kinds = (asyncio.Queue, asyncio.Event, asyncio.Lock)
    before = {kind: count(kind) for kind in kinds}
    await poles.boot("PRIM", POLES)
    await settled(running, POLES + 2)
    after = {kind: count(kind) for kind in kinds}
    assert {kind.__name__: after[kind] - before[kind] for kind in kinds} == {
        "Queue": 0, "Event": 0, "Lock": 0}


async def test_our_protocol_keeps_every_attribute_in_a_slot(
        quiet: tuple[RunningService, Poles]) -> None:
    """Pins `BufferedWebSocketProtocol.__slots__` to the uvicorn installed: an attribute
    a newer uvicorn adds lands in the instance's dict and fails here, so the slots are
    brought up to date (uvicorn's 37 attributes in a dict were 1.5 KB a connection)."""
    running, poles = quiet
    await poles.boot("SLOT", 3)
    await settled(running, 3)
    held = protocols(running)
    assert len(held) == 3
    assert [vars(protocol) for protocol in held] == [{}, {}, {}]


async def test_idle_booted_connections_stay_below_the_memory_bound(
        quiet: tuple[RunningService, Poles]) -> None:
    """What ``POLES`` more idle booted connections add to the service's traced heap, per
    connection, below `KB_PER_CONNECTION_BOUND` (a memory bound: nothing here is timed)."""
    running, poles = quiet
    tracemalloc.start(1)
    try:
        await poles.boot("WARM", 5)  # one-time caches (schemas, route maps) made first
        await settled(running, 5)
        before = tracemalloc.take_snapshot()
        await poles.boot("MEM", POLES)
        await settled(running, POLES + 5)
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    grown = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    per_connection_kb = grown / POLES / 1024
    print(f"traced per idle booted connection: {per_connection_kb:.1f} KB")
    assert per_connection_kb < KB_PER_CONNECTION_BOUND


EMPTY_DICT_BYTES = sys.getsizeof({})


async def test_an_idle_pole_handler_keeps_no_dict_and_no_emptied_tables(
        quiet: tuple[RunningService, Poles]) -> None:
    """The handler, its message log and its clock watch keep their attributes in slots:
    the handler's 29 attributes are more than a key-sharing instance dict holds, so each
    connection had a dict of its own (1.6 KB). Its dicts of calls awaiting an answer,
    each used by the boot, are emptied without the table an emptied dict keeps (120 B
    each), and nothing holds the boot's log row once it is stored."""
    running, poles = quiet
    await poles.boot("DICT", 3)
    await settled(running, 3)
    handlers = list(running.services.connections.handlers.values())
    assert len(handlers) == 3
    for handler in handlers:
        assert vars(handler) == {}
        assert not hasattr(handler.message_log, "__dict__")
        assert not hasattr(handler.clock_watch, "__dict__")
        log = handler.message_log
        for calls in (handler._pending, log._sent, log._received):
            assert calls == {} and sys.getsizeof(calls) == EMPTY_DICT_BYTES
        assert handler._incoming_logged is None


async def test_an_idle_connection_keeps_no_timer(
        quiet: tuple[RunningService, Poles]) -> None:
    """A pole's admission place (`call_budget.Place`) is given back at its first answer;
    its cancelled timer was kept for as long as the pole stayed connected (200 B)."""
    running, poles = quiet
    await poles.boot("TIMER", POLES)
    await settled(running, POLES)
    # Only the places' own timers are counted: the process's other timers (the test's
    # poles, the service's paced calls) come and go with the date and the machine.
    assert count(Place) >= POLES
    assert count(Place, lambda place: place._timer is not None) == 0


async def test_a_replaced_connections_handler_is_let_go(
        quiet: tuple[RunningService, Poles]) -> None:
    """A pole that reconnects while its old socket still looks open replaces that
    connection; the new connection's endpoint no longer keeps the old handler (with its
    connection, scope and log) alive for as long as the new one lasts."""
    from websockets.asyncio.client import connect

    running, _ = quiet
    handlers = running.services.connections.handlers
    url = f"{running.ocpp_url}/TWICE-1"
    first = await connect(url, compression=None, subprotocols=["ocpp1.6"])  # type: ignore[list-item]
    await until(lambda: "TWICE-1" in handlers)
    old = weakref.ref(handlers["TWICE-1"])
    second = await connect(url, compression=None, subprotocols=["ocpp1.6"])  # type: ignore[list-item]
    try:
        await until(lambda: handlers.get("TWICE-1") is not old())

        def old_gone() -> bool:
            gc.unfreeze()
            gc.collect()
            return old() is None

        await until(old_gone)
        assert "TWICE-1" in handlers
    finally:
        await second.close()
        await first.close()
