"""What a virtual pole's MID meter reports over OCPP 1.6 (eis 56, 58), and when.

The pole samples its meters on two schedules (SPEC "Decisions / Meter values"): every
``MeterValueSampleInterval`` seconds counted from a transaction's start (``Sample.Periodic``)
and on clock boundaries every ``ClockAlignedDataInterval`` seconds (``Sample.Clock``). This
module turns one instant of a meter (`MeterReading`) into OCPP ``SampledValue`` objects for the
measurands the configuration asks for, wraps them in MeterValues and StopTransaction
``transactionData`` payloads, and computes the next instant of either schedule. It is pure —
no clock, no I/O — so the pole's simulated clock decides *when*, and tests can check every
payload against the OCPP 1.6 JSON schemas.

Which phases a measurand yields
-------------------------------
A configured measurand without a phase means "every phase the meter measures for it"
(``configuration_keys``): ``Current.Import`` and ``Current.Export`` give L1, L2 and L3,
``Voltage`` gives L1-N, L2-N and L3-N, and everything else gives one total without a phase (a
register such as ``Energy.Active.Import.Register`` is the socket's total, SPEC eis 56). A
measurand with a phase gives only that phase. L1-N is treated like L1 for line quantities: in
a star (TN) supply the meter's L1 element measures exactly the L1–N load. A combination that
names nothing the meter measures (``Power.Active.Import.L1-L2``, ``Temperature.L1``) yields no
value rather than an invented one; the configuration store accepts every combination, so the
pole must not fail on one.

Every measurand of OCPP 1.6 (eis 58)
------------------------------------
The simulated load is what a Mode 3 AC charger presents: import only (no V2G) and resistive
(on-board chargers correct their power factor to ≈ 1), so export and reactive quantities are
truly zero, not unknown.

=================================  =====  ==========================================================
Measurand                          Unit   Value, and why
=================================  =====  ==========================================================
Energy.Active.Import.Register      Wh     the MID register: sum of the phase registers; per phase
                                          with a phase
Energy.Active.Export.Register      Wh     0: the pole never takes energy back (no V2G)
Energy.Reactive.Import.Register    varh   0: resistive load, no reactive energy
Energy.Reactive.Export.Register    varh   0: as above
Energy.Active.Import.Interval      Wh     register − `interval_start_wh` (the caller's previous
                                          reading of the same series); 0 without one, because an
                                          interval that starts at this reading holds nothing
Energy.Active.Export.Interval      Wh     0: no export
Energy.Reactive.Import.Interval    varh   0: resistive load
Energy.Reactive.Export.Interval    varh   0: resistive load
Power.Active.Import                W      Σ V·I over the phases; V·I of one phase with a phase
Power.Active.Export                W      0: no export
Power.Reactive.Import              var    0: resistive load
Power.Reactive.Export              var    0: resistive load
Power.Factor                       —      1: P / √(P² + Q²) with Q = 0; also at no load, where
                                          meters conventionally show 1. OCPP has no unit for it
Power.Offered                      W      offered_a × Σ V: the offer (Mode 3 PWM) holds on every
                                          phase the socket supplies, whether the car uses it or not
Current.Import                     A      per phase; N = the neutral current, the phasor sum of
                                          the phase currents (a one-phase car's current returns
                                          entirely through N)
Current.Export                     A      0 per phase: no export
Current.Offered                    A      offered_a, one value (the PWM offer is per phase); with
                                          a phase, the same value for that phase
Voltage                            V      per phase to neutral; L1-L2 etc. = |V₁ − V₂| at 120°,
                                          √(V₁² + V₂² + V₁V₂); N = 0 (neutral to earth, TN supply)
Frequency                          —      frequency_hz. The OCPP 1.6 errata (v4.0) say Frequency is
                                          in Hertz but the 1.6 UnitOfMeasure (and the official JSON
                                          schemas) have no such unit, so ``unit`` is left out
                                          rather than sent as a value a strict central system
                                          rejects
Temperature                        °C     temperature_c, location Body: the meter's temperature
                                          is the pole's inside, not the socket's (``Celsius``, the
                                          spelling of the specification and of ``ocpp``'s enum)
SoC                                %      only when the reading carries `soc_percent`, location EV.
                                          Over Mode 3 (IEC 61851-1) an AC pole has no data channel
                                          to the vehicle and cannot know its state of charge, so
                                          by default SoC yields nothing rather than a made-up number
RPM                                —      0, location Body: the tender pole is passively cooled,
                                          its fan never turns; OCPP 1.6 has no unit for RPM
=================================  =====  ==========================================================

Location is ``Outlet`` for a socket's meter (connectors 1…n: it measures what leaves through
the socket) and ``Inlet`` for connector 0, the pole's main meter at the grid connection
(`main_meter_reading`), except where the table says otherwise. Every value carries the reading
context and ``format: Raw``: explicit, so a central system need not apply OCPP's defaults.

Precision: 0.1 Wh/varh/W/var/V/°C/%, 0.01 A and Hz, 0.001 for the power factor — finer than
a MID meter's class B accuracy (1 %), so rounding never hides a change the meter would show.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ocpp.v16.enums import Location, Measurand, Phase, ReadingContext, UnitOfMeasure, ValueFormat

from pole_link.timeutil import format_time

__all__ = [
    "AMSTERDAM",
    "MeterReading",
    "main_meter_reading",
    "meter_values_payload",
    "next_clock_aligned",
    "next_sampled",
    "sampled_values",
    "transaction_meter_value",
]

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
"""The tender's poles keep Dutch time: clock-aligned intervals start at its local midnight."""

