"""`PtyPort.read`: the virtual pole pulls its service port's bytes itself.

Bytes written on the client side come out whole and in order; while a client keeps
the line full the pole's other tasks still run (its acks go out then); a reader
waiting on an idle port ends with `LinkLost` when the port closes, not in a hang.
"""

from __future__ import annotations

import asyncio
import os
import threading

import pytest

from pole_link.errors import LinkLost
from pole_link.sim.pty_port import YIELD_EVERY, PtyPort


def write_from_client(path: str, data: bytes) -> threading.Thread:
    """A thread writing ``data`` to the slave side, as a technician's laptop does."""
    def run() -> None:
        fd = os.open(path, os.O_WRONLY | os.O_NOCTTY)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


async def test_bytes_arrive_whole_and_in_order_and_other_tasks_run_meanwhile() -> None:
    port = PtyPort()
    try:
        data = os.urandom(8 * YIELD_EVERY)
        ticks = writer_alive_ticks = 0

        async def other_task() -> None:  # e.g. the pole sending an ack
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0)

        ticker = asyncio.create_task(other_task())
        writer = write_from_client(port.path, data)
        received = bytearray()
        async with asyncio.timeout(30):
            while len(received) < len(data):
                received += await port.read()
                if len(received) <= 4 * YIELD_EVERY:  # the client is still writing
                    writer_alive_ticks = ticks
        ticker.cancel()
        writer.join(5)
        assert bytes(received) == data
        assert writer_alive_ticks > 0
    finally:
        await port.close()


async def test_a_waiting_reader_gets_link_lost_when_the_port_closes() -> None:
    port = PtyPort()
    reading = asyncio.create_task(port.read())
    await asyncio.sleep(0.05)
    assert not reading.done()  # nothing written: it waits
    await port.close()
    with pytest.raises(LinkLost):
        await asyncio.wait_for(reading, 5)
    with pytest.raises(LinkLost):
        await port.read()
