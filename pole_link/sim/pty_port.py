"""A pseudo-terminal that stands in for a pole's physical service port.

The pole holds the master side; clients open the slave path with pyserial like any
serial adapter. The pole also keeps one slave descriptor open itself, so the
master never sees end-of-file between technicians: like a real port, the device
path stays the same for the pole's whole life (also across a simulated power cut).

Reading is pulled, not pushed: `read` reads the master itself and waits for the loop
only when there is nothing to read. A pseudo-terminal hands its reader at most ~4 KB
at a time, so a firmware upload is thousands of reads a second; reading in a loop
callback and passing each piece through a queue to the reading task cost two loop
turns and a queue hop per piece, and made the virtual pole the slowest part of the
link (profiled: most of its CPU time). Unread bytes now wait in the kernel, which
also stops the sender when the pole falls behind, as a real UART's flow would.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import tty

from pole_link.errors import LinkLost

LOGGER = logging.getLogger(__name__)

_READ_CHUNK = 65_536
YIELD_EVERY = 65_536
"""Bytes `read` returns without a loop turn while the sender keeps the line full:
enough to make the turns rare, few enough that the pole's acks and other tasks run
within about a millisecond of link time."""
OUTPUT_LIMIT = 1 << 20
"""Bytes kept for a client that stopped reading; beyond this the port drops output."""


class PtyPort:
    """The master side of a pseudo-terminal as a `ByteStream` on the running loop."""

    def __init__(self) -> None:
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)
        self.path = os.ttyname(self._slave)
        os.set_blocking(self._master, False)
        self._loop = asyncio.get_running_loop()
        self._readable: asyncio.Future[None] | None = None
        self._unyielded = 0
        self._output = bytearray()
        self._drained = asyncio.Event()
        self._drained.set()
        self._closed = False

    async def read(self) -> bytes:
        """The next bytes from the client (one reader at a time); `LinkLost` once closed."""
        while True:
            if self._closed:
                raise LinkLost(f"{self.path}: closed")
            try:
                data = os.read(self._master, _READ_CHUNK)
            except BlockingIOError:
                data = b""
            except OSError as exc:
                LOGGER.warning("%s: read failed: %s", self.path, exc)
                data = b""
            if data:
                self._unyielded += len(data)
                if self._unyielded >= YIELD_EVERY:  # let the pole's other tasks run
                    self._unyielded = 0
                    await asyncio.sleep(0)
                return data
            await self._wait_readable()

    async def _wait_readable(self) -> None:
        self._unyielded = 0
        waiter = self._readable = self._loop.create_future()
        self._loop.add_reader(self._master, _wake, waiter)
        try:
            await waiter
        finally:
            self._readable = None
            if not self._closed:
                self._loop.remove_reader(self._master)

    async def write(self, data: bytes) -> None:
        if self._closed:
            raise LinkLost(f"{self.path}: closed")
        if len(self._output) + len(data) > OUTPUT_LIMIT:
            LOGGER.warning("%s: nobody reads the port; %d bytes dropped", self.path, len(data))
            return
        was_empty = not self._output
        self._output += data
        if was_empty:
            self._flush()
        if self._output:
            self._drained.clear()
            await self._drained.wait()

    def _flush(self) -> None:
        while self._output:
            try:
                written = os.write(self._master, self._output)
            except BlockingIOError:
                break
            except OSError as exc:
                if exc.errno == errno.EIO:
                    break
                raise
            del self._output[:written]
        if self._output:
            self._loop.add_writer(self._master, self._on_writable)
        else:
            self._loop.remove_writer(self._master)
            self._drained.set()

    def _on_writable(self) -> None:
        self._flush()

    def discard_output(self) -> None:
        """Forget unsent bytes (the pole lost power: its UART buffer is gone)."""
        self._output.clear()
        self._loop.remove_writer(self._master)
        self._drained.set()

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._loop.remove_reader(self._master)
        if self._readable is not None:
            _wake(self._readable)  # the reader finds the port closed
        self.discard_output()
        for fd in (self._master, self._slave):
            with contextlib.suppress(OSError):
                os.close(fd)


def _wake(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)