Phases = tuple[float, float, float]

_ZERO: Phases = (0.0, 0.0, 0.0)


def _require_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} is naive: every time in Paalwerk carries its offset")


def _phases(values: Sequence[float], name: str, *, non_negative: bool = True) -> Phases:
    if len(values) != 3:
        raise ValueError(f"{name} needs one value per phase (3), got {len(values)}")
    result = (float(values[0]), float(values[1]), float(values[2]))
    for value in result:
        if not math.isfinite(value) or (non_negative and value < 0):
            raise ValueError(f"{name} must be finite and not negative, got {result}")
    return result


@dataclass(frozen=True)
class MeterReading:
    """One instant of one connector's meter, in the units the meter counts in.

    Connector 0 is the pole's main meter: the sum of the sockets, with the grid's voltage
    (`main_meter_reading`). Lists are accepted for the per-phase fields (a `Socket` keeps
    lists) and stored as tuples, so a reading cannot change after it was taken. Everything is
    import-only, hence nothing negative (export has measurands of its own).

    `interval_start_wh` — the phase registers at the start of the interval this reading closes
    (the previous reading of the same series) — is only needed for the ``*.Interval``
    measurands; `soc_percent` only if a vehicle ever tells the pole (see the module's table).
    """

    connector_id: int
    timestamp: datetime
    phase_energy_wh: Phases
    current_a: Phases
    voltage_v: Phases
    offered_a: float
    frequency_hz: float = 50.0
    temperature_c: float = 20.0
    interval_start_wh: Phases | None = None
    soc_percent: float | None = None

    def __post_init__(self) -> None:
        if self.connector_id < 0:
            raise ValueError(f"connector id must be 0 or more, not {self.connector_id}")
        _require_aware(self.timestamp, "timestamp")
        energy = _phases(self.phase_energy_wh, "phase_energy_wh")
        object.__setattr__(self, "phase_energy_wh", energy)
        object.__setattr__(self, "current_a", _phases(self.current_a, "current_a"))
        object.__setattr__(self, "voltage_v", _phases(self.voltage_v, "voltage_v"))
        if not math.isfinite(self.offered_a) or self.offered_a < 0:
            raise ValueError(f"offered_a must be finite and not negative, not {self.offered_a}")
        if not math.isfinite(self.frequency_hz) or self.frequency_hz <= 0:
            raise ValueError(f"frequency_hz must be positive, not {self.frequency_hz}")
        if not math.isfinite(self.temperature_c):
            raise ValueError(f"temperature_c must be finite, not {self.temperature_c}")
        if self.interval_start_wh is not None:
            start = _phases(self.interval_start_wh, "interval_start_wh")
            if any(s > e for s, e in zip(start, energy, strict=True)):
                raise ValueError(
                    f"a register never runs back: interval start {start} > register {energy}"
                )
            object.__setattr__(self, "interval_start_wh", start)
        if self.soc_percent is not None and not 0 <= self.soc_percent <= 100:
            raise ValueError(f"soc_percent must be 0..100, not {self.soc_percent}")

    @property
    def energy_wh(self) -> float:
        """The MID register: what ``Energy.Active.Import.Register`` reports without a phase."""
        return sum(self.phase_energy_wh)

    @property
    def interval_energy_wh(self) -> Phases:
        """Energy imported per phase since `interval_start_wh` (zero without a start)."""
        if self.interval_start_wh is None:
            return _ZERO
        e, s = self.phase_energy_wh, self.interval_start_wh
        return (e[0] - s[0], e[1] - s[1], e[2] - s[2])

    @property
    def power_w(self) -> Phases:
        """Active power per phase: V·I, the load being resistive."""
        v, i = self.voltage_v, self.current_a
        return (v[0] * i[0], v[1] * i[1], v[2] * i[2])


