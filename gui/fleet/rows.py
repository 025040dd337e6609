"""The fleet's rows without Qt: what a pole's row holds and how live events change it.

Everything the Fleet view sorts and filters on is derived here once per change
(`assess`: attention severity, reasons and quick-filter flags; the lowercase search
text), so the Qt model only hands out plain fields and filtering 10,000 rows stays fast.
Kept free of Qt so the rules — when a pole "needs attention", what a stuck transaction
is — are tested as plain Python.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import IntEnum, IntFlag
from typing import Any
from zoneinfo import ZoneInfo

from ocpp.v16.enums import ChargePointStatus

from pole_link.model.led import LedColour, led_for
from pole_link.model.mode3 import CPState
from pole_link.service_api import (
    ConnectionEvent,
    MeterValuesEvent,
    PoleRecord,
    SecurityEventRecord,
    ServiceEvent,
    StatusEvent,
    TransactionEvent,
)

STUCK_TRANSACTION = timedelta(hours=24)
STUCK_STATUS = timedelta(minutes=30)
_STUCK_STATUSES = frozenset({"Finishing", "SuspendedEVSE"})
_WITH_VEHICLE = frozenset({"Preparing", "Charging", "SuspendedEV", "SuspendedEVSE", "Finishing"})
_POWERED = frozenset({"Charging", "SuspendedEV", "SuspendedEVSE"})
_NO_ERROR = "NoError"
DASH = "—"
_EPOCH = datetime.min.replace(tzinfo=UTC)


class Column(IntEnum):
    POLE = 0
    CONNECTION = 1
    SOCKET_1 = 2
    SOCKET_2 = 3
    LAST_SEEN = 4
    UPTIME = 5
    POWER = 6
    ATTENTION = 7



SOCKET_OF_COLUMN = {Column.SOCKET_1: 1, Column.SOCKET_2: 2}


class Severity(IntEnum):
    """How urgently a pole needs someone; higher sorts first in the default order."""

    NONE = 0
    STUCK = 1
    OFFLINE = 2
    SECURITY = 3
    """An alarming security event of the last 24 h (`gui.security_words`)."""
    FAULT = 4


class RowFlag(IntFlag):
    """The quick filters' facts about a row, as bits so a filter is one ``&``."""

    NONE = 0
    OFFLINE = 1
    FAULTED = 2
    STUCK = 4
    CHARGING = 8
    CLOCK = 16
    SECURITY = 32


ATTENTION_FLAGS = (RowFlag.OFFLINE | RowFlag.FAULTED | RowFlag.STUCK | RowFlag.CLOCK
                   | RowFlag.SECURITY)
"""The flags that put a row under "Needs attention"."""


# Sockets sort by how much they need a look, not alphabetically.
_STATUS_RANK = {
    "Available": 0, "Reserved": 1, "Preparing": 2, "Charging": 3, "SuspendedEV": 4,
    "SuspendedEVSE": 5, "Finishing": 6, "Unavailable": 7, "Faulted": 8,
}

# The pilot state a socket in each OCPP status normally shows: the fleet only knows the
# OCPP status, and `led_for` (the one eis 47 mapping) also wants the pilot.
_PILOT_FOR_STATUS = {
    ChargePointStatus.available: CPState.A,
    ChargePointStatus.preparing: CPState.B1,
    ChargePointStatus.charging: CPState.C2,
    ChargePointStatus.suspended_ev: CPState.B2,
    ChargePointStatus.suspended_evse: CPState.C1,
    ChargePointStatus.finishing: CPState.B1,
    ChargePointStatus.reserved: CPState.A,
    ChargePointStatus.unavailable: CPState.A,
    ChargePointStatus.faulted: CPState.A,
}



@dataclass(slots=True)
class SocketState:
    """What the back office last heard about one connector (0 = the whole pole)."""

    status: str = "Unknown"
    error_code: str = _NO_ERROR
    since: datetime | None = None
    power_w: float | None = None
    transaction_id: int | None = None
    transaction_started: datetime | None = None

    @property
    def led(self) -> tuple[LedColour, bool] | None:
        """The LED colour and blinking for this status (eis 47); None if unknown."""
        try:
            status = ChargePointStatus(self.status)
        except ValueError:
            return None
        state = led_for(status, _PILOT_FOR_STATUS[status])
        return state.colour, state.blinking

    @property
    def faulted(self) -> bool:
        return self.status == "Faulted" or self.error_code != _NO_ERROR

    def text(self, translate: Translate | None = None) -> str:
        """Status, plus the error code when there is one: the code is what gets fixed (it
        stays as the pole sent it, which is what a technician looks up)."""
        status = self.status if translate is None else translate(_CONTEXT, self.status)
        if self.error_code != _NO_ERROR:
            return f"{status} · {self.error_code}"
        return status


