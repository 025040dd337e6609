"""The fleet as a Qt table: a thin adapter over the Qt-free `Fleet`.

A helpdesk watches thousands of poles while events stream in, so the table changes one
row per event (``dataChanged`` for that row's cells, ``beginInsertRows`` for a pole it has
not seen) instead of resetting. Which rows and cells an event changes, how rows are ordered
and what the derived fields (attention, quick-filter flags, search text) are, is decided
by `gui.fleet.fleet.Fleet` without Qt; this class formats cells and translates each
`FleetChange` the fleet returns into the Qt signal that announces it.

The fleet sorts itself (`sort`): a `QSortFilterProxyModel` sorting a Python model calls
``data()`` twice per comparison, which measured ~45 ms for one sort of 10,000 rows and
~550 ms to widen a filter under a sort. A Python ``list.sort`` on precomputed keys takes a
few milliseconds; the proxy then only filters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, assert_never

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from gui.fleet.fleet import (
    Changed,
    Fleet,
    FleetChange,
    Inserted,
    Reordered,
    Reset,
    StaleChanged,
)
from gui.fleet.rows import (
    ATTENTION_FLAGS,
    DASH,
    SOCKET_OF_COLUMN,
    Column,
    PoleRow,
    RowFlag,
    Severity,
    SocketState,
    assess,
    connection_text,
    duration_text,
    led_text,
    reconnecting,
    relative_time,
    socket_name,
    sort_key,
)
from gui.security_words import profile_text
from pole_link.model.led import LedColour
from pole_link.service_api import PoleRecord, SecurityEventRecord, ServiceEvent
from pole_link.timeutil import utc_now

__all__ = [
    "ATTENTION_FLAGS",
    "AttentionRole",
    "Column",
    "FleetModel",
    "LedBlinkingRole",
    "LedColourRole",
    "PoleIdRole",
    "PoleRow",
    "RowFlag",
    "SearchTextRole",
    "Severity",
    "SocketState",
    "SortKeyRole",
    "assess",
]

_USER = int(Qt.ItemDataRole.UserRole)
SortKeyRole = _USER + 1
"""Per column a value that orders the column (the datetime for Last seen, never None)."""
AttentionRole = _USER + 2
"""The row's `Severity` as an int, the same in every column."""
SearchTextRole = _USER + 3
"""The row's lowercase search text (pole id, operator, vendor, statuses, error codes)."""
PoleIdRole = _USER + 4
"""The pole id, in every column: what a view hands on when a row is activated."""
LedColourRole = _USER + 5
"""Socket columns: the `LedColour` value (``"blue"``, ``"off"``…) the driver sees."""
LedBlinkingRole = _USER + 6
"""Socket columns: whether that LED blinks (a fault, eis 47)."""

_HEADERS = {
    Column.POLE: QT_TRANSLATE_NOOP("FleetModel", "Pole"),
    Column.CONNECTION: QT_TRANSLATE_NOOP("FleetModel", "Connection"),
    Column.SOCKET_1: QT_TRANSLATE_NOOP("FleetModel", "Socket 1"),
    Column.SOCKET_2: QT_TRANSLATE_NOOP("FleetModel", "Socket 2"),
    Column.LAST_SEEN: QT_TRANSLATE_NOOP("FleetModel", "Last seen"),
    Column.UPTIME: QT_TRANSLATE_NOOP("FleetModel", "Uptime (%)"),
    Column.POWER: QT_TRANSLATE_NOOP("FleetModel", "Power (kW)"),
    Column.ATTENTION: QT_TRANSLATE_NOOP("FleetModel", "Attention"),
}

LED_QCOLOUR: dict[LedColour, QColor] = {
    LedColour.OFF: QColor("#b0b4b8"),
    LedColour.GREEN: QColor("#2e9d3a"),
    LedColour.LIGHT_BLUE: QColor("#5ec8f2"),
    LedColour.BLUE: QColor("#1f5fd1"),
    LedColour.RED: QColor("#d62828"),
}
"""Screen colours for the LED colours; "off" is a pale grey, an unlit lamp."""

# An offline pole's sockets show what it last said, faded: it may no longer be true.
_LAST_KNOWN_LED = {colour: QColor(q.red(), q.green(), q.blue(), 90)
                   for colour, q in LED_QCOLOUR.items()}
_LAST_KNOWN_INK = QColor("#8a8f94")