def main_meter_reading(
    socket_readings: Sequence[MeterReading],
    timestamp: datetime,
    voltage_v: Sequence[float],
    *,
    frequency_hz: float = 50.0,
    temperature_c: float = 20.0,
) -> MeterReading:
    """Connector 0's reading: the sockets' registers, currents and offers summed per phase.

    The voltage is the grid's (`voltage_v`), not a socket's: a socket's voltage is zero while
    its contactor is open, but the main meter sits before the contactors. The interval start
    is summed only when every socket has one, since a partial sum would be a wrong interval.
    """
    energy = [0.0, 0.0, 0.0]
    current = [0.0, 0.0, 0.0]
    start: list[float] | None = [0.0, 0.0, 0.0]
    for reading in socket_readings:
        if reading.connector_id == 0:
            raise ValueError("the main meter sums socket readings, not connector 0's")
        for n in range(3):
            energy[n] += reading.phase_energy_wh[n]
            current[n] += reading.current_a[n]
        if start is not None and reading.interval_start_wh is not None:
            for n in range(3):
                start[n] += reading.interval_start_wh[n]
        else:
            start = None
    return MeterReading(
        connector_id=0,
        timestamp=timestamp,
        phase_energy_wh=_phases(energy, "phase_energy_wh"),
        current_a=_phases(current, "current_a"),
        voltage_v=_phases(voltage_v, "voltage_v"),
        offered_a=sum(r.offered_a for r in socket_readings),
        frequency_hz=frequency_hz,
        temperature_c=temperature_c,
        interval_start_wh=None if start is None or not socket_readings else _phases(start, "start"),
    )


# --- measurands ---------------------------------------------------------------------------------

PerPhase = Callable[[MeterReading], Phases]
Total = Callable[[MeterReading], float | None]
Pair = Callable[[MeterReading, int, int], float]


@dataclass(frozen=True)
class _Quantity:
    """How one measurand is read from a `MeterReading`.

    `per_phase` None: the quantity has no phases (temperature, SoC, RPM). `total` returning
    None: nothing to report. `neutral` and `pair` give the N and line-to-line phases where
    those exist physically; otherwise such a phase yields nothing.
    """

    unit: UnitOfMeasure | None
    decimals: int
    total: Total
    per_phase: PerPhase | None = None
    split_when_plain: bool = False
    neutral: Callable[[MeterReading], float] | None = None
    pair: Pair | None = None
    location: Location | None = None


def _zeros(_: MeterReading) -> Phases:
    return _ZERO


def _zero(_: MeterReading) -> float:
    return 0.0


