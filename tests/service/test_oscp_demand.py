"""A grid group's cap split by what its charging poles drew over the last quarter-hour
(issue 22, eis 32): their meter values (``Current.Import``, ``Current.Offered``) as the
live hub passes them to the balancer, a simulated clock, stand-in poles that record the
profiles they are sent (the real poles are in test_oscp_group_balancing)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from service.oscp.balancer import GroupBalancer
from service.oscp.demand import DemandWindow
from service.oscp.split import MIN_A
from tests.service.test_oscp_balancer import T0, group

pytestmark = pytest.mark.asyncio


def meter_values(pole_id: str, imported: float, offered: float | None = None,
                 connector: int = 1) -> dict[str, Any]:
    """A three-phase vehicle drawing ``imported`` A on L1–L3 (strings, as OCPP sends)."""
    values = [{"measurand": "Current.Import", "phase": phase, "unit": "A",
               "value": f"{imported if phase == 'L1' else imported - 0.5:.1f}"}
              for phase in ("L1", "L2", "L3")]
    if offered is not None:
        values.append({"measurand": "Current.Offered", "unit": "A", "value": f"{offered}"})
    return {"type": "meterValues", "poleId": pole_id, "connectorId": connector,
            "meterValue": [{"timestamp": T0.isoformat(), "sampledValue": values}]}


def start(balancer: GroupBalancer, pole_id: str) -> None:
    balancer.on_event({"type": "transaction", "event": "started", "poleId": pole_id,
                       "transactionId": 1})


async def offers(balancer: GroupBalancer) -> dict[str, float]:
    state = await balancer.rebalance("g")
    return state.split.offers


async def test_eis32_poles_drawing_6_and_16_amps_share_20_by_demand() -> None:
    balancer, _handlers, advance = group(20, ("SLOW", "FAST"))
    for pole_id in ("SLOW", "FAST"):
        start(balancer, pole_id)
    # Before any meter value both count as wanting their maximum: equal shares.
    assert await offers(balancer) == {"SLOW": 10.0, "FAST": 10.0}
    balancer.on_event(meter_values("SLOW", 6.0, offered=16.0))
    balancer.on_event(meter_values("FAST", 16.0, offered=32.0))
    advance(60)
    got = await offers(balancer)
    # In proportion to 6:16 (5.5 and 14.5), but never below the 6 A a vehicle needs.
    assert got == {"SLOW": 6.0, "FAST": 14.0}
    assert sum(got.values()) <= 20


async def test_eis32_vehicle_taking_all_it_is_offered_counts_as_wanting_more() -> None:
    balancer, _handlers, _advance = group(24, ("A", "B"))
    for pole_id in ("A", "B"):
        start(balancer, pole_id)
    balancer.on_event(meter_values("A", 6.0, offered=16.0))   # leaves 10 A unused
    balancer.on_event(meter_values("B", 12.0, offered=12.0))  # held back by its offer
    assert await offers(balancer) == {"A": 6.0, "B": 18.0}


async def test_eis32_charging_pole_never_offered_less_than_six_amps() -> None:
    balancer, _handlers, _advance = group(20, ("P1", "P2", "P3"))
    for pole_id, amps in (("P1", 2.0), ("P2", 6.0), ("P3", 16.0)):
        start(balancer, pole_id)
        balancer.on_event(meter_values(pole_id, amps, offered=32.0))
    got = await offers(balancer)
    assert got == {"P1": 6.0, "P2": 6.0, "P3": 8.0}
    assert all(a >= MIN_A for a in got.values())


async def test_eis32_currents_older_than_a_quarter_hour_are_forgotten() -> None:
    balancer, _handlers, advance = group(20, ("SLOW", "FAST"))
    for pole_id in ("SLOW", "FAST"):
        start(balancer, pole_id)
    balancer.on_event(meter_values("SLOW", 6.0, offered=32.0))
    balancer.on_event(meter_values("FAST", 16.0, offered=32.0))
    advance(14 * 60)
    balancer.on_event(meter_values("FAST", 16.0, offered=32.0))
    assert await offers(balancer) == {"SLOW": 6.0, "FAST": 14.0}
    advance(2 * 60)  # SLOW's only value is now 16 minutes old: unknown, so its maximum
    assert await offers(balancer) == {"SLOW": 10.0, "FAST": 10.0}


async def test_eis32_peak_of_the_quarter_hour_is_the_demand_and_a_new_session_resets() -> None:
    window = DemandWindow()
    window.record("P", 1, T0, 16.0, 32.0)
    window.record("P", 1, T0 + timedelta(minutes=5), 8.0, 32.0)
    window.record("P", 2, T0 + timedelta(minutes=5), 4.0, 32.0)
    assert window.demand_a("P", T0 + timedelta(minutes=10)) == 16.0 + 4.0
    assert window.demand_a("P", T0 + timedelta(minutes=16)) == 8.0 + 4.0
    window.reset("P")
    assert window.demand_a("P", T0 + timedelta(minutes=16)) is None


async def test_a_session_of_one_pole_forgets_only_that_poles_currents() -> None:
    """Sockets are kept by pole (a storm's starts and stops no longer scan the fleet's):
    resetting one pole leaves every other pole's demand as it was, socket by socket."""
    window = DemandWindow()
    for n, pole in enumerate(("A", "B", "C")):
        window.record(pole, 1, T0, 10.0 + n, 32.0)
        window.record(pole, 2, T0 + timedelta(minutes=1), 3.0 + n, 32.0)
    window.record("B", 1, T0 + timedelta(minutes=2), 15.6, 16.0)  # takes all it is offered
    now = T0 + timedelta(minutes=5)
    assert [window.demand_a(pole, now) for pole in "ABC"] == [13.0, None, 17.0]
    window.reset("B")
    assert [window.demand_a(pole, now) for pole in "ABC"] == [13.0, None, 17.0]
    window.record("B", 2, now, 5.0, 32.0)  # its new session's first value: that socket only
    assert window.demand_a("B", now) == 5.0
    window.reset("A")
    window.reset("nobody")  # a pole never seen: nothing to forget
    assert [window.demand_a(pole, now) for pole in "ABC"] == [None, 5.0, 17.0]
