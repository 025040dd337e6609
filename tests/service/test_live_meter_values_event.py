"""What the live feed says of a MeterValues: the newest sample, its power and energy
(`service.live.events`, built for every MeterValues, a reconnect storm's backlog too)."""

from __future__ import annotations

from typing import Any

from service.live.events import meter_values_event


def _event(*values: dict[str, Any]) -> dict[str, Any]:
    event = meter_values_event("PW-0001", 1, 7, [
        {"timestamp": "2026-12-05T21:00:00Z", "sampled_value": [{"value": "1"}]},
        {"timestamp": "2026-12-05T22:00:00Z", "sampled_value": list(values)}])
    assert event is not None
    return event


def test_power_is_the_pole_s_own_when_it_reports_it_in_w_or_kw() -> None:
    event = _event({"value": "11", "measurand": "Power.Active.Import", "unit": "kW"},
                   {"value": "500", "measurand": "Power.Active.Import", "unit": "W"},
                   {"value": "16", "measurand": "Current.Import", "phase": "L1"})
    assert event["powerW"] == 11_500.0


def test_power_is_current_times_voltage_per_phase_with_230_v_where_none_is_sent() -> None:
    event = _event({"value": "10", "measurand": "Current.Import", "phase": "L1"},
                   {"value": "8", "measurand": "Current.Import", "phase": "L2"},
                   {"value": "oops", "measurand": "Current.Import", "phase": "L3"},
                   {"value": "5", "measurand": "Current.Import"},  # no phase: not counted
                   {"value": "240", "measurand": "Voltage", "phase": "L1-N"},
                   {"value": "12345", "measurand": "Energy.Active.Import.Register"})
    assert event["powerW"] == 10 * 240 + 8 * 230
    assert event["energyWh"] == 12_345.0


def test_no_power_without_power_or_current_and_the_newest_sample_as_sent() -> None:
    event = _event({"value": "3.5", "unit": "kWh", "context": None,
                    "measurand": "Energy.Active.Import.Register"},
                   {"value": "231", "measurand": "Voltage", "phase": "L1-N"})
    assert event["powerW"] is None
    assert event["energyWh"] == 3500.0
    assert event["at"] == "2026-12-05T22:00:00Z"
    assert event["meterValue"] == [{"timestamp": "2026-12-05T22:00:00Z", "sampledValue": [
        {"value": "3.5", "unit": "kWh", "measurand": "Energy.Active.Import.Register"},
        {"value": "231", "measurand": "Voltage", "phase": "L1-N"}]}]
