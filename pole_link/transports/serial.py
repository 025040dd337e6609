"""The serial transport: a pole's service port on a USB/RS-232 adapter or a pseudo-terminal.

pyserial is blocking, and asyncio cannot watch a serial handle on Windows, so one
reader thread per port feeds the event loop and one writer thread keeps writes in
order without ever blocking the loop. A port that vanishes (adapter pulled, virtual
pole stopped) surfaces as `LinkLost` on the next read — never as a hang.

On POSIX the writer thread does not use pyserial's ``write``: that one re-slices the
remaining ``bytes`` after every partial ``os.write`` — a copy of the rest each time,
so a 256 KiB firmware burst into a pseudo-terminal (a few KiB per ``os.write``) was
copied some fifty times over (`write_all`).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import select
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import ClassVar

import serial
from serial.tools import list_ports

from pole_link.errors import ConnectError, LinkLost
from pole_link.protocol.frames import DELIMITER
from pole_link.transports.base import PoleAddress
from pole_link.transports.framed import LOCAL_CALL_TIMEOUT, FramedLink

DEFAULT_BAUD = 115_200
_READ_POLL_S = 0.1


@dataclass(frozen=True)
class SerialOptions:
    """How to open the port; PROTOCOL.md's default is 115200 8N1, no flow control."""

    baudrate: int = DEFAULT_BAUD
    call_timeout: float = LOCAL_CALL_TIMEOUT
    exclusive: bool = True
    """Lock the port so a second program cannot interleave frames with ours."""


class SerialStream:
    """A `ByteStream` over an open ``serial.Serial``."""

    def __init__(self, port: serial.Serial, loop: asyncio.AbstractEventLoop) -> None:
        self._port = port
        self._loop = loop
        self._chunks: asyncio.Queue[bytes | BaseException] = asyncio.Queue()
        self._closing = threading.Event()
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"write {port.port}")
        self._thread = threading.Thread(target=self._read_loop, name=f"read {port.port}",
                                        daemon=True)
        self._thread.start()

    def _read_loop(self) -> None:
        port = self._port
        while not self._closing.is_set():
            try:
                data = port.read(max(1, port.in_waiting))
            except (serial.SerialException, OSError, TypeError, AttributeError) as exc:
                # TypeError/AttributeError: pyserial's own symptoms of a port closed under it.
                if not self._closing.is_set():
                    self._deliver(LinkLost(f"{port.port}: the port went away ({exc})"))
                return
            if data:
                self._deliver(data)

    def _deliver(self, item: bytes | BaseException) -> None:
        with contextlib.suppress(RuntimeError):  # loop already closed: nobody is listening
            self._loop.call_soon_threadsafe(self._chunks.put_nowait, item)

    async def read(self) -> bytes:
        item = await self._chunks.get()
        if isinstance(item, BaseException):
            self._chunks.put_nowait(item)
            raise item
        return item

    async def write(self, data: bytes) -> None:
        await self.write_parts((data,))

    async def write_parts(self, parts: Iterable[bytes]) -> None:
        """`PartsWriter`: ``parts`` is consumed on the writer thread, one part at a time."""
        try:
            await self._loop.run_in_executor(self._writer, self._write_all, parts)
        except serial.SerialTimeoutException:
            raise LinkLost(f"{self._port.port}: write timed out (no flow from the pole)") from None
        except (serial.SerialException, OSError) as exc:
            raise LinkLost(f"{self._port.port}: write failed ({exc})") from None

    def _write_all(self, parts: Iterable[bytes]) -> None:
        for part in parts:
            if self._closing.is_set():
                return  # cancel_write ended the part before; the port is closing
            write_all(self._port, part)
        self._port.flush()

    async def close(self) -> None:
        if self._closing.is_set():
            return
        self._closing.set()
        with contextlib.suppress(Exception):
            self._port.cancel_read()
        with contextlib.suppress(Exception):
            # A long write (a firmware burst) stops at its next chunk; it must be over
            # before the port closes, or its thread writes on into a descriptor the
            # next program to open the port may already have been given.
            self._port.cancel_write()
        await asyncio.to_thread(self._thread.join, 2 * _READ_POLL_S + 1)
        await asyncio.to_thread(self._writer.shutdown, wait=True, cancel_futures=True)
        with contextlib.suppress(Exception):
            self._port.close()


