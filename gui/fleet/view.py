"""The helpdesk's fleet screen: search, one-click questions, and the table.

The view only binds widgets to a `FleetModel` through a `FleetFilter`; whoever owns the
API client fills the model. Attention sorts first, so a caller's first glance lands on
the poles that need them.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QIcon, QKeySequence, QPainter, QPen, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gui.fleet.filter import DEFAULT_SORT, FleetFilter, QuickFilter
from gui.fleet.model import ATTENTION_FLAGS, Column, FleetModel, LedBlinkingRole, RowFlag

__all__ = ["FleetView"]

_QUICK_LABELS = {
    QuickFilter.ALL: (QT_TRANSLATE_NOOP("FleetView", "All"), RowFlag.NONE),
    QuickFilter.ATTENTION: (QT_TRANSLATE_NOOP("FleetView", "Needs attention"),
                            ATTENTION_FLAGS),
    QuickFilter.FAULTED: (QT_TRANSLATE_NOOP("FleetView", "Faulted"), RowFlag.FAULTED),
    QuickFilter.OFFLINE: (QT_TRANSLATE_NOOP("FleetView", "Offline"), RowFlag.OFFLINE),
    QuickFilter.CHARGING: (QT_TRANSLATE_NOOP("FleetView", "Charging"), RowFlag.CHARGING),
}
# Sockets at 175 px: the Attention column (the reason in words) must start on a
# 1366-pixel screen; a long status with an error code is in the tooltip.
_COLUMN_WIDTHS = {
    Column.POLE: 100, Column.CONNECTION: 90, Column.SOCKET_1: 175, Column.SOCKET_2: 175,
    Column.LAST_SEEN: 95, Column.UPTIME: 95, Column.POWER: 95,
}
_HEADING_PADDING = 48
"""Room beside a heading's text for the margins and the sort arrow."""
_LED_DIAMETER = 14
REFRESH_INTERVAL_MS = 30_000
"""How often ages ("3 min ago") and time-based attention are re-measured."""


