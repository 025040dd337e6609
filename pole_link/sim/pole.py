"""The virtual pole: two sockets, a configuration, a clock, and what a driver can do.

Every way of reaching the pole (its service port now, its OCPP connection later)
calls these methods, so a card presented over the service port and one presented
by a test behave identically. Methods return OCPP status values; they never raise
for something a real pole would simply refuse.
"""

from __future__ import annotations

import functools
import itertools
import logging
from collections.abc import Callable
from datetime import datetime

from ocpp.exceptions import PropertyConstraintViolationError
from ocpp.v16.enums import (
    AvailabilityStatus,
    AvailabilityType,
    ChargePointErrorCode,
    ChargePointStatus,
    ChargingProfilePurposeType,
    ChargingProfileStatus,
    ChargingRateUnitType,
    ClearChargingProfileStatus,
    Reason,
    RemoteStartStopStatus,
    ResetType,
    UnlockStatus,
    UpdateStatus,
)

from pole_link.live import LiveSample, SocketLive
from pole_link.model.led import TEST_SEQUENCE, LedColour
from pole_link.profiles import composite
from pole_link.profiles.charging_profile import (
    ChargingProfile,
    ProfileError,
    ProfileStore,
    check_limits,
)
from pole_link.sim.certificate_store import CertificateStore
from pole_link.sim.clock import EventScheduler, ScheduledEvent, SimClock
from pole_link.sim.configuration import ConfigurationStore
from pole_link.sim.firmware_slots import FirmwareSlots
from pole_link.sim.local_auth_list import LocalAuthList
from pole_link.sim.observers import CardAuthoriser, MeterSampler, PoleObserver
from pole_link.sim.physics import ChargingPhysics
from pole_link.sim.pole_logs import PoleLogs
from pole_link.sim.remote_files import RemoteFiles
from pole_link.sim.security import PoleSecurity
from pole_link.sim.service_access import INVALID_SERVICE_TOKEN, ServiceAccess
from pole_link.sim.signed_update import SignedUpdates
from pole_link.sim.sockets import FAULT_ERROR_CODES, EndedTransaction, Socket, Transaction
from pole_link.sim.vehicles import EvType
from pole_link.timeutil import format_time

LOGGER = logging.getLogger(__name__)

SOCKETS = 2
VENDOR = "Paalwerk"
MODEL = "PW-2 virtual pole"
FIRMWARE_VERSION = "sim-0.1.0"
TECH_INFO_LENGTH = 255
"""SecurityEventNotification.techInfo is a CiString255."""
LED_TEST_STEP_S = 1.0
"""How long (pole time) the LED self-test shows each colour."""

Listener = Callable[[], None]


