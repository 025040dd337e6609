"""The Outages page: the service's outage board, grouped by probable cause (issue 19).

A thin Qt view of `OutageBoardModel`: a tree with one branch per cause (grid, telecom,
hardware, firmware, capacity, security) and a row per pole — location, since when,
sockets, eis 48 uptime and the hours left before 98 % is missed, the next step — and,
for the selected pole, its evidence in full. The board is read in the background
(`ask_service`); the live feed's connection and status events (`note_change`) make it
read again a moment later, never more than once per `MIN_INTERVAL_S`.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.outages.board import OutageBoardModel, cause_title
from gui.outages.step_words import step_text
from gui.service_request import ask_service, failure_text
from gui.tasks import TaskRunner
from pole_link.service_api import ServiceEndpoint
from pole_link.service_outages import OutageRecord

TICK_MS = 1000
"""How often the page checks whether a read is due (a local check, not a request)."""
COLUMN_WIDTHS = (110, 230, 120, 60, 190)
"""The board's columns before Next step at their narrowest; each widens to its header and
cells (`_fit_columns`), so "Uptime this year (eis 48)" — longer in Dutch — is never cut."""
LOCATION_WIDTH_MAX = 300
"""An address wider than this is elided in its cell (its tooltip holds it whole): Next
step, the last column, keeps room on a 1366-pixel screen."""


class OutagesView(QWidget):
    """``pole_activated(pole_id)``: the user double-clicked a pole (open it)."""

    pole_activated = Signal(str)

    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None, *,
                 model: OutageBoardModel | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.service: ServiceEndpoint | None = None
        self.model = model or OutageBoardModel()
        self.model.subscribe(self._redraw)
        self.busy = False
        self.clock = time.monotonic

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.area = QComboBox()
        self.area.setMinimumWidth(180)
        self.area.currentIndexChanged.connect(self._area_chosen)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(6)
        self.tree.setHeaderLabels([
            self.tr("Pole"), self.tr("Location"), self.tr("Since"), self.tr("Sockets"),
            self.tr("Uptime this year (eis 48)"), self.tr("Next step")])
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        for column, width in enumerate(COLUMN_WIDTHS):
            self.tree.setColumnWidth(column, width)
        self.tree.currentItemChanged.connect(lambda *_: self._show_detail())
        self.tree.itemDoubleClicked.connect(self._activated)
        self.detail = QPlainTextEdit()
        self.detail.setReadOnly(True)
        self.detail.setPlaceholderText(self.tr("Select a pole to read its evidence."))

        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(QLabel(self.tr("Area")))
        top.addWidget(self.area)
        top.addWidget(self.refresh_button)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.tree)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(split, 1)
        self._timer = QTimer(self, interval=TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._redraw()

    # ------------------------------------------------------------ wiring
    def follow(self, service: ServiceEndpoint | None) -> None:
        """Show ``service``'s board (read at once), or nothing."""
        self.service = service
        self.model.clear()
        if service is None:
            self._timer.stop()
            return
        self._timer.start()
        self.refresh()

    def note_change(self, _pole_id: str = "") -> None:
        """The live feed reported a connection or status change: read again soon."""
        if self.service is not None:
            self.model.note_change(self.clock())

    def _tick(self) -> None:
        if not self.busy and self.service is not None and \
                self.model.next_read_in(self.clock()) <= 0:
            self.refresh()

    # ------------------------------------------------------------ intents
    def refresh(self) -> None:
        if self.service is None or self.busy:
            return
        self.busy = True
        self.model.read_started(self.clock())
        what = self.tr("Reading the outage board")

        def shown(answer: Any) -> None:
            self.busy = False
            if isinstance(answer, BaseException):
                self.model.set_error(failure_text(what, answer))
            else:
                self.model.set_board(answer)

        ask_service(self.tasks, self.service, what, lambda client: client.outages(), shown,
                    timeout=60)

    def _area_chosen(self, index: int) -> None:
        data = self.area.itemData(index)
        if (data or None) != self.model.area:
            self.model.set_area(data or None)

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        entry = item.data(0, Qt.ItemDataRole.UserRole)
        if isinstance(entry, OutageRecord):
            self.pole_activated.emit(entry.pole_id)

    # ------------------------------------------------------------ display
    def _redraw(self) -> None:
        tr = QCoreApplication.translate
        model = self.model
        empty = model.board is not None and not model.entries()
        self.summary.setText(model.summary(tr))
        font = QFont(self.summary.font())
        font.setPointSize(16 if empty else 12)
        font.setBold(True)
        self.summary.setFont(font)
        self.summary.setStyleSheet("color: #2e7d32;" if empty else "")
        self.status.setText(model.error or "")
        self.status.setVisible(bool(model.error))
        self.area.blockSignals(True)
        self.area.clear()
        self.area.addItem(self.tr("All areas"), "")
        for area in sorted(set(model.areas()) | ({model.area} if model.area else set())):
            self.area.addItem(area, area)
        self.area.setCurrentIndex(max(0, self.area.findData(model.area or "")))
        self.area.blockSignals(False)
        self.area.setEnabled(model.board is not None)
        self.refresh_button.setEnabled(self.service is not None)
        selected = self._selected_key()
        self.tree.clear()
        for group in model.groups():
            head = QTreeWidgetItem([f"{cause_title(group.cause, tr)} ({len(group.entries)})"])
            head.setFirstColumnSpanned(True)
            bold = QFont(self.tree.font())
            bold.setBold(True)
            head.setFont(0, bold)
            self.tree.addTopLevelItem(head)
            head.setFirstColumnSpanned(True)
            for entry in group.entries:
                row = QTreeWidgetItem([
                    entry.pole_id, entry.location or (entry.area or "–"),
                    model.local(entry.since), model.sockets_text(entry, tr),
                    model.uptime_text(entry, tr), step_text(entry.next_step, tr)])
                row.setData(0, Qt.ItemDataRole.UserRole, entry)
                row.setToolTip(5, step_text(entry.next_step, tr))
                row.setToolTip(1, entry.location or (entry.area or ""))
                row.setToolTip(0, "\n".join(model.evidence_lines(entry, tr)))
                if entry.hours_left is not None and entry.hours_left < 24:
                    row.setForeground(4, Qt.GlobalColor.red)
                head.addChild(row)
                if (entry.pole_id, entry.cause) == selected:
                    self.tree.setCurrentItem(row)
            head.setExpanded(True)
        self._fit_columns()
        self.tree.setVisible(not empty)
        self.detail.setVisible(not empty)
        self._show_detail()

    def _fit_columns(self) -> None:
        """Widen each column before Next step to its header and its cells (the language
        and the board decide how wide): never narrower than `COLUMN_WIDTHS`, nor than the
        user made it; an address at most `LOCATION_WIDTH_MAX`."""
        header = self.tree.header()
        for column, floor in enumerate(COLUMN_WIDTHS):
            wanted = max(floor, header.sectionSizeHint(column),
                         self.tree.sizeHintForColumn(column))
            if column == 1:
                wanted = min(wanted, max(floor, LOCATION_WIDTH_MAX))
            if header.sectionSize(column) < wanted:
                self.tree.setColumnWidth(column, wanted)

    def _selected_key(self) -> tuple[str, str] | None:
        item = self.tree.currentItem()
        entry = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        return (entry.pole_id, entry.cause) if isinstance(entry, OutageRecord) else None

    def _show_detail(self) -> None:
        item = self.tree.currentItem()
        entry = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        self.detail.setPlainText(self.model.evidence_text(entry, QCoreApplication.translate)
                                 if isinstance(entry, OutageRecord) else "")
