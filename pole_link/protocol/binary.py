"""Binary frames of the local protocol: firmware data and acknowledgements.

Firmware moves as raw bytes so an image costs no base64 and no JSON escaping; the
layout is fixed in PROTOCOL.md ("Binary frames"). All integers little-endian.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from enum import IntEnum

from cobs import cobs

from pole_link.errors import FrameError
from pole_link.protocol.frames import CRC_LEN, MAX_BODY

DATA_TYPE = 0x01
ACK_TYPE = 0x02

_DATA_HEADER = struct.Struct("<BHI")
_ACK = struct.Struct("<BHIB")

MAX_CHUNK = MAX_BODY - _DATA_HEADER.size
"""Most image bytes one data frame may carry (65,536 − 7)."""


class AckStatus(IntEnum):
    OK = 0
    GAP = 1
    """Resend from the offset given."""
    ABORTED = 2


@dataclass(frozen=True)
class FirmwareData:
    """``0x01``: a slice of the image, client → pole.

    ``data`` may be a read-only `memoryview` (of the image, of a received frame) so a
    megabyte of firmware is not copied once more on its way in or out.
    """

    transfer_id: int
    offset: int
    data: bytes | memoryview

    def header(self) -> bytes:
        if len(self.data) > MAX_CHUNK:
            raise FrameError(f"firmware chunk of {len(self.data)} bytes exceeds {MAX_CHUNK}")
        return _DATA_HEADER.pack(DATA_TYPE, self.transfer_id, self.offset)

    def pack(self) -> bytes:
        return self.header() + self.data

    def encode(self) -> bytes:
        """The frame on the wire, delimiter excluded: as ``encode_frame(pack())[:-1]``
        with one copy of the data instead of four."""
        header = self.header()
        crc = zlib.crc32(self.data, zlib.crc32(header)).to_bytes(CRC_LEN, "little")
        encoded: bytes = cobs.encode(b"".join((header, self.data, crc)))
        return encoded


@dataclass(frozen=True)
class FirmwareAck:
    """``0x02``: the pole's next expected offset, pole → client."""

    transfer_id: int
    next_offset: int
    status: AckStatus

    def pack(self) -> bytes:
        return _ACK.pack(ACK_TYPE, self.transfer_id, self.next_offset, self.status)


BinaryFrame = FirmwareData | FirmwareAck


def payload_fitting(wire_bytes: int) -> int:
    """The most image bytes one data frame can carry in ``wire_bytes`` on the wire, COBS
    overhead, CRC and delimiter included (at least 1)."""
    payload = max(1, min(MAX_CHUNK, wire_bytes - _DATA_HEADER.size - CRC_LEN - 2))
    while payload > 1 and cobs.max_encoded_length(
            _DATA_HEADER.size + payload + CRC_LEN) + 1 > wire_bytes:
        payload -= 1
    return payload


def parse_binary(body: bytes | memoryview) -> BinaryFrame:
    """Decode a non-JSON body; raise `FrameError` saying what is wrong with it."""
    if not body:
        raise FrameError("empty binary frame")
    kind = body[0]
    if kind == DATA_TYPE:
        if len(body) < _DATA_HEADER.size:
            raise FrameError(f"firmware data frame of {len(body)} bytes is shorter than its header")
        _, transfer_id, offset = _DATA_HEADER.unpack_from(body)
        return FirmwareData(transfer_id, offset, memoryview(body)[_DATA_HEADER.size :])
    if kind == ACK_TYPE:
        if len(body) != _ACK.size:
            raise FrameError(f"firmware ack frame must be {_ACK.size} bytes, got {len(body)}")
        _, transfer_id, next_offset, status = _ACK.unpack(body)
        try:
            return FirmwareAck(transfer_id, next_offset, AckStatus(status))
        except ValueError:
            raise FrameError(f"firmware ack has unknown status {status}") from None
    raise FrameError(f"unknown binary frame type 0x{kind:02x}")
