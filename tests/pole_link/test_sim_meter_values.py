"""What the virtual pole's MID meter reports over OCPP 1.6, and when (eis 56, 58)."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from ocpp.messages import get_validator
from ocpp.v16.enums import Measurand, Phase, ReadingContext

from pole_link.sim.configuration import ConfigurationStore
from pole_link.sim.meter_values import (
    MeterReading,
    main_meter_reading,
    meter_values_payload,
    next_clock_aligned,
    next_sampled,
    sampled_values,
    transaction_meter_value,
)

AMS = ZoneInfo("Europe/Amsterdam")
T0 = datetime(2026, 5, 4, 10, 7, 30, tzinfo=UTC)
CALL = 2
ALL_PLAIN = [(m, None) for m in Measurand]


def reading(**changes: Any) -> MeterReading:
    """A three-phase car drawing 16 A at 230 V on socket 1."""
    fields: dict[str, Any] = {
        "connector_id": 1,
        "timestamp": T0,
        "phase_energy_wh": (1000.0, 1100.0, 1200.0),
        "current_a": (16.0, 16.0, 16.0),
        "voltage_v": (230.0, 231.0, 229.0),
        "offered_a": 16.0,
    }
    fields.update(changes)
    return MeterReading(**fields)


def validate_meter_values(payload: dict[str, Any]) -> None:
    get_validator(CALL, "MeterValues", "1.6").validate(payload)


def validate_stop_transaction(transaction_data: list[dict[str, Any]]) -> None:
    payload = {
        "transactionId": 42,
        "idTag": "04A2B3C4D5E6F7",
        "meterStop": 3300,
        "timestamp": "2026-05-04T11:00:00.000Z",
        "reason": "EVDisconnected",
        "transactionData": transaction_data,
    }
    get_validator(CALL, "StopTransaction", "1.6").validate(payload)


def by_key(values: list[dict[str, Any]]) -> dict[tuple[str, str | None], dict[str, Any]]:
    return {(v["measurand"], v.get("phase")): v for v in values}


# --- eis 56: the default sample -------------------------------------------------------------------


def test_eis56_default_sample_has_register_and_per_phase_current_and_voltage() -> None:
    measurands = ConfigurationStore("PAAL-0001").measurands("MeterValuesSampledData")
    values = sampled_values(reading(), measurands, ReadingContext.sample_periodic)

    assert [(v["measurand"], v.get("phase")) for v in values] == [
        ("Energy.Active.Import.Register", None),
        ("Current.Import", "L1"),
        ("Current.Import", "L2"),
        ("Current.Import", "L3"),
        ("Voltage", "L1-N"),
        ("Voltage", "L2-N"),
        ("Voltage", "L3-N"),
    ]
    register = values[0]
    assert register == {
        "value": "3300.0",
        "context": "Sample.Periodic",
        "format": "Raw",
        "measurand": "Energy.Active.Import.Register",
        "location": "Outlet",
        "unit": "Wh",
    }
    assert [v["value"] for v in values[1:4]] == ["16.00"] * 3
    assert [v["value"] for v in values[4:]] == ["230.0", "231.0", "229.0"]
    assert {v["unit"] for v in values[1:4]} == {"A"}
    assert {v["unit"] for v in values[4:]} == {"V"}
    payload = meter_values_payload(1, [(T0, values)], 42)
    validate_meter_values(payload)
    assert payload == {
        "connectorId": 1,
        "transactionId": 42,
        "meterValue": [{"timestamp": "2026-05-04T10:07:30.000Z", "sampledValue": values}],
    }


def test_eis56_one_phase_car_still_reports_l2_and_l3() -> None:
    one_phase = reading(phase_energy_wh=(5000.0, 0.0, 0.0), current_a=(16.0, 0.0, 0.0))
    values = by_key(sampled_values(
        one_phase,
        [(Measurand.energy_active_import_register, None), (Measurand.current_import, None)],
        ReadingContext.sample_clock,
    ))
    assert values["Energy.Active.Import.Register", None]["value"] == "5000.0"
    assert [values["Current.Import", p]["value"] for p in ("L1", "L2", "L3")] == [
        "16.00", "0.00", "0.00",
    ]


def test_eis56_explicit_phase_reports_only_that_phase() -> None:
    values = sampled_values(
        reading(),
        [(Measurand.voltage, Phase.l2_n), (Measurand.current_import, Phase.l3),
         (Measurand.energy_active_import_register, Phase.l1)],
        ReadingContext.trigger,
    )
    assert [(v["measurand"], v["phase"], v["value"]) for v in values] == [
        ("Voltage", "L2-N", "231.0"),
        ("Current.Import", "L3", "16.00"),
        ("Energy.Active.Import.Register", "L1", "1000.0"),
    ]


def test_eis56_every_value_carries_context_and_raw_format() -> None:
    for context in ReadingContext:
        values = sampled_values(reading(soc_percent=50.0), ALL_PLAIN, context)
        assert {v["context"] for v in values} == {context.value}
        assert {v["format"] for v in values} == {"Raw"}


def test_eis56_main_meter_is_the_sum_of_the_sockets_at_the_inlet() -> None:
    one = reading(phase_energy_wh=(100.0, 0.0, 0.0), current_a=(10.0, 0.0, 0.0), offered_a=10.0,
                  voltage_v=(0.0, 0.0, 0.0))
    two = reading(connector_id=2, phase_energy_wh=(50.0, 60.0, 70.0), current_a=(6.0, 6.0, 6.0),
                  offered_a=6.0)
    main = main_meter_reading([one, two], T0, (230.0, 230.0, 230.0))

    assert main.connector_id == 0
    assert main.phase_energy_wh == (150.0, 60.0, 70.0)
    assert main.current_a == (16.0, 6.0, 6.0)
    assert main.voltage_v == (230.0, 230.0, 230.0)
    assert main.offered_a == 16.0
    assert main.energy_wh == 280.0
    values = sampled_values(main, ALL_PLAIN, ReadingContext.sample_clock)
    locations = {v["measurand"]: v["location"] for v in values}
    assert locations["Energy.Active.Import.Register"] == "Inlet"
    assert locations["Temperature"] == "Body"
    validate_meter_values(meter_values_payload(0, [(T0, values)], None))


def test_eis56_main_meter_refuses_a_transaction_id() -> None:
    values = sampled_values(reading(connector_id=0), ALL_PLAIN, ReadingContext.sample_clock)
    with pytest.raises(ValueError, match="no transaction"):
        meter_values_payload(0, [(T0, values)], 7)


def test_eis56_several_readings_in_one_message_and_empty_ones_left_out() -> None:
    measurands = [(Measurand.energy_active_import_register, None)]
    first = sampled_values(reading(), measurands, ReadingContext.sample_clock)
    later = T0 + timedelta(minutes=15)
    second = sampled_values(reading(timestamp=later), measurands, ReadingContext.sample_clock)
    payload = meter_values_payload(1, [(T0, first), (later, []), (later, second)], None)
    validate_meter_values(payload)
    assert "transactionId" not in payload
    assert [mv["timestamp"] for mv in payload["meterValue"]] == [
        "2026-05-04T10:07:30.000Z", "2026-05-04T10:22:30.000Z",
    ]


def test_eis56_nothing_to_report_is_refused_not_sent_empty() -> None:
    assert sampled_values(reading(), [], ReadingContext.sample_clock) == []
    with pytest.raises(ValueError, match="at least one"):
        meter_values_payload(1, [(T0, [])], None)
    with pytest.raises(ValueError, match="connector"):
        meter_values_payload(-1, [(T0, [{"value": "1"}])], None)


def test_eis56_stop_transaction_data_is_schema_valid() -> None:
    store = ConfigurationStore("PAAL-0001")
    aligned = store.measurands("StopTxnAlignedData")
    data: list[dict[str, Any]] = []
    data += transaction_meter_value(reading(), aligned, ReadingContext.sample_clock)
    data += transaction_meter_value(reading(), ALL_PLAIN, ReadingContext.sample_periodic)
    data += transaction_meter_value(reading(), store.measurands("StopTxnSampledData"),
                                    ReadingContext.transaction_end)
    assert len(data) == 2  # StopTxnSampledData is empty by default: adds nothing
    assert data[0] == {
        "timestamp": "2026-05-04T10:07:30.000Z",
        "sampledValue": [{
            "value": "3300.0", "context": "Sample.Clock", "format": "Raw",
            "measurand": "Energy.Active.Import.Register", "location": "Outlet", "unit": "Wh",
        }],
    }
    validate_stop_transaction(data)


# --- eis 58: every measurand ----------------------------------------------------------------------


def test_eis58_every_ocpp_measurand_can_be_reported() -> None:
    values = sampled_values(reading(soc_percent=62.5), ALL_PLAIN, ReadingContext.sample_periodic)
    assert {v["measurand"] for v in values} == {m.value for m in Measurand}
    for value in values:
        assert math.isfinite(float(value["value"])), value
    validate_meter_values(meter_values_payload(1, [(T0, values)], 42))
    validate_stop_transaction(
        transaction_meter_value(reading(soc_percent=62.5), ALL_PLAIN, ReadingContext.trigger)
    )


def test_eis58_values_are_physically_consistent() -> None:
    current = (16.0, 8.0, 0.0)
    r = reading(current_a=current, voltage_v=(230.0, 230.0, 230.0), offered_a=20.0,
                interval_start_wh=(900.0, 1050.0, 1200.0), frequency_hz=49.98,
                temperature_c=31.25, soc_percent=80.0)
    v = by_key(sampled_values(r, ALL_PLAIN, ReadingContext.sample_periodic))

    assert v["Power.Active.Import", None] == {
        "value": "5520.0", "context": "Sample.Periodic", "format": "Raw",
        "measurand": "Power.Active.Import", "location": "Outlet", "unit": "W",
    }
    assert v["Power.Offered", None]["value"] == "13800.0"
    assert v["Current.Offered", None]["value"] == "20.00"
    assert v["Energy.Active.Import.Interval", None]["value"] == "150.0"
    assert v["Power.Factor", None]["value"] == "1.000"
    assert "unit" not in v["Power.Factor", None]
    assert v["Frequency", None]["value"] == "49.98"
    assert "unit" not in v["Frequency", None]  # no Hertz in 1.6's UnitOfMeasure (errata)
    assert v["Temperature", None]["unit"] == "Celsius"
    assert v["Temperature", None]["location"] == "Body"
    assert v["Temperature", None]["value"] == "31.2"
    assert (v["SoC", None]["value"], v["SoC", None]["unit"], v["SoC", None]["location"]) == (
        "80.0", "Percent", "EV",
    )
    assert (v["RPM", None]["value"], v["RPM", None]["location"]) == ("0", "Body")
    for name, unit in [
        ("Energy.Active.Export.Register", "Wh"), ("Energy.Active.Export.Interval", "Wh"),
        ("Energy.Reactive.Import.Register", "varh"), ("Energy.Reactive.Export.Register", "varh"),
        ("Energy.Reactive.Import.Interval", "varh"), ("Energy.Reactive.Export.Interval", "varh"),
        ("Power.Active.Export", "W"), ("Power.Reactive.Import", "var"),
        ("Power.Reactive.Export", "var"),
    ]:
        assert (v[name, None]["value"], v[name, None]["unit"]) == ("0.0", unit), name
    assert [v["Current.Export", p]["value"] for p in ("L1", "L2", "L3")] == ["0.00"] * 3


def test_eis58_soc_is_omitted_when_the_pole_cannot_know_it() -> None:
    assert sampled_values(reading(), [(Measurand.soc, None)], ReadingContext.trigger) == []


def test_eis58_interval_energy_without_a_start_is_zero() -> None:
    values = sampled_values(reading(), [(Measurand.energy_active_import_interval, None)],
                            ReadingContext.transaction_begin)
    assert values[0]["value"] == "0.0"


def test_eis58_neutral_and_line_to_line_phases() -> None:
    one_phase = reading(current_a=(16.0, 0.0, 0.0), voltage_v=(230.0, 230.0, 230.0))
    balanced = reading(current_a=(16.0, 16.0, 16.0))
    asked = [(Measurand.current_import, Phase.n), (Measurand.voltage, Phase.l1_l2),
             (Measurand.voltage, Phase.n), (Measurand.power_active_import, Phase.l1_n)]
    values = by_key(sampled_values(one_phase, asked, ReadingContext.trigger))
    assert values["Current.Import", "N"]["value"] == "16.00"  # returns entirely through N
    assert values["Voltage", "L1-L2"]["value"] == f"{230.0 * math.sqrt(3):.1f}"
    assert values["Voltage", "N"]["value"] == "0.0"
    assert values["Power.Active.Import", "L1-N"]["value"] == "3680.0"
    neutral = sampled_values(balanced, asked[:1], ReadingContext.trigger)
    assert neutral[0]["value"] == "0.00"  # balanced phases cancel
    validate_meter_values(meter_values_payload(1, [(T0, list(values.values()))], None))


def test_eis58_combinations_that_measure_nothing_yield_nothing() -> None:
    asked = [(Measurand.power_active_import, Phase.l1_l2), (Measurand.temperature, Phase.l1),
             (Measurand.energy_active_import_register, Phase.n)]
    assert sampled_values(reading(), asked, ReadingContext.trigger) == []


def test_eis58_a_value_asked_for_twice_is_reported_once() -> None:
    asked = [(Measurand.voltage, None), (Measurand.voltage, Phase.l1_n)]
    values = sampled_values(reading(), asked, ReadingContext.trigger)
    assert [v["phase"] for v in values] == ["L1-N", "L2-N", "L3-N"]


# --- eis 56: when -------------------------------------------------------------------------------


def test_eis56_clock_aligned_on_quarter_hours() -> None:
    at = datetime(2026, 5, 4, 12, 7, 30, tzinfo=AMS)
    assert next_clock_aligned(at, 900) == datetime(2026, 5, 4, 10, 15, tzinfo=UTC)
    boundary = datetime(2026, 5, 4, 12, 15, tzinfo=AMS)
    assert next_clock_aligned(boundary, 900) == datetime(2026, 5, 4, 10, 30, tzinfo=UTC)
    just_before = boundary - timedelta(microseconds=1)
    assert next_clock_aligned(just_before, 900) == boundary
    late = datetime(2026, 5, 4, 23, 50, tzinfo=AMS)
    assert next_clock_aligned(late, 900) == datetime(2026, 5, 5, 0, 0, tzinfo=AMS)
    other_offset = datetime(2026, 5, 4, 15, 7, tzinfo=timezone(timedelta(hours=5)))
    assert next_clock_aligned(other_offset, 900) == datetime(2026, 5, 4, 10, 15, tzinfo=UTC)


def boundaries(day: datetime, interval_s: int) -> list[datetime]:
    """Every clock-aligned boundary from local midnight of `day` to the next one (excluded)."""
    midnight = datetime(day.year, day.month, day.day, tzinfo=AMS).astimezone(UTC)
    result: list[datetime] = []
    at = midnight - timedelta(microseconds=1)
    while True:
        found = next_clock_aligned(at, interval_s)
        assert found is not None
        if found.astimezone(AMS).date() != day.date():
            return result
        result.append(found)
        at = found


@pytest.mark.parametrize(("day", "quarters", "hours"), [
    (datetime(2026, 3, 29), 92, 23),
    (datetime(2026, 10, 25), 100, 25),
    (datetime(2026, 5, 4), 96, 24),
])
def test_eis56_clock_aligned_across_daylight_saving_days(
    day: datetime, quarters: int, hours: int
) -> None:
    found = boundaries(day, 900)
    assert len(found) == quarters
    assert found[0] == datetime(day.year, day.month, day.day, tzinfo=AMS)
    assert all(b.timestamp() % 900 == 0 for b in found)  # the same instants as UTC quarters
    assert all(later - earlier == timedelta(minutes=15)
               for earlier, later in pairwise(found))
    assert len(boundaries(day, 3600)) == hours


def test_eis56_clock_interval_not_dividing_the_day_restarts_at_midnight() -> None:
    normal = boundaries(datetime(2026, 5, 4), 7 * 3600)
    assert [b.astimezone(AMS).hour for b in normal] == [0, 7, 14, 21]
    spring = boundaries(datetime(2026, 3, 29), 7 * 3600)  # elapsed hours, not wall-clock hours
    assert [b.astimezone(UTC).hour for b in spring] == [23, 6, 13, 20]
    late = datetime(2026, 5, 4, 22, 0, tzinfo=AMS)
    assert next_clock_aligned(late, 7 * 3600) == datetime(2026, 5, 5, tzinfo=AMS)
    longer_than_a_day = boundaries(datetime(2026, 5, 4), 90_000)
    assert longer_than_a_day == [datetime(2026, 5, 4, tzinfo=AMS)]


def test_eis56_clock_interval_zero_disables() -> None:
    assert next_clock_aligned(T0, 0) is None


def test_eis56_sampled_counted_from_transaction_start() -> None:
    start = datetime(2026, 5, 4, 10, 7, 30, tzinfo=UTC)
    assert next_sampled(start, start, 900) == start + timedelta(seconds=900)
    assert next_sampled(start, start + timedelta(seconds=899), 900) == start + timedelta(
        seconds=900)
    assert next_sampled(start, start + timedelta(seconds=900), 900) == start + timedelta(
        seconds=1800)
    assert next_sampled(start, start - timedelta(hours=1), 900) == start + timedelta(seconds=900)
    assert next_sampled(start, start + timedelta(seconds=61), 60) == start + timedelta(
        seconds=120)
    assert next_sampled(start, start, 0) is None


def test_naive_datetimes_and_negative_intervals_are_refused() -> None:
    naive = datetime(2026, 5, 4, 10, 0)
    with pytest.raises(ValueError, match="naive"):
        next_clock_aligned(naive, 900)
    with pytest.raises(ValueError, match="naive"):
        next_sampled(naive, T0, 900)
    with pytest.raises(ValueError, match="naive"):
        next_sampled(T0, naive, 900)
    with pytest.raises(ValueError, match="naive"):
        reading(timestamp=naive)
    with pytest.raises(ValueError, match="naive"):
        meter_values_payload(1, [(naive, [{"value": "1"}])], None)
    with pytest.raises(ValueError, match="negative"):
        next_clock_aligned(T0, -900)
    with pytest.raises(ValueError, match="negative"):
        next_sampled(T0, T0, -1)


def test_readings_are_checked_and_frozen() -> None:
    from_lists = reading(current_a=[1, 2, 3])
    assert from_lists.current_a == (1.0, 2.0, 3.0)
    with pytest.raises(ValueError, match="per phase"):
        reading(current_a=(1.0, 2.0))
    with pytest.raises(ValueError, match="not negative"):
        reading(phase_energy_wh=(-1.0, 0.0, 0.0))
    with pytest.raises(ValueError, match="runs back"):
        reading(interval_start_wh=(2000.0, 0.0, 0.0))
    with pytest.raises(ValueError, match="soc"):
        reading(soc_percent=101.0)
    with pytest.raises(ValueError, match="connector"):
        reading(connector_id=-1)
