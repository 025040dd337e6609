"""What serial and BLE share: OCPP-J over a framed byte stream, client end.

A transport only says how to open its byte stream; framing, routing, timeouts,
the pole's own calls and loss detection are done once, here.
"""

from __future__ import annotations

import asyncio
import logging
from abc import abstractmethod
from collections.abc import AsyncIterator
from typing import Any

from ocpp.v16 import call_result
from ocpp.v16.enums import Action, DataTransferStatus

from pole_link.cancel import cancel_and_wait
from pole_link.errors import LinkLost, PoleLinkError
from pole_link.protocol.binary import MAX_CHUNK, BinaryFrame
from pole_link.protocol.connection import ByteStream, FramedConnection
from pole_link.protocol.frames import LinkCounters
from pole_link.protocol.routing import StrictChargePoint, on
from pole_link.protocol.vendor import VENDOR_ID, VendorMessage
from pole_link.queues import drain, put_dropping_oldest
from pole_link.transports.base import PoleLink, PoleMessage

LOGGER = logging.getLogger(__name__)

LOCAL_CALL_TIMEOUT = 10.0
"""PROTOCOL.md: each side waits 10 s for an answer on a local link."""

INBOX_LIMIT = 1_000
"""Pole calls kept for a slow reader; the oldest go first (Live is a stream)."""

_POLE_MESSAGES = frozenset({VendorMessage.LIVE})


class _ClientEnd(StrictChargePoint):
    """Our side of a local link: answers the pole's ``Live`` calls and queues them."""

    def __init__(self, name: str, connection: FramedConnection, timeout: float,
                 inbox: asyncio.Queue[PoleMessage | BaseException]) -> None:
        super().__init__(name, connection, timeout, on_dropped=connection.count_dropped)
        self._inbox = inbox

    @on(Action.data_transfer)
    def on_pole_data_transfer(
        self, vendor_id: str, message_id: str | None = None, data: str | None = None
    ) -> call_result.DataTransfer:
        if vendor_id != VENDOR_ID:
            return call_result.DataTransfer(status=DataTransferStatus.unknown_vendor_id)
        if message_id not in _POLE_MESSAGES:
            return call_result.DataTransfer(status=DataTransferStatus.unknown_message_id)
        payload: dict[str, Any] = {"vendorId": vendor_id, "messageId": message_id}
        if data is not None:
            payload["data"] = data
        put_dropping_oldest(self._inbox, PoleMessage("DataTransfer", payload))
        return call_result.DataTransfer(status=DataTransferStatus.accepted)


class FramedLink(PoleLink):
    """A `PoleLink` over a byte stream that a subclass opens."""

    def __init__(self, name: str, *, call_timeout: float = LOCAL_CALL_TIMEOUT) -> None:
        self.name = name
        self.call_timeout = call_timeout
        self.counters = LinkCounters()
        self._connection: FramedConnection | None = None
        self._end: _ClientEnd | None = None
        self._reader: asyncio.Task[None] | None = None
        self._inbox: asyncio.Queue[PoleMessage | BaseException] = asyncio.Queue(INBOX_LIMIT)
        self._binary: asyncio.Queue[BinaryFrame | PoleLinkError] = asyncio.Queue()
        self._lost: PoleLinkError | None = None

    @abstractmethod
    async def _open_stream(self) -> ByteStream:
        """Open the byte stream or raise `ConnectError`."""

    async def connect(self) -> None:
        if self.connected:
            return
        stream = await self._open_stream()
        self.counters = LinkCounters()
        self._binary = asyncio.Queue()  # acks of an earlier connection mean nothing now
        self._connection = FramedConnection(stream, counters=self.counters,
                                            on_binary=self._binary.put_nowait)
        self._inbox = asyncio.Queue(INBOX_LIMIT)
        self._end = _ClientEnd(self.name, self._connection, self.call_timeout, self._inbox)
        self._lost = None
        self._reader = asyncio.create_task(self._read(self._end), name=f"read {self.name}")

    async def _read(self, end: _ClientEnd) -> None:
        try:
            await end.start()
        except asyncio.CancelledError:
            self._lost = LinkLost(f"{self.name}: link closed")
            raise
        except PoleLinkError as exc:
            self._lost = exc if isinstance(exc, LinkLost) else LinkLost(str(exc))
        except Exception as exc:
            LOGGER.exception("%s: reader failed", self.name)
            self._lost = LinkLost(f"{self.name}: {exc}")
        finally:
            if self._lost is None:
                self._lost = LinkLost(f"{self.name}: link closed")
            put_dropping_oldest(self._inbox, self._lost)
            self._binary.put_nowait(self._lost)

    @property
    def connected(self) -> bool:
        return self._reader is not None and not self._reader.done()

    def _require(self) -> _ClientEnd:
        if self._end is None or not self.connected:
            raise self._lost or LinkLost(f"{self.name}: not connected")
        return self._end

    async def call(
        self, action: str, payload: dict[str, Any], *, timeout: float | None = None
    ) -> dict[str, Any]:
        return await self._require().call_action(action, payload, timeout=timeout)

    async def pole_messages(self) -> AsyncIterator[PoleMessage]:
        async for message in drain(self._inbox, shared=True):
            yield message

    async def send_binary(self, *frames: BinaryFrame) -> None:
        """Binary frames (firmware data), back to back in one write."""
        self._require()
        assert self._connection is not None
        await self._connection.send_binary(*frames)

    async def binary_frame(self, timeout: float) -> BinaryFrame:
        """The next binary frame from the pole (firmware acks).

        Raises ``TimeoutError`` when none comes within ``timeout`` seconds and `LinkLost`
        once the link has gone (also for every later wait).
        """
        async with asyncio.timeout(timeout):
            item = await self._binary.get()
        if isinstance(item, PoleLinkError):
            self._binary.put_nowait(item)
            raise item
        return item

    def pending_binary_frame(self) -> BinaryFrame | None:
        """A binary frame that has already arrived, without waiting; None if there is none."""
        try:
            item = self._binary.get_nowait()
        except asyncio.QueueEmpty:
            return None
        if isinstance(item, PoleLinkError):
            self._binary.put_nowait(item)
            raise item
        return item

    def discard_binary_frames(self) -> None:
        """Forget binary frames nobody read (acks of an earlier, abandoned transfer)."""
        while not self._binary.empty():
            item = self._binary.get_nowait()
            if isinstance(item, PoleLinkError):
                self._binary.put_nowait(item)
                return

    @property
    def byte_stream(self) -> ByteStream | None:
        """The open byte stream itself (benchmarks compare it with the framed link)."""
        return self._connection.stream if self._connection is not None else None

    @property
    def firmware_chunk_limit(self) -> int:
        """Most image bytes per data frame that suit this link (the pole may allow fewer)."""
        return MAX_CHUNK

    async def close(self) -> None:
        reader, connection = self._reader, self._connection
        self._reader = None
        try:
            if reader is not None and not reader.done():
                await cancel_and_wait(reader, PoleLinkError)
        finally:  # the port closes even when the caller is cancelled meanwhile
            if self._end is not None:
                self._end.connection_lost(LinkLost(f"{self.name}: closed"))
            if connection is not None:
                await connection.close()
                self._connection = None
