"""Fixtures: virtual poles on real pseudo-terminals, in this process or as a child process."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from pole_link.protocol.connection import FramedConnection
from pole_link.session import PoleSession
from pole_link.sim.clock import SimClock
from pole_link.sim.pole import VirtualPole
from pole_link.sim.pty_port import PtyPort
from pole_link.sim.service_port import ServicePortEnd
from pole_link.transports.serial import SerialLink
from tests.support import Api, SimProcess, postgres_schema, running_service

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@dataclass
class ServedPole:
    """A virtual pole served on a real pseudo-terminal inside the test's event loop."""

    pole: VirtualPole
    port: PtyPort
    end: ServicePortEnd

    @property
    def path(self) -> str:
        return self.port.path


async def serve_pole(pole_id: str = "PW-0001", *, idle_timeout_s: float = 60.0,
                     start: datetime | None = None,
                     ) -> tuple[ServedPole, list[asyncio.Task[None]]]:
    pole = VirtualPole(pole_id, clock=SimClock(start))
    port = PtyPort()
    end = ServicePortEnd(pole, FramedConnection(port), idle_timeout_s=idle_timeout_s)
    tasks = [asyncio.create_task(end.serve()), asyncio.create_task(pole.scheduler.run())]
    return ServedPole(pole, port, end), tasks


async def stop_tasks(tasks: list[asyncio.Task[None]]) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


@pytest.fixture
def pole_start() -> datetime | None:
    """Where `served_pole`'s clock starts; None: now. A module whose checks depend on the
    time of day overrides this, so they hold on any date."""
    return None


@pytest.fixture
async def served_pole(pole_start: datetime | None) -> AsyncIterator[ServedPole]:
    served, tasks = await serve_pole(start=pole_start)
    yield served
    await stop_tasks(tasks)
    await served.port.close()
    assert served.pole.scheduler.failures == [], "a pole event raised during the test"


@pytest.fixture
async def session(served_pole: ServedPole) -> AsyncIterator[PoleSession]:
    """A PoleSession over pyserial to the in-process pole, Hello done, not yet authorised."""
    pole_session = PoleSession(SerialLink(served_pole.path))
    await pole_session.open()
    yield pole_session
    await pole_session.close()


@pytest.fixture
def sim_process() -> Iterator[SimProcess]:
    """One ``paalwerk sim --serial`` child process (PW-0001)."""
    process = SimProcess("--poles", "1")
    yield process
    if process.process.poll() is None:
        process.kill()


@pytest.fixture(autouse=True)
async def no_leaked_tasks() -> AsyncIterator[None]:
    """Fail a test that leaves asyncio tasks running: a leaked task is a leaked resource."""
    before = asyncio.all_tasks()
    yield
    await asyncio.sleep(0)  # let cancelled tasks finish
    leaked = [task for task in asyncio.all_tasks() - before
              if task is not asyncio.current_task() and not task.done()]
    for _ in range(50):  # give closing transports a moment
        if not leaked:
            break
        await asyncio.sleep(0.02)
        leaked = [task for task in leaked if not task.done()]
    assert not leaked, f"tasks left running: {[task.get_name() for task in leaked]}"


@pytest.fixture
def service_now() -> datetime | None:
    """Where the `api` fixture's service clock starts; None: the wall clock. A module whose
    poles live at a fixed date overrides this with that date, so the service agrees."""
    return None


@pytest.fixture(params=["sqlite", "postgresql"])
async def api(request: pytest.FixtureRequest, tmp_path: Path,
              service_now: datetime | None) -> AsyncIterator[Api]:
    """The CSMS with an authorised API client: on a SQLite file in ``tmp_path``, and on
    PostgreSQL (``$PAALWERK_TEST_PG``, a schema of its own) when that is set."""
    clock = None if service_now is None else SimClock(service_now).now
    if request.param == "sqlite":
        async with running_service(tmp_path, clock=clock) as running:
            yield running
        return
    with postgres_schema() as url:
        async with running_service(tmp_path, url, clock=clock) as running:
            yield running