_UNKNOWN_SOCKET = SocketState()


@dataclass(slots=True, eq=False)
class PoleRow:
    """One pole as the fleet shows it; the fields after `connectors` are derived.

    Derived fields are refreshed by `gui.fleet.fleet.Fleet` whenever the row changes (and
    by `Fleet.refresh` as time passes), so filtering and sorting read plain fields.
    """

    pole_id: str
    grid_operator: str = ""
    vendor: str = ""
    model: str = ""
    firmware: str = ""
    connected: bool = False
    last_seen: datetime | None = None
    uptime_percent: float | None = None
    clock_offset_s: float | None = None
    """The pole's clock minus the service's when last measured (negative: behind)."""
    connectors: dict[int, SocketState] = field(default_factory=dict)
    registered: bool = False
    """In the service's pole register (not only auto-registered by a boot)."""
    security_profile: int = 0
    security_events: tuple[SecurityEventRecord, ...] = ()
    """The pole's security events of the attention window, newest received first."""
    security_acknowledged: datetime | None = None
    """The helpdesk saw the pole's security events up to this moment (this app only)."""
    service_restarted: datetime | None = None
    """When the service last came back after being down (from the listing)."""
    reconnecting_until: datetime | None = None
    """Connected when the service stopped: expected back, not offline, until then."""
    severity: Severity = Severity.NONE
    reasons: tuple[Reason, ...] = ()
    flags: RowFlag = RowFlag.NONE
    search_text: str = ""

    def socket(self, connector_id: int) -> SocketState:
        return self.connectors.get(connector_id, _UNKNOWN_SOCKET)

    @property
    def power_kw(self) -> float | None:
        """Sum over the sockets of their last reported power; None when none reported."""
        powers = [s.power_w for c, s in self.connectors.items() if c and s.power_w is not None]
        return sum(powers) / 1000.0 if powers else None


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - lupdate finds this name
    """Marks ``text`` for the Qt translation without importing Qt: the model translates."""
    return text


_CONTEXT = "FleetRows"
_POLE = QT_TRANSLATE_NOOP("FleetRows", "Pole")
_SOCKET = QT_TRANSLATE_NOOP("FleetRows", "Socket %1")
_FAULTED = QT_TRANSLATE_NOOP("FleetRows", "%1 faulted: %2 (%3)")
_FAULTED_NO_CODE = QT_TRANSLATE_NOOP("FleetRows", "%1 faulted (no error code)")
_ERROR_IN_STATUS = QT_TRANSLATE_NOOP("FleetRows", "%1 %2 with error %3")
_OFFLINE = QT_TRANSLATE_NOOP("FleetRows", "Offline")
_OFFLINE_FOR = QT_TRANSLATE_NOOP("FleetRows", "Offline for %1")
_RUNNING = QT_TRANSLATE_NOOP("FleetRows", "%1: transaction running %2")
_STATUS_FOR = QT_TRANSLATE_NOOP("FleetRows", "%1 %2 for %3")
_CLOCK_BEHIND = QT_TRANSLATE_NOOP("FleetRows", "Clock %1 behind")
_CLOCK_AHEAD = QT_TRANSLATE_NOOP("FleetRows", "Clock %1 ahead")
_LESS_THAN_A_MINUTE = QT_TRANSLATE_NOOP("FleetRows", "<1 min")
_SECONDS = QT_TRANSLATE_NOOP("FleetRows", "%1 s")
_MINUTES = QT_TRANSLATE_NOOP("FleetRows", "%1 min")
_HOURS = QT_TRANSLATE_NOOP("FleetRows", "%1 h")
_DAYS = QT_TRANSLATE_NOOP("FleetRows", "%1 d")
_NEVER = QT_TRANSLATE_NOOP("FleetRows", "never")
_JUST_NOW = QT_TRANSLATE_NOOP("FleetRows", "just now")
_AGO = QT_TRANSLATE_NOOP("FleetRows", "%1 ago")
_ONLINE = QT_TRANSLATE_NOOP("FleetRows", "Online")
_RECONNECTING = QT_TRANSLATE_NOOP("FleetRows", "Reconnecting")
# With "Reconnecting" in the Connection column the row reads "Reconnecting … Service
# restarted at 14:02": short enough for the Attention column at 1366 pixels, in Dutch too.
_RESTARTED_AT = QT_TRANSLATE_NOOP("FleetRows", "Service restarted at %1")
_RESTARTED = QT_TRANSLATE_NOOP("FleetRows", "Service restarted")
# The OCPP 1.6 statuses, for translation; the status itself stays what the pole sent.
_STATUS_WORDS = (
    QT_TRANSLATE_NOOP("FleetRows", "Available"), QT_TRANSLATE_NOOP("FleetRows", "Preparing"),
    QT_TRANSLATE_NOOP("FleetRows", "Charging"), QT_TRANSLATE_NOOP("FleetRows", "SuspendedEV"),
    QT_TRANSLATE_NOOP("FleetRows", "SuspendedEVSE"),
    QT_TRANSLATE_NOOP("FleetRows", "Finishing"), QT_TRANSLATE_NOOP("FleetRows", "Reserved"),
    QT_TRANSLATE_NOOP("FleetRows", "Unavailable"), QT_TRANSLATE_NOOP("FleetRows", "Faulted"),
    QT_TRANSLATE_NOOP("FleetRows", "Unknown"))