def _neutral_current(reading: MeterReading) -> float:
    """|I₁ + I₂·a² + I₃·a| for currents in phase with voltages 120° apart."""
    i1, i2, i3 = reading.current_a
    square = i1 * i1 + i2 * i2 + i3 * i3 - i1 * i2 - i2 * i3 - i3 * i1
    return math.sqrt(max(square, 0.0))


def _line_to_line(reading: MeterReading, a: int, b: int) -> float:
    va, vb = reading.voltage_v[a], reading.voltage_v[b]
    return math.sqrt(va * va + vb * vb + va * vb)


def _offered(reading: MeterReading) -> Phases:
    return (reading.offered_a, reading.offered_a, reading.offered_a)


def _offered_power(reading: MeterReading) -> Phases:
    v = reading.voltage_v
    return (reading.offered_a * v[0], reading.offered_a * v[1], reading.offered_a * v[2])


def _frequency(reading: MeterReading) -> Phases:
    return (reading.frequency_hz, reading.frequency_hz, reading.frequency_hz)


def _unity(_: MeterReading) -> Phases:
    return (1.0, 1.0, 1.0)


def _summed(per_phase: PerPhase) -> Total:
    return lambda reading: sum(per_phase(reading))


def _zero_quantity(unit: UnitOfMeasure, *, split_when_plain: bool = False) -> _Quantity:
    return _Quantity(unit, 1 if unit != UnitOfMeasure.a else 2, _zero, _zeros, split_when_plain)


def _phase_energy(reading: MeterReading) -> Phases:
    return reading.phase_energy_wh


def _interval_energy(reading: MeterReading) -> Phases:
    return reading.interval_energy_wh


def _current(reading: MeterReading) -> Phases:
    return reading.current_a


def _voltage(reading: MeterReading) -> Phases:
    return reading.voltage_v


def _power(reading: MeterReading) -> Phases:
    return reading.power_w


_WH, _VARH, _W, _VAR = UnitOfMeasure.wh, UnitOfMeasure.varh, UnitOfMeasure.w, UnitOfMeasure.var

_QUANTITIES: dict[Measurand, _Quantity] = {
    Measurand.energy_active_import_register: _Quantity(
        _WH, 1, _summed(_phase_energy), _phase_energy
    ),
    Measurand.energy_active_export_register: _zero_quantity(_WH),
    Measurand.energy_reactive_import_register: _zero_quantity(_VARH),
    Measurand.energy_reactive_export_register: _zero_quantity(_VARH),
    Measurand.energy_active_import_interval: _Quantity(
        _WH, 1, _summed(_interval_energy), _interval_energy
    ),
    Measurand.energy_active_export_interval: _zero_quantity(_WH),
    Measurand.energy_reactive_import_interval: _zero_quantity(_VARH),
    Measurand.energy_reactive_export_interval: _zero_quantity(_VARH),
    Measurand.power_active_import: _Quantity(_W, 1, _summed(_power), _power),
    Measurand.power_active_export: _zero_quantity(_W),
    Measurand.power_reactive_import: _zero_quantity(_VAR),
    Measurand.power_reactive_export: _zero_quantity(_VAR),
    Measurand.power_factor: _Quantity(None, 3, lambda _: 1.0, _unity),
    Measurand.power_offered: _Quantity(_W, 1, _summed(_offered_power), _offered_power),
    Measurand.current_import: _Quantity(
        UnitOfMeasure.a, 2, _summed(_current), _current, split_when_plain=True,
        neutral=_neutral_current,
    ),
    Measurand.current_export: _zero_quantity(UnitOfMeasure.a, split_when_plain=True),
    Measurand.current_offered: _Quantity(
        UnitOfMeasure.a, 2, lambda reading: reading.offered_a, _offered
    ),
    Measurand.voltage: _Quantity(
        UnitOfMeasure.v, 1, _summed(_voltage), _voltage, split_when_plain=True,
        neutral=_zero, pair=_line_to_line,
    ),
    Measurand.frequency: _Quantity(
        None, 2, lambda reading: reading.frequency_hz, _frequency,
        pair=lambda reading, _a, _b: reading.frequency_hz,
    ),
    Measurand.temperature: _Quantity(
        UnitOfMeasure.celsius, 1, lambda reading: reading.temperature_c, location=Location.body
    ),
    Measurand.soc: _Quantity(
        UnitOfMeasure.percent, 1, lambda reading: reading.soc_percent, location=Location.ev
    ),
    Measurand.rpm: _Quantity(None, 0, _zero, location=Location.body),
}