def write_all(port: serial.Serial, data: bytes | bytearray | memoryview) -> None:
    """All of ``data`` onto ``port``, each byte copied once (by the kernel).

    Behaves as pyserial's ``write`` with a write timeout: `serial.SerialTimeoutException`
    when the port takes nothing for ``port.write_timeout`` seconds in all, and an early
    return when ``cancel_write`` is called (the port is closing). POSIX ports (opened
    non-blocking by pyserial) get a loop over a `memoryview`; others use pyserial's.
    """
    fd = getattr(port, "fd", None)
    abort = getattr(port, "pipe_abort_write_r", None)
    timeout = port.write_timeout
    if (os.name != "posix" or not isinstance(fd, int) or not isinstance(abort, int)
            or timeout == 0):  # 0: pyserial's "write what fits and return"
        port.write(data)
        return
    deadline = None if timeout is None else time.monotonic() + timeout
    view = memoryview(data)
    while view:
        try:
            view = view[os.write(fd, view):]
        except BlockingIOError:
            pass
        except InterruptedError:
            continue
        except OSError as exc:
            raise serial.SerialException(f"write failed: {exc}") from exc
        if not view:
            return
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0:
            raise serial.SerialTimeoutException("Write timeout")
        cancelled, ready, _ = select.select([abort], [fd], [], left)
        if cancelled:
            with contextlib.suppress(BlockingIOError):
                os.read(abort, 1000)
            return
        if not ready:
            raise serial.SerialTimeoutException("Write timeout")


def _open_port(path: str, options: SerialOptions) -> serial.Serial:
    try:
        port = serial.Serial(
            path,
            options.baudrate,
            timeout=_READ_POLL_S,
            write_timeout=options.call_timeout,
            exclusive=options.exclusive,
        )
    except serial.SerialException as exc:
        cause = exc.__cause__ or exc.__context__
        code = getattr(cause, "errno", None) or getattr(exc, "errno", None)
        if code == errno.ENOENT:
            raise ConnectError(f"no serial port at {path}") from None
        if code in (errno.EACCES, errno.EPERM):
            raise ConnectError(
                f"permission denied opening {path}: on Linux add yourself to the "
                "'dialout' group (sudo usermod -aG dialout $USER) and log in again"
            ) from None
        if code in (errno.EBUSY, errno.EAGAIN, errno.EWOULDBLOCK):
            raise ConnectError(f"{path} is in use by another program") from None
        raise ConnectError(f"cannot open {path}: {exc}") from None
    port.reset_input_buffer()  # frames left over from an earlier session are stale
    return port


class SerialLink(FramedLink):
    """A `PoleLink` over a serial port or pseudo-terminal."""

    transport: ClassVar[str] = "serial"

    def __init__(self, path: str, options: SerialOptions | None = None) -> None:
        self.options = options or SerialOptions()
        super().__init__(path, call_timeout=self.options.call_timeout)
        self.path = path

    @classmethod
    async def discover(cls) -> list[PoleAddress]:
        """Serial ports present now (pseudo-terminals are not listed: type their path)."""
        ports = await asyncio.to_thread(list_ports.comports)
        return [
            PoleAddress(
                transport=cls.transport,
                target=info.device,
                label=f"{info.device} — {info.description}" if info.description and
                info.description != "n/a" else info.device,
                details={"hwid": info.hwid, "manufacturer": info.manufacturer},
            )
            for info in sorted(ports, key=lambda p: p.device)
        ]

    async def _open_stream(self) -> SerialStream:
        port = await asyncio.to_thread(_open_port, self.path, self.options)
        stream = SerialStream(port, asyncio.get_running_loop())
        # A lone delimiter: whatever half frame an earlier program left on the line (a
        # firmware burst cut off when it closed the port) is dropped, not our first call.
        await stream.write(DELIMITER)
        return stream

    @property
    def description(self) -> str:
        return f"serial {self.path}"
