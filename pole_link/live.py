"""The ``Live`` sample: what a pole reports several times a second while watched.

One typed form for both ends, so the virtual pole writes exactly what the GUI
reads, field for field as PROTOCOL.md spells them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ocpp.v16.enums import ChargePointStatus

from pole_link.model.led import LedColour, LedState
from pole_link.model.mode3 import CPState
from pole_link.timeutil import format_time, parse_time

Phases = tuple[float, float, float]


def _phases(value: Any, name: str) -> Phases:
    if not isinstance(value, list) or len(value) != 3:
        raise ValueError(f"{name} must be a list of three numbers")
    first, second, third = (float(v) for v in value)
    return (first, second, third)


@dataclass(frozen=True)
class SocketLive:
    connector_id: int
    cp_state: CPState
    pwm_duty_percent: float
    offered_current_a: float
    current_a: Phases
    voltage_v: Phases
    energy_wh: float
    status: ChargePointStatus
    transaction_id: int | None
    overruled: bool
    low_current_vehicle: bool
    led: LedState

    def to_json(self) -> dict[str, Any]:
        return {
            "connectorId": self.connector_id,
            "cpState": self.cp_state.value,
            "pwmDutyPercent": self.pwm_duty_percent,
            "offeredCurrentA": self.offered_current_a,
            "currentA": list(self.current_a),
            "voltageV": list(self.voltage_v),
            "energyWh": self.energy_wh,
            "status": self.status.value,
            "transactionId": self.transaction_id,
            "overruled": self.overruled,
            "lowCurrentVehicle": self.low_current_vehicle,
            "led": self.led.to_json(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SocketLive:
        led = data["led"]
        transaction_id = data.get("transactionId")
        return cls(
            connector_id=int(data["connectorId"]),
            cp_state=CPState(data["cpState"]),
            pwm_duty_percent=float(data["pwmDutyPercent"]),
            offered_current_a=float(data["offeredCurrentA"]),
            current_a=_phases(data["currentA"], "currentA"),
            voltage_v=_phases(data["voltageV"], "voltageV"),
            energy_wh=float(data["energyWh"]),
            status=ChargePointStatus(data["status"]),
            transaction_id=None if transaction_id is None else int(transaction_id),
            overruled=bool(data["overruled"]),
            low_current_vehicle=bool(data["lowCurrentVehicle"]),
            led=LedState(
                colour=LedColour(led["colour"]),
                blinking=bool(led["blinking"]),
                intensity_percent=int(led["intensityPercent"]),
            ),
        )


@dataclass(frozen=True)
class LiveSample:
    timestamp: datetime
    """The pole's clock (simulated on a virtual pole)."""
    limit_a: float
    """Total limit per phase in force now: profiles, overrule and grid connection combined."""
    sockets: tuple[SocketLive, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "timestamp": format_time(self.timestamp),
            "limitA": self.limit_a,
            "sockets": [socket.to_json() for socket in self.sockets],
        }

    @classmethod
    def from_json(cls, data: Any) -> LiveSample:
        """Parse a ``Live`` data object; raise ``ValueError`` naming what is wrong."""
        if not isinstance(data, dict):
            raise ValueError("Live data must be a JSON object")
        try:
            return cls(
                timestamp=parse_time(data["timestamp"]),
                limit_a=float(data["limitA"]),
                sockets=tuple(SocketLive.from_json(s) for s in data["sockets"]),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"Live data is missing or mistyped: {exc}") from None

    def socket(self, connector_id: int) -> SocketLive:
        for socket in self.sockets:
            if socket.connector_id == connector_id:
                return socket
        raise KeyError(connector_id)
