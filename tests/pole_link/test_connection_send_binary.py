"""`FramedConnection.send_binary`: the same bytes on the wire whether the stream takes
one finished write or parts it pulls while writing (`PartsWriter`, the serial stream)."""

from __future__ import annotations

import os
from collections.abc import Iterable

import pytest

from pole_link.protocol.binary import AckStatus, FirmwareAck, FirmwareData
from pole_link.protocol.connection import FramedConnection, PartsWriter
from pole_link.protocol.frames import FrameDecoder


class Plain:
    """A `ByteStream` that records each write."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []

    async def read(self) -> bytes:
        raise AssertionError("not read here")

    async def write(self, data: bytes) -> None:
        self.writes.append(data)

    async def close(self) -> None:
        pass


class Parts(Plain):
    """A `PartsWriter` that records each write's parts, as it pulls them; it can be told
    to fail half-way through writing a part (a port that went away mid-burst)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[list[bytes]] = []
        self.fail_after: int | None = None

    async def write_parts(self, parts: Iterable[bytes]) -> None:
        pulled: list[bytes] = []
        self.parts.append(pulled)
        for part in parts:
            if self.fail_after is not None and len(pulled) == self.fail_after:
                self.fail_after = None
                pulled.append(part[:len(part) // 2])
                raise OSError("port went away")
            pulled.append(part)


FRAMES = (FirmwareData(7, 0, os.urandom(70_000)[:65_529]),
          FirmwareData(7, 65_529, memoryview(bytes(300))),  # zeros: COBS at work
          FirmwareAck(7, 65_829, AckStatus.GAP))


async def test_parts_are_the_same_bytes_as_one_write() -> None:
    plain, parts = Plain(), Parts()
    assert not isinstance(plain, PartsWriter) and isinstance(parts, PartsWriter)
    await FramedConnection(plain).send_binary(*FRAMES)
    connection = FramedConnection(parts)
    await connection.send_binary(*FRAMES)
    assert parts.writes == []
    assert [b"".join(p) for p in parts.parts] == plain.writes
    assert len(parts.parts[0]) == 2 * len(FRAMES)  # one encoded frame, then its delimiter
    assert connection.counters.frames_out == len(FRAMES)
    decoded = FrameDecoder().feed(b"".join(parts.parts[0]))
    assert decoded == [f.pack() for f in FRAMES]


async def test_after_a_torn_write_of_parts_the_next_starts_with_a_delimiter() -> None:
    parts = Parts()
    parts.fail_after = 2  # the first frame goes out whole, the second half
    decoder = FrameDecoder()
    connection = FramedConnection(parts)
    with pytest.raises(OSError):
        await connection.send_binary(*FRAMES)
    await connection.send_binary(FRAMES[2])
    assert parts.parts[1][0] == b"\x00"
    received = decoder.feed(b"".join(parts.parts[0] + parts.parts[1]))
    assert received == [FRAMES[0].pack(), FRAMES[2].pack()]
    assert decoder.counters.dropped + decoder.counters.crc_errors == 1  # the torn one
