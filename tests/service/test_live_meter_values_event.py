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


def test_sampled_values_are_copied_as_sent_and_other_keys_still_camel_cased() -> None:
    """One-word keys (all of OCPP 1.6's) are taken as they are, in their order, without
    nulls; a key with underscores is still written camelCase; the event never shares a
    dict with the handler's payload."""
    plain = {"unit": "Wh", "value": "7", "measurand": "Energy.Active.Import.Register"}
    nulled = {"value": "8", "phase": None, "location": "Outlet"}
    odd = {"value": "9", "signed_data_x": "abc", "format": "Raw"}
    for _ in range(2):  # the keys' conversions are remembered after the first time
        event = _event(plain, nulled, odd)
        values = event["meterValue"][0]["sampledValue"]
        assert values == [plain, {"value": "8", "location": "Outlet"},
                          {"value": "9", "signedDataX": "abc", "format": "Raw"}]
        assert [list(value) for value in values] == [
            ["unit", "value", "measurand"], ["value", "location"],
            ["value", "signedDataX", "format"]]
        assert values[0] is not plain