class VirtualPole:
    """A tender pole in software (ARCHITECTURE.md, ``pole_link.sim``)."""

    def __init__(
        self,
        pole_id: str,
        *,
        clock: SimClock | None = None,
        configuration: ConfigurationStore | None = None,
        security_extension: bool = True,
    ) -> None:
        self.pole_id = pole_id
        self.clock = clock or SimClock()
        self.scheduler = EventScheduler(self.clock)
        self.configuration = configuration or ConfigurationStore(pole_id, connectors=SOCKETS)
        self.security = PoleSecurity()
        """SecurityProfile and the write-only AuthorizationKey (issue 16)."""
        self.sockets = [Socket(connector_id) for connector_id in range(1, SOCKETS + 1)]
        self.powered = True
        self.online = True
        self.service_access = ServiceAccess()
        """ServiceTokenKeys, revoked token ids and the Auth lockout (eis 69): until the
        CSMS sets keys the pole accepts its commissioning PIN ``demo``."""
        self.service_access.locked_out.append(
            lambda detail: self.security_event(INVALID_SERVICE_TOKEN, detail))
        self.ended: list[EndedTransaction] = []
        self.local_list = LocalAuthList()
        """The local authorisation list (SendLocalList), used offline (eis 50)."""
        self.profiles = ProfileStore(SOCKETS)
        self.firmware_update_requested: tuple[str, str] | None = None
        self.firmware_version = FIRMWARE_VERSION
        """What BootNotification reports; an installed update changes it."""
        self.security_extension = security_extension
        """Speaks the OCPP 1.6 security whitepaper's messages (SignedUpdateFirmware,
        SecurityEventNotification); False: a legacy pole that knows none of them."""
        self.security_events: list[tuple[str, str]] = []
        """``(type, techInfo)`` of every security event, oldest first (sent or queued)."""
        self.security_log: list[tuple[datetime, str, str]] = []
        """The same events with their moment on the pole clock: GetLog's SecurityLog."""
        self.firmware = FirmwareSlots(self, MODEL)
        """Slots A/B, trusted manufacturer roots and the local firmware update."""
        self.reboot_listeners: list[Listener] = []
        """Told after the pole restarted (`reboot`): ports end their sessions, the OCPP
        connection starts over with a BootNotification."""
        self.remote_files = RemoteFiles(self)
        """Firmware downloads and diagnostics uploads over HTTP (UpdateFirmware,
        GetDiagnostics)."""
        self.signed_updates = SignedUpdates(self)
        self.certificates = CertificateStore(self)
        """InstallCertificate, GetInstalledCertificateIds, DeleteCertificate (issue 16)."""
        self.logs = PoleLogs(self)
        """GetLog: security and diagnostics logs uploaded over HTTP (issue 16)."""
        """OCPP SignedUpdateFirmware: download, verify, install, report each step."""
        self._local_ids = itertools.count(-1, -1)
        self._listeners: list[Listener] = []
        self.observers: list[PoleObserver] = []
        self.metering: MeterSampler | None = None
        """Schedules meter values on the pole clock once a CSMS is configured (eis 56)."""
        self.authoriser: CardAuthoriser | None = None
        """The CSMS while the pole is connected to it; None means offline (eis 50)."""
        self._authorising: dict[int, str] = {}
        self._statuses: dict[int, tuple[ChargePointStatus, ChargePointErrorCode]] = {}
        self._connection_timeouts: dict[int, ScheduledEvent] = {}
        self.reports: list[tuple[str, dict[str, object]]] = []
        """Pole-initiated reports (LowCurrentVehicle, Overrule) for the CSMS, oldest first."""
        self.physics = ChargingPhysics(
            self.sockets, self.scheduler, self.configuration, self.profiles,
            powered=lambda: self.powered, on_low_current_vehicle=self._low_current_vehicle,
            on_reviewed=self._publish_statuses)
        self.configuration.subscribe(self._configuration_changed)

    # ------------------------------------------------------------ identity & observers
    @property
    def serial_number(self) -> str:
        return f"SIM-{self.pole_id}"

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Be told after every change of state (ports push status from here)."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def continue_local_ids_below(self, lowest: int | None) -> None:
        """Number new transactions below ``lowest`` (ids still queued from before a restart)."""
        if lowest is not None and lowest < 0:
            self._local_ids = itertools.count(lowest - 1, -1)

    def connector_statuses(self) -> dict[int, tuple[ChargePointStatus, ChargePointErrorCode]]:
        """OCPP status of connector 0 (the pole) and each socket."""
        pole_status = (ChargePointStatus.available if any(s.operative for s in self.sockets)
                       else ChargePointStatus.unavailable)
        statuses = {0: (pole_status, ChargePointErrorCode.no_error)}
        for socket in self.sockets:
            statuses[socket.connector_id] = (socket.status, socket.error_code)
        return statuses

    def _publish_statuses(self) -> None:
        if not self.powered:
            return  # a pole without mains says nothing
        now = self.clock.now()
        for connector_id, state in self.connector_statuses().items():
            if self._statuses.get(connector_id) != state:
                self._statuses[connector_id] = state
                for observer in list(self.observers):
                    observer.status_changed(connector_id, state[0], state[1], now)

    def _report(self, message_id: str, data: dict[str, object]) -> None:
        self.reports.append((message_id, data))
        now = self.clock.now()
        for observer in list(self.observers):
            observer.report(message_id, dict(data), now)

    def notify_csms(self, action: str, payload: dict[str, object],
                    at: datetime | None = None) -> None:
        """A standard OCPP message for the CSMS (FirmwareStatusNotification after a local
        update), queued like a transaction event so it survives being offline; ``at``:
        when it happened (default now)."""
        now = at or self.clock.now()
        for observer in list(self.observers):
            observer.notify(action, dict(payload), now)

    def security_event(self, kind: str, tech_info: str) -> None:
        """A ``SecurityEventNotification`` (security whitepaper; eis 69 security logging),
        queued with the moment it happened so one raised offline keeps its time."""
        if not self.security_extension:
            return
        LOGGER.warning("%s: security event %s: %s", self.pole_id, kind, tech_info)
        self.security_events.append((kind, tech_info))
        now = self.clock.now()
        self.security_log.append((now, kind, tech_info))
        self.notify_csms("SecurityEventNotification", {
            "type": kind, "timestamp": format_time(now),
            "techInfo": tech_info[:TECH_INFO_LENGTH]}, now)

    def _configuration_changed(self, key: str, value: str) -> None:
        self.physics.configuration_changed()
        self._changed()

    def _changed(self) -> None:
        self.physics.review()
        for listener in list(self._listeners):
            listener()

    def refresh(self) -> None:
        """Re-derive everything after the clock moved (a jump can cross profile steps)."""
        self._changed()

    def socket(self, connector_id: int) -> Socket:
        if not 1 <= connector_id <= len(self.sockets):
            raise ValueError(f"connector {connector_id} does not exist (1–{len(self.sockets)})")
        return self.sockets[connector_id - 1]

    # ------------------------------------------------------------ power and meters
    def grid_limit_a(self) -> float:
        """``GridConnectionMaxCurrent``: the hard ceiling beneath every profile (eis 20/31)."""
        return float(self.configuration.int_value("GridConnectionMaxCurrent"))

    def limit_a(self) -> float:
        """Total per-phase limit in force now: profiles, overrule and grid ceiling combined."""
        return self.physics.limit_a

    def live_sample(self) -> LiveSample:
        self.physics.meter()
        intensity = self.configuration.int_value("LightIntensity")
        return LiveSample(
            timestamp=self.clock.now(),
            limit_a=self.limit_a(),
            sockets=tuple(
                SocketLive(
                    connector_id=s.connector_id,
                    cp_state=s.cp_state,
                    pwm_duty_percent=s.pwm_duty_percent,
                    offered_current_a=s.offered_a,
                    current_a=(s.current_a[0], s.current_a[1], s.current_a[2]),
                    voltage_v=s.voltage_v,
                    energy_wh=round(s.energy_wh, 3),
                    status=s.status,
                    transaction_id=s.transaction.id if s.transaction else None,
                    overruled=bool(s.transaction and s.transaction.overruled),
                    low_current_vehicle=bool(s.transaction and s.transaction.low_current_vehicle),
                    led=s.led(intensity),
                )
                for s in self.sockets
            ),
        )

    # ------------------------------------------------------------ transactions
    def _start_transaction(self, socket: Socket, id_tag: str) -> Transaction:
        self.physics.meter()
        self._cancel_connection_timeout(socket)
        socket.authorised_tag = None
        socket.replugged = False
        transaction = Transaction(next(self._local_ids), id_tag, self.clock.now(),
                                  socket.energy_wh)
        socket.transaction = transaction
        for observer in list(self.observers):
            observer.transaction_started(socket, transaction)
        return transaction

    def _end_transaction(self, socket: Socket, reason: Reason) -> EndedTransaction | None:
        if socket.transaction is None:
            return None
        self.physics.meter()
        ended = EndedTransaction(socket.transaction, self.clock.now(), socket.energy_wh, reason)
        self.ended.append(ended)
        self.profiles.drop_transaction_profiles(socket.connector_id)
        socket.transaction = None
        socket.replugged = False
        for observer in list(self.observers):
            observer.transaction_ended(socket, ended)
        return ended

    def _authorise(self, socket: Socket, id_tag: str) -> None:
        """An accepted card or remote start: charge now if plugged, else wait (eis 45)."""
        if socket.ev_type is not None:
            self._start_transaction(socket, id_tag)
            return
        socket.authorised_tag = id_tag
        self._cancel_connection_timeout(socket)
        timeout = self.configuration.int_value("ConnectionTimeOut")
        self._connection_timeouts[socket.connector_id] = self.scheduler.call_later(
            timeout, lambda: self._connection_timed_out(socket), name="ConnectionTimeOut")

    def _connection_timed_out(self, socket: Socket) -> None:
        self._connection_timeouts.pop(socket.connector_id, None)
        if socket.authorised_tag is not None and socket.transaction is None:
            socket.authorised_tag = None
            self._changed()

    def _cancel_connection_timeout(self, socket: Socket) -> None:
        pending = self._connection_timeouts.pop(socket.connector_id, None)
        if pending is not None:
            pending.cancel()

    def transaction(self, transaction_id: int) -> tuple[Socket, Transaction] | None:
        for socket in self.sockets:
            if socket.transaction is not None and transaction_id in (
                    socket.transaction.local_id, socket.transaction.csms_id):
                return socket, socket.transaction
        return None

    # ------------------------------------------------------------ what drivers do
    def plug(self, connector_id: int, ev_type: EvType, *, response_delay_s: float = 2.0
             ) -> bool:
        socket = self.socket(connector_id)
        if socket.ev_type is not None:
            return False
        socket.ev_type = ev_type
        socket.plug_count += 1
        socket.response_delay_s = response_delay_s
        if socket.transaction is not None:
            socket.replugged = True
        elif socket.authorised_tag is not None and socket.operative:
            self._start_transaction(socket, socket.authorised_tag)
        self._changed()
        return True

    def unplug(self, connector_id: int) -> bool:
        socket = self.socket(connector_id)
        if socket.ev_type is None:
            return False
        socket.ev_type = None
        if socket.transaction is not None and self.configuration.bool_value(
                "StopTransactionOnEVSideDisconnect"):
            self._end_transaction(socket, Reason.ev_disconnected)
        self._changed()
        return True

    def present_card(self, connector_id: int, id_tag: str) -> str:
        """A card at the reader: ends this card's transaction, else starts or authorises.

        Connected, the CSMS decides (``Authorising`` now, ``card_answer`` later).
        Offline, every card is accepted (eis 50, ``AllowOfflineTxForUnknownId``) unless
        the local list says otherwise; ending one's own transaction always works (eis 54).
        """
        socket = self.socket(connector_id)
        if socket.transaction is not None:
            if socket.transaction.id_tag != id_tag:
                return "Rejected"
            self._end_transaction(socket, Reason.local)
            self._changed()
            return "Stopped"
        if not socket.operative or socket.fault is not None or not self.powered:
            return "Rejected"
        if self.authoriser is not None and not self._locally_accepted(id_tag):
            self._authorising[connector_id] = id_tag
            self.authoriser.authorise(connector_id, id_tag)
            return "Authorising"
        if not self._offline_accepts(id_tag):
            return "Rejected"
        self._authorise(socket, id_tag)
        self._changed()
        return "Accepted"

    def _listed(self, id_tag: str) -> str | None:
        """The local list's verdict now (None: unlisted, or the list is switched off)."""
        if not self.configuration.bool_value("LocalAuthListEnabled"):
            return None
        return self.local_list.status(id_tag, self.clock.now())

    def _locally_accepted(self, id_tag: str) -> bool:
        """LocalPreAuthorize: a tag the local list accepts starts without asking."""
        return (self.configuration.bool_value("LocalPreAuthorize")
                and self._listed(id_tag) == "Accepted")

    def _offline_accepts(self, id_tag: str) -> bool:
        """OCPP 1.6 offline: with LocalAuthorizeOffline a listed card is judged by the list
        (a card listed Blocked, Expired, Invalid or past its expiry date is refused);
        an unlisted one by AllowOfflineTxForUnknownId (true by default: eis 50)."""
        listed = self._listed(id_tag)
        if listed is not None and self.configuration.bool_value("LocalAuthorizeOffline"):
            return listed == "Accepted"
        return self.configuration.bool_value("AllowOfflineTxForUnknownId")

    def card_answer(self, connector_id: int, id_tag: str, status: str | None) -> None:
        """The CSMS's verdict on a card (None: no answer came — treated as offline)."""
        if self._authorising.get(connector_id) != id_tag:
            return
        del self._authorising[connector_id]
        socket = self.socket(connector_id)
        accepted = status == "Accepted" if status is not None else self._offline_accepts(id_tag)
        if accepted and socket.transaction is None and socket.fault is None and self.powered:
            self._authorise(socket, id_tag)
        self._changed()

    def card_answers_lost(self) -> None:
        """The CSMS went away while cards waited for its verdict: offline rules decide."""
        for connector_id, id_tag in list(self._authorising.items()):
            self.card_answer(connector_id, id_tag, None)

    def meter_now(self, connector_id: int | None) -> bool:
        """A meter reading on request (TriggerMessage MeterValues); False if none can be made."""
        return self.metering is not None and self.metering.sample_now(connector_id)

    def assign_transaction_id(self, local_id: int, csms_id: int) -> None:
        """StartTransaction was answered: the transaction now carries the CSMS's id."""
        for socket in self.sockets:
            if socket.transaction is not None and socket.transaction.local_id == local_id:
                socket.transaction.csms_id = csms_id

    def transaction_refused(self, local_id: int) -> None:
        """eis 55: the CSMS refused the card of a transaction started offline.

        Energy stops at once; with ``StopTransactionOnInvalidId`` false (the tender's
        choice) the transaction stays open and the cable locked until the driver ends
        it; with it true the pole stops the transaction itself.
        """
        for socket in self.sockets:
            transaction = socket.transaction
            if transaction is not None and transaction.local_id == local_id:
                if self.configuration.bool_value("StopTransactionOnInvalidId"):
                    self._end_transaction(socket, Reason.de_authorized)
                else:
                    transaction.refused = True
                self._changed()

    def overrule(self, connector_id: int) -> str:
        """The driver lifts the peak limit for this transaction (SPEC.md "Overrule")."""
        socket = self.socket(connector_id)
        if socket.transaction is None:
            return "NoTransaction"
        socket.transaction.overruled = True
        self._changed()
        return "Accepted"

    def overrule_at_pole(self, connector_id: int) -> str:
        """The overrule button: as `overrule`, and the CSMS is told (SPEC.md "Overrule" b)."""
        status = self.overrule(connector_id)
        transaction = self.socket(connector_id).transaction
        if status == "Accepted" and transaction is not None:
            # "timestamp" extends PROTOCOL.md's Overrule data: a report queued offline
            # must keep the moment of the overrule, which eis 25 reports depend on.
            self._report("Overrule", {"connectorId": connector_id,
                                      "transactionId": transaction.id, "source": "pole",
                                      "timestamp": format_time(self.clock.now())})
        return status

    def fault(self, connector_id: int, kind: str) -> None:
        socket = self.socket(connector_id)
        if kind == "clear":
            socket.fault = None
        elif kind in FAULT_ERROR_CODES:
            socket.fault = kind
        else:
            raise ValueError(f"unknown fault {kind!r} (rcd, overcurrent, lock, meter, clear)")
        self._changed()

    def led_self_test(self, connector_id: int) -> None:
        """``SelfTest led``: the socket's LED shows every eis 47 colour in turn
        (`TEST_SEQUENCE`, `LED_TEST_STEP_S` each), then its state's colour again."""
        socket = self.socket(connector_id)

        def show(shown: tuple[LedColour, bool] | None) -> None:
            socket.led_test = shown
            self._changed()

        steps: list[tuple[LedColour, bool] | None] = [*TEST_SEQUENCE, None]
        show(steps[0])
        for index, shown in enumerate(steps[1:], start=1):
            self.scheduler.call_later(index * LED_TEST_STEP_S, functools.partial(show, shown),
                                      name="LED self-test")

    def power_cut(self, seconds: float) -> None:
        """Mains lost (eis 42/43): transactions end now and the cable is free.

        Power returns after ``seconds`` of pole time, with nothing restarting by itself.
        """
        if seconds <= 0:
            raise ValueError("a power cut lasts a positive number of seconds")
        for socket in self.sockets:
            self._end_transaction(socket, Reason.power_loss)
            socket.authorised_tag = None
            self._cancel_connection_timeout(socket)
        self.powered = False
        self._changed()
        self.scheduler.call_later(seconds, self._power_restored, name="power restored")

    def _low_current_vehicle(self, socket: Socket, when: datetime) -> None:
        transaction = socket.transaction
        if transaction is not None:
            self._report("LowCurrentVehicle", {
                "connectorId": socket.connector_id, "transactionId": transaction.id,
                "timestamp": format_time(when)})

    def shut_down(self) -> None:
        """The simulator stops: end transactions as a power cut would (eis 43)."""
        for socket in self.sockets:
            self._end_transaction(socket, Reason.power_loss)
        self.powered = False
        self._changed()

    def _power_restored(self) -> None:
        self.powered = True
        self._changed()

    def set_network(self, online: bool) -> None:
        self.online = online
        self._changed()

    # ------------------------------------------------------------ what operators do
    def remote_start(self, connector_id: int | None, id_tag: str) -> RemoteStartStopStatus:
        candidates = ([self.socket(connector_id)] if connector_id else
                      [s for s in self.sockets if s.transaction is None])
        for socket in candidates:
            if (socket.transaction is None and socket.operative and socket.fault is None
                    and self.powered):
                self._authorise(socket, id_tag)
                self._changed()
                return RemoteStartStopStatus.accepted
        return RemoteStartStopStatus.rejected

    def remote_stop(self, transaction_id: int) -> RemoteStartStopStatus:
        found = self.transaction(transaction_id)
        if found is None:
            return RemoteStartStopStatus.rejected
        self._end_transaction(found[0], Reason.remote)
        self._changed()
        return RemoteStartStopStatus.accepted

    def unlock(self, connector_id: int) -> UnlockStatus:
        socket = self.socket(connector_id)
        if socket.fault == "lock":
            return UnlockStatus.unlock_failed
        self._end_transaction(socket, Reason.unlock_command)
        self._changed()
        return UnlockStatus.unlocked

    def change_availability(self, connector_id: int, kind: AvailabilityType
                            ) -> AvailabilityStatus:
        targets = self.sockets if connector_id == 0 else [self.socket(connector_id)]
        operative = kind == AvailabilityType.operative
        busy = any(s.transaction is not None for s in targets)
        for socket in targets:
            socket.operative = operative
        self._changed()
        if busy and not operative:
            return AvailabilityStatus.scheduled
        return AvailabilityStatus.accepted

    def reset(self, kind: ResetType) -> None:
        reason = Reason.hard_reset if kind == ResetType.hard else Reason.soft_reset
        for socket in self.sockets:
            self._end_transaction(socket, reason)
        self._changed()

    def reboot(self) -> None:
        """Restart (after a firmware install): transactions end, the active firmware slot
        boots (and rolls back if unhealthy), every port and connection starts over."""
        for socket in self.sockets:
            self._end_transaction(socket, Reason.reboot)
        self.firmware.boot()
        self._changed()
        for listener in list(self.reboot_listeners):
            listener()

    @property
    def local_list_version(self) -> int:
        return self.local_list.version

    def send_local_list(self, version: int, update_type: str, entries: list[dict[str, object]]
                        ) -> UpdateStatus:
        """OCPP local authorisation list: Full replaces, Differential patches
        (`LocalAuthList.update`), within the pole's configured lengths."""
        return self.local_list.update(
            version, update_type, entries,
            max_update=self.configuration.int_value("SendLocalListMaxLength"),
            max_length=self.configuration.int_value("LocalAuthListMaxLength"))

    # ------------------------------------------------------------ smart charging
    def set_charging_profile(self, connector_id: int, data: dict[str, object]
                             ) -> ChargingProfileStatus:
        """Install an OCPP ``csChargingProfiles`` object.

        A profile that breaks the pole's limits is a CALLERROR naming the field, so
        a technician learns *why*; one the pole's state refuses (a TxProfile with no
        transaction) is OCPP's plain ``Rejected``.
        """
        config = self.configuration
        units = {ChargingRateUnitType.amps if unit == "Current" else ChargingRateUnitType.watts
                 for unit in config.list_value("ChargingScheduleAllowedChargingRateUnit")}
        try:
            profile = ChargingProfile.from_ocpp(dict(data))
            check_limits(profile, max_stack_level=config.int_value("ChargeProfileMaxStackLevel"),
                         max_periods=config.int_value("ChargingScheduleMaxPeriods"),
                         allowed_units=units)
        except ProfileError as exc:
            raise PropertyConstraintViolationError(
                description=str(exc), details={"cause": str(exc)}) from None
        running = self.sockets[connector_id - 1].transaction if connector_id else None
        try:
            self.profiles.install(connector_id, profile,
                                  transaction_id=running.id if running else None)
        except ProfileError as exc:
            LOGGER.info("%s: profile refused: %s", self.pole_id, exc)
            return ChargingProfileStatus.rejected
        self._changed()
        return ChargingProfileStatus.accepted

    def clear_charging_profiles(self, *, profile_id: int | None = None,
                                connector_id: int | None = None, purpose: str | None = None,
                                stack_level: int | None = None) -> ClearChargingProfileStatus:
        removed = self.profiles.clear(
            profile_id=profile_id, connector_id=connector_id,
            purpose=ChargingProfilePurposeType(purpose) if purpose else None,
            stack_level=stack_level)
        self._changed()
        if removed:
            return ClearChargingProfileStatus.accepted
        return ClearChargingProfileStatus.unknown

    def composite_schedule(self, connector_id: int, duration_s: int, unit: str | None
                           ) -> tuple[str, dict[str, object]] | None:
        """``(scheduleStart, chargingSchedule)`` as OCPP JSON from now, or None if impossible."""
        now = self.clock.now().replace(microsecond=0)
        running = self.sockets[connector_id - 1].transaction if connector_id else None
        try:
            schedule = composite.composite_schedule(
                self.profiles, connector_id, now, duration_s,
                unit=ChargingRateUnitType(unit) if unit else ChargingRateUnitType.amps,
                grid_limit_a=self.grid_limit_a(),
                transaction_start=running.started if running else None,
                transaction_id=running.id if running else None)
        except ProfileError as exc:
            LOGGER.info("%s: no composite schedule: %s", self.pole_id, exc)
            return None
        body = schedule.to_ocpp()
        body.pop("startSchedule", None)
        return format_time(now), body

    def trigger(self, message: str, connector_id: int | None) -> bool:
        """Send ``message`` to the CSMS now; impossible while offline."""
        return self.authoriser is not None and self.authoriser.trigger(message, connector_id)

    def statuses(self) -> dict[int, ChargePointStatus]:
        return {s.connector_id: s.status for s in self.sockets}

