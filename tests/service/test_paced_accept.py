"""A storm's connections taken a few per loop turn (issue 20, `service.paced_accept`): the
loop's own listener took the whole accept queue in one turn, and the poles already admitted
waited behind it. Real sockets on 127.0.0.1, on the standard loop and on uvloop."""

from __future__ import annotations

import asyncio
import collections
import socket
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import cast

import pytest
import uvloop

from service.paced_accept import PacedAcceptor, TurnBudget, paced_reads
from tests.support import until

LOOPS: dict[str, Callable[[], asyncio.AbstractEventLoop]] = {
    "asyncio": asyncio.new_event_loop, "uvloop": uvloop.new_event_loop}
QUEUED = 100
"""Connections waiting in the kernel's queue before the service looks."""


class Greeter(asyncio.Protocol):
    """Says "hi" to each connection, so a client knows it is served."""

    made = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        Greeter.made += 1
        cast(asyncio.WriteTransport, transport).write(b"hi")  # uvloop's: no subclass


def _bound() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    return sock


def _greeted(client: socket.socket) -> bool:
    client.settimeout(10)
    return client.recv(2) == b"hi"


async def _growth_per_turn(count: Callable[[], int], total: int) -> list[int]:
    """How much ``count()`` grew in each loop turn until it reached ``total``: a callback
    that schedules itself again with ``call_soon`` runs once every turn."""
    loop = asyncio.get_running_loop()
    grown: list[int] = []
    reached = loop.create_future()

    def tick(seen: int) -> None:
        now = count()
        grown.append(now - seen)
        if now < total:
            loop.call_soon(tick, now)
        else:
            reached.set_result(None)
    loop.call_soon(tick, 0)
    await asyncio.wait_for(reached, 10)
    return grown


@pytest.mark.parametrize("loop_name", list(LOOPS))
def test_a_queue_of_connections_is_taken_a_few_per_turn_and_every_one_served(
        loop_name: str) -> None:
    async def scenario() -> tuple[list[int], int, int]:
        Greeter.made = 0
        acceptor = PacedAcceptor(_bound(), Greeter, backlog=QUEUED * 2, per_turn=8)
        acceptor.start()
        port = acceptor.sock.getsockname()[1]
        # All connect before the loop runs again: the whole storm is in the kernel's queue.
        clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(QUEUED)]
        taken_by_turn = await _growth_per_turn(lambda: acceptor.accepted, QUEUED)
        greeted = sum(await asyncio.gather(*(asyncio.to_thread(_greeted, c)
                                             for c in clients)))
        for client in clients:
            client.close()
        acceptor.close()
        return taken_by_turn, greeted, acceptor.turns

    with asyncio.Runner(loop_factory=LOOPS[loop_name]) as runner:
        taken_by_turn, greeted, turns = runner.run(scenario())
    assert max(taken_by_turn) <= 8, taken_by_turn
    assert sum(taken_by_turn) == QUEUED
    assert turns >= QUEUED // 8
    assert greeted == QUEUED  # every queued connection was served, none dropped
    assert Greeter.made == QUEUED


@pytest.mark.parametrize("loop_name", list(LOOPS))
def test_closed_it_accepts_nothing_more_and_frees_the_port(loop_name: str) -> None:
    async def scenario() -> int:
        acceptor = PacedAcceptor(_bound(), Greeter, backlog=16)
        acceptor.start()
        port: int = acceptor.sock.getsockname()[1]
        first = socket.create_connection(("127.0.0.1", port))
        assert await asyncio.to_thread(_greeted, first)
        first.close()
        acceptor.close()
        acceptor.close()  # a second close (shutdown after a stop) is harmless
        return port

    with asyncio.Runner(loop_factory=LOOPS[loop_name]) as runner:
        port = runner.run(scenario())
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5)


def test_at_least_one_connection_a_turn() -> None:
    with pytest.raises(ValueError, match="at least one"):
        PacedAcceptor(_bound(), Greeter, backlog=16, per_turn=0)


