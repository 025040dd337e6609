"""Byte-stream framing of the local service port: COBS + CRC-32, zero-delimited.

PROTOCOL.md fixes the wire format to the byte, because independent tools talk to
poles from that page alone: ``COBS(body + crc32_le(body)) + b"\\x00"``.

The decoder never raises on bad input. A technician's laptop on a noisy RS-485
adapter sees garbage, so every malformed frame is *counted* (the pole reports the
counts in ``LinkStats``) and the decoder resynchronises on the next ``0x00``.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from cobs import cobs

from pole_link.errors import FrameError

MAX_BODY = 65_536
"""Largest body a frame may carry (PROTOCOL.md)."""

CRC_LEN = 4
MAX_ENCODED = cobs.max_encoded_length(MAX_BODY + CRC_LEN)
"""Longest COBS run between delimiters that can still hold a legal frame."""

DELIMITER = b"\x00"
_JSON_START = ord("[")
CRC_RESIDUE = 0x2144DF1C
"""zlib.crc32(data + crc32_le(data)) for any data: CRC-32's residue."""


def encode_frame(body: bytes) -> bytes:
    """Wrap one body for the wire, delimiter included."""
    if not body:
        raise FrameError("a frame body cannot be empty")
    if len(body) > MAX_BODY:
        raise FrameError(f"frame body of {len(body)} bytes exceeds the {MAX_BODY}-byte maximum")
    crc = zlib.crc32(body).to_bytes(CRC_LEN, "little")
    encoded: bytes = cobs.encode(body + crc)
    return encoded + DELIMITER


@dataclass
class LinkCounters:
    """What one end of a link counts; the pole reports its own in ``LinkStats``.

    ``dropped`` covers frames that fail COBS decoding, are over-long or are not
    usable JSON; ``crc_errors`` those whose checksum is wrong. They are separate
    because a rising CRC count points at the cable, a rising drop count at the peer.
    """

    frames_in: int = 0
    frames_out: int = 0
    dropped: int = 0
    crc_errors: int = 0

    def to_json(self) -> dict[str, int]:
        return {
            "framesIn": self.frames_in,
            "framesOut": self.frames_out,
            "dropped": self.dropped,
            "crcErrors": self.crc_errors,
        }


Body = bytes | memoryview
"""A decoded frame body: `bytes` for JSON, a read-only `memoryview` for a binary frame
(firmware data is sliced from it and stored without another copy)."""


class FrameDecoder:
    """Turns an arbitrary chunking of the byte stream back into frame bodies.

    Memory stays bounded: once the bytes since the last delimiter exceed the
    longest legal encoded frame, they are discarded (and the frame counted as
    dropped) instead of being buffered until a delimiter finally arrives.

    Copies are few because a 64 KB firmware frame arrives from a pseudo-terminal in
    4 KB reads: the pieces of a frame are kept as views of the reads and joined once
    when its delimiter comes (appending them to a growing ``bytearray`` reallocated it
    again and again: callgrind counted 3.5 M instructions per MB in ``memcpy``), and a
    binary body is a view of the decoded frame, not a copy of it.
    """

    def __init__(self, counters: LinkCounters | None = None) -> None:
        self.counters = counters if counters is not None else LinkCounters()
        self._pieces: list[memoryview] = []
        self._pending = 0
        self._overflowing = False

    def feed(self, data: bytes) -> list[Body]:
        """Add received bytes; return every complete, valid body they finish."""
        bodies: list[Body] = []
        data = bytes(data)  # no copy of bytes; the pieces outlive this call, so no bytearray
        view = memoryview(data)
        start = 0
        while True:
            end = data.find(0, start)
            if end < 0:
                self._buffer(view[start:])
                return bodies
            self._buffer(view[start:end])
            body = self._finish_frame()
            if body is not None:
                bodies.append(body)
            start = end + 1

    def _buffer(self, piece: memoryview) -> None:
        if self._overflowing or not piece:
            return
        if self._pending + len(piece) > MAX_ENCODED:
            self._overflowing = True
            self.reset_pieces()
            return
        self._pieces.append(piece)
        self._pending += len(piece)

    def reset_pieces(self) -> None:
        self._pieces.clear()
        self._pending = 0

    def _finish_frame(self) -> Body | None:
        if self._overflowing:
            self._overflowing = False
            self.counters.dropped += 1
            return None
        if not self._pending:
            # A lone delimiter is a legal way to flush a line; it is no frame.
            return None
        encoded = b"".join(self._pieces)  # the one copy of the received bytes
        self.reset_pieces()
        try:
            raw: bytes = cobs.decode(encoded)
        except cobs.DecodeError:
            self.counters.dropped += 1
            return None
        if len(raw) <= CRC_LEN:
            self.counters.dropped += 1
            return None
        if zlib.crc32(raw) != CRC_RESIDUE:  # the CRC of body + its own CRC: one pass, no slice
            self.counters.crc_errors += 1
            return None
        if len(raw) - CRC_LEN > MAX_BODY:
            self.counters.dropped += 1
            return None
        self.counters.frames_in += 1
        if raw[0] == _JSON_START:
            return raw[:-CRC_LEN]
        return memoryview(raw)[:-CRC_LEN]

    def reset(self) -> None:
        """Forget a half-received frame (e.g. after the port was reopened)."""
        self.reset_pieces()
        self._overflowing = False


def is_json_body(body: Body) -> bool:
    """PROTOCOL.md: a body starting with ``[`` is OCPP-J; any other is binary."""
    return body[:1] == b"["
