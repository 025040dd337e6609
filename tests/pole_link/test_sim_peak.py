"""The whole virtual pole around the evening peak, sampled every 0.1 simulated second.

The balancer has its own model tests; these prove that the pole wires it up right:
profile steps announced ahead, vehicles that answer late, meters and detectors all
driven by the one scheduler.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from pole_link.profiles import TenderProfileSettings, build_capacity_profile
from pole_link.profiles.composite import limit_at
from pole_link.sim.clock import SimClock
from pole_link.sim.pole import VirtualPole
from pole_link.sim.vehicles import EvType

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DAY = date(2026, 11, 25)


def pole_at(local_time: str, *, day: date = DAY) -> VirtualPole:
    hour, minute = (int(part) for part in local_time.split(":"))
    start = datetime(day.year, day.month, day.day, hour, minute, tzinfo=AMSTERDAM)
    pole = VirtualPole("PW-TEST", clock=SimClock(start, wall=lambda: 0.0))
    profile = build_capacity_profile(TenderProfileSettings(), day).to_ocpp()
    assert pole.set_charging_profile(0, profile) == "Accepted"
    return pole


def charge(pole: VirtualPole, connector_id: int, ev_type: EvType, *, delay_s: float) -> None:
    pole.plug(connector_id, ev_type, response_delay_s=delay_s)
    assert pole.present_card(connector_id, f"CARD-{connector_id}") == "Accepted"


def total_per_phase(pole: VirtualPole) -> list[float]:
    return [sum(s.current_a[phase] for s in pole.sockets) for phase in range(3)]


def profile_limit(pole: VirtualPole) -> float:
    limit = limit_at(pole.profiles, 0, pole.clock.now())
    assert limit is not None
    return min(limit, pole.grid_limit_a())


def step_and_check(pole: VirtualPole, seconds: float, *, dt: float = 0.1) -> float:
    """Advance in ``dt`` steps; assert the actual total never exceeds the limit; return max."""
    worst = 0.0
    for _ in range(round(seconds / dt)):
        pole.scheduler.advance(dt)
        total = max(total_per_phase(pole))
        assert total <= profile_limit(pole) + 1e-6, (
            f"{pole.clock.now().astimezone(AMSTERDAM):%H:%M:%S.%f}: {total} A "
            f"over the {profile_limit(pole)} A limit")
        worst = max(worst, total)
    return worst


def test_eis20_eis31_actual_total_never_exceeds_the_peak_step_with_5s_vehicles() -> None:
    pole = pole_at("16:58")
    charge(pole, 1, EvType.EV3, delay_s=5.0)
    charge(pole, 2, EvType.EV3, delay_s=5.0)
    step_and_check(pole, 30)
    assert total_per_phase(pole) == [30.0, 30.0, 30.0]  # eis 67: both at 15 A
    worst = step_and_check(pole, 180)  # across 17:00 into the peak
    assert worst == 30.0
    assert max(total_per_phase(pole)) <= 7.0


def test_eis67_two_vehicles_share_30a_equally_before_the_peak() -> None:
    pole = pole_at("12:00")
    charge(pole, 1, EvType.EV3, delay_s=2.0)
    charge(pole, 2, EvType.EV3, delay_s=2.0)
    step_and_check(pole, 10)
    assert [s.offered_a for s in pole.sockets] == [15.0, 15.0]
    assert [s.current_a for s in pole.sockets] == [[15.0] * 3, [15.0] * 3]


def test_eis20_peak_pauses_one_socket_and_rotates_fairly() -> None:
    pole = pole_at("16:59")
    charge(pole, 1, EvType.EV3, delay_s=2.0)
    charge(pole, 2, EvType.EV3, delay_s=2.0)
    step_and_check(pole, 90)  # 17:00:30
    offers = [s.offered_a for s in pole.sockets]
    assert sorted(offers) == [0.0, 7.0]
    paused = offers.index(0.0)
    assert pole.sockets[paused].status == "SuspendedEVSE"
    assert pole.sockets[paused].led(100).colour == "green"
    step_and_check(pole, 15 * 60)
    swapped = [s.offered_a for s in pole.sockets]
    assert swapped[paused] == 7.0 and sorted(swapped) == [0.0, 7.0]


def test_overrule_lifts_its_transaction_while_the_other_keeps_its_share() -> None:
    pole = pole_at("17:30")
    charge(pole, 1, EvType.EV3, delay_s=2.0)
    step_and_check(pole, 10)
    charge(pole, 2, EvType.EV3, delay_s=2.0)
    step_and_check(pole, 10)
    running = next(s for s in pole.sockets if s.offered_a > 0)
    waiting = next(s for s in pole.sockets if s is not running)
    assert running.offered_a == 7.0 and waiting.offered_a == 0.0
    assert pole.overrule(waiting.connector_id) == "Accepted"
    pole.scheduler.advance(10)
    assert running.offered_a == 7.0  # not more than without the overrule
    assert waiting.offered_a == 18.0  # the rest of the 25 A overrule limit
    assert pole.limit_a() == 25.0
    assert max(total_per_phase(pole)) <= 25.0


def test_eis30_zoe_in_the_peak_is_recognised_and_offered_at_least_13a() -> None:
    pole = pole_at("18:00")
    charge(pole, 1, EvType.ZOE, delay_s=2.0)
    pole.scheduler.advance(30)
    socket = pole.socket(1)
    assert socket.offered_a == 7.0 and socket.current_a == [0.0, 0.0, 0.0]
    assert socket.status == "SuspendedEV" and socket.led(100).colour == "lightblue"
    pole.scheduler.advance(60)
    assert socket.offered_a >= 13.0
    assert socket.current_a[0] >= 12.5
    assert socket.transaction is not None and socket.transaction.low_current_vehicle
    assert pole.limit_a() == 25.0
    reports = [data for kind, data in pole.reports if kind == "LowCurrentVehicle"]
    assert reports and reports[0]["connectorId"] == 1


def test_eis64_standard_start_before_a_transaction_profile_applies() -> None:
    pole = pole_at("12:00")
    tx_default = {
        "chargingProfileId": 50, "stackLevel": 0,
        "chargingProfilePurpose": "TxDefaultProfile", "chargingProfileKind": "Relative",
        "chargingSchedule": {"chargingRateUnit": "A",
                             "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 8.0}]},
    }
    assert pole.set_charging_profile(0, tx_default) == "Accepted"
    charge(pole, 1, EvType.EV3, delay_s=2.0)
    pole.scheduler.advance(5)
    assert pole.socket(1).offered_a == 30.0  # standard charging first
    pole.scheduler.advance(30)
    assert pole.socket(1).offered_a == 8.0  # then the profile


def test_eis44_card_to_charging_within_15_seconds() -> None:
    pole = pole_at("12:00")
    pole.plug(1, EvType.EV3, response_delay_s=5.0)
    presented = pole.clock.now()
    pole.present_card(1, "CARD")
    while pole.socket(1).status != "Charging":
        pole.scheduler.advance(0.1)
        assert pole.clock.now() - presented <= timedelta(seconds=15)


def test_meters_integrate_each_phase_exactly() -> None:
    pole = pole_at("12:00")
    charge(pole, 1, EvType.EV1, delay_s=2.0)
    pole.scheduler.advance(2)
    pole.scheduler.advance(3600)
    reported = pole.live_sample().socket(1).energy_wh  # a reading brings the register up to date
    socket = pole.socket(1)
    assert socket.phase_energy_wh[0] == pytest.approx(30 * 230.0, rel=1e-9)  # 1 h at 30 A
    assert socket.phase_energy_wh[1:] == [0.0, 0.0]
    assert reported == pytest.approx(30 * 230.0, abs=1e-3)


def test_eis42_eis43_power_cut_frees_the_cable_and_nothing_restarts() -> None:
    pole = pole_at("12:00")
    charge(pole, 1, EvType.EV3, delay_s=2.0)
    pole.scheduler.advance(10)
    pole.power_cut(60)
    socket = pole.socket(1)
    assert socket.transaction is None and pole.ended[-1].reason == "PowerLoss"
    assert socket.current_a == [0.0, 0.0, 0.0]
    assert pole.unplug(1)  # eis 42: the cable comes free during the outage
    assert pole.plug(1, EvType.EV3)
    pole.scheduler.advance(120)
    assert pole.powered
    assert socket.transaction is None and socket.voltage_v == (0.0, 0.0, 0.0)
    assert socket.status == "Preparing"  # waits for a card: no voltage until a new transaction


def test_replugged_vehicle_does_not_inherit_the_previous_cars_late_response() -> None:
    """Found by the property test: unplug and re-plug in the same simulated instant."""
    pole = pole_at("20:59")
    charge(pole, 1, EvType.EV3, delay_s=0.5)
    charge(pole, 2, EvType.EV3, delay_s=0.5)
    pole.unplug(1)
    pole.present_card(1, "CARD-1")
    pole.plug(1, EvType.EV3, response_delay_s=0.5)
    step_and_check(pole, 1.0)
    assert pole.socket(1).offered_a == 0.0
    assert pole.socket(1).current_a == [0.0, 0.0, 0.0]


def test_eis47_green_after_b_a_b_during_a_transaction() -> None:
    pole = pole_at("12:00")
    assert pole.configuration.change("StopTransactionOnEVSideDisconnect", "false") == "Accepted"
    charge(pole, 1, EvType.EV3, delay_s=2.0)
    pole.scheduler.advance(5)
    socket = pole.socket(1)
    assert socket.led(100).colour == "blue"
    pole.unplug(1)  # B → A: the transaction stays (StopTransactionOnEVSideDisconnect=false)
    assert socket.transaction is not None
    pole.plug(1, EvType.EV3)  # A → B
    assert socket.led(100).colour == "green"
    pole.scheduler.advance(3)  # the car takes up the offer it found
    assert socket.status == "Charging" and socket.led(100).colour == "blue"
    assert pole.change_availability(2, "Inoperative") == "Accepted"
    unavailable = pole.socket(2).led(100)
    assert (unavailable.colour, unavailable.blinking) == ("red", False)
