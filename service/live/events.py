"""The JSON events of ``/api/v1/live``, built in one place so clients can rely on them.

Every event is an object with ``type`` and ``poleId``; times are ISO-8601 with an offset.

- ``{"type": "connection", "poleId", "connected", "at"}``
- ``{"type": "status", "poleId", "connectorId", "status", "errorCode", "at"}``
- ``{"type": "transaction", "event": "started"|"stopped", "poleId", "connectorId",
  "transactionId", "at", "meterWh"}``
- ``{"type": "meterValues", "poleId", "connectorId", "transactionId", "at", "powerW",
  "energyWh", "meterValue"}`` — ``powerW`` is the pole's own active power when it reports
  one, else the sum over phases of current × voltage (230 V nominal where the pole sends
  no voltage); null when it reports neither.
- ``{"type": "live", "poleId", "data"}`` — the pole's ``Live`` data as PROTOCOL.md defines it.
- ``{"type": "watching", "poleId", "status", "description"}`` — the answer to ``watch``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pole_link.timeutil import format_time

Event = dict[str, Any]


def connection_event(pole_id: str, connected: bool, at: datetime) -> Event:
    return {"type": "connection", "poleId": pole_id, "connected": connected,
            "at": format_time(at)}


def status_event(pole_id: str, connector_id: int, status: str, error_code: str,
                 at: datetime) -> Event:
    return {"type": "status", "poleId": pole_id, "connectorId": connector_id,
            "status": status, "errorCode": error_code, "at": format_time(at)}


def transaction_event(pole_id: str, event: str, connector_id: int | None,
                      transaction_id: int, at: datetime, meter_wh: int) -> Event:
    return {"type": "transaction", "event": event, "poleId": pole_id,
            "connectorId": connector_id, "transactionId": transaction_id,
            "at": format_time(at), "meterWh": meter_wh}


def live_event(pole_id: str, data: Any) -> Event:
    return {"type": "live", "poleId": pole_id, "data": data}


def watching_event(pole_id: str, status: str, description: str = "") -> Event:
    return {"type": "watching", "poleId": pole_id, "status": status,
            "description": description}


def meter_values_event(pole_id: str, connector_id: int, transaction_id: int | None,
                       meter_value: list[dict[str, Any]]) -> Event | None:
    """The newest sample of an OCPP ``meterValue`` list (snake_case, as handlers get it)."""
    if not meter_value:
        return None
    newest = max(meter_value, key=lambda sample: str(sample.get("timestamp", "")))
    values = newest.get("sampled_value") or []
    return {"type": "meterValues", "poleId": pole_id, "connectorId": connector_id,
            "transactionId": transaction_id, "at": newest.get("timestamp"),
            "powerW": _power_w(values), "energyWh": _energy_wh(values),
            "meterValue": [{"timestamp": newest.get("timestamp"),
                            "sampledValue": [_camel(value) for value in values]}]}


def _number(value: dict[str, Any]) -> float | None:
    try:
        return float(value["value"])
    except (KeyError, TypeError, ValueError):
        return None


def _scaled(value: dict[str, Any], number: float) -> float:
    """OCPP allows kW and kWh beside W and Wh; the feed always speaks W and Wh."""
    return number * 1000.0 if str(value.get("unit", "")).startswith("k") else number


def _power_w(values: list[dict[str, Any]]) -> float | None:
    reported = [_scaled(v, n) for v in values
                if v.get("measurand") == "Power.Active.Import" and (n := _number(v)) is not None]
    if reported:
        return sum(reported)
    currents: dict[str, float] = {}
    voltages: dict[str, float] = {}
    for value in values:
        number = _number(value)
        phase = str(value.get("phase") or "")
        if number is None or not phase:
            continue
        if value.get("measurand") == "Current.Import":
            currents[phase] = number
        elif value.get("measurand") == "Voltage":
            voltages[phase.split("-")[0]] = number
    if not currents:
        return None
    return sum(amps * voltages.get(phase, 230.0) for phase, amps in currents.items())


def _energy_wh(values: list[dict[str, Any]]) -> float | None:
    for value in values:
        measurand = value.get("measurand", "Energy.Active.Import.Register")
        number = _number(value)
        if measurand == "Energy.Active.Import.Register" and number is not None:
            return _scaled(value, number)
    return None


def _camel(value: dict[str, Any]) -> dict[str, Any]:
    parts = {key: item for key, item in value.items() if item is not None}
    return {_camel_key(key): item for key, item in parts.items()}


def _camel_key(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(word.capitalize() for word in rest)
