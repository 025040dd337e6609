"""Smart charging on a virtual pole, seen as a technician sees it: over the serial port.

Everything here goes through pyserial, a real pseudo-terminal and the ``Live``
stream; the pole's clock is moved with ``SimClock`` as a test tool would.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from pole_link.live import LiveSample
from pole_link.profiles import TenderProfileSettings, build_capacity_profile
from pole_link.session import PoleSession
from pole_link.transports.serial import SerialLink
from tests.conftest import ServedPole, serve_pole, stop_tasks

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DAY = date(2026, 11, 25)


@pytest.fixture
async def evening() -> AsyncIterator[tuple[PoleSession, ServedPole]]:
    """A pole at 16:58 Amsterdam time with the tender profile installed over serial."""
    start = datetime(DAY.year, DAY.month, DAY.day, 16, 58, tzinfo=AMSTERDAM)
    served, tasks = await serve_pole(start=start)
    session = PoleSession(SerialLink(served.path))
    try:
        await session.open()
        await session.authenticate("demo")
        await session.data_transfer("SimClock", {"speed": 0.001})  # pole time nearly still
        profile = build_capacity_profile(TenderProfileSettings(), DAY).to_ocpp()
        assert (await session.set_charging_profile(0, profile)).status == "Accepted"
        yield session, served
    finally:
        await session.close()
        await stop_tasks(tasks)
        await served.port.close()


async def advance(session: PoleSession, seconds: float) -> None:
    await session.data_transfer("SimClock", {"advanceSeconds": seconds})


async def live(session: PoleSession) -> LiveSample:
    async with session.live(50) as samples:
        async with asyncio.timeout(5):
            return await anext(samples)


async def plug_and_card(session: PoleSession, connector_id: int, ev_type: str) -> None:
    await session.data_transfer("SimPlug", {"connectorId": connector_id, "evType": ev_type})
    answer = await session.data_transfer("SimPresentCard",
                                         {"connectorId": connector_id, "idTag": f"C{connector_id}"})
    assert answer["status"] == "Accepted"


def total(sample: LiveSample) -> float:
    return max(sum(s.current_a[phase] for s in sample.sockets) for phase in range(3))


async def test_tender_profile_reads_back_with_the_7a_peak_at_17_local(
    evening: tuple[PoleSession, ServedPole],
) -> None:
    session, _ = evening
    composite = await session.composite_schedule(0, 6 * 3600)
    start = datetime.fromisoformat(composite["scheduleStart"])
    periods = composite["chargingSchedule"]["chargingSchedulePeriod"]
    steps = [(start + timedelta(seconds=p["startPeriod"])).astimezone(AMSTERDAM) for p in periods]
    assert [(f"{t:%H:%M}", p["limit"]) for t, p in zip(steps, periods, strict=True)] == [
        ("16:58", 30.0), ("17:00", 7.0), ("21:00", 30.0)]


async def test_eis67_two_evs_share_30a_before_17(evening: tuple[PoleSession, ServedPole]
                                                 ) -> None:
    session, _ = evening
    await plug_and_card(session, 1, "ev3")
    await plug_and_card(session, 2, "ev3")
    # Socket 1 is lowered first; socket 2 is raised once that has had its 5 s to take effect.
    await advance(session, 10)
    sample = await live(session)
    assert sample.limit_a == 30.0
    assert [s.offered_current_a for s in sample.sockets] == [15.0, 15.0]
    assert [s.status for s in sample.sockets] == ["Charging", "Charging"]
    assert total(sample) == 30.0


async def test_eis20_eis31_from_17_total_stays_within_7a_one_paused_and_rotating(
    evening: tuple[PoleSession, ServedPole],
) -> None:
    session, _ = evening
    await plug_and_card(session, 1, "ev3")
    await plug_and_card(session, 2, "ev3")
    await advance(session, 5)
    seen_in_peak: list[LiveSample] = []
    for _ in range(30):  # 16:58:05 → 17:03:05 in 10 s jumps, every jump's sample checked
        await advance(session, 10)
        sample = await live(session)
        assert total(sample) <= sample.limit_a
        if sample.timestamp.astimezone(AMSTERDAM).hour == 17:
            seen_in_peak.append(sample)
    peak = seen_in_peak[-1]
    assert peak.limit_a == 7.0 and total(peak) <= 7.0
    paused = [s for s in peak.sockets if s.offered_current_a == 0]
    assert len(paused) == 1 and paused[0].status == "SuspendedEVSE"
    await advance(session, 15 * 60)
    rotated = await live(session)
    assert rotated.socket(paused[0].connector_id).status == "Charging"
    assert total(rotated) <= 7.0


async def test_overrule_lifts_one_transaction_to_25a_while_the_other_keeps_its_share(
    evening: tuple[PoleSession, ServedPole],
) -> None:
    session, _ = evening
    await advance(session, 3 * 60)  # 17:01, in the peak
    await plug_and_card(session, 1, "ev3")
    await advance(session, 5)
    await plug_and_card(session, 2, "ev3")
    await advance(session, 5)
    assert (await session.data_transfer("SimOverrule", {"connectorId": 2}))["status"] == \
        "Accepted"
    await advance(session, 10)
    sample = await live(session)
    assert sample.limit_a == 25.0
    assert sample.socket(2).overruled and not sample.socket(1).overruled
    assert sample.socket(1).offered_current_a == 7.0
    assert sample.socket(2).offered_current_a == 18.0
    assert total(sample) <= 25.0


async def test_eis30_zoe_is_recognised_in_the_peak_and_offered_13a_or_more(
    evening: tuple[PoleSession, ServedPole],
) -> None:
    session, served = evening
    await advance(session, 3 * 60)
    await plug_and_card(session, 1, "zoe")
    await advance(session, 10)
    waiting = (await live(session)).socket(1)
    assert (waiting.offered_current_a, waiting.status) == (7.0, "SuspendedEV")
    await advance(session, 70)
    sample = await live(session)
    socket = sample.socket(1)
    assert socket.offered_current_a >= 13.0 and socket.status == "Charging"
    assert socket.low_current_vehicle and not socket.overruled
    assert sample.limit_a == 25.0
    assert [kind for kind, _ in served.pole.reports] == ["LowCurrentVehicle"]


async def test_eis43_power_cut_ends_the_transaction_and_nothing_restarts(
    evening: tuple[PoleSession, ServedPole],
) -> None:
    session, served = evening
    await plug_and_card(session, 1, "ev3")
    await advance(session, 5)
    await session.data_transfer("SimPowerCut", {"seconds": 30})
    served.pole.scheduler.advance(31)  # the port is dead during the outage
    await session.hello()
    await session.authenticate("demo")
    await advance(session, 600)
    socket = (await live(session)).socket(1)
    assert socket.transaction_id is None and socket.status == "Preparing"
    assert socket.current_a == (0.0, 0.0, 0.0) and socket.voltage_v == (0.0, 0.0, 0.0)
    assert served.pole.ended[-1].reason == "PowerLoss"


async def test_eis18_eis19_rcd_trip_gives_faulted_groundfailure_and_blinking_red(
    evening: tuple[PoleSession, ServedPole],
) -> None:
    session, served = evening
    await plug_and_card(session, 1, "ev3")
    await advance(session, 5)
    await session.data_transfer("SimFault", {"connectorId": 1, "kind": "rcd"})
    socket = (await live(session)).socket(1)
    assert socket.status == "Faulted"
    assert (socket.led.colour, socket.led.blinking) == ("red", True)
    assert socket.current_a == (0.0, 0.0, 0.0)
    assert served.pole.socket(1).error_code == "GroundFailure"
    other = (await live(session)).socket(2)
    assert other.status == "Available"  # the trip is per socket
