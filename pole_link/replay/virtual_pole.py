"""A virtual pole whose state is what its stored messages say, nothing more.

The Pole view shows a pole through `LiveSample`s, so a replayed pole is one too: each
message the player applies moves this state, and `sample` reads it as the pole would
have reported it at that moment. The pilot state and the LED are not in OCPP's messages;
they are derived from the status with the pole's own rules (`pole_link.model`), so the
cards show what a driver standing at the pole saw. A ``Live`` sample the service kept
(one a minute while someone watched) is the pole's own word and replaces the derived
state whole.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ocpp.v16.enums import ChargePointStatus

from pole_link.live import LiveSample, SocketLive
from pole_link.model.led import led_for
from pole_link.model.mode3 import CPState, duty_for_current
from pole_link.protocol.vendor import VENDOR_ID, VendorMessage, decode_data
from pole_link.replay.history import ReplayMessage

SOCKETS = 2
GRID_KEY = "GridConnectionMaxCurrent"
NOMINAL_V = 230.0
DEFAULT_LIMIT_A = 0.0
"""The pole limit before the log names one: unknown, shown as 0 rather than invented."""

_PILOT = {
    ChargePointStatus.available: CPState.A,
    ChargePointStatus.preparing: CPState.B1,
    ChargePointStatus.charging: CPState.C2,
    ChargePointStatus.suspended_ev: CPState.B2,
    ChargePointStatus.suspended_evse: CPState.B1,
    ChargePointStatus.finishing: CPState.B1,
    ChargePointStatus.reserved: CPState.A,
    ChargePointStatus.unavailable: CPState.F,
    ChargePointStatus.faulted: CPState.F,
}
"""The pilot state a status implies; the log holds the status, not the pilot."""


@dataclass
class ReplaySocket:
    """One socket as the log describes it so far."""

    connector_id: int
    status: ChargePointStatus = ChargePointStatus.available
    error_code: str = "NoError"
    info: str = ""
    transaction_id: int | None = None
    id_tag: str | None = None
    meter_start_wh: float | None = None
    register_wh: float = 0.0
    current_a: tuple[float, float, float] = (0.0, 0.0, 0.0)
    voltage_v: tuple[float, float, float] = (NOMINAL_V, NOMINAL_V, NOMINAL_V)
    offered_a: float = 0.0
    stop_reason: str | None = None
    live: SocketLive | None = None
    """The socket as the last kept ``Live`` sample showed it, until a message changes it."""

    @property
    def session_energy_wh(self) -> float:
        """Energy of the running (or last) session: what a driver's receipt says."""
        if self.meter_start_wh is None:
            return 0.0
        return max(0.0, self.register_wh - self.meter_start_wh)

    def to_live(self, limit_a: float) -> SocketLive:
        """The socket as a Live sample; ``limit_a`` (the pole's limit) stands in for the
        offer when the log names none: few poles sample ``Current.Offered``, and the limit
        in force is the ceiling of any offer."""
        if self.live is not None:
            return self.live
        pilot = _PILOT.get(self.status, CPState.A)
        offered = (self.offered_a or limit_a) if pilot.pwm_on else 0.0
        return SocketLive(
            connector_id=self.connector_id, cp_state=pilot,
            pwm_duty_percent=_duty(offered), offered_current_a=offered,
            current_a=self.current_a, voltage_v=self.voltage_v,
            energy_wh=round(self.session_energy_wh, 3), status=self.status,
            transaction_id=self.transaction_id, overruled=False, low_current_vehicle=False,
            led=led_for(self.status, pilot))


