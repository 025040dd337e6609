"""The connection adapter: a framed byte stream that looks like a WebSocket to ``ocpp``.

The ``ocpp`` library only needs ``await recv() -> str`` and ``await send(str)``.
This adapter gives it exactly that over any byte stream (serial, BLE), so the same
``ChargePoint`` handlers serve a pole's service port and its OCPP connection.
Binary firmware frames never reach the library: they are split off here and handed
to ``on_binary``.
"""

from __future__ import annotations

import collections
import json
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Protocol, runtime_checkable

from pole_link.errors import FrameError
from pole_link.protocol.binary import BinaryFrame, FirmwareData, parse_binary
from pole_link.protocol.frames import (
    DELIMITER,
    Body,
    FrameDecoder,
    LinkCounters,
    encode_frame,
    is_json_body,
)

LOGGER = logging.getLogger(__name__)


class ByteStream(Protocol):
    """A bidirectional byte pipe: serial port, pseudo-terminal master, BLE characteristics.

    ``write`` must put its bytes on the wire as one unit (no interleaving with a
    concurrent write), and ``read`` raises `LinkLost` once the stream has ended.
    """

    async def read(self) -> bytes: ...

    async def write(self, data: bytes) -> None: ...

    async def close(self) -> None: ...


@runtime_checkable
class PartsWriter(Protocol):
    """A `ByteStream` that can also take one write as parts produced while it writes.

    The serial stream writes from a thread; handed finished bytes, it would wait for
    the event loop to COBS-encode a whole firmware burst first, and an encode holds
    Python's lock, so the writer thread stalls behind it and the line idles (a
    pseudo-terminal buffers only ~14 KB). Parts are produced on the writing thread
    instead, each just before it is written, while the line still drains the last.
    """

    async def write_parts(self, parts: Iterable[bytes]) -> None:
        """Like ``write(b"".join(parts))``; ``parts`` may be consumed on another thread."""
        ...


class JsonText(str):
    """Received JSON text that remembers its decoded value, so routing parses it once."""

    parsed: Any

    def __new__(cls, text: str, parsed: Any) -> JsonText:
        self = super().__new__(cls, text)
        self.parsed = parsed
        return self


BinaryHandler = Callable[[BinaryFrame], None]


class FramedConnection:
    """``recv``/``send`` of OCPP-J text over COBS frames, with the link's counters."""

    def __init__(
        self,
        stream: ByteStream,
        *,
        counters: LinkCounters | None = None,
        on_binary: BinaryHandler | None = None,
    ) -> None:
        self.stream = stream
        self.counters = counters if counters is not None else LinkCounters()
        self.on_binary = on_binary
        self._decoder = FrameDecoder(self.counters)
        self._ready: collections.deque[JsonText] = collections.deque()
        self._interrupted = False

    async def recv(self) -> str:
        while not self._ready:
            chunk = await self.stream.read()
            for body in self._decoder.feed(chunk):
                self._accept(body)
        return self._ready.popleft()

    def _accept(self, body: Body) -> None:
        if is_json_body(body):
            try:
                text = bytes(body).decode("utf-8")  # JSON bodies are bytes: no copy
                self._ready.append(JsonText(text, json.loads(text)))
            except ValueError:
                self.counters.dropped += 1
            return
        try:
            frame = parse_binary(body)
        except FrameError as exc:
            LOGGER.warning("dropped binary frame: %s", exc)
            self.counters.dropped += 1
            return
        if self.on_binary is None:
            LOGGER.warning("binary frame %s ignored: nothing here receives it",
                           type(frame).__name__)
            return
        self.on_binary(frame)

    def count_dropped(self, reason: str) -> None:
        """Routing calls this for JSON that is not an OCPP-J message it can answer."""
        self.counters.dropped += 1

    async def send(self, text: str) -> None:
        await self._write(encode_frame(text.encode("utf-8")))
        self.counters.frames_out += 1

    async def send_binary(self, *frames: BinaryFrame) -> None:
        """Send binary frames back to back in one write (a firmware burst costs one
        hand-over to the port, not one per frame); a `PartsWriter` encodes them as it
        writes."""
        if not frames:
            return
        stream = self.stream
        if isinstance(stream, PartsWriter):
            await self._write_parts(stream, _encoded(frames))
        else:
            await self._write(DELIMITER.join([*_encoded_bodies(frames), b""]))
        self.counters.frames_out += len(frames)

    async def _write(self, data: bytes) -> None:
        """Write, and after a write that was cancelled or failed half-way start the next
        with a lone delimiter: the peer drops the torn frame, not the next one with it."""
        if self._interrupted:
            data = DELIMITER + data
            self._interrupted = False
        try:
            await self.stream.write(data)
        except BaseException:
            self._interrupted = True
            raise

    async def _write_parts(self, stream: PartsWriter, parts: Iterable[bytes]) -> None:
        """`_write` for parts: the same torn-frame rule."""
        if self._interrupted:
            parts = _after(DELIMITER, parts)
            self._interrupted = False
        try:
            await stream.write_parts(parts)
        except BaseException:
            self._interrupted = True
            raise

    async def close(self) -> None:
        await self.stream.close()


def _encoded_bodies(frames: Sequence[BinaryFrame]) -> Iterator[bytes]:
    """Each frame on the wire, without its delimiter."""
    for frame in frames:
        yield frame.encode() if isinstance(frame, FirmwareData) else \
            encode_frame(frame.pack())[:-1]


def _encoded(frames: Sequence[BinaryFrame]) -> Iterator[bytes]:
    """Each frame on the wire and its delimiter, encoded only when asked for."""
    for body in _encoded_bodies(frames):
        yield body
        yield DELIMITER


def _after(first: bytes, parts: Iterable[bytes]) -> Iterator[bytes]:
    yield first
    yield from parts
