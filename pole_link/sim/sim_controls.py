"""The virtual-pole-only ``Sim*`` vendor messages: a test's hands on the pole.

Each takes the decoded ``data`` object and returns the answer's ``data``; bad
input raises ``ValueError`` with the reason, which the port turns into a
``Rejected`` DataTransfer whose ``data`` says what was wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pole_link.protocol.vendor import VendorMessage
from pole_link.sim.pole import VirtualPole
from pole_link.sim.vehicles import EvType


def _object(request: Any) -> dict[str, Any]:
    if not isinstance(request, dict):
        raise ValueError("data must be a JSON object")
    return request


def _connector(request: dict[str, Any]) -> int:
    value = request["connectorId"]
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("connectorId must be an integer")
    return value


def _number(request: dict[str, Any], key: str) -> float:
    value = request[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{key} must be a number")
    return float(value)


class SimControls:
    def __init__(self, pole: VirtualPole) -> None:
        self.pole = pole

    def handlers(self) -> dict[str, Callable[[Any], dict[str, Any]]]:
        return {
            VendorMessage.SIM_PLUG: self.plug,
            VendorMessage.SIM_UNPLUG: self.unplug,
            VendorMessage.SIM_PRESENT_CARD: self.present_card,
            VendorMessage.SIM_OVERRULE: self.overrule,
            VendorMessage.SIM_POWER_CUT: self.power_cut,
            VendorMessage.SIM_NETWORK: self.network,
            VendorMessage.SIM_FAULT: self.fault,
            VendorMessage.SIM_CLOCK: self.clock,
        }

    def plug(self, request: Any) -> dict[str, Any]:
        request = _object(request)
        try:
            ev_type = EvType(request["evType"])
        except ValueError:
            kinds = ", ".join(e.value for e in EvType)
            raise ValueError(f"evType must be one of {kinds}") from None
        plugged = self.pole.plug(_connector(request), ev_type)
        return {"status": "Accepted" if plugged else "Occupied"}

    def unplug(self, request: Any) -> dict[str, Any]:
        unplugged = self.pole.unplug(_connector(_object(request)))
        return {"status": "Accepted" if unplugged else "NothingPlugged"}

    def present_card(self, request: Any) -> dict[str, Any]:
        request = _object(request)
        id_tag = request["idTag"]
        if not isinstance(id_tag, str) or not 0 < len(id_tag) <= 20:
            raise ValueError("idTag must be a string of 1–20 characters")
        return {"status": self.pole.present_card(_connector(request), id_tag)}

    def overrule(self, request: Any) -> dict[str, Any]:
        return {"status": self.pole.overrule_at_pole(_connector(_object(request)))}

    def power_cut(self, request: Any) -> dict[str, Any]:
        self.pole.power_cut(_number(_object(request), "seconds"))
        return {"status": "Accepted"}

    def network(self, request: Any) -> dict[str, Any]:
        online = _object(request)["online"]
        if not isinstance(online, bool):
            raise ValueError("online must be true or false")
        self.pole.set_network(online)
        return {"status": "Accepted"}

    def fault(self, request: Any) -> dict[str, Any]:
        request = _object(request)
        self.pole.fault(_connector(request), str(request["kind"]))
        return {"status": "Accepted"}

    def clock(self, request: Any) -> dict[str, Any]:
        request = _object(request)
        if "speed" not in request and "advanceSeconds" not in request:
            raise ValueError("give speed and/or advanceSeconds")
        if "speed" in request:
            self.pole.scheduler.set_speed(_number(request, "speed"))
        ran = 0
        if "advanceSeconds" in request:
            ran = self.pole.scheduler.advance(_number(request, "advanceSeconds"))
        self.pole.refresh()
        return {"status": "Accepted", "eventsRun": ran,
                "time": self.pole.clock.now().isoformat()}