SERVER_OUT_OF_FILES = textwrap.dedent("""
    import asyncio, logging, resource, socket, sys
    from service.paced_accept import PacedAcceptor

    class Greeter(asyncio.Protocol):
        def connection_made(self, transport):
            transport.write(b"hi")

    async def main():
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        acceptor = PacedAcceptor(sock, Greeter, backlog=64)
        acceptor.start()
        import os
        in_use = len(os.listdir("/proc/self/fd")) - 1  # less the listing's own
        # room for a few connections only: the rest find the process out of descriptors
        resource.setrlimit(resource.RLIMIT_NOFILE, (in_use + 3, resource.getrlimit(
            resource.RLIMIT_NOFILE)[1]))
        print(sock.getsockname()[1], flush=True)
        await asyncio.sleep(3600)

    logging.basicConfig(stream=sys.stderr, level=logging.ERROR)
    asyncio.run(main())
""")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/fd")
def test_out_of_file_descriptors_it_says_so_and_serves_the_queued_ones_once_freed(
        tmp_path: Path) -> None:
    """A service out of file descriptors must not spin on the error nor drop the queued
    connections: it says why in its log and serves them once descriptors are free."""
    script = tmp_path / "server.py"
    script.write_text(SERVER_OUT_OF_FILES)
    server = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True,
                              cwd=Path(__file__).resolve().parents[2])
    clients: list[socket.socket] = []
    try:
        assert server.stdout is not None and server.stderr is not None
        port = int(server.stdout.readline())
        clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(10)]
        served = [c for c in clients[:3] if _greeted(c)]
        assert len(served) == 3  # room for three
        said = server.stderr.readline()
        assert "cannot accept more connections" in said, said
        assert "Too many open files" in said
        waiting = clients[3]
        waiting.setblocking(False)
        with pytest.raises(BlockingIOError):  # queued, not served: nothing to read yet
            waiting.recv(2)
        waiting.setblocking(True)
        for client in served:  # their poles leave: descriptors free again
            client.close()
        assert _greeted(waiting)  # and the next queued one is served after the pause
    finally:
        server.kill()
        server.wait()
        for client in clients:
            client.close()


def test_work_beyond_a_turns_share_waits_for_the_next_turns_in_arrival_order() -> None:
    async def scenario() -> list[tuple[int, int]]:
        budget = TurnBudget(per_turn=3)
        loop = asyncio.get_running_loop()
        turn = [0]
        done: list[tuple[int, int]] = []

        def tick() -> None:
            turn[0] += 1
            if len(done) < 10:
                loop.call_soon(tick)
        loop.call_soon(tick)  # first in every turn: marks where each turn begins

        def finish(number: int) -> Callable[[], None]:
            return lambda: done.append((turn[0], number))
        for number in range(10):
            if budget.take():
                done.append((turn[0], number))
            else:
                budget.defer(finish(number))
        await until(lambda: len(done) == 10)
        return done

    done = asyncio.run(scenario())
    assert [number for _, number in done] == list(range(10))  # in arrival order
    by_turn = collections.Counter(turn for turn, _ in done)
    assert max(by_turn.values()) <= 3 and len(by_turn) >= 4


class Recorder(asyncio.Protocol):
    """Keeps what each connection sent, as uvicorn's HTTP protocol would parse it."""

    received: list[bytes] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        Recorder.received.append(data)


@pytest.mark.parametrize("loop_name", list(LOOPS))
def test_a_burst_of_requests_on_open_connections_is_read_a_few_per_turn(
        loop_name: str) -> None:
    """Connections open and silent, then every client sends its request at once (a load
    generator's pause, a network coming back): a few are read each turn, every one whole."""
    async def scenario() -> list[int]:
        Recorder.received = []
        budget = TurnBudget(per_turn=8)
        acceptor = PacedAcceptor(_bound(), paced_reads(Recorder, budget), backlog=QUEUED * 2)
        acceptor.start()
        port = acceptor.sock.getsockname()[1]
        clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(QUEUED)]
        await until(lambda: acceptor.accepted == QUEUED)
        await asyncio.sleep(0.05)  # their transports set up and reading
        for number, client in enumerate(clients):  # in one stretch: all at once
            client.sendall(b"GET /ocpp/PW-%04d HTTP/1.1\r\n\r\n" % number)
        read_by_turn = await _growth_per_turn(lambda: len(Recorder.received), QUEUED)
        for client in clients:
            client.close()
        acceptor.close()
        return read_by_turn

    with asyncio.Runner(loop_factory=LOOPS[loop_name]) as runner:
        read_by_turn = runner.run(scenario())
    assert max(read_by_turn) <= 8, read_by_turn
    assert sorted(Recorder.received) == sorted(
        b"GET /ocpp/PW-%04d HTTP/1.1\r\n\r\n" % n for n in range(QUEUED))