_PHASE_INDEX: dict[Phase, int] = {
    Phase.l1: 0, Phase.l1_n: 0, Phase.l2: 1, Phase.l2_n: 1, Phase.l3: 2, Phase.l3_n: 2,
}
_PHASE_PAIR: dict[Phase, tuple[int, int]] = {
    Phase.l1_l2: (0, 1), Phase.l2_l3: (1, 2), Phase.l3_l1: (2, 0),
}
_PLAIN_PHASES: dict[Measurand, tuple[Phase, Phase, Phase]] = {
    Measurand.voltage: (Phase.l1_n, Phase.l2_n, Phase.l3_n),
}
_LINE_PHASES = (Phase.l1, Phase.l2, Phase.l3)


def _values(
    reading: MeterReading, measurand: Measurand, phase: Phase | None
) -> list[tuple[Phase | None, float]]:
    """The (phase, value) pairs one configured measurand (with its optional phase) yields."""
    quantity = _QUANTITIES[measurand]
    if phase is None:
        if quantity.split_when_plain and quantity.per_phase is not None:
            labels = _PLAIN_PHASES.get(measurand, _LINE_PHASES)
            return list(zip(labels, quantity.per_phase(reading), strict=True))
        total = quantity.total(reading)
        return [] if total is None else [(None, total)]
    if quantity.per_phase is None:
        return []
    if phase in _PHASE_INDEX:
        return [(phase, quantity.per_phase(reading)[_PHASE_INDEX[phase]])]
    if phase == Phase.n:
        return [] if quantity.neutral is None else [(phase, quantity.neutral(reading))]
    if quantity.pair is None:
        return []
    return [(phase, quantity.pair(reading, *_PHASE_PAIR[phase]))]


def _format(value: float, decimals: int) -> str:
    text = f"{value:.{decimals}f}"
    # -0.0 from rounding a tiny negative difference would read as export.
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def sampled_values(
    reading: MeterReading,
    measurands: Sequence[tuple[Measurand, Phase | None]],
    context: ReadingContext,
) -> list[dict[str, Any]]:
    """OCPP 1.6 SampledValue objects for `measurands` (as `ConfigurationStore.measurands`
    returns them), in their order, each value once.

    The list is empty when nothing configured can be measured (an empty configuration, only
    SoC); a MeterValue needs at least one value, so `meter_values_payload` skips such readings.
    """
    default_location = Location.inlet if reading.connector_id == 0 else Location.outlet
    result: list[dict[str, Any]] = []
    seen: set[tuple[Measurand, Phase | None]] = set()
    for measurand, phase in measurands:
        quantity = _QUANTITIES[Measurand(measurand)]
        for value_phase, value in _values(reading, Measurand(measurand), phase):
            if (measurand, value_phase) in seen:
                continue
            seen.add((measurand, value_phase))
            sampled: dict[str, Any] = {
                "value": _format(value, quantity.decimals),
                "context": ReadingContext(context).value,
                "format": ValueFormat.raw.value,
                "measurand": Measurand(measurand).value,
            }
            if value_phase is not None:
                sampled["phase"] = value_phase.value
            sampled["location"] = (quantity.location or default_location).value
            if quantity.unit is not None:
                sampled["unit"] = quantity.unit.value
            result.append(sampled)
    return result


def _meter_value(timestamp: datetime, values: Sequence[dict[str, Any]]) -> dict[str, Any]:
    return {"timestamp": format_time(timestamp), "sampledValue": list(values)}


