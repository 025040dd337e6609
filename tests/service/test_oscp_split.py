"""The group split alone (issue 22, eis 32): the sum of offers never exceeds the cap, no
offer between 0 and 6 A, demand respected, idle poles keep the minimum to start."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from service.oscp.split import MIN_A, PoleNeed, split


def test_eis32_two_charging_poles_share_by_demand_and_idle_keeps_minimum() -> None:
    poles = [PoleNeed("A", True, 32.0), PoleNeed("B", True, 10.0), PoleNeed("C", False, 0)]
    result = split(40.0, poles)
    assert result.offers == {"A": 24.0, "B": 10.0, "C": 6.0}
    assert result.total <= 40.0 and result.paused == result.starved == []


def test_eis32_spare_capacity_goes_to_charging_poles_up_to_their_maximum() -> None:
    result = split(100.0, [PoleNeed("A", True, 8.0), PoleNeed("B", False, 0)])
    assert result.offers == {"A": 30.0, "B": 6.0}


def test_eis32_too_little_for_every_charging_pole_pauses_some_in_rotation() -> None:
    poles = [PoleNeed(f"P{i}", True, 16.0) for i in range(3)] + [PoleNeed("I", False, 0)]
    first = split(13.0, poles, rotation=0)
    assert first.offers == {"P0": 6.5, "P1": 6.5, "P2": 0.0, "I": 0.0}
    assert first.paused == ["P2"] and first.starved == ["I"]
    second = split(13.0, poles, rotation=1)
    assert second.paused == ["P0"]


@given(st.floats(0, 2000, allow_nan=False),
       st.lists(st.tuples(st.booleans(), st.floats(0, 40), st.floats(6, 32)), max_size=60),
       st.integers(0, 100))
def test_eis32_sum_within_cap_and_no_offer_below_six_amps(
        cap: float, needs: list[tuple[bool, float, float]], rotation: int) -> None:
    poles = [PoleNeed(f"P{i}", charging, demand, maximum)
             for i, (charging, demand, maximum) in enumerate(needs)]
    result = split(cap, poles, rotation)
    assert result.total <= cap + 1e-6
    assert all(a == 0 or a >= MIN_A - 1e-9 for a in result.offers.values())
    assert set(result.offers) == {p.pole_id for p in poles}
    assert all(result.offers[p.pole_id] <= max(p.max_a, MIN_A) + 1e-6 for p in poles)

