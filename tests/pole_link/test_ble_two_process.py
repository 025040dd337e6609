"""BLE across two processes, as in the demo: ``paalwerk sim --ble`` owns the virtual radio,
this process joins it over the ``tcp-client:`` HCI transport the sim printed."""

from __future__ import annotations

import asyncio
import re

import pytest

from pole_link.ble_bumble.host import close_shared_hosts
from pole_link.errors import LinkLost
from pole_link.session import PoleSession
from pole_link.transports.ble import TRANSPORT_ENV, BleLink, BleOptions
from tests.ble_support import BleSimProcess, ble_sim, read_lines
from tests.support import SimProcess

__all__ = ["ble_sim"]


@pytest.fixture(autouse=True)
async def _close_bumble_hosts() -> object:
    yield None
    await close_shared_hosts()


async def test_two_process_tcp_hci_negotiates_mtu_247_and_carries_2kb_frames_in_mtu_chunks(
    ble_sim: BleSimProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    (address, transport), = ble_sim.ble_poles(1).values()
    assert transport.startswith("tcp-client:127.0.0.1:")
    monkeypatch.setenv(TRANSPORT_ENV, transport)
    found = await BleLink.discover(BleOptions(scan_timeout=1.0))
    assert [(p.pole_id, p.target) for p in found] == [("PW-0001", address)]
    link = BleLink(address)
    async with PoleSession(link) as session:
        assert link.mtu == 247
        assert link.stream is not None
        link.stream.received_chunks.clear()
        configuration = await session.get_configuration()
        chunks = list(link.stream.received_chunks)
    assert configuration["PoleId"] == "PW-0001"
    assert sum(chunks) >= 2048
    assert chunks[:-1] == [244] * (len(chunks) - 1)  # MTU − 3 each, the rest in the last
    assert 0 < chunks[-1] <= 244


async def test_radio_process_going_away_ends_the_link_with_link_lost(
    ble_sim: BleSimProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    (address, transport), = ble_sim.ble_poles(1).values()
    monkeypatch.setenv(TRANSPORT_ENV, transport)
    session = PoleSession(BleLink(address))
    await session.open()
    try:
        async with session.live(100) as samples:
            await anext(samples)
            ble_sim.kill()
            with pytest.raises(LinkLost):
                async with asyncio.timeout(10):
                    async for _ in samples:
                        pass
    finally:
        await session.close()


async def test_a_second_client_process_finds_the_pole_after_the_first_exits(
    ble_sim: BleSimProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first client's host goes away without disconnecting; the pole advertises again."""
    (address, transport), = ble_sim.ble_poles(1).values()
    monkeypatch.setenv(TRANSPORT_ENV, transport)
    session = PoleSession(BleLink(address))
    await session.open()
    await close_shared_hosts()  # like a client process that exits mid-session
    await session.close()
    async with PoleSession(BleLink(address)) as again:
        assert again.identity is not None and again.identity.pole_id == "PW-0001"


def test_serial_and_ble_lines_come_first_serial_then_ble_one_per_pole() -> None:
    sim = SimProcess("--serial", "--ble", "--poles", "2")
    try:
        lines = read_lines(sim.process, sim.lines, 4)
        assert [line.split()[:2] for line in lines] == [
            ["PW-0001", "serial"], ["PW-0002", "serial"], ["PW-0001", "ble"], ["PW-0002", "ble"]]
        ble = [line.split() for line in lines[2:]]
        for _, _, address, transport in ble:
            assert re.fullmatch(r"([0-9A-F]{2}:){5}[0-9A-F]{2}", address)
            assert re.fullmatch(r"tcp-client:127\.0\.0\.1:\d+", transport)
        assert ble[0][2] != ble[1][2]  # every device on the link has its own address
    finally:
        assert sim.stop() == 0
    assert sim.process.stderr is not None
    assert "Traceback" not in sim.process.stderr.read()


def test_ble_sim_stops_cleanly_on_sigterm(ble_sim: BleSimProcess) -> None:
    ble_sim.ble_poles(1)
    assert ble_sim.stop() == 0
    assert ble_sim.process.stderr is not None
    assert "Traceback" not in ble_sim.process.stderr.read()
