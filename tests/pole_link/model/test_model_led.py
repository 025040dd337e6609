"""The socket LED follows the eis 47 colour table (SPEC.md "Decisions / LED colours")."""

from __future__ import annotations

import pytest
from ocpp.v16.enums import ChargePointStatus

from pole_link.model.led import LedColour, LedState, led_for
from pole_link.model.mode3 import CPState

S = ChargePointStatus


def test_eis47_available_is_off() -> None:
    assert led_for(S.available, CPState.A) == LedState(LedColour.OFF, False, 100)


def test_eis47_preparing_is_green() -> None:
    assert led_for(S.preparing, CPState.A).colour is LedColour.GREEN  # authorised, no car yet
    assert led_for(S.preparing, CPState.B1).colour is LedColour.GREEN  # plugged, waiting


def test_eis47_ready_to_charge_is_light_blue() -> None:
    led = led_for(S.suspended_ev, CPState.B2)
    assert led.colour is LedColour.LIGHT_BLUE
    assert not led.blinking


def test_eis47_suspended_evse_is_green() -> None:
    assert led_for(S.suspended_evse, CPState.B1).colour is LedColour.GREEN
    assert led_for(S.suspended_evse, CPState.C1).colour is LedColour.GREEN


def test_eis47_suspended_ev_without_pwm_is_green() -> None:
    assert led_for(S.suspended_ev, CPState.B1).colour is LedColour.GREEN


def test_eis47_charging_is_blue() -> None:
    assert led_for(S.charging, CPState.C2) == LedState(LedColour.BLUE, False, 100)


def test_eis47_unavailable_is_red() -> None:
    assert led_for(S.unavailable, CPState.F) == LedState(LedColour.RED, False, 100)
    assert led_for(S.available, CPState.F).colour is LedColour.RED


def test_eis47_fault_blinks_red() -> None:
    assert led_for(S.faulted, CPState.A) == LedState(LedColour.RED, True, 100)
    assert led_for(S.faulted, CPState.C2).blinking


def test_eis47_pilot_error_blinks_red() -> None:
    assert led_for(S.charging, CPState.E) == LedState(LedColour.RED, True, 100)


def test_eis47_green_after_b_a_b() -> None:
    led = led_for(S.suspended_ev, CPState.B2, replugged_in_transaction=True)
    assert led.colour is LedColour.GREEN


def test_eis47_replug_green_ends_when_charging_resumes() -> None:
    assert led_for(S.charging, CPState.C2, replugged_in_transaction=True).colour is LedColour.BLUE


def test_eis47_replug_never_hides_a_fault() -> None:
    led = led_for(S.faulted, CPState.B2, replugged_in_transaction=True)
    assert (led.colour, led.blinking) == (LedColour.RED, True)
    assert led_for(S.available, CPState.A, replugged_in_transaction=True).colour is LedColour.OFF


def test_eis47_finishing_is_green() -> None:
    assert led_for(S.finishing, CPState.B1).colour is LedColour.GREEN


def test_eis47_reserved_does_not_crash_and_is_green() -> None:
    assert led_for(S.reserved, CPState.A).colour is LedColour.GREEN


@pytest.mark.parametrize("status", list(ChargePointStatus))
@pytest.mark.parametrize("state", list(CPState))
def test_eis47_every_combination_has_a_colour(status: ChargePointStatus, state: CPState) -> None:
    assert isinstance(led_for(status, state).colour, LedColour)


@pytest.mark.parametrize(("given", "shown"), [(-5, 0), (0, 0), (40, 40), (100, 100), (250, 100)])
def test_eis46_intensity_clamps(given: int, shown: int) -> None:
    assert led_for(S.charging, CPState.C2, intensity_percent=given).intensity_percent == shown


def test_eis47_led_json_matches_live_protocol() -> None:
    led = led_for(S.faulted, CPState.A, intensity_percent=30)
    assert led.to_json() == {"colour": "red", "blinking": True, "intensityPercent": 30}
    assert led_for(S.suspended_ev, CPState.B2).to_json()["colour"] == "lightblue"
