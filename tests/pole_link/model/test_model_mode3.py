"""IEC 61851-1 Mode 3: pilot states and the duty cycle <-> current rule (eis 41)."""

from __future__ import annotations

import pytest

from pole_link.model.mode3 import (
    DIGITAL_DUTY,
    NO_PWM_DUTY,
    CPState,
    current_for_duty,
    duty_for_current,
)

ANCHORS = [(6.0, 10.0), (30.0, 50.0), (51.0, 85.0), (80.0, 96.0)]


@pytest.mark.parametrize(("amps", "duty"), ANCHORS)
def test_eis41_anchor_current_to_duty(amps: float, duty: float) -> None:
    assert duty_for_current(amps) == duty


@pytest.mark.parametrize(("amps", "duty"), ANCHORS)
def test_eis41_anchor_duty_to_current(amps: float, duty: float) -> None:
    assert current_for_duty(duty) == amps


@pytest.mark.parametrize("amps", [6.0, 6.1, 13.0, 16.0, 25.0, 32.0, 51.0, 52.6, 63.0, 80.0])
def test_eis41_round_trip(amps: float) -> None:
    duty = duty_for_current(amps)
    result = current_for_duty(duty)
    assert result is not None
    assert result == pytest.approx(amps)


def test_eis41_gap_between_51_and_52_5_rounds_down() -> None:
    assert duty_for_current(52.0) == 85.0
    assert duty_for_current(52.5) == 85.0
    assert current_for_duty(85.0) == 51.0


@pytest.mark.parametrize("duty", [8.0, 9.0, 9.99])
def test_eis41_8_to_10_percent_reads_as_6_a(duty: float) -> None:
    assert current_for_duty(duty) == 6.0


@pytest.mark.parametrize("duty", [3.0, DIGITAL_DUTY, 7.0])
def test_eis41_digital_communication(duty: float) -> None:
    assert current_for_duty(duty) is None


def test_eis41_no_pwm_is_not_allowed_to_charge() -> None:
    assert duty_for_current(0.0) == NO_PWM_DUTY == 100.0
    assert current_for_duty(NO_PWM_DUTY) == 0.0


@pytest.mark.parametrize("duty", [0.0, 2.9, 7.5, 97.5, 99.0])
def test_eis41_other_duties_not_allowed_to_charge(duty: float) -> None:
    assert current_for_duty(duty) == 0.0


def test_eis41_96_to_97_percent_tolerance_is_80_a() -> None:
    assert current_for_duty(96.5) == 80.0


@pytest.mark.parametrize("amps", [0.1, 3.0, 5.99, 80.1, 100.0, -1.0, float("nan")])
def test_eis41_invalid_offers_raise(amps: float) -> None:
    with pytest.raises(ValueError):
        duty_for_current(amps)


@pytest.mark.parametrize("duty", [-0.1, 100.1, float("nan")])
def test_eis41_impossible_duties_raise(duty: float) -> None:
    with pytest.raises(ValueError):
        current_for_duty(duty)


@pytest.mark.parametrize(
    ("state", "volts"),
    [
        (CPState.A, 12.0),
        (CPState.B1, 9.0),
        (CPState.B2, 9.0),
        (CPState.C1, 6.0),
        (CPState.C2, 6.0),
        (CPState.D1, 3.0),
        (CPState.D2, 3.0),
        (CPState.E, 0.0),
        (CPState.F, -12.0),
    ],
)
def test_eis41_pilot_voltage(state: CPState, volts: float) -> None:
    assert state.voltage_v == volts


def test_eis41_state_flags() -> None:
    connected = {s for s in CPState if s.vehicle_connected}
    assert connected == {CPState.B1, CPState.B2, CPState.C1, CPState.C2, CPState.D1, CPState.D2}
    assert {s for s in CPState if s.pwm_on} == {CPState.B2, CPState.C2, CPState.D2}
    assert {s for s in CPState if s.energy_flowing_allowed} == {CPState.C2, CPState.D2}


def test_eis41_from_parts() -> None:
    assert CPState.from_parts("C", True) is CPState.C2
    assert CPState.from_parts("b", False) is CPState.B1
    assert CPState.from_parts("D", True) is CPState.D2
    for letter in "AEF":
        assert CPState.from_parts(letter, True) is CPState(letter)
        assert CPState.from_parts(letter, False) is CPState(letter)
    with pytest.raises(ValueError):
        CPState.from_parts("X", True)


def test_eis41_states_serialise_as_protocol_names() -> None:
    assert [str(s) for s in CPState] == ["A", "B1", "B2", "C1", "C2", "D1", "D2", "E", "F"]