@dataclass
class ReplayPole:
    """The replayed pole: its sockets, its limit, and what it last said about itself."""

    pole_id: str
    sockets: dict[int, ReplaySocket] = field(default_factory=dict)
    limit_a: float = DEFAULT_LIMIT_A
    vendor: str = "?"
    model: str = "?"
    serial_number: str = "?"
    firmware_version: str = "?"
    boots: int = 0
    grid_a: float | None = None
    """GridConnectionMaxCurrent, when the log holds the pole's answer naming it."""
    _pending_starts: dict[str, int] = field(default_factory=dict)
    """StartTransaction call id -> connector, until the CSMS's answer names the transaction."""

    def __post_init__(self) -> None:
        for connector_id in range(1, SOCKETS + 1):
            self.sockets.setdefault(connector_id, ReplaySocket(connector_id))

    def socket(self, connector_id: int) -> ReplaySocket:
        if connector_id not in self.sockets:
            self.sockets[connector_id] = ReplaySocket(connector_id)
        return self.sockets[connector_id]

    def sample(self, at: datetime) -> LiveSample:
        """The pole as a ``Live`` sample at replay time ``at``."""
        return LiveSample(timestamp=at, limit_a=self.limit_a,
                          sockets=tuple(self.sockets[c].to_live(self.limit_a)
                                        for c in sorted(self.sockets)))

    # ------------------------------------------------------------ applying messages
    def apply(self, message: ReplayMessage) -> None:
        """Move the state as ``message`` moved the real pole; unknown actions, CSMS calls
        the pole refused and unreadable payloads change nothing."""
        payload = message.payload
        if message.is_call and isinstance(payload, dict):
            handler = {
                "BootNotification": self._boot_notification,
                "StatusNotification": self._status_notification,
                "StartTransaction": self._start_transaction,
                "StopTransaction": self._stop_transaction,
                "MeterValues": self._meter_values,
                "SetChargingProfile": self._set_charging_profile,
                "DataTransfer": self._data_transfer,
            }.get(message.action)
            if handler is not None:
                handler(message, payload)
        elif message.action == "StartTransaction" and isinstance(payload, dict):
            self._started(message, payload)
        elif message.action == "GetConfiguration" and isinstance(payload, dict):
            self._configuration(payload)

    def _configuration(self, payload: dict[str, Any]) -> None:
        """The pole's GridConnectionMaxCurrent, as the service read it: the limit until a
        profile lowers it."""
        for entry in payload.get("configurationKey") or []:
            if entry.get("key") == GRID_KEY:
                try:
                    self.grid_a = float(entry.get("value"))
                except (TypeError, ValueError):
                    continue
                if self.limit_a == DEFAULT_LIMIT_A:
                    self.limit_a = self.grid_a

    def _boot_notification(self, message: ReplayMessage, payload: dict[str, Any]) -> None:
        """A boot means the pole was off: no current flows until it says otherwise. Its
        transactions stay open until its StopTransaction (reason PowerLoss, sent after
        the boot) closes them, as they stay open at the service."""
        self.boots += 1
        self.vendor = str(payload.get("chargePointVendor") or self.vendor)
        self.model = str(payload.get("chargePointModel") or self.model)
        self.serial_number = str(payload.get("chargePointSerialNumber") or self.serial_number)
        self.firmware_version = str(payload.get("firmwareVersion") or self.firmware_version)
        for socket in self.sockets.values():
            socket.current_a = (0.0, 0.0, 0.0)
            socket.live = None

    def _status_notification(self, message: ReplayMessage, payload: dict[str, Any]
                                 ) -> None:
        connector_id = int(payload.get("connectorId", 0))
        try:
            status = ChargePointStatus(payload.get("status"))
        except ValueError:
            return
        sockets = [self.socket(connector_id)] if connector_id else list(self.sockets.values())
        for socket in sockets:
            socket.live = None
            socket.status = status
            socket.error_code = str(payload.get("errorCode") or "NoError")
            socket.info = str(payload.get("info") or payload.get("vendorErrorCode") or "")
            if status not in (ChargePointStatus.charging, ChargePointStatus.suspended_ev,
                              ChargePointStatus.suspended_evse):
                socket.current_a = (0.0, 0.0, 0.0)

    def _start_transaction(self, message: ReplayMessage, payload: dict[str, Any]) -> None:
        socket = self.socket(int(payload.get("connectorId", 1)))
        socket.live = None
        socket.id_tag = str(payload.get("idTag") or "")
        socket.meter_start_wh = float(payload.get("meterStart", socket.register_wh))
        socket.register_wh = socket.meter_start_wh
        socket.stop_reason = None
        self._pending_starts[message.unique_id] = socket.connector_id

    def _started(self, message: ReplayMessage, payload: dict[str, Any]) -> None:
        connector_id = self._pending_starts.pop(message.unique_id, None)
        transaction_id = payload.get("transactionId")
        if connector_id is not None and isinstance(transaction_id, int):
            self.socket(connector_id).transaction_id = transaction_id

    def _stop_transaction(self, message: ReplayMessage, payload: dict[str, Any]) -> None:
        transaction_id = payload.get("transactionId")
        for socket in self.sockets.values():
            if socket.transaction_id is not None and socket.transaction_id == transaction_id:
                socket.live = None
                socket.transaction_id = None
                socket.current_a = (0.0, 0.0, 0.0)
                socket.stop_reason = str(payload.get("reason") or "Local")
                if "meterStop" in payload:
                    socket.register_wh = float(payload["meterStop"])

    def _meter_values(self, message: ReplayMessage, payload: dict[str, Any]) -> None:
        connector_id = int(payload.get("connectorId", 0))
        if connector_id == 0:
            return  # the main meter: no socket's current
        socket = self.socket(connector_id)
        socket.live = None
        for meter_value in payload.get("meterValue") or []:
            currents = list(socket.current_a)
            voltages = list(socket.voltage_v)
            for sampled in meter_value.get("sampledValue") or []:
                _read_sample(socket, sampled, currents, voltages)
            socket.current_a = (currents[0], currents[1], currents[2])
            socket.voltage_v = (voltages[0], voltages[1], voltages[2])
        if payload.get("transactionId") is not None and socket.transaction_id is None:
            socket.transaction_id = int(payload["transactionId"])

    def _set_charging_profile(self, message: ReplayMessage, payload: dict[str, Any]
                                 ) -> None:
        """The limit the service asked for: the first period's, in amps (a profile in
        watts is converted at the nominal three-phase voltage)."""
        profile = payload.get("csChargingProfiles") or {}
        schedule = profile.get("chargingSchedule") or {}
        periods = schedule.get("chargingSchedulePeriod") or []
        if not periods:
            return
        limit = float(periods[0].get("limit", 0.0))
        if schedule.get("chargingRateUnit") == "W":
            limit /= 3 * NOMINAL_V
        connector_id = int(payload.get("connectorId", 0))
        if connector_id == 0:
            self.limit_a = limit if self.grid_a is None else min(limit, self.grid_a)
        else:
            self.socket(connector_id).offered_a = limit

    def _data_transfer(self, message: ReplayMessage, payload: dict[str, Any]) -> None:
        if (payload.get("vendorId") != VENDOR_ID
                or payload.get("messageId") != VendorMessage.LIVE):
            return
        try:
            sample = LiveSample.from_json(decode_data(payload.get("data")))
        except ValueError:
            return
        self.limit_a = sample.limit_a
        for live in sample.sockets:
            socket = self.socket(live.connector_id)
            socket.live = live
            socket.status = live.status
            socket.current_a = live.current_a
            socket.voltage_v = live.voltage_v
            socket.offered_a = live.offered_current_a
            socket.transaction_id = live.transaction_id


def _read_sample(socket: ReplaySocket, sampled: dict[str, Any], currents: list[float],
                 voltages: list[float]) -> None:
    try:
        value = float(sampled.get("value", "nan"))
    except (TypeError, ValueError):
        return
    if math.isnan(value):
        return
    measurand = sampled.get("measurand") or "Energy.Active.Import.Register"
    phase = str(sampled.get("phase") or "")
    index = {"L1": 0, "L2": 1, "L3": 2, "L1-N": 0, "L2-N": 1, "L3-N": 2}.get(phase)
    if measurand == "Energy.Active.Import.Register" and not phase:
        socket.register_wh = value * (1000.0 if sampled.get("unit") == "kWh" else 1.0)
    elif measurand == "Current.Import" and index is not None:
        currents[index] = value
    elif measurand == "Current.Import" and not phase:
        currents[:] = [value] * 3
    elif measurand == "Voltage" and index is not None:
        voltages[index] = value
    elif measurand == "Current.Offered":
        socket.offered_a = value


def _duty(offered: float) -> float:
    try:
        return duty_for_current(offered)
    except ValueError:
        return 100.0


__all__ = ["ReplayPole", "ReplaySocket"]