_UNKNOWN_FAULT = QT_TRANSLATE_NOOP("FleetRows", "fault %1")

FAULT_WORDS: dict[str, str] = {
    "ConnectorLockFailure": QT_TRANSLATE_NOOP("FleetRows", "socket lock failed"),
    "EVCommunicationError": QT_TRANSLATE_NOOP(
        "FleetRows", "no communication with the vehicle (control pilot)"),
    "GroundFailure": QT_TRANSLATE_NOOP("FleetRows", "earth-fault trip (RCD)"),
    "HighTemperature": QT_TRANSLATE_NOOP("FleetRows", "too hot"),
    "InternalError": QT_TRANSLATE_NOOP("FleetRows", "internal error of the pole"),
    "LocalListConflict": QT_TRANSLATE_NOOP("FleetRows", "conflict in the local card list"),
    "OtherError": QT_TRANSLATE_NOOP("FleetRows", "fault the pole does not name"),
    "OverCurrentFailure": QT_TRANSLATE_NOOP("FleetRows", "overcurrent trip"),
    "OverVoltage": QT_TRANSLATE_NOOP("FleetRows", "mains voltage too high"),
    "PowerMeterFailure": QT_TRANSLATE_NOOP("FleetRows", "energy meter failure"),
    "PowerSwitchFailure": QT_TRANSLATE_NOOP("FleetRows", "contactor (power switch) failure"),
    "ReaderFailure": QT_TRANSLATE_NOOP("FleetRows", "card reader failure"),
    "ResetFailure": QT_TRANSLATE_NOOP("FleetRows", "reset failed"),
    "UnderVoltage": QT_TRANSLATE_NOOP("FleetRows", "mains voltage too low"),
    "WeakSignal": QT_TRANSLATE_NOOP("FleetRows", "weak mobile signal"),
}
"""OCPP 1.6 ChargePointErrorCode → what it means at the pole."""

CLOCK_TOLERANCE = timedelta(seconds=2)
"""A pole clock further off needs a look: its profile, meter reads and the eis 25 peak
classification run on it (the same bound as `pole_link.profiles.intent`)."""

Translate = Callable[[str, str], str]
"""``(context, English text) -> shown text``: `QCoreApplication.translate` in the app."""


