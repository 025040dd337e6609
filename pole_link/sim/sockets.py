"""State of one Type 2 socket of the virtual pole, and what follows from it.

Status, control-pilot state and LED are *derived* from the facts (vehicle, card,
transaction, fault, availability, offer) rather than stored beside them, so they
can never disagree with each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ocpp.v16.enums import ChargePointErrorCode, ChargePointStatus, Reason

from pole_link.model.led import LedColour, LedState, led_for
from pole_link.model.mode3 import CPState, duty_for_current
from pole_link.sim.vehicles import EvType

NOMINAL_VOLTAGE_V = 230.0
SOCKET_MAX_A = 32.0
"""eis 16: Type 2, 32 A each."""

FAULT_ERROR_CODES: dict[str, ChargePointErrorCode] = {
    "rcd": ChargePointErrorCode.ground_failure,
    "overcurrent": ChargePointErrorCode.over_current_failure,
    "lock": ChargePointErrorCode.connector_lock_failure,
    "meter": ChargePointErrorCode.power_meter_failure,
}
"""SPEC.md "Decisions/Faults": per-socket trips as OCPP error codes (eis 18/19)."""


@dataclass
class Transaction:
    local_id: int
    """Negative: the pole's own id until the CSMS assigns one (SPEC.md "Transaction ids")."""
    id_tag: str
    started: datetime
    meter_start_wh: float
    csms_id: int | None = None
    overruled: bool = False
    low_current_vehicle: bool = False
    refused: bool = False
    """eis 55: the CSMS refused the card afterwards.

    No energy, and the cable stays locked until the driver ends the transaction."""

    @property
    def id(self) -> int:
        return self.csms_id if self.csms_id is not None else self.local_id


@dataclass(frozen=True)
class EndedTransaction:
    transaction: Transaction
    stopped: datetime
    meter_stop_wh: float
    reason: Reason


@dataclass
class Socket:
    connector_id: int
    ev_type: EvType | None = None
    authorised_tag: str | None = None
    """A card accepted before a vehicle was plugged in (waits ConnectionTimeOut, eis 45)."""
    transaction: Transaction | None = None
    offered_a: float = 0.0
    fault: str | None = None
    operative: bool = True
    replugged: bool = False
    """A B→A→B transition during the transaction (eis 47: green)."""
    current_a: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])
    phase_energy_wh: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])
    """The MID meter's register per phase."""
    plug_count: int = 0
    """Counts plug-ins, so a late response of an earlier vehicle (even one unplugged in the
    same simulated instant) is never applied to the one on the cable now."""
    response_delay_s: float = 2.0
    """How long this vehicle takes to follow a new offer (IEC 61851-1 allows up to 5 s)."""
    led_test: tuple[LedColour, bool] | None = None
    """What the LED shows during its self-test (overrides the state's colour)."""

    @property
    def energy_wh(self) -> float:
        return sum(self.phase_energy_wh)

    @property
    def operative_for_charging(self) -> bool:
        """Unavailable sockets finish a running transaction (OCPP: availability Scheduled)."""
        return self.operative or self.transaction is not None

    @property
    def energised(self) -> bool:
        return any(c > 0 for c in self.current_a)

    @property
    def status(self) -> ChargePointStatus:
        if self.fault is not None:
            return ChargePointStatus.faulted
        if not self.operative and self.transaction is None:
            return ChargePointStatus.unavailable
        if self.transaction is not None:
            if self.ev_type is None:
                return ChargePointStatus.preparing
            if self.offered_a <= 0 or self.transaction.refused:
                return ChargePointStatus.suspended_evse
            return ChargePointStatus.charging if self.energised else ChargePointStatus.suspended_ev
        if self.ev_type is not None or self.authorised_tag is not None:
            return ChargePointStatus.preparing
        return ChargePointStatus.available

    @property
    def error_code(self) -> ChargePointErrorCode:
        if self.fault is None:
            return ChargePointErrorCode.no_error
        return FAULT_ERROR_CODES[self.fault]

    @property
    def cp_state(self) -> CPState:
        if self.ev_type is None:
            return CPState.A
        pwm = self.offered_a > 0 and self.fault is None
        letter = "C" if self.energised else "B"
        return CPState.from_parts(letter, pwm)

    @property
    def pwm_duty_percent(self) -> float:
        if self.offered_a <= 0 or self.fault is not None:
            return 100.0
        return round(duty_for_current(self.offered_a), 2)

    @property
    def voltage_v(self) -> tuple[float, float, float]:
        """Mains reaches the socket only with the contactor closed (state C, eis 43)."""
        live = NOMINAL_VOLTAGE_V if self.energised else 0.0
        return (live, live, live)

    def led(self, intensity_percent: int) -> LedState:
        if self.led_test is not None:
            return LedState(self.led_test[0], self.led_test[1],
                            max(0, min(100, intensity_percent)))
        return led_for(self.status, self.cp_state, replugged_in_transaction=self.replugged,
                       intensity_percent=intensity_percent)
