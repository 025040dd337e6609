"""The balancer's bookkeeping without poles (issue 22, eis 32): paused poles take turns,
and a pole taken out of its group no longer keeps the group's profile. Stand-in poles
here record what they were sent; the real poles are in test_oscp_group_balancing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from pole_link.profiles.tender import TenderProfileSettings
from service.oscp.balancer import GROUP_PROFILE_ID, ROTATE_S, GroupBalancer
from service.oscp.messages import GroupCapacityForecast
from service.oscp.provider import FlexibilityProvider
from tests.support import ManualClock

pytestmark = pytest.mark.asyncio
T0 = datetime(2026, 11, 25, 11, tzinfo=UTC)


class Recording:
    """A connected pole that accepts everything and keeps what it was sent."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    async def call_action(self, action: str, payload: dict[str, Any], *,
                          timeout: float) -> dict[str, Any]:
        self.calls.append((action, payload))
        if action == "GetCompositeSchedule":
            limit = next(p for a, p in reversed(self.calls) if a == "SetChargingProfile")[
                "csChargingProfiles"]["chargingSchedule"]["chargingSchedulePeriod"][0]["limit"]
            return {"status": "Accepted", "connectorId": 0, "scheduleStart": T0.isoformat(),
                    "chargingSchedule": {"chargingRateUnit": "A", "chargingSchedulePeriod": [
                        {"startPeriod": 0, "limit": limit}]}}
        return {"status": "Accepted"}


def group(capacity: float, poles: tuple[str, ...]
          ) -> tuple[GroupBalancer, dict[str, Recording], Callable[[float], None]]:
    clock = ManualClock(T0)
    provider = FlexibilityProvider("http://127.0.0.1", clock.now)
    provider.listeners.clear()
    handlers = {p: Recording() for p in poles}
    balancer = GroupBalancer(provider, handlers, lambda _p: TenderProfileSettings(),
                             clock=clock.now, raise_delay_s=0)
    provider.forecasts.store("enexis", GroupCapacityForecast.model_validate({
        "group_id": "g", "type": "CONSUMPTION", "forecasted_blocks": [{
            "capacity": capacity, "phase": "ALL", "unit": "A", "start_time": T0.isoformat(),
            "end_time": (T0 + timedelta(hours=2)).isoformat()}]}), adjust=False)
    for pole_id in poles:
        provider.groups.set(pole_id, "g")

    return balancer, handlers, clock.advance


async def test_eis32_paused_poles_take_turns_every_quarter_hour() -> None:
    balancer, _handlers, advance = group(13, ("P0", "P1", "P2"))
    for pole_id in ("P0", "P1", "P2"):
        balancer.charging[pole_id] = {1}
    await balancer.tick()  # the first block: split, and the turns' clock starts
    first = balancer.states["g"].split.paused
    assert len(first) == 1
    advance(ROTATE_S)
    await balancer.tick()
    assert balancer.states["g"].split.paused not in ([], first)


async def test_eis32_pole_taken_out_of_its_group_loses_the_group_profile() -> None:
    balancer, handlers, _advance = group(40, ("P0", "P1"))
    await balancer.rebalance("g")
    assert "P1" in balancer.deployed
    balancer.provider.groups.set("P1", None)
    await balancer.rebalance("g")
    assert handlers["P1"].calls[-1] == ("ClearChargingProfile", {"id": GROUP_PROFILE_ID})
    assert "P1" not in balancer.deployed