def _english(context: str, text: str) -> str:
    return text


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a row needs attention: a translatable template and what fills it in.

    Arguments that are themselves words (a socket's name) are `Reason`s too, so they are
    translated with the sentence; OCPP status names and error codes stay as the pole
    sent them, because that is what a technician looks up.
    """

    template: str
    args: tuple[str | Reason, ...] = ()

    def text(self, translate: Translate = _english) -> str:
        shown = translate(_CONTEXT, self.template)
        for number, arg in enumerate(self.args, start=1):
            value = arg.text(translate) if isinstance(arg, Reason) else arg
            shown = shown.replace(f"%{number}", value)
        return shown


def fault_reason(error_code: str) -> Reason:
    """``GroundFailure`` → "earth-fault trip (RCD)"; unknown codes as the pole sent them."""
    words = FAULT_WORDS.get(error_code)
    return Reason(words) if words else Reason(_UNKNOWN_FAULT, (error_code,))


def duration_reason(span: timedelta) -> Reason:
    """"3 min", "5 h", "2 d": how long, to the unit a helpdesk reads at a glance."""
    minutes = max(0, int(span.total_seconds() // 60))
    if minutes < 1:
        return Reason(_LESS_THAN_A_MINUTE)
    if minutes < 120:
        return Reason(_MINUTES, (str(minutes),))
    if minutes < 48 * 60:
        return Reason(_HOURS, (str(minutes // 60),))
    return Reason(_DAYS, (str(minutes // (24 * 60)),))


def duration_text(span: timedelta, translate: Translate = _english) -> str:
    return duration_reason(span).text(translate)


def offset_reason(span: timedelta) -> Reason:
    """`duration_reason`, with seconds for the small offsets a clock can have."""
    seconds = abs(span.total_seconds())
    return Reason(_SECONDS, (f"{seconds:.0f}",)) if seconds < 60 else duration_reason(abs(span))


def relative_time(moment: datetime | None, now: datetime,
                  translate: Translate = _english) -> str:
    """"3 min ago": a helpdesk asks "how long", not "at what o'clock"."""
    if moment is None:
        return translate(_CONTEXT, _NEVER)
    span = now - moment
    if span < timedelta(minutes=1):
        return translate(_CONTEXT, _JUST_NOW)
    return Reason(_AGO, (duration_reason(span),)).text(translate)


def status_text(status: str, translate: Translate = _english) -> str:
    """An OCPP status in the user's language (unknown ones as the pole sent them)."""
    return translate(_CONTEXT, status)


_LED_WORDS: dict[LedColour, str] = {
    LedColour.OFF: QT_TRANSLATE_NOOP("FleetRows", "off"),
    LedColour.GREEN: QT_TRANSLATE_NOOP("FleetRows", "green"),
    LedColour.LIGHT_BLUE: QT_TRANSLATE_NOOP("FleetRows", "light blue"),
    LedColour.BLUE: QT_TRANSLATE_NOOP("FleetRows", "blue"),
    LedColour.RED: QT_TRANSLATE_NOOP("FleetRows", "red"),
}


def led_text(colour: LedColour, translate: Translate = _english) -> str:
    """An eis 47 colour in words (the wire names are PROTOCOL.md's)."""
    return translate(_CONTEXT, _LED_WORDS[colour])


POLE_ZONE = ZoneInfo("Europe/Amsterdam")
"""The poles' wall-clock time: a restart at "14:02" is what the helpdesk's clock said."""


def reconnecting(row: PoleRow, now: datetime) -> bool:
    """Offline only because the service itself restarted a moment ago: the pole was
    connected when it stopped and is expected back until `PoleRow.reconnecting_until`
    (the service's grace, the same as the Outages board's)."""
    return (not row.connected and row.reconnecting_until is not None
            and now < row.reconnecting_until)


def reconnecting_reason(row: PoleRow) -> Reason:
    """"Service restarted at 14:02" (the poles' local time), beside "Reconnecting"."""
    if row.service_restarted is None:
        return Reason(_RESTARTED)
    local = row.service_restarted.astimezone(POLE_ZONE)
    return Reason(_RESTARTED_AT, (f"{local:%H:%M}",))


def connection_text(connected: bool, translate: Translate = _english, *,
                    reconnecting: bool = False) -> str:
    if reconnecting and not connected:
        return translate(_CONTEXT, _RECONNECTING)
    return translate(_CONTEXT, _ONLINE if connected else _OFFLINE)


def socket_reason(connector_id: int) -> Reason:
    return Reason(_POLE) if connector_id == 0 else Reason(_SOCKET, (str(connector_id),))


def socket_name(connector_id: int, translate: Translate = _english) -> str:
    return socket_reason(connector_id).text(translate)


def assess(row: PoleRow, now: datetime) -> tuple[Severity, tuple[Reason, ...], RowFlag]:
    """Why a pole needs attention, most urgent reason first, against the clock `now`.

    Fault: a connector Faulted or reporting an error code; offline: not connected to the
    service, except while it is `reconnecting` after the service's own restart (then the
    reason says so, without attention); stuck: a transaction running over 24 h, or a
    socket left in Finishing or SuspendedEVSE over 30 min (a vehicle that nobody unplugs,
    a pause that never ends);
    clock: the pole's clock off by more than `CLOCK_TOLERANCE` (as urgent as stuck).
    """
    faults: list[Reason] = []
    stuck: list[Reason] = []
    flags = RowFlag.NONE
    for connector_id in sorted(row.connectors):
        socket = row.connectors[connector_id]
        name = socket_reason(connector_id)
        if socket.faulted:
            if socket.status != "Faulted":
                faults.append(Reason(_ERROR_IN_STATUS,
                                     (name, Reason(socket.status), socket.error_code)))
            elif socket.error_code != _NO_ERROR:
                faults.append(Reason(_FAULTED, (name, fault_reason(socket.error_code),
                                                    socket.error_code)))
            else:
                faults.append(Reason(_FAULTED_NO_CODE, (name,)))
        if socket.status == "Charging" and row.connected:  # offline: no longer known
            flags |= RowFlag.CHARGING
        started = socket.transaction_started
        if started is not None and now - started > STUCK_TRANSACTION:
            stuck.append(Reason(_RUNNING, (name, duration_reason(now - started))))
        elif (socket.status in _STUCK_STATUSES and socket.since is not None
              and now - socket.since > STUCK_STATUS):
            stuck.append(Reason(_STATUS_FOR, (name, Reason(socket.status),
                                              duration_reason(now - socket.since))))
    reasons: list[Reason] = list(faults)
    severity = Severity.NONE
    if faults:
        flags |= RowFlag.FAULTED
        severity = Severity.FAULT
    if reconnecting(row, now):
        reasons.append(reconnecting_reason(row))
    elif not row.connected:
        flags |= RowFlag.OFFLINE
        severity = max(severity, Severity.OFFLINE)
        reasons.append(Reason(_OFFLINE_FOR, (duration_reason(now - row.last_seen),))
                       if row.last_seen else Reason(_OFFLINE))
    if stuck:
        flags |= RowFlag.STUCK
        severity = max(severity, Severity.STUCK)
        reasons.extend(stuck)
    if row.clock_offset_s is not None and abs(row.clock_offset_s) > \
            CLOCK_TOLERANCE.total_seconds():
        flags |= RowFlag.CLOCK
        severity = max(severity, Severity.STUCK)
        offset = timedelta(seconds=row.clock_offset_s)
        reasons.append(Reason(_CLOCK_BEHIND if row.clock_offset_s < 0 else _CLOCK_AHEAD,
                              (offset_reason(offset),)))
    return severity, tuple(reasons), flags


def search_text_of(row: PoleRow) -> str:
    words = [row.pole_id, row.grid_operator, row.vendor, row.model,
             "online" if row.connected else "offline", f"profile {row.security_profile}"]
    for socket in row.connectors.values():
        words.append(socket.status)
        if socket.error_code != _NO_ERROR:
            words.append(socket.error_code)
    return "\x1f".join(words).lower()  # a separator no one types: words never run together


def row_from_record(record: PoleRecord) -> PoleRow:
    """A row from one pole of the service's listing (`ServiceClient.poles`)."""
    connectors = {
        c.connector_id: SocketState(status=c.status, error_code=c.error_code, since=c.since,
                                    transaction_id=c.transaction_id,
                                    transaction_started=c.transaction_started)
        for c in record.connectors}
    return PoleRow(pole_id=record.id, grid_operator=record.grid_operator,
                   vendor=record.vendor, model=record.model, firmware=record.firmware,
                   connected=record.connected, last_seen=record.last_seen,
                   uptime_percent=record.uptime_percent, clock_offset_s=record.clock_offset_s,
                   connectors=connectors, registered=record.registered,
                   security_profile=record.security_profile,
                   service_restarted=record.service_restarted,
                   reconnecting_until=record.reconnecting_until)


_SOCKET_COLUMNS = {1: Column.SOCKET_1, 2: Column.SOCKET_2}


def _seen(row: PoleRow, at: datetime | None) -> set[Column]:
    if at is not None and (row.last_seen is None or at > row.last_seen):
        row.last_seen = at
        return {Column.LAST_SEEN}
    return set()


def _socket_column(connector_id: int) -> set[Column]:
    column = _SOCKET_COLUMNS.get(connector_id)
    return {column} if column is not None else set()


def _on_status(row: PoleRow, event: StatusEvent, now: datetime) -> set[Column]:
    at = event.at
    socket = row.connectors.setdefault(event.connector_id, SocketState())
    if socket.since is not None and at < socket.since:
        return set()  # older than what we know (e.g. a snapshot raced the feed)
    if event.status != socket.status:
        socket.since = at
    socket.status = event.status
    socket.error_code = event.error_code or _NO_ERROR
    if event.status not in _POWERED:
        socket.power_w = None
    if event.status == "Available":
        socket.transaction_id = socket.transaction_started = None  # no vehicle, no session
    return _seen(row, at) | _socket_column(event.connector_id) | {Column.POWER}


def _on_connection(row: PoleRow, event: ConnectionEvent, now: datetime) -> set[Column]:
    row.connected = event.connected
    if event.connected:
        row.reconnecting_until = None  # back: a later drop is the pole's own
    else:
        for socket in row.connectors.values():
            socket.power_w = None  # the last figure of an unreachable pole is a guess
    return _seen(row, event.at) | {Column.CONNECTION, Column.POWER}


def _on_meter_values(row: PoleRow, event: MeterValuesEvent, now: datetime) -> set[Column]:
    if event.connector_id == 0:
        return set()
    columns = _seen(row, event.time)
    if event.power_w is not None:
        row.connectors.setdefault(event.connector_id, SocketState()).power_w = event.power_w
        columns.add(Column.POWER)
    return columns


def _on_transaction(row: PoleRow, event: TransactionEvent, now: datetime) -> set[Column]:
    connector_id = event.connector_id
    if event.event == "started":
        if connector_id is None:
            return set()
        socket = row.connectors.setdefault(connector_id, SocketState())
        socket.transaction_id = event.transaction_id
        socket.transaction_started = event.at
    else:
        # StopTransaction carries no connector: find the socket by its transaction.
        for candidate_id, socket in row.connectors.items():
            if candidate_id == connector_id or socket.transaction_id == event.transaction_id:
                connector_id = candidate_id
                socket.transaction_id = socket.transaction_started = None
                socket.power_w = None
                break
    columns = _seen(row, event.at) | {Column.POWER}
    if connector_id is not None:
        columns |= _socket_column(connector_id)
    return columns


def apply_to_row(row: PoleRow, event: ServiceEvent, now: datetime) -> set[Column] | None:
    """Apply one feed event to its pole's row; the columns it changed, or None for events
    the fleet does not show (Live data, watch answers)."""
    if isinstance(event, StatusEvent):
        return _on_status(row, event, now)
    if isinstance(event, ConnectionEvent):
        return _on_connection(row, event, now)
    if isinstance(event, MeterValuesEvent):
        return _on_meter_values(row, event, now)
    if isinstance(event, TransactionEvent):
        return _on_transaction(row, event, now)
    return None


FLEET_EVENTS = (StatusEvent, ConnectionEvent, MeterValuesEvent, TransactionEvent)
"""The feed events that change a fleet row."""


def sort_key(column: int) -> Callable[[PoleRow], Any]:
    """Keys that are never None, so one column always compares with itself."""
    if column == Column.CONNECTION:
        return lambda row: row.connected
    if column in SOCKET_OF_COLUMN:
        connector_id = SOCKET_OF_COLUMN[Column(column)]
        return lambda row: _STATUS_RANK.get(row.socket(connector_id).status, -1)
    if column == Column.LAST_SEEN:
        return lambda row: row.last_seen or _EPOCH
    if column == Column.UPTIME:
        return lambda row: -1.0 if row.uptime_percent is None else row.uptime_percent
    if column == Column.POWER:
        return lambda row: -1.0 if (power := row.power_kw) is None else power
    if column == Column.ATTENTION:
        return lambda row: row.severity
    return lambda row: row.pole_id
