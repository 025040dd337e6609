"""Firmware frames parse exactly as PROTOCOL.md lays them out, and bad ones say why."""

from __future__ import annotations

import struct

import pytest

from pole_link.errors import FrameError
from pole_link.protocol.binary import (
    MAX_CHUNK,
    AckStatus,
    FirmwareAck,
    FirmwareData,
    parse_binary,
)


def test_data_frame_layout() -> None:
    frame = FirmwareData(transfer_id=0x0102, offset=0x0A0B0C0D, data=b"img")
    assert frame.pack() == b"\x01\x02\x01\x0d\x0c\x0b\x0a" + b"img"
    assert parse_binary(frame.pack()) == frame


def test_ack_frame_layout() -> None:
    ack = FirmwareAck(transfer_id=7, next_offset=4096, status=AckStatus.GAP)
    assert ack.pack() == struct.pack("<BHIB", 2, 7, 4096, 1)
    assert parse_binary(ack.pack()) == ack


def test_chunk_limit_is_max_body_minus_header() -> None:
    assert MAX_CHUNK == 65_536 - 7
    with pytest.raises(FrameError):
        FirmwareData(1, 0, b"x" * (MAX_CHUNK + 1)).pack()


@pytest.mark.parametrize(("body", "reason"), [
    (b"\x01\x00", "shorter than its header"),
    (b"\x02\x00\x00", "must be 8 bytes"),
    (b"\x02\x01\x00\x00\x00\x00\x00\x09", "unknown status"),
    (b"\x7f", "unknown binary frame type 0x7f"),
])
def test_malformed_binary_frames_say_what_is_wrong(body: bytes, reason: str) -> None:
    with pytest.raises(FrameError, match=reason):
        parse_binary(body)
