"""`SerialLine`: a virtual service cable at a real baud rate, and a firmware upload over it.

A pseudo-terminal moves bytes as fast as the CPUs copy them; a technician's cable
moves baud ÷ 10 bytes/s. The line stands in for that cable (benchmarks measure the
upload's efficiency on it); here it must carry every byte unchanged both ways, and a
signed image must install over it at PROTOCOL.md's default 115200 baud, where the
client's writes block on the line instead of vanishing into a pseudo-terminal.
"""

from __future__ import annotations

import os
import select
import tty
from collections.abc import Iterator

import pytest

from pole_link.session import PoleSession
from pole_link.sim.serial_line import SerialLine, line_rate
from pole_link.transports.serial import SerialLink, SerialOptions
from tests.conftest import ServedPole
from tests.firmware_support import Manufacturer, Progress, trust


@pytest.fixture
def far_end() -> Iterator[tuple[int, str]]:
    """A pseudo-terminal standing in for a pole's port: (its master, its slave path)."""
    master, slave = os.openpty()
    yield master, os.ttyname(slave)
    os.close(master)
    os.close(slave)


def read_exactly(fd: int, size: int) -> bytes:
    received = bytearray()
    while len(received) < size:
        ready, _, _ = select.select([fd], [], [], 10)
        assert ready, f"the line delivered {len(received)} of {size} bytes, then nothing"
        received += os.read(fd, size - len(received))
    return bytes(received)


def test_a_serial_line_carries_every_byte_unchanged_both_ways(
        far_end: tuple[int, str]) -> None:
    pole, pole_path = far_end
    line = SerialLine(pole_path, 921_600)
    line.start()
    client = os.open(line.path, os.O_RDWR | os.O_NOCTTY)
    try:
        tty.setraw(client)
        to_pole = os.urandom(20_000)
        os.write(client, to_pole)
        assert read_exactly(pole, len(to_pole)) == to_pole

        to_client = os.urandom(3_000)
        os.write(pole, to_client)
        assert read_exactly(client, len(to_client)) == to_client
    finally:
        os.close(client)
        line.close()


def test_a_line_carries_a_tenth_of_its_baud_rate_in_bytes() -> None:
    assert line_rate(115_200) == 11_520  # 8N1: ten bits on the wire per byte
    with pytest.raises(ValueError, match="positive baud"):
        SerialLine("/dev/null", 0)


async def test_eis69_a_signed_image_installs_over_a_115200_baud_cable(
        served_pole: ServedPole) -> None:
    maker = Manufacturer.make(served_pole.pole.clock.now())
    line = SerialLine(served_pole.path, 115_200)
    line.start()
    try:
        session = PoleSession(SerialLink(line.path, SerialOptions(baudrate=115_200)))
        async with session:
            await session.authenticate("demo")
            assert await trust(session, maker) == "Accepted"
            package = maker.package("2.0.0", 24 * 1024)  # about 2 s of line
            progress = Progress()
            result = await session.upload_firmware(package, progress=progress)

            assert (result.status, result.version, result.resumed_from) == (
                "Installed", "2.0.0", 0)
            assert result.bytes_sent == package.manifest.size and result.resends == 0
            assert progress.reports[-1] == (package.manifest.size, package.manifest.size)
            assert (await session.reopen()).firmware_version == "2.0.0"
    finally:
        line.close()
