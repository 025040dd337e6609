"""eis 69 on site over BLE: bleak (bumble backend) to a virtual pole's GATT service port.

The same FirmwareBegin / data frames / FirmwareCommit as over serial, chunked into
ATT writes of the negotiated MTU; the pole drops the central when it reboots into
the new firmware, as a restarting radio would.
"""

from __future__ import annotations

import asyncio

import pytest

from pole_link.errors import LinkLost
from pole_link.session import PoleSession
from pole_link.sim.pole import FIRMWARE_VERSION
from pole_link.transports.ble import BleLink
from tests.ble_support import BleRadio, ble
from tests.firmware_support import (
    Manufacturer,
    Progress,
    data_after_last_begin,
    last_resume_offset,
    trust,
)

__all__ = ["ble"]  # the fixture, used by name below


@pytest.fixture
def maker(ble: BleRadio) -> Manufacturer:
    return Manufacturer.make(ble.poles[0].pole.clock.now())


async def open_writer(ble: BleRadio, maker: Manufacturer) -> PoleSession:
    session = PoleSession(ble.link())
    await session.open()
    await session.authenticate("demo")
    assert await trust(session, maker) == "Accepted"
    return session


async def test_eis69_a_signed_image_installs_over_ble_and_hello_shows_it_after_reconnect(
    ble: BleRadio, maker: Manufacturer
) -> None:
    session = await open_writer(ble, maker)
    try:
        link = session.link
        assert isinstance(link, BleLink) and link.stream is not None
        package = maker.package("2.0.0", 256 << 10)
        progress = Progress()
        result = await session.upload_firmware(package, progress=progress)
        assert (result.status, result.resends) == ("Installed", 0)
        assert progress.reports[-1] == (package.manifest.size, package.manifest.size)
        # MTU-sized ATT writes carried it: 244 bytes each at the ATT MTU of 247 asked for.
        assert max(link.stream.sent_chunks) == link.stream.chunk_size == 244
        assert link.firmware_chunk_limit < 4096

        identity = await session.reopen()
        assert identity.firmware_version == "2.0.0"
        assert ble.poles[0].pole.firmware.active == "B"
    finally:
        await session.close()


async def test_eis69_a_ble_link_the_pole_drops_at_40_percent_resumes_without_resending(
    ble: BleRadio, maker: Manufacturer
) -> None:
    served = ble.poles[0]
    package = maker.package("2.0.0", 1 << 20)
    size = package.manifest.size
    session = await open_writer(ble, maker)
    dropping: list[asyncio.Task[None]] = []
    cut = Progress(at_share=0.4,
                   action=lambda _: dropping.append(asyncio.ensure_future(
                       served.port.disconnect())))  # walked out of range
    try:
        with pytest.raises(LinkLost):
            await session.upload_firmware(package, progress=cut)
        await asyncio.gather(*dropping)
        transfer = served.pole.firmware.transfer
        assert cut.fired_at is not None and transfer is not None
        assert cut.fired_at <= transfer.held < size

        await session.reopen()
        await session.authenticate("demo")
        result = await session.upload_firmware(package)
        assert result.resumed_from == last_resume_offset(transfer) >= cut.fired_at
        sent_again = data_after_last_begin(transfer)
        assert min(offset for offset, _ in sent_again) == result.resumed_from
        assert all(offset >= result.resumed_from for offset, _ in sent_again)
        identity = await session.reopen()
        assert identity.firmware_version == "2.0.0"
    finally:
        await session.close()


async def test_eis69_an_unhealthy_release_over_ble_rolls_back(
    ble: BleRadio, maker: Manufacturer
) -> None:
    session = await open_writer(ble, maker)
    try:
        await session.upload_firmware(maker.package("2.0.0-unhealthy", 64 << 10))
        assert (await session.reopen()).firmware_version == FIRMWARE_VERSION
        assert "rolled back" in ble.poles[0].pole.firmware.events[-1]
    finally:
        await session.close()