class _LedDelegate(QStyledItemDelegate):
    """Draws a socket's LED colour as a lamp (a circle), with a halo when it blinks."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._icons: dict[tuple[int, bool, float], QIcon] = {}
        self._ratio = parent.devicePixelRatioF()

    def initStyleOption(self, option: QStyleOptionViewItem,  # noqa: N802
                        index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        colour = index.data(Qt.ItemDataRole.DecorationRole)
        if isinstance(colour, QColor):
            blinking = bool(index.data(LedBlinkingRole))
            option.icon = self._icon(colour, blinking)
            size = _LED_DIAMETER + (6 if blinking else 0)
            option.decorationSize = QSize(size, size)

    def _icon(self, colour: QColor, blinking: bool) -> QIcon:
        key = (colour.rgba(), blinking, self._ratio)
        icon = self._icons.get(key)
        if icon is None:
            icon = self._icons[key] = QIcon(_lamp(colour, blinking, self._ratio))
        return icon


def _lamp(colour: QColor, blinking: bool, ratio: float) -> QPixmap:
    halo = 3 if blinking else 0
    side = _LED_DIAMETER + 2 * halo
    pixmap = QPixmap(round(side * ratio), round(side * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if blinking:
        ring = QColor(colour)
        ring.setAlpha(110)
        painter.setPen(QPen(ring, 2.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(QRectF(1, 1, side - 2, side - 2))
    painter.setPen(QPen(colour.darker(140), 1.0))
    painter.setBrush(colour)
    painter.drawEllipse(QRectF(halo + 0.5, halo + 0.5, _LED_DIAMETER - 1, _LED_DIAMETER - 1))
    painter.end()
    return pixmap


class FleetView(QWidget):
    """Every pole at a glance; emits `pole_activated` with a pole id on double-click/Enter."""

    pole_activated = Signal(str)

    def __init__(self, model: FleetModel, parent: QWidget | None = None, *,
                 refresh_interval_ms: int = REFRESH_INTERVAL_MS) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Paalwerk — Fleet"))
        self._model = model
        self.proxy = FleetFilter(model, self)

        self.search_field = QLineEdit(self)
        self.search_field.setPlaceholderText(self.tr("Search poles, operators, status…"))
        self.search_field.setClearButtonEnabled(True)
        self.search_field.setMinimumWidth(280)
        self.search_field.textChanged.connect(self.proxy.set_search)
        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.focus_search)

        self.quick_buttons: dict[QuickFilter, QPushButton] = {}
        group = QButtonGroup(self)
        group.setExclusive(True)
        for quick in _QUICK_LABELS:
            button = QPushButton(self)
            button.setCheckable(True)
            button.setChecked(quick == QuickFilter.ALL)
            button.clicked.connect(lambda _=False, q=quick: self.set_quick_filter(q))
            group.addButton(button)
            self.quick_buttons[quick] = button

        self.count_label = QLabel(self)
        self.stale_banner = QLabel(self)
        self.stale_banner.setWordWrap(True)
        self.stale_banner.setStyleSheet("background:#fff3cd; color:#664d03; "
                                        "border:1px solid #e0c36a; padding:6px;")
        self.stale_banner.hide()
        self.table = self._build_table()

        bar = QHBoxLayout()
        bar.addWidget(self.search_field, 1)
        for button in self.quick_buttons.values():
            bar.addWidget(button)
        bar.addSpacing(12)
        bar.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.stale_banner)
        layout.addWidget(self.table, 1)
        model.stale_changed.connect(self._show_staleness)
        self._show_staleness()

        # Counts follow the model, but once per burst of signals, not once per row.
        self._recount = QTimer(self)
        self._recount.setSingleShot(True)
        self._recount.setInterval(0)
        self._recount.timeout.connect(self._update_counts)
        for signal in (self.proxy.rowsInserted, self.proxy.rowsRemoved, self.proxy.modelReset,
                       self.proxy.layoutChanged, model.dataChanged, model.modelReset):
            signal.connect(self._schedule_recount)
        self._update_counts()

        self._refresh = QTimer(self)
        self._refresh.setInterval(refresh_interval_ms)
        self._refresh.timeout.connect(model.refresh)
        self._refresh.start()

    def _build_table(self) -> QTableView:
        table = QTableView(self)
        table.setModel(self.proxy)
        table.setItemDelegate(_LedDelegate(table))
        table.setAlternatingRowColors(True)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Several rows: a site visit is prepared for the poles selected here.
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setWordWrap(False)
        table.setShowGrid(False)
        table.setIconSize(QSize(_LED_DIAMETER + 6, _LED_DIAMETER + 6))
        font = table.font()
        font.setPointSizeF(max(font.pointSizeF(), 10.5))
        table.setFont(font)
        # Uniform row heights: the view never measures 10,000 rows to lay them out.
        rows = table.verticalHeader()
        rows.setVisible(False)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(table.fontMetrics().height() + 12)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        metrics = header.fontMetrics()
        for column, width in _COLUMN_WIDTHS.items():  # never narrower than its heading
            heading = str(self._model.headerData(column, Qt.Orientation.Horizontal) or "")
            needed = metrics.horizontalAdvance(heading) + _HEADING_PADDING
            header.resizeSection(column, max(width, needed))
        header.setSortIndicator(*DEFAULT_SORT)  # before sorting is enabled, which applies it
        table.setSortingEnabled(True)
        table.activated.connect(self._activated)
        return table

    def focus_search(self) -> None:
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()

    def set_quick_filter(self, quick: QuickFilter) -> None:
        self.quick_buttons[quick].setChecked(True)
        self.proxy.set_quick_filter(quick)

    def count_text(self) -> str:
        return self.count_label.text()

    def selected_pole_ids(self) -> list[str]:
        """The poles whose rows are selected, in the order shown."""
        rows = sorted(self.table.selectionModel().selectedRows(), key=lambda i: i.row())
        return [pole_id for pole_id in map(self.proxy.pole_id, rows) if pole_id is not None]

    def _activated(self, index: QModelIndex) -> None:
        pole_id = self.proxy.pole_id(index)
        if pole_id is not None:
            self.pole_activated.emit(pole_id)

    def _show_staleness(self) -> None:
        since = self._model.stale_since
        if since is None:
            self.stale_banner.hide()
            return
        self.stale_banner.setText(self.tr(
            "⚠ Not live since %1: the table shows the last known state (greyed) and may be "
            "out of date. Reconnecting… Reason: %2")
            .replace("%1", f"{since.astimezone():%H:%M}")
            .replace("%2", self._model.stale_reason or self.tr("unknown")))
        self.stale_banner.show()

    def _schedule_recount(self, *_: object) -> None:
        self._recount.start()  # not connected directly: the signals' arguments would be msec

    def _update_counts(self) -> None:
        shown, total = self.proxy.rowCount(), self._model.rowCount()
        self.count_label.setText(self.tr("%1 of %2 poles").replace(
            "%1", f"{shown:,}").replace("%2", f"{total:,}"))
        counts = self._model.counts()
        for quick, (label, flag) in _QUICK_LABELS.items():
            self.quick_buttons[quick].setText(f"{self.tr(str(label))} ({counts[flag]:,})")