def meter_values_payload(
    connector_id: int,
    readings: Sequence[tuple[datetime, list[dict[str, Any]]]],
    transaction_id: int | None,
) -> dict[str, Any]:
    """A MeterValues.req: `readings` are (timestamp, `sampled_values`) pairs, in that order.

    Readings without values are left out, because the schema wants at least one value per
    MeterValue; if none is left there is nothing to send and ValueError says so (the caller
    sends nothing). A transaction id on connector 0 is refused: transactions run on sockets.
    """
    if connector_id < 0:
        raise ValueError(f"connector id must be 0 or more, not {connector_id}")
    if connector_id == 0 and transaction_id is not None:
        raise ValueError("connector 0 (the main meter) has no transaction")
    meter_value = [_meter_value(moment, values) for moment, values in readings if values]
    if not meter_value:
        raise ValueError("no sampled values: a MeterValues.req needs at least one")
    payload: dict[str, Any] = {"connectorId": connector_id}
    if transaction_id is not None:
        payload["transactionId"] = transaction_id
    payload["meterValue"] = meter_value
    return payload


def transaction_meter_value(
    reading: MeterReading,
    measurands: Sequence[tuple[Measurand, Phase | None]],
    context: ReadingContext,
) -> list[dict[str, Any]]:
    """StopTransaction ``transactionData`` entries for one reading: ``[]`` or one MeterValue.

    A list, so the pole collects a transaction's StopTxnSampledData / StopTxnAlignedData
    samples with ``+=`` as they are taken and sends the whole list at the stop, and a reading
    with nothing to report adds nothing (``transactionData`` is optional, but an entry in it
    must hold a value).
    """
    values = sampled_values(reading, measurands, context)
    return [_meter_value(reading.timestamp, values)] if values else []


# --- schedules ----------------------------------------------------------------------------------


def _check_interval(interval_s: int) -> None:
    if interval_s < 0:
        raise ValueError(f"an interval cannot be negative, not {interval_s} s")


def _start_of_day(day: date, zone: ZoneInfo) -> datetime:
    """The first instant (UTC) of the local date `day` in `zone`.

    ``fold=0`` is right in both odd cases: a skipped midnight resolves to the transition,
    which is the day's first instant, and a repeated midnight to its first occurrence.
    """
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def next_clock_aligned(
    after: datetime, interval_s: int, zone: ZoneInfo = AMSTERDAM
) -> datetime | None:
    """The first ``ClockAlignedDataInterval`` boundary strictly after `after`, in UTC.

    OCPP 1.6: "evenly spaced aggregation intervals per day, starting at 00:00:00 (midnight)".
    Midnight is the pole's local midnight in `zone` (a pole keeps local time, and its
    operator reads the data per local day). Intervals are elapsed seconds from that midnight,
    so a daylight-saving day has 92 or 100 quarter hours, and because Amsterdam's offsets are
    whole hours, every divisor of 3600 lands on the same instants as UTC multiples. An
    interval that does not divide the day restarts at the next local midnight, leaving the
    day's last interval short. 0 disables clock-aligned data: None.
    """
    _require_aware(after, "after")
    _check_interval(interval_s)
    if interval_s == 0:
        return None
    moment = after.astimezone(UTC)
    today = moment.astimezone(zone).date()
    start = _start_of_day(today, zone)
    next_midnight = _start_of_day(today + timedelta(days=1), zone)
    step = timedelta(seconds=interval_s)
    candidate = start + ((moment - start) // step + 1) * step
    return min(candidate, next_midnight)


def next_sampled(transaction_start: datetime, after: datetime, interval_s: int) -> datetime | None:
    """The first ``MeterValueSampleInterval`` sample strictly after `after`, in UTC.

    SPEC: samples are counted from the transaction's start (the start itself is reported by
    StartTransaction, so the first periodic sample is one interval later). An `after` before
    the start gives that first sample. 0 disables periodic samples: None.
    """
    _require_aware(transaction_start, "transaction_start")
    _require_aware(after, "after")
    _check_interval(interval_s)
    if interval_s == 0:
        return None
    start = transaction_start.astimezone(UTC)
    moment = after.astimezone(UTC)
    step = timedelta(seconds=interval_s)
    if moment < start:
        return start + step
    return start + ((moment - start) // step + 1) * step
