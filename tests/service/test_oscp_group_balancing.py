"""A grid operator's forecast caps the sum of a grid group's poles (issue 22; eis 32, 63):
three virtual poles over OCPP, a capacity provider over HTTP, the split deployed as
profiles and the poles' actual currents measured through the block."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pole_link.sim.clock import SimClock
from pole_link.sim.pole import VirtualPole
from pole_link.sim.vehicles import EvType
from service.oscp.balancer import GROUP_PROFILE_ID, GROUP_PROFILE_IDS
from tests.oscp_support import CapacityProvider, capacity_provider
from tests.support import Api, connected_pole, running_service, until

pytestmark = pytest.mark.asyncio

START = datetime(2026, 11, 25, 11, tzinfo=UTC)  # 12:00 in Amsterdam: outside the peak
GROUP = "cable-7"
POLES = ("PW-0001", "PW-0002", "PW-0003")


def actual_a(pole: VirtualPole) -> float:
    """What the pole's vehicles draw now, per phase (the highest phase)."""
    pole.physics.meter()
    return sum(max(socket.current_a) for socket in pole.sockets)


def group_profile(pole: VirtualPole) -> object | None:
    return next((p for _c, p in pole.profiles.profiles() if p.profile_id == GROUP_PROFILE_ID),
                None)


@asynccontextmanager
async def grid_group(tmp_path: Path, clock: SimClock
                     ) -> AsyncIterator[tuple[Api, CapacityProvider, list[VirtualPole]]]:
    async with AsyncExitStack() as stack:
        api = await stack.enter_async_context(running_service(tmp_path, clock=clock.now))
        services = api.service.services
        services.grid.raise_delay_s = 2.5  # virtual EVs follow a new offer after 2 s
        _partner, initial = services.oscp.partners.add("enexis", "Enexis")
        cp = await stack.enter_async_context(capacity_provider(api.url, initial))
        await cp.register()
        await cp.handshake(heartbeat_interval=60)
        poles = []
        for pole_id in POLES:
            services.oscp.groups.set(pole_id, GROUP)
            connected = await stack.enter_async_context(connected_pole(
                api.service.ocpp_url, tmp_path, pole_id, start=clock.now()))
            poles.append(connected.pole)
        yield api, cp, poles


async def charge(pole: VirtualPole, connector: int = 1) -> None:
    pole.plug(connector, EvType.EV3)
    pole.present_card(connector, f"CARD-{pole.pole_id}")
    await until(lambda: pole.socket(connector).transaction is not None
                and pole.socket(connector).transaction.csms_id is not None)  # type: ignore[union-attr]


def forecast(start: datetime, seconds: float, amps: float) -> dict[str, object]:
    return {"group_id": GROUP, "type": "CONSUMPTION", "forecasted_blocks": [
        {"capacity": amps, "phase": "ALL", "unit": "A", "start_time": start.isoformat(),
         "end_time": (start + timedelta(seconds=seconds)).isoformat()}]}


async def test_eis32_eis63_group_sum_stays_within_forecast_and_resplits(
        tmp_path: Path) -> None:
    clock = SimClock(START)
    async with grid_group(tmp_path, clock) as (api, cp, (p1, p2, p3)):
        grid = api.service.services.grid
        await charge(p1)
        await charge(p2)
        await until(lambda: actual_a(p1) > 29 and actual_a(p2) > 29)  # the tender's 30 A
        begin = clock.now() + timedelta(seconds=6)
        answer = await cp.call("update_group_capacity_forecast", forecast(begin, 24, 40))
        assert answer.status_code == 204
        # Deployed ahead of the block: two charging poles share, the idle one keeps 6 A.
        await until(lambda: all(group_profile(p) is not None for p in (p1, p2, p3)))
        assert grid.states[GROUP].split.offers == {"PW-0001": 17.0, "PW-0002": 17.0,
                                                   "PW-0003": 6.0}
        assert grid.states[GROUP].problems == []  # GetCompositeSchedule agreed
        sums: list[float] = []

        async def watch(until_moment: datetime) -> None:
            while clock.now() < until_moment:
                if clock.now() >= begin:
                    sums.append(sum(actual_a(p) for p in (p1, p2, p3)))
                await asyncio.sleep(0.05)

        watcher = asyncio.create_task(watch(begin + timedelta(seconds=24)))
        await until(lambda: clock.now() >= begin + timedelta(seconds=6), timeout=20)
        assert 33 < sums[-1] <= 34.0  # both vehicles follow their 17 A
        await charge(p3)  # a third vehicle mid-block: everyone gets a third
        await until(lambda: grid.states[GROUP].split.offers.get("PW-0003") == 13.3)
        await until(lambda: actual_a(p3) > 13, timeout=15)
        await watcher
        assert max(sums) <= 40.0 + 0.05, f"group drew {max(sums):.1f} A over its 40 A"
        assert sums[-1] > 39  # and it used what it got
        # The block ended: the group profile is gone, the tender profile governs again.
        await until(lambda: all(group_profile(p) is None for p in (p1, p2, p3)), timeout=15)
        await until(lambda: actual_a(p1) > 29, timeout=15)
        assert p1.limit_a() == 30.0


