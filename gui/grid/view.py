"""The Grid groups page: pick a grid group, see the grid operator's forecast against the
group's actual current (pyqtgraph), and per pole what it got (issue 22, eis 32/63).

A thin adapter of `GridGroupsModel`: the service is asked every few seconds while the
page is shown (`ask_service`, never blocking the GUI thread); failures are said in words.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.grid.model import GridGroupsModel
from gui.plot.zone_axis import ZoneDateAxis
from gui.service_request import ask_service, failure_text
from gui.tasks import TaskRunner
from pole_link.service_api import ServiceClient, ServiceEndpoint

REFRESH_MS = 5000
ZONE = "Europe/Amsterdam"
FORECAST_PEN = pg.mkPen("#c62828", width=2)
ACTUAL_PEN = pg.mkPen("#1565c0", width=2)


class GridGroupsView(QWidget):
    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None, *,
                 model: GridGroupsModel | None = None,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.model = model or GridGroupsModel()
        self.now = now
        self.service: ServiceEndpoint | None = None
        self.busy = False
        self.note = QLabel(self.tr("Connect to a service to see its grid groups."))
        self.note.setWordWrap(True)
        self.note.setStyleSheet("font-size: 12pt;")
        self.chooser = QComboBox()
        self.chooser.currentTextChanged.connect(self._chosen)
        self.summary = QLabel()
        self.summary.setStyleSheet("font-size: 12pt;")
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #c62828;")
        # Times read in the grid's own zone (the tender's peak is Amsterdam time).
        self.plot = pg.PlotWidget(axisItems={"bottom": ZoneDateAxis(ZoneInfo(ZONE))})
        self.plot.setBackground("w")
        self.plot.showGrid(x=True, y=True, alpha=0.3)
        self.plot.setLabel("left", self.tr("Current per phase (A)"))
        self.plot.addLegend(offset=(10, 10))
        self.forecast_curve = self.plot.plot([], [], pen=FORECAST_PEN,
                                             name=self.tr("Grid operator's forecast"))
        self.actual_curve = self.plot.plot([], [], pen=ACTUAL_PEN,
                                           name=self.tr("Group's actual current"))
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([
            self.tr("Pole"), self.tr("Share (A)"), self.tr("Drawing (A)"), self.tr("State")])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Grid group")))
        top.addWidget(self.chooser, 1)
        top.addWidget(self.summary, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addLayout(top)
        layout.addWidget(self.problems)
        layout.addWidget(self.plot, 3)
        layout.addWidget(self.table, 2)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.model.subscribe(self._redraw)
        self._redraw()

    # ------------------------------------------------------------ wiring
    def follow(self, service: ServiceEndpoint | None) -> None:
        self.service = service
        self.model.clear()
        if service is None:
            self.timer.stop()
        else:
            self.timer.start()
            self.refresh()

    def refresh(self) -> None:
        if self.service is None or self.busy:
            return
        self.busy = True
        what = self.tr("Read grid groups")

        def done(answer: Any) -> None:
            self.busy = False
            if isinstance(answer, BaseException):
                self.note.setText(failure_text(what, answer))
                self.note.show()
                return
            self.model.update(answer, self.now())

        async def call(client: ServiceClient) -> Any:
            return await client.grid_groups()

        ask_service(self.tasks, self.service, what, call, done, timeout=20)

    def _chosen(self, group: str) -> None:
        if group:
            self.model.choose(group)

    # ------------------------------------------------------------ drawing
    def _redraw(self) -> None:
        model = self.model
        names = sorted(model.groups)
        if [self.chooser.itemText(i) for i in range(self.chooser.count())] != names:
            self.chooser.blockSignals(True)
            self.chooser.clear()
            self.chooser.addItems(names)
            self.chooser.blockSignals(False)
        if model.chosen is not None:
            self.chooser.setCurrentText(model.chosen)
        if self.service is not None and not names:
            self.note.setText(self.tr("No pole is in a grid group yet: set a pole's grid "
                                      "group (or import a CSV) to follow a grid operator's "
                                      "forecasts."))
        self.note.setVisible(self.service is None or not names)
        limit, actual = model.summary()
        self.summary.setText(
            self.tr("No forecast in force — drawing {actual:.1f} A").format(actual=actual)
            if limit is None else
            self.tr("Capped at {limit:.1f} A — drawing {actual:.1f} A").format(
                limit=limit, actual=actual))
        record = model.record
        self.problems.setText("\n".join(record.problems) if record is not None else "")
        self.problems.setVisible(bool(record is not None and record.problems))
        self.forecast_curve.setData(*model.forecast_steps(), connect="finite")
        self.actual_curve.setData(*model.actual_series())
        highest = max([0.0, *model.forecast_steps()[1], *model.actual_series()[1]],
                      key=lambda a: a if a == a else 0.0)  # NaN (a gap) counts as 0
        self.plot.setYRange(0, max(highest, 1.0) * 1.1)  # amperes from zero, honestly
        rows = model.rows()
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            state = (self.tr("paused: the cap leaves it nothing") if row.paused
                     else self.tr("not capped") if row.share_a is None
                     else self.tr("charging") if row.actual_a > 0 else self.tr("idle"))
            cells = (row.pole_id, "—" if row.share_a is None else f"{row.share_a:.1f}",
                     f"{row.actual_a:.1f}", state)
            for column, text in enumerate(cells):
                self.table.setItem(index, column, QTableWidgetItem(text))