_SEVERITY_INK = {
    Severity.FAULT: QColor("#a4161a"),
    Severity.SECURITY: QColor("#6a1b9a"),
    Severity.OFFLINE: QColor("#8a4b00"),
    Severity.STUCK: QColor("#6b5900"),
}
_SEVERITY_TINT = {
    Severity.FAULT: QColor("#fbd5d5"),
    Severity.SECURITY: QColor("#ecdcf5"),
    Severity.OFFLINE: QColor("#fde4c8"),
    Severity.STUCK: QColor("#fbf1c0"),
}
_UPTIME_TARGET = 98.0  # eis 48


class FleetModel(QAbstractTableModel):
    """The fleet table: `set_poles` with the API's list, then `apply_events` from the feed.

    All state is the `fleet`'s (a `Fleet`); change it through this model, which announces
    each change to the views. `now` is the clock that "3 min ago", "offline for 2 h" and
    stuck transactions are measured against; tests inject a fixed one. Call `refresh` now
    and then (the view does, twice a minute) so those age without an event.
    """

    stale_changed = Signal()
    """The live feed went down or came back (`stale_since`, `stale_reason`)."""

    def __init__(self, parent: QObject | None = None, *,
                 now: Callable[[], datetime] = utc_now) -> None:
        super().__init__(parent)
        self._fleet = Fleet(now=now)
        self._shown = 0
        """The rows the views have been told of. The fleet changes first and reports
        after, so during a ``beginInsertRows`` the fleet already holds the new rows while
        Qt must still see the old count."""

    @property
    def fleet(self) -> Fleet:
        """The state this model shows; read it freely, change it through the model."""
        return self._fleet

    # -- reading -------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self._shown

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(Column)

    @property
    def rows(self) -> Sequence[PoleRow]:
        """The rows in model order; read-only by convention (change them via events)."""
        return self._fleet.rows

    def row_at(self, row: int) -> PoleRow:
        return self._fleet.row_at(row)

    def row_of(self, pole_id: str) -> int | None:
        """The row number of a pole, O(1): how an event finds the cells it changes."""
        return self._fleet.row_of(pole_id)

    def pole(self, pole_id: str) -> PoleRow | None:
        return self._fleet.pole(pole_id)

    @property
    def stale_since(self) -> datetime | None:
        """Since when the live feed is down: every row is only the last known state."""
        return self._fleet.stale_since

    @property
    def stale_reason(self) -> str:
        return self._fleet.stale_reason

    def counts(self) -> dict[RowFlag, int]:
        """How many poles carry each flag, and `RowFlag.NONE` for all of them."""
        return self._fleet.counts()

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return QCoreApplication.translate("FleetModel", str(_HEADERS[Column(section)]))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _alignment(section)
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        rows = self._fleet.rows
        position = index.row()
        if not index.isValid() or position >= self._shown or position >= len(rows):
            return None
        row = rows[position]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == AttentionRole:
            return int(row.severity)
        if role == PoleIdRole:
            return row.pole_id
        if role == SortKeyRole:
            return sort_key(column)(row)
        if role == SearchTextRole:
            return row.search_text
        if role == Qt.ItemDataRole.DecorationRole:
            return self._decoration(row, column)
        if role in (LedColourRole, LedBlinkingRole):
            led = row.socket(SOCKET_OF_COLUMN[Column(column)]).led \
                if column in SOCKET_OF_COLUMN else None
            if led is None:
                return None
            return led[0].value if role == LedColourRole else led[1]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _alignment(column)
        if role == Qt.ItemDataRole.ForegroundRole:
            if self.stale_since is not None and column not in (Column.POLE, Column.ATTENTION):
                return QBrush(_LAST_KNOWN_INK)  # greyed: nothing here is live any more
            return self._ink(row, column)
        if role == Qt.ItemDataRole.BackgroundRole:
            tint = _SEVERITY_TINT.get(row.severity)
            if tint is not None and column in (Column.POLE, Column.ATTENTION):
                return QBrush(tint)
        return None

    def _display(self, row: PoleRow, column: int) -> str:
        if column == Column.POLE:
            return row.pole_id
        translate = QCoreApplication.translate
        if column == Column.CONNECTION:
            known = connection_text(row.connected, translate,
                                    reconnecting=reconnecting(row, self._fleet.now()))
            return known if self.stale_since is None else self.tr("%1?").replace("%1", known)
        if column in SOCKET_OF_COLUMN:
            connector_id = SOCKET_OF_COLUMN[Column(column)]
            return row.socket(connector_id).text(translate) \
                if connector_id in row.connectors else DASH
        if column == Column.LAST_SEEN:
            return relative_time(row.last_seen, self._fleet.now(), translate)
        if column == Column.UPTIME:
            return DASH if row.uptime_percent is None else f"{row.uptime_percent:.1f}"
        if column == Column.POWER:
            power = row.power_kw
            return DASH if power is None else f"{power:.1f}"
        if column == Column.ATTENTION:
            if not row.reasons:
                return ""
            first = row.reasons[0].text(QCoreApplication.translate)
            extra = len(row.reasons) - 1
            return f"{first} (+{extra})" if extra > 0 else first
        return ""

    def _decoration(self, row: PoleRow, column: int) -> QColor | None:
        if column not in SOCKET_OF_COLUMN:
            return None
        led = row.socket(SOCKET_OF_COLUMN[Column(column)]).led
        if led is None:
            return None
        if not row.connected:
            return _LAST_KNOWN_LED[led[0]]
        return LED_QCOLOUR[led[0]]

    def _ink(self, row: PoleRow, column: int) -> QBrush | None:
        if column == Column.ATTENTION or (column == Column.POLE and row.severity):
            ink = _SEVERITY_INK.get(row.severity)
            return QBrush(ink) if ink is not None else None
        if column == Column.CONNECTION and not row.connected:
            if reconnecting(row, self._fleet.now()):
                return QBrush(_LAST_KNOWN_INK)  # expected back: no alarm colour
            return QBrush(_SEVERITY_INK[Severity.OFFLINE])
        if column in SOCKET_OF_COLUMN:
            if row.socket(SOCKET_OF_COLUMN[Column(column)]).faulted:
                return QBrush(_SEVERITY_INK[Severity.FAULT])
            if not row.connected:
                return QBrush(_LAST_KNOWN_INK)
        if (column == Column.UPTIME and row.uptime_percent is not None
                and row.uptime_percent < _UPTIME_TARGET):
            return QBrush(_SEVERITY_INK[Severity.OFFLINE])
        return None

    def _tooltip(self, row: PoleRow, column: int) -> str | None:
        now = self._fleet.now()
        translate = QCoreApplication.translate
        if column == Column.POLE:
            pole = row.connectors.get(0)
            lines = [f"{row.pole_id} — {row.vendor} {row.model}, firmware {row.firmware}".strip(),
                     self.tr("Grid operator: %1").replace(
                         "%1", row.grid_operator or self.tr("unknown")),
                     profile_text(row.registered, row.security_profile, translate)]
            if pole is not None:
                lines.append(self.tr("Pole status: %1").replace("%1", pole.text(translate)))
            return "\n".join(lines)
        if column in SOCKET_OF_COLUMN:
            connector_id = SOCKET_OF_COLUMN[Column(column)]
            socket = row.socket(connector_id)
            lines = [f"{socket_name(connector_id, translate)}: {socket.text(translate)}"]
            if not row.connected:
                lines[0] += " " + self.tr("(last known: the pole is offline)")
            if socket.since is not None:
                lines.append(self.tr("since %1").replace(
                    "%1", relative_time(socket.since, now, translate)))
            led = socket.led
            if led is not None:
                colour = led_text(led[0], translate)
                lines.append((self.tr("LED: %1, blinking") if led[1] else self.tr("LED: %1"))
                             .replace("%1", colour))
            if socket.transaction_started is not None:
                lines.append(self.tr("Transaction %1 running %2")
                             .replace("%1", str(socket.transaction_id))
                             .replace("%2", duration_text(now - socket.transaction_started,
                                                          translate)))
            return "\n".join(lines)
        if column == Column.LAST_SEEN and row.last_seen is not None:
            return row.last_seen.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
        if column == Column.UPTIME:
            return f"eis 48: connected and available at least {_UPTIME_TARGET:.0f} % of the time"
        if column == Column.ATTENTION and row.reasons:
            return "\n".join(reason.text(QCoreApplication.translate) for reason in row.reasons)
        return None

    # -- changing ------------------------------------------------------------------

    def set_poles(self, poles: Iterable[PoleRecord]) -> None:
        """Replace every row with the service's list (`ServiceClient.poles`)."""
        self._announce(self._fleet.set_poles(poles))

    def set_uptime(self, percents: Mapping[str, float | None]) -> None:
        """Fill the uptime column (eis 48) for the poles in ``percents``; see
        `Fleet.set_uptime`."""
        self._announce(self._fleet.set_uptime(percents))

    def set_stale(self, since: datetime | None, reason: str = "") -> None:
        """The live feed is down since `since` (None: live again). Every row then shows its
        last known state, greyed, and the view says why (`Fleet.set_stale`)."""
        self._announce(self._fleet.set_stale(since, reason))

    def set_clock_offsets(self, offsets: Mapping[str, float | None]) -> None:
        """The poles' clock offsets, as a later reading of the service measured them."""
        self._announce(self._fleet.set_clock_offsets(offsets))

    def set_security_events(self, events: Iterable[SecurityEventRecord]) -> None:
        """Security events read from the service; see `Fleet.set_security_events`."""
        self._announce(self._fleet.set_security_events(events))

    def acknowledge_security(self, pole_id: str) -> None:
        """The helpdesk has seen the pole's security events; see
        `Fleet.acknowledge_security`."""
        self._announce(self._fleet.acknowledge_security(pole_id))

    def apply_event(self, event: ServiceEvent) -> None:
        """One live-feed event; see `apply_events`."""
        self.apply_events((event,))

    def apply_events(self, events: Iterable[ServiceEvent]) -> None:
        """Live-feed events in arrival order, signalled once per changed row.

        New poles are appended (one ``beginInsertRows`` for all of the batch); if the
        batch moves rows under the current sort, one layout change follows; each changed
        row gets one ``dataChanged`` over the span of cells that changed
        (`Fleet.apply_events`).
        """
        self._announce(self._fleet.apply_events(events))

    def refresh(self) -> None:
        """Re-measure against the clock: ages shown, offline spans and stuck sessions grow.

        Emits ``dataChanged`` for the attention of rows whose verdict changed, and one
        for the whole Last seen column (its text is relative to now).
        """
        self._announce(self._fleet.refresh())

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order rows by `column` (its `SortKeyRole` value), ties by pole id ascending.

        The order is kept as rows change: `apply_events` and `refresh` re-sort when a
        changed cell is in the sort column. ``column`` -1 keeps the current order.
        """
        self._announce(self._fleet.sort(
            column, descending=order == Qt.SortOrder.DescendingOrder))

    def sort_spec(self) -> tuple[int, Qt.SortOrder]:
        order = Qt.SortOrder.DescendingOrder if self._fleet.descending \
            else Qt.SortOrder.AscendingOrder
        return self._fleet.sort_column, order

    # -- announcing ----------------------------------------------------------------

    def _announce(self, changes: Iterable[FleetChange]) -> None:
        """Tell the views, in Qt's words, what the fleet just did."""
        for change in changes:
            match change:
                case Changed(first, last, columns, text_only):
                    top = self.index(first, min(columns))
                    bottom = self.index(last, max(columns))
                    if text_only:
                        self.dataChanged.emit(top, bottom, [Qt.ItemDataRole.DisplayRole])
                    else:
                        self.dataChanged.emit(top, bottom)
                case Inserted(first, last):
                    self.beginInsertRows(QModelIndex(), first, last)
                    self._shown = last + 1
                    self.endInsertRows()
                case Reordered(previous):
                    self._relayout(previous)
                case Reset():
                    self.beginResetModel()
                    self._shown = len(self._fleet)
                    self.endResetModel()
                case StaleChanged():
                    self.stale_changed.emit()
                case _:
                    assert_never(change)

    def _relayout(self, previous: Sequence[PoleRow]) -> None:
        """The rows moved: persistent indexes (selection, current row) follow their pole."""
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        row_of = self._fleet.row_of
        after: list[QModelIndex] = []
        for index in before:
            position = row_of(previous[index.row()].pole_id)
            after.append(QModelIndex() if position is None
                         else self.index(position, index.column()))
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()


def _alignment(column: int) -> int:
    vertical = Qt.AlignmentFlag.AlignVCenter
    if column in (Column.UPTIME, Column.POWER):
        return int(Qt.AlignmentFlag.AlignRight | vertical)
    return int(Qt.AlignmentFlag.AlignLeft | vertical)
