"""The vehicles a virtual pole can have plugged in (``--plug CONNECTOR:EVTYPE``)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class EvType(StrEnum):
    EV3 = "ev3"
    EV1 = "ev1"
    ZOE = "zoe"


@dataclass(frozen=True)
class VehicleSpec:
    phases: int
    max_current_a: float
    min_current_a: float
    """Below this offer the vehicle draws nothing (older Renault Zoe: 12.5 A, eis 30)."""

    def draw_a(self, offered_a: float) -> float:
        """What the vehicle takes per used phase when offered ``offered_a``."""
        if offered_a < max(self.min_current_a, 6.0):
            return 0.0
        return min(offered_a, self.max_current_a)


VEHICLES: dict[EvType, VehicleSpec] = {
    EvType.EV3: VehicleSpec(phases=3, max_current_a=32.0, min_current_a=6.0),
    EvType.EV1: VehicleSpec(phases=1, max_current_a=32.0, min_current_a=6.0),
    EvType.ZOE: VehicleSpec(phases=3, max_current_a=32.0, min_current_a=12.5),
}


def parse_plug(text: str) -> tuple[int, EvType]:
    """``"1:ev3"`` → ``(1, EvType.EV3)``, with a message that says what is accepted."""
    connector, _, ev = text.partition(":")
    try:
        connector_id = int(connector)
        ev_type = EvType(ev)
    except ValueError:
        kinds = ", ".join(e.value for e in EvType)
        raise ValueError(f"--plug takes CONNECTOR:EVTYPE with EVTYPE one of {kinds}; "
                         f"got {text!r}") from None
    return connector_id, ev_type
