"""The JSON events of ``/api/v1/live``, built from the one definition clients parse.

The event kinds are the dataclasses of `pole_link.service_api` (its module docstring and
each class say what they carry); these builders make them from what a pole reported and
turn them into the JSON the feed sends, so the service and its clients cannot drift
apart. Times are ISO-8601 with an offset.

``powerW`` of a meterValues event is the pole's own active power when it reports one,
else the sum over phases of current × voltage (230 V nominal where the pole sends no
voltage); null when it reports neither. A ``live`` event relays the pole's ``Live`` data
as it sent it (PROTOCOL.md): the service does not decode what only watchers read.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pole_link.service_api import (
    ConnectionEvent,
    LiveEvent,
    MeterValuesEvent,
    RolloutEvent,
    RolloutPoleEvent,
    SecurityEventRecord,
    SecurityEventReported,
    StatusEvent,
    TransactionEvent,
    WatchingEvent,
)

Event = dict[str, Any]


def connection_event(pole_id: str, connected: bool, at: datetime) -> Event:
    return ConnectionEvent(pole_id, connected, at).to_json()


def status_event(pole_id: str, connector_id: int, status: str, error_code: str,
                 at: datetime) -> Event:
    return StatusEvent(pole_id, connector_id, status, error_code, at).to_json()


def transaction_event(pole_id: str, event: Literal["started", "stopped"],
                      connector_id: int | None, transaction_id: int, at: datetime,
                      meter_wh: int) -> Event:
    return TransactionEvent(pole_id, event, connector_id, transaction_id, at,
                            meter_wh).to_json()


def live_event(pole_id: str, data: Any) -> Event:
    """The pole's Live data, relayed undecoded (the shape `LiveEvent.to_json` gives)."""
    return {"type": LiveEvent.kind, "poleId": pole_id, "data": data}


def security_event(record: SecurityEventRecord) -> Event:
    """A security event the pole reported, as stored (shown to every client at once)."""
    return SecurityEventReported(record.pole_id, record).to_json()


def watching_event(pole_id: str, status: str, description: str = "") -> Event:
    return WatchingEvent(pole_id, status, description).to_json()


def rollout_event(rollout_id: int, state: str, reason: str | None, at: datetime) -> Event:
    return RolloutEvent(rollout_id, state, reason, at).to_json()


def rollout_pole_event(rollout_id: int, pole_id: str, state: str, reason: str | None,
                       reported: str | None, at: datetime) -> Event:
    return RolloutPoleEvent(rollout_id, pole_id, state, reason, reported, at).to_json()


def meter_values_event(pole_id: str, connector_id: int, transaction_id: int | None,
                       meter_value: list[dict[str, Any]]) -> Event | None:
    """The newest sample of an OCPP ``meterValue`` list (snake_case, as handlers get it)."""
    if not meter_value:
        return None
    newest = max(meter_value, key=lambda sample: str(sample.get("timestamp", "")))
    values = newest.get("sampled_value") or []
    return MeterValuesEvent(
        pole_id, connector_id, transaction_id, newest.get("timestamp"), _power_w(values),
        _energy_wh(values),
        [{"timestamp": newest.get("timestamp"),
          "sampledValue": [_camel(value) for value in values]}]).to_json()
def _number(value: dict[str, Any]) -> float | None:
    try:
        return float(value["value"])
    except (KeyError, TypeError, ValueError):
        return None


def _scaled(value: dict[str, Any], number: float) -> float:
    """OCPP allows kW and kWh beside W and Wh; the feed always speaks W and Wh."""
    return number * 1000.0 if str(value.get("unit", "")).startswith("k") else number


def _power_w(values: list[dict[str, Any]]) -> float | None:
    """One pass, each value read once and only if its measurand counts here: every
    MeterValues of a reconnect storm's backlog is built into an event (issue 20)."""
    reported: float | None = None
    currents: dict[str, float] = {}
    voltages: dict[str, float] = {}
    for value in values:
        measurand = value.get("measurand")
        if measurand not in _POWER_MEASURANDS:
            continue
        number = _number(value)
        if number is None:
            continue
        if measurand == "Power.Active.Import":
            reported = (reported or 0.0) + _scaled(value, number)
            continue
        phase = str(value.get("phase") or "")
        if not phase:
            continue
        if measurand == "Current.Import":
            currents[phase] = number
        else:
            voltages[phase.split("-")[0]] = number
    if reported is not None:
        return reported
    if not currents:
        return None
    return sum(amps * voltages.get(phase, 230.0) for phase, amps in currents.items())


_POWER_MEASURANDS = frozenset({"Power.Active.Import", "Current.Import", "Voltage"})


def _energy_wh(values: list[dict[str, Any]]) -> float | None:
    for value in values:
        measurand = value.get("measurand", "Energy.Active.Import.Register")
        number = _number(value)
        if measurand == "Energy.Active.Import.Register" and number is not None:
            return _scaled(value, number)
    return None


def _camel(value: dict[str, Any]) -> dict[str, Any]:
    if value.keys() <= _UNCHANGED_KEYS and None not in value.values():
        return value.copy()  # OCPP 1.6's sampled-value keys are one word each: as they are
    known = _CAMEL_KEYS.get
    return {known(key) or _camel_key(key): item for key, item in value.items()
            if item is not None}


_CAMEL_KEYS: dict[str, str] = {}
_CAMEL_KEYS_MAX = 256
_UNCHANGED_KEYS: set[str] = set()
"""The remembered keys that `_camel_key` leaves as they are."""


def _camel_key(key: str) -> str:
    """Remembered: a few distinct keys, converted for every sampled value of every
    MeterValues (the OSCP balancer listens to them all, so they are built in a reconnect
    storm too); a plain dict read, as an ``lru_cache`` call was half of building the
    event's values (issue 20). Bounded: a pole cannot grow it with made-up keys."""
    head, *rest = key.split("_")
    converted = head + "".join(word.capitalize() for word in rest)
    if len(_CAMEL_KEYS) < _CAMEL_KEYS_MAX:
        _CAMEL_KEYS[key] = converted
        if converted == key:
            _UNCHANGED_KEYS.add(key)
    return converted
