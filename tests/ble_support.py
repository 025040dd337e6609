"""BLE test helpers: virtual poles on a virtual radio in this process, or ``paalwerk sim --ble``.

In-process, the test's own loop owns the radio (bumble's `LocalLink`) and the
client still joins it over an HCI transport on TCP, exactly as a second process
would: one code path for both. Test modules import the fixtures from here
(``from tests.ble_support import ble_poles, ...``).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

import pytest

from pole_link.ble_bumble.host import close_shared_hosts
from pole_link.ble_bumble.radio import VirtualRadio
from pole_link.protocol.connection import FramedConnection
from pole_link.session import PoleSession
from pole_link.sim.ble_port import BlePolePort, pole_address
from pole_link.sim.clock import SimClock
from pole_link.sim.pole import VirtualPole
from pole_link.sim.service_port import ServicePortEnd
from pole_link.transports.ble import BleLink, BleOptions
from tests.support import REPO


@dataclass
class BlePole:
    pole: VirtualPole
    port: BlePolePort
    end: ServicePortEnd

    @property
    def address(self) -> str:
        return self.port.address


@dataclass
class BleRadio:
    """Virtual poles served over BLE, and the HCI transport a client opens to reach them."""

    transport: str
    poles: list[BlePole]
    radio: VirtualRadio
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def options(self, **overrides: object) -> BleOptions:
        return BleOptions(bumble_transport=self.transport, **overrides)  # type: ignore[arg-type]

    def link(self, index: int = 0, **overrides: object) -> BleLink:
        return BleLink(self.poles[index].address, self.options(**overrides))


@contextlib.asynccontextmanager
async def ble_radio(count: int = 1) -> AsyncIterator[BleRadio]:
    """``count`` virtual poles (PW-0001…) on a radio owned by the running loop."""
    radio = VirtualRadio()
    served = BleRadio(await radio.expose(), [], radio)
    try:
        for index in range(1, count + 1):
            pole = VirtualPole(f"PW-{index:04d}", clock=SimClock())
            port = await BlePolePort.start(radio, pole.pole_id, pole_address(index))
            end = ServicePortEnd(pole, FramedConnection(port))
            port.on_disconnect.append(functools.partial(end.end_session, "BLE central left"))
            served.poles.append(BlePole(pole, port, end))
            served.tasks += [
                asyncio.create_task(end.serve(), name=f"{pole.pole_id} ble"),
                asyncio.create_task(pole.scheduler.run(), name=f"{pole.pole_id} clock")]
        yield served
    finally:
        await close_shared_hosts()  # the client side of this loop
        for task in served.tasks:
            task.cancel()
        await asyncio.gather(*served.tasks, return_exceptions=True)
        for ble_pole in served.poles:
            await ble_pole.port.close()
        await radio.close()
        for ble_pole in served.poles:
            assert ble_pole.pole.scheduler.failures == [], "a pole event raised during the test"


@pytest.fixture
async def ble() -> AsyncIterator[BleRadio]:
    async with ble_radio() as served:
        yield served


@pytest.fixture
async def ble_session(ble: BleRadio) -> AsyncIterator[PoleSession]:
    """A PoleSession over bleak (bumble backend) to PW-0001, Hello done, not authorised."""
    session = PoleSession(ble.link())
    await session.open()
    yield session
    await session.close()


def read_lines(process: subprocess.Popen[str], lines: list[str], count: int,
               timeout: float = 20.0) -> list[str]:
    """The first ``count`` lines a sim printed (kept in ``lines``)."""
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    while len(lines) < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"sim printed only {lines}")
        line = process.stdout.readline()
        if not line:
            errors = process.stderr.read() if process.stderr else ""
            raise RuntimeError(f"sim exited: {errors}")
        lines.append(line.rstrip("\n"))
    return lines[:count]


class BleSimProcess:
    """``paalwerk sim --ble`` as a child process: the radio lives there, not here."""

    def __init__(self, *args: str) -> None:
        self.args = ["--ble", *args]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "paalwerk", "sim", *self.args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
        self.lines: list[str] = []

    def read_lines(self, count: int, timeout: float = 20.0) -> list[str]:
        return read_lines(self.process, self.lines, count, timeout)

    def ble_poles(self, count: int) -> dict[str, tuple[str, str]]:
        """``{pole id: (address, transport)}`` from the ``<pole-id> ble <address> <transport>``
        lines."""
        poles = {}
        for line in self.read_lines(count):
            pole_id, kind, address, transport = line.split()
            assert kind == "ble"
            poles[pole_id] = (address, transport)
        return poles

    def stop(self, timeout: float = 10.0) -> int:
        if self.process.poll() is None:
            self.process.terminate()
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()


@pytest.fixture
def ble_sim() -> Iterator[BleSimProcess]:
    """One ``paalwerk sim --ble`` child process (PW-0001)."""
    process = BleSimProcess()
    yield process
    if process.process.poll() is None:
        process.kill()
