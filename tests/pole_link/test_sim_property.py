"""Property: whatever drivers do around the peak, actual currents never exceed the limit.

Random sequences of plugs, unplugs, cards, overrules, faults, power cuts and clock
jumps on a whole virtual pole, with vehicles that answer late. The check runs at
every balancer review (every change of current ends in one, so no moment a total
can rise is missed) and every simulated second, against limits computed independently
of the pole's own figures.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pole_link.profiles import TenderProfileSettings, build_capacity_profile
from pole_link.profiles.composite import limit_at
from pole_link.sim.clock import SimClock
from pole_link.sim.pole import VirtualPole
from pole_link.sim.vehicles import EvType

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DAY = date(2026, 11, 25)
SETTINGS = TenderProfileSettings()

connectors = st.sampled_from([1, 2])
operations = st.one_of(
    st.tuples(st.just("plug"), connectors, st.sampled_from(list(EvType)),
              st.sampled_from([0.5, 2.0, 5.0])),
    st.tuples(st.just("unplug"), connectors),
    st.tuples(st.just("card"), connectors, st.sampled_from(["A", "B"])),
    st.tuples(st.just("overrule"), connectors),
    st.tuples(st.just("fault"), connectors, st.sampled_from(["rcd", "clear"])),
    st.tuples(st.just("power_cut"), st.floats(1, 60)),
    st.tuples(st.just("advance"), st.floats(0.1, 300)),
)
# Both sockets start charging: the dangerous moments need current flowing at a step.
starting_cars = st.tuples(st.sampled_from(list(EvType)), st.sampled_from([0.5, 2.0, 5.0]))


def allowed_a(pole: VirtualPole) -> float:
    """The limit in force, from the profile and the configuration, not from the pole's physics."""
    profile = limit_at(pole.profiles, 0, pole.clock.now())
    limit = min(profile if profile is not None else SETTINGS.normal_limit_a, 30.0)
    flagged = any(
        s.transaction is not None and (
            s.transaction.overruled or pole.physics.detectors[s.connector_id].treat_as_overrule)
        for s in pole.sockets)
    return max(limit, 25.0) if flagged else limit


def check(pole: VirtualPole) -> None:
    for phase in range(3):
        total = sum(s.current_a[phase] for s in pole.sockets)
        assert total <= allowed_a(pole) + 1e-6, (
            f"{pole.clock.now().astimezone(AMSTERDAM):%H:%M:%S.%f} L{phase + 1}: {total} A "
            f"> {allowed_a(pole)} A")
        assert total <= 30.0 + 1e-6


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start_s=st.integers(-180, 180), at_21=st.booleans(),
       cars=st.tuples(starting_cars, starting_cars),
       ops=st.lists(operations, min_size=1, max_size=15))
def test_eis20_eis31_limit_never_exceeded_by_actual_currents(
    start_s: int, at_21: bool, cars: tuple[tuple[EvType, float], tuple[EvType, float]],
    ops: list[tuple[object, ...]],
) -> None:
    hour = 21 if at_21 else 17
    start = datetime(DAY.year, DAY.month, DAY.day, hour, 0, tzinfo=AMSTERDAM) + timedelta(
        seconds=start_s)
    pole = VirtualPole("PW-PROP", clock=SimClock(start, wall=lambda: 0.0))
    pole.scheduler.raise_errors = True  # a failed check inside an event fails the test
    assert pole.set_charging_profile(0, build_capacity_profile(SETTINGS, DAY).to_ocpp()) == \
        "Accepted"
    review = pole.physics.review  # every change of current ends in a review: check after it

    def watched() -> None:
        review()
        upcoming = pole.scheduler.next_event_time()
        if upcoming is None or upcoming > pole.clock.now():
            check(pole)  # the state at the end of this instant, every event of it applied

    pole.physics.review = watched  # type: ignore[method-assign]
    for connector_id, (ev_type, delay_s) in enumerate(cars, start=1):
        pole.plug(connector_id, ev_type, response_delay_s=delay_s)
        pole.present_card(connector_id, "A")
    for op in ops:
        kind = op[0]
        if kind == "plug":
            pole.plug(op[1], op[2], response_delay_s=op[3])  # type: ignore[arg-type]
        elif kind == "unplug":
            pole.unplug(op[1])  # type: ignore[arg-type]
        elif kind == "card":
            pole.present_card(op[1], str(op[2]))  # type: ignore[arg-type]
        elif kind == "overrule":
            pole.overrule(op[1])  # type: ignore[arg-type]
        elif kind == "fault":
            pole.fault(op[1], str(op[2]))  # type: ignore[arg-type]
        elif kind == "power_cut":
            if pole.powered:
                pole.power_cut(float(op[1]))  # type: ignore[arg-type]
        else:
            remaining = float(op[1])  # type: ignore[arg-type]
            while remaining > 0:
                step = min(1.0, remaining)
                pole.scheduler.advance(step)
                remaining -= step
                check(pole)
        check(pole)
