"""The service gives a burst's freed C heap back to the operating system (issue 20).

glibc keeps what a reconnect storm freed in the middle of its heap resident until
``malloc_trim``; the gc policy's quiet tick calls it (`service.memory_release`). These tests
use the real glibc of this process and its real RSS, a real service over WebSockets on
127.0.0.1, and a C library without the symbol (simulated: macOS, Windows, musl). Ticks get
their time passed in, or the policy's next tick is made due: no clock is waited on.
"""

from __future__ import annotations

import asyncio
import ctypes
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from service import memory_release
from service.memory_release import MemoryRelease
from service.ocpp import gc_policy
from service.server import RunningService, start_service

OCPP = [Subprotocol("ocpp1.6")]
GLIBC = memory_release.glibc_trim() is not None
glibc_only = pytest.mark.skipif(not GLIBC, reason="malloc_trim is glibc's")


def resident_kb() -> int:
    """This process's resident memory (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") // 1024


@pytest.fixture
def release(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryRelease]:
    """A fresh `MemoryRelease` on the real C library as the process's one, and the gc
    policy mid-life with its next tick due."""
    fresh = MemoryRelease(memory_release.glibc_trim())
    monkeypatch.setattr(memory_release, "RELEASE", fresh)
    monkeypatch.setattr(gc_policy, "_next_tick", 0.0)
    monkeypatch.setattr(gc_policy, "_next_full", 1e12)
    monkeypatch.setattr(gc_policy, "_messages", 0)
    try:
        yield fresh
    finally:
        import gc
        gc.unfreeze()


@glibc_only
def test_a_quiet_tick_gives_a_bursts_freed_heap_back(release: MemoryRelease) -> None:
    """64 MB of 32 KB blocks (below glibc's mmap threshold: on the heap), 60 MB of them
    freed between every 16th, which stays, as a storm's messages are freed among the
    connections that stay: glibc keeps the pages resident until the quiet tick trims them.
    (With the blocks that stay among the freed ones, no freed run of more than 480 KB can
    sit at the heap's top, which glibc would give back by itself, wherever earlier tests
    left free chunks.)"""
    burst = [b"\x01" * 32_768 for _ in range(2_048)]
    kept = burst[15::16]
    del burst
    freed_but_resident = resident_kb()
    gc_policy.tick(now=10.0)  # one message in the last second: quiet
    assert release.trims == 1
    assert freed_but_resident - resident_kb() > 32_768  # at least half the burst returned
    assert kept


@glibc_only
def test_a_busy_tick_does_not_trim(release: MemoryRelease) -> None:
    gc_policy._next_tick = 10.0
    for _ in range(gc_policy.BUSY_MESSAGES + 1):
        gc_policy.tick(now=5.0)  # not due: only counted
    gc_policy.tick(now=10.0)  # the storm still going: young collection, no trim
    assert release.trims == 0


@glibc_only
def test_trims_are_rate_limited() -> None:
    release = MemoryRelease(memory_release.glibc_trim(), min_interval_s=10.0)
    assert release.quiet(now=100.0)
    assert not release.quiet(now=105.0)
    assert release.quiet(now=110.0)
    assert release.trims == 2


def test_without_malloc_trim_everything_is_a_no_op(monkeypatch: pytest.MonkeyPatch) -> None:
    """macOS and Windows (not Linux) and musl (Linux, no such symbol): no trim, no error."""
    monkeypatch.setattr(sys, "platform", "darwin")
    assert memory_release.glibc_trim() is None
    monkeypatch.setattr(sys, "platform", "win32")
    assert memory_release.glibc_trim() is None

    class Musl:  # a C library that has no malloc_trim: ctypes raises AttributeError
        def __getattr__(self, name: str) -> Any:
            raise AttributeError(name)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(ctypes, "CDLL", lambda _name: Musl())
    assert memory_release.glibc_trim() is None
    release = MemoryRelease(memory_release.glibc_trim())
    assert not release.available
    assert not release.quiet(now=0.0)
    assert not release.trim_now()
    assert not release.busy(0.0)  # an ebb plans nothing either
    assert release.trims == 0


def test_the_gc_policy_ticks_without_malloc_trim(monkeypatch: pytest.MonkeyPatch) -> None:
    release = MemoryRelease(trim=None)
    monkeypatch.setattr(memory_release, "RELEASE", release)
    monkeypatch.setattr(gc_policy, "_next_tick", 0.0)
    monkeypatch.setattr(gc_policy, "_next_full", 1e12)
    monkeypatch.setattr(gc_policy, "_messages", 0)
    try:
        gc_policy.tick(now=10.0)
    finally:
        import gc
        gc.unfreeze()
    assert release.trims == 0


async def _boot(websocket: ClientConnection, name: str) -> None:
    """BootNotification, answering the service's own calls until the boot's answer."""
    await websocket.send(json.dumps([2, "b", "BootNotification", {
        "chargePointVendor": "Burst", "chargePointModel": name}]))
    while True:
        message = json.loads(await websocket.recv())
        if message[0] == 3 and message[1] == "b":
            return
        if message[0] == 2:
            await websocket.send(json.dumps([4, message[1], "NotSupported", "", {}]))


@glibc_only
async def test_after_a_burst_of_connections_the_next_quiet_message_trims(
        service: RunningService, release: MemoryRelease) -> None:
    """50 poles connect, boot and leave over real WebSockets; the next message the service
    gets, in a quiet second, runs the trim through the real glibc."""
    async with connect(f"{service.ocpp_url}/PW-STAYS", subprotocols=OCPP) as stays:
        await _boot(stays, "stays")
        for index in range(50):
            async with connect(f"{service.ocpp_url}/PW-BURST-{index:02d}",
                               subprotocols=OCPP) as websocket:
                await _boot(websocket, "burst")
        trims_after_burst = release.trims
        gc_policy._next_tick, gc_policy._messages = 0.0, 0  # the next message is a quiet tick
        release._next = 0.0
        await stays.send(json.dumps([2, "h", "Heartbeat", {}]))
        while json.loads(await stays.recv())[:2] != [3, "h"]:
            pass
    assert release.trims == trims_after_burst + 1


async def test_after_a_storm_settles_a_trim_follows_but_not_after_a_few_poles(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A storm's boots settling (`Admission.on_settled`) is the second occasion to trim: a
    fleet of thousands at tender traffic never has a quiet tick. Fewer than `STORM_POLES`
    poles free too little to be worth a walk of the arenas."""
    monkeypatch.setattr(memory_release, "AFTER_STORM_S", 0.0)
    trimmed = asyncio.Event()
    told: list[int] = []

    def trim(pad: int) -> int:
        told.append(pad)
        trimmed.set()
        return 1

    release = MemoryRelease(trim, min_interval_s=0.0)
    release.after_storm(memory_release.STORM_POLES - 1)  # a few poles: nothing scheduled
    release.after_storm(memory_release.STORM_POLES)
    await asyncio.wait_for(trimmed.wait(), 5)
    await asyncio.sleep(0)  # had the first been scheduled, it would have run before this
    assert told == [0] and release.trims == 1 and release.released == 1


async def test_after_a_storm_without_malloc_trim_nothing_is_scheduled() -> None:
    release = MemoryRelease(trim=None)
    release.after_storm(10 * memory_release.STORM_POLES)
    assert release.trims == 0 and not release.available


@glibc_only
async def test_the_service_trims_once_a_storms_boots_have_settled(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A real service over WebSockets: once a pole's boot has settled the admission (here
    one pole is a storm), the service trims through the real glibc with no further message
    and no quiet gc tick (made never due), so a storm's freed heap goes back while the
    fleet stays busy."""
    trimmed = asyncio.Event()
    glibc = memory_release.glibc_trim()
    assert glibc is not None

    def trim(pad: int) -> int:
        trimmed.set()
        return glibc(pad)

    release = MemoryRelease(trim)
    monkeypatch.setattr(memory_release, "RELEASE", release)
    monkeypatch.setattr(memory_release, "STORM_POLES", 1)
    monkeypatch.setattr(memory_release, "AFTER_STORM_S", 0.0)
    monkeypatch.setattr(gc_policy, "_next_tick", 1e12)  # no quiet tick: only the storm trims
    service = await start_service(f"sqlite:///{tmp_path / 'csms.sqlite'}",
                                  token_file=tmp_path / "tokens")
    try:
        async with connect(f"{service.ocpp_url}/PW-STORM", subprotocols=OCPP) as websocket:
            await _boot(websocket, "storm")
            await asyncio.wait_for(trimmed.wait(), 30)  # still connected, nothing sent
    finally:
        await service.stop()
    assert release.trims == 1


async def test_a_bursts_ebb_trims_while_the_fleet_stays_busy(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A storm's backlog flushed, the fleet's steady traffic going on: no tick is quiet, but
    the message rate falling below `EBB_SHARE` of its height is the end of the burst, and
    a trim follows. Steady traffic's ups and downs after it (rebuilt from zero after the
    trim) plan none."""
    monkeypatch.setattr(memory_release, "AFTER_STORM_S", 0.0)
    trimmed = asyncio.Event()

    def trim(_pad: int) -> int:
        trimmed.set()
        return 1

    release = MemoryRelease(trim, min_interval_s=0.0)
    for rate in (800.0, 4_000.0, 4_600.0, 2_400.0):  # boots, the backlog, a slow second
        assert not release.busy(rate)
    assert release.busy(2_000.0)  # under half of 4,600: the backlog is flushed
    await asyncio.wait_for(trimmed.wait(), 5)
    assert release.trims == 1
    for rate in (2_000.0, 2_300.0, 1_800.0, 1_200.0):  # steady traffic: no new burst
        assert not release.busy(rate)
    assert release.trims == 1


async def test_the_gc_policy_tells_a_busy_ticks_message_rate(
        release: MemoryRelease, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rate is counted over the time since the previous tick, not the nominal second:
    a tick delayed to 2 s after a busy one (the loop stalled by the storm) with as many
    messages as before is half the rate."""
    told: list[float] = []
    monkeypatch.setattr(release, "busy", lambda rate: told.append(rate) or False)
    gc_policy._next_tick = 11.0  # the previous tick was at 10 s
    for second, messages in ((11.0, 4_000), (12.0, 3_000), (14.0, 3_000)):
        for _ in range(messages - 1):
            gc_policy.tick(now=gc_policy._next_tick - 0.5)  # counted, not due
        gc_policy.tick(now=second)
    assert told == [4_000.0, 3_000.0, 1_500.0]