async def test_eis63_offline_pole_of_the_group_gets_a_compliance_error(
        tmp_path: Path) -> None:
    clock = SimClock(START)
    async with grid_group(tmp_path, clock) as (api, cp, (p1, _p2, _p3)):
        api.service.services.oscp.groups.set("PW-0009", GROUP)  # never connected
        await charge(p1)
        answer = await cp.call("update_group_capacity_forecast",
                               forecast(clock.now() - timedelta(seconds=1), 600, 60))
        assert answer.status_code == 204
        error = await cp.next("group_capacity_compliance_error")
        assert "PW-0009 is offline" in error.body["message"]
        assert error.body["forecasted_blocks"][0]["capacity"] == 60
        # What it may still draw (its 30 A) is held back from the others.
        await until(lambda: api.service.services.grid.states[GROUP].split.total > 0)
        assert api.service.services.grid.states[GROUP].split.total <= 30.0


async def test_eis32_back_to_back_blocks_the_lower_next_one_is_on_the_poles_before_it_starts(
        tmp_path: Path) -> None:
    clock = SimClock(START)
    async with grid_group(tmp_path, clock) as (_api, cp, (p1, p2, _p3)):
        await charge(p1)
        await charge(p2)
        await until(lambda: actual_a(p1) > 29 and actual_a(p2) > 29)
        begin = clock.now() + timedelta(seconds=4)
        boundary = begin + timedelta(seconds=14)
        blocks = {"group_id": GROUP, "type": "CONSUMPTION", "forecasted_blocks": [
            {"capacity": cap, "phase": "ALL", "unit": "A", "start_time": start.isoformat(),
             "end_time": (start + timedelta(seconds=14)).isoformat()}
            for start, cap in ((begin, 46), (boundary, 30))]}
        answer = await cp.call("update_group_capacity_forecast", blocks)
        assert answer.status_code == 204
        samples: list[tuple[datetime, float]] = []
        ahead: list[bool] = []

        async def watch() -> None:
            while clock.now() < boundary + timedelta(seconds=14):
                if clock.now() >= begin:
                    samples.append((clock.now(), sum(actual_a(p) for p in (p1, p2, _p3))))
                if clock.now() < boundary:  # both blocks' profiles on the poles
                    ahead.append(all(len(group_profiles(p)) == 2 for p in (p1, p2)))
                await asyncio.sleep(0.05)

        await watch()
        assert any(ahead), "the next block's profile never reached the poles before it"
        over = [(at, amps) for at, amps in samples
                if amps > (46.0 if at < boundary else 30.0) + 0.05]
        assert over == [], f"the group drew more than the block in force: {over[:5]}"
        # The idle third pole keeps 6 A: the two charging share the rest, 12 A each.
        assert max(amps for at, amps in samples if at >= boundary) > 23


def group_profiles(pole: VirtualPole) -> list[object]:
    return [p for _c, p in pole.profiles.profiles() if p.profile_id in GROUP_PROFILE_IDS]


async def test_eis32_a_session_running_before_its_pole_joins_a_group_counts_as_charging(
        tmp_path: Path) -> None:
    """A fleet without grid groups has no balancer following its events (issue 20); the
    pole put in a group later is split as charging, from storage, not only from its next
    start — and its stop is heard from then on."""
    clock = SimClock(START)
    async with running_service(tmp_path, clock=clock.now) as api:
        services = api.service.services
        async with connected_pole(api.service.ocpp_url, tmp_path, "PW-0001",
                                  start=clock.now()) as connected:
            pole = connected.pole
            await charge(pole)
            transaction = pole.socket(1).transaction
            assert transaction is not None
            assert not services.live_hub.has_clients and services.grid.charging == {}
            await services.oscp.set_group("PW-0001", GROUP)
            await until(lambda: services.grid.charging.get("PW-0001") == {transaction.csms_id})
            assert services.live_hub.has_clients
            pole.unplug(1)
            await until(lambda: services.grid.charging.get("PW-0001") == set())
