"""`write_all`: the serial writer thread's loop, on a real pseudo-terminal and pyserial.

A pseudo-terminal takes a few KiB per ``os.write``, so every write here below is
many partial writes: the bytes must arrive whole and in order, a reader that stops
must end in pyserial's write timeout, and ``cancel_write`` (closing the port) must
end a blocked write at once.
"""

from __future__ import annotations

import os
import select
import threading
import tty
from collections.abc import Iterator

import pytest
import serial

from pole_link.transports.serial import write_all


@pytest.fixture
def pty() -> Iterator[tuple[int, serial.Serial]]:
    """(master descriptor, pyserial port on the slave path)."""
    master, slave = os.openpty()
    tty.setraw(slave)
    port = serial.Serial(os.ttyname(slave), 115200, timeout=0.1, write_timeout=10)
    try:
        yield master, port
    finally:
        port.close()
        os.close(master)
        os.close(slave)


def drain(master: int, size: int, into: bytearray) -> threading.Thread:
    """A thread reading ``size`` bytes from ``master`` into ``into``."""
    def run() -> None:
        while len(into) < size:
            ready, _, _ = select.select([master], [], [], 5)
            if not ready:
                return
            into.extend(os.read(master, 65_536))
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_a_large_write_arrives_whole_and_in_order(pty: tuple[int, serial.Serial]) -> None:
    master, port = pty
    data = os.urandom(1 << 20)
    received = bytearray()
    reader = drain(master, len(data) + 3, received)
    write_all(port, data)
    write_all(port, bytearray(b"abc"))  # any buffer, not only bytes
    reader.join(10)
    assert bytes(received) == data + b"abc"


def test_a_pole_that_stops_reading_ends_in_the_write_timeout(
        pty: tuple[int, serial.Serial]) -> None:
    _, port = pty
    port.write_timeout = 0.2
    with pytest.raises(serial.SerialTimeoutException):
        write_all(port, bytes(1 << 20))  # far more than the terminal buffers


def test_cancel_write_ends_a_blocked_write(pty: tuple[int, serial.Serial]) -> None:
    master, port = pty
    port.write_timeout = None  # would block for ever without the cancel
    outcome: list[BaseException | None] = []

    def write() -> None:
        try:
            write_all(port, bytes(1 << 20))
            outcome.append(None)
        except BaseException as exc:  # reported to the test thread
            outcome.append(exc)

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    # The writer has begun (bytes wait at the terminal); a megabyte cannot fit in its
    # buffer while nobody reads, so from here on it blocks until cancelled. (No
    # ``join(timeout)`` that must expire: under libfaketime in CI such a wait never ends.)
    readable, _, _ = select.select([master], [], [], 10)
    assert readable and writer.is_alive()
    port.cancel_write()
    writer.join(5)
    assert not writer.is_alive()
    assert outcome == [None]
