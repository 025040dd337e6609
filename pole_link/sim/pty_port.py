"""A pseudo-terminal that stands in for a pole's physical service port.

The pole holds the master side; clients open the slave path with pyserial like any
serial adapter. The pole also keeps one slave descriptor open itself, so the
master never sees end-of-file between technicians: like a real port, the device
path stays the same for the pole's whole life (also across a simulated power cut).
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
        self._chunks: asyncio.Queue[bytes] = asyncio.Queue()
        self._output = bytearray()
        self._drained = asyncio.Event()
        self._drained.set()
        self._closed = False
        self._loop.add_reader(self._master, self._on_readable)

    def _on_readable(self) -> None:
        try:
            data = os.read(self._master, _READ_CHUNK)
        except BlockingIOError:
            return
        except OSError as exc:
            LOGGER.warning("%s: read failed: %s", self.path, exc)
            return
        if data:
            self._chunks.put_nowait(data)

    async def read(self) -> bytes:
        if self._closed:
            raise LinkLost(f"{self.path}: closed")
        return await self._chunks.get()

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
        self.discard_output()
        for fd in (self._master, self._slave):
            with contextlib.suppress(OSError):
                os.close(fd)
