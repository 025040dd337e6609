"""The Grid groups page: pick a grid group, see the grid operator's forecast against the
group's actual current (pyqtgraph), and per pole what it got (issue 22, eis 32/63).

A thin adapter of `GridGroupsModel`: the service is read every few seconds while a
service is followed (`ServicePage.read` on a `RefreshPolicy`, never blocking the GUI
thread); failures are said in words.
Admins add a grid operator's capacity provider (its initial token shown once) and set any
pole's grid group — the selected one proposed, or one in no group yet, into an existing
or a new group (`gui.grid.admin`, `gui.grid.group_dialog`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.access import Action
from gui.access_widgets import gate
from gui.grid.admin import (
    GridAdmin,
    GroupQuestion,
    checked_assignment,
    checked_name,
    question,
)
from gui.grid.group_dialog import GroupDialog
from gui.grid.model import GridGroupsModel
from gui.plot.zone_axis import ZoneDateAxis
from gui.refresh_policy import RefreshPolicy
from gui.service_page import ServicePage
from gui.tasks import TaskRunner
from pole_link.service_api import ServiceClient

REFRESH_MS = 5000
ZONE = "Europe/Amsterdam"
FORECAST_PEN = pg.mkPen("#c62828", width=2)
ACTUAL_PEN = pg.mkPen("#1565c0", width=2)
SHOWN_WITHOUT_DATA = timedelta(hours=6)
"""With nothing (or under `SHORTEST_SPAN` of data) to draw, the time axis shows this much
either side of now: hours in Amsterdam time, not the raw seconds of an empty range."""
SHORTEST_SPAN = timedelta(hours=1)


class GridGroupsView(ServicePage):
    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None, *,
                 model: GridGroupsModel | None = None,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        super().__init__(tasks, parent, policy=RefreshPolicy(every_s=REFRESH_MS / 1000))
        self.model = model or GridGroupsModel()
        self.admin = GridAdmin()
        self.now = now
        self.ask_provider: Callable[[], tuple[str, str] | None] = self._ask_provider
        self.ask_group: Callable[[GroupQuestion], tuple[str, str] | None] = self._ask_group
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
        self.plot.setLabel("bottom", self.tr("local time (Europe/Amsterdam)"))
        self.empty_text = pg.TextItem(anchor=(0.5, 0.5), color="#455a64")
        """Says in the plot why it is empty and what would fill it."""
        self.empty_text.setTextWidth(520)
        self.plot.addItem(self.empty_text, ignoreBounds=True)
        self._x_fixed = False
        """The time axis is set around now by `_place_time_axis` (not auto-ranged)."""
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([
            self.tr("Pole"), self.tr("Share (A)"), self.tr("Drawing (A)"), self.tr("State")])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.add_button = QPushButton(self.tr("Add a grid operator…"))
        self.add_button.clicked.connect(self.add_provider)
        self.group_button = QPushButton(self.tr("Set a pole's grid group…"))
        self.group_button.clicked.connect(self.set_group)
        self.token = QLineEdit()  # the initial token, shown once: copyable, not editable
        self.token.setReadOnly(True)
        self.token.setVisible(False)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Grid group")))
        top.addWidget(self.chooser, 1)
        top.addWidget(self.summary, 2)
        top.addWidget(self.add_button)
        top.addWidget(self.group_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addLayout(top)
        layout.addWidget(self.token)
        layout.addWidget(self.status)
        layout.addWidget(self.problems)
        layout.addWidget(self.plot, 3)
        layout.addWidget(self.table, 2)
        self.model.subscribe(self._redraw)
        self.admin.subscribe(self._redraw)
        self._redraw()

    # ------------------------------------------------------------ wiring
    def forget(self) -> None:
        self.admin.forget()
        self.status.clear()
        self.model.clear()

    def refresh(self) -> None:
        def failed(sentence: str) -> None:
            self.note.setText(sentence)
            self.note.show()

        self.read(self.tr("Read grid groups"), lambda client: client.grid_groups(),
                  lambda answer: self.model.update(answer, self.now()), failed=failed,
                  timeout=20)

    # ------------------------------------------------------------ admins' changes
    def add_provider(self) -> None:
        typed = self.ask_provider()
        if typed is None:
            return
        ident, name = checked_name(typed[0], empty_allowed=False), typed[1].strip()
        if ident.problem is not None or not name:
            self.status.setText(ident.problem.text(QCoreApplication.translate)
                                if ident.problem else self.tr("Give the grid operator a name."))
            return
        provider_id = ident.value or ""
        self._write(self.tr("Add grid operator {name}").format(name=name),
                    lambda client: client.add_capacity_provider(provider_id, name),
                    self.admin.provider_added)

    def set_group(self) -> None:
        """Any pole: the service's poles are read first (off the GUI thread), then asked."""
        if self.service is None:
            return

        def listed(answer: Any) -> None:
            group_of = {pole: r.group for r in self.model.groups.values() for pole in r.poles}
            self._ask_and_set(question([p.id for p in answer], group_of,
                                       self.admin.selected))

        async def call(client: ServiceClient) -> Any:
            return await client.poles()

        self.ask(self.tr("List the poles"), call, listed, timeout=30)

    def _ask_and_set(self, asked: GroupQuestion) -> None:
        typed = self.ask_group(asked)
        if typed is None:
            return
        pole_id, choice = checked_assignment(asked, *typed)
        if choice.problem is not None:
            self.status.setText(choice.problem.text(QCoreApplication.translate))
            return
        group = choice.value
        self._write(self.tr("Set the grid group of {pole}").format(pole=pole_id),
                    lambda client: client.set_grid_group(pole_id, group),
                    lambda _answer: self.status.setText(
                        self.tr("{pole} is now in grid group {group}.").format(
                            pole=pole_id, group=group) if group else
                        self.tr("{pole} is no longer in a grid group.").format(pole=pole_id)))

    def _write(self, what: str, call: Callable[[ServiceClient], Any],
               done: Callable[[Any], None]) -> None:
        if self.service is None:
            return

        def finished(answer: Any) -> None:
            self.status.clear()
            done(answer)
            self.refresh()

        self.ask(what, call, finished, timeout=30)

    def _selection_changed(self) -> None:
        rows = {index.row() for index in self.table.selectedIndexes()}
        model_rows = self.model.rows()
        row = next(iter(rows), None)
        self.admin.select(model_rows[row].pole_id if row is not None
                          and row < len(model_rows) else None)

    def _ask_provider(self) -> tuple[str, str] | None:
        dialog = QDialog(self)
        dialog.setWindowTitle(self.tr("Add a grid operator"))
        ident, name = QLineEdit(), QLineEdit()
        ident.setPlaceholderText("enexis")
        form = QFormLayout(dialog)
        form.addRow(self.tr("Short id (letters, digits, . _ -)"), ident)
        form.addRow(self.tr("Name"), name)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(dialog.accept)
        box.rejected.connect(dialog.reject)
        form.addRow(box)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return ident.text(), name.text()

    def _ask_group(self, asked: GroupQuestion) -> tuple[str, str] | None:
        dialog = GroupDialog(asked, self)
        return dialog.answer() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def _chosen(self, group: str) -> None:
        if group:
            self.model.choose(group)

    # ------------------------------------------------------------ drawing
    def _place_time_axis(self, xs: list[float]) -> tuple[float, float]:
        """Auto-range the time axis over the data when it spans `SHORTEST_SPAN` or more;
        else show `SHOWN_WITHOUT_DATA` either side of now (and any data there is). The
        range shown, in epoch seconds."""
        finite = [x for x in xs if x == x]
        if finite and max(finite) - min(finite) >= SHORTEST_SPAN.total_seconds():
            if self._x_fixed:
                self.plot.enableAutoRange(axis="x")
                self._x_fixed = False
            return min(finite), max(finite)
        now = self.now().timestamp()
        around = SHOWN_WITHOUT_DATA.total_seconds()
        left, right = min([now - around, *finite]), max([now + around, *finite])
        self.plot.setXRange(left, right, padding=0)
        self._x_fixed = True
        return left, right

    def _empty_sentence(self) -> str:
        if self.model.record is None:
            return self.tr("No grid group to show yet: once a pole is in a grid group, its "
                           "grid operator's forecast and the group's current appear here.")
        return self.tr("No forecast and no measured current yet. The forecast appears when "
                       "the grid operator sends one over OSCP; the measured current when "
                       "the group's poles send meter values while they charge.")

    def _redraw(self) -> None:
        model = self.model
        idle = self.service is not None and not self.busy
        gate(self.add_button, self.access, Action.MANAGE_GRID, idle)
        gate(self.group_button, self.access, Action.MANAGE_GRID, idle)
        token = self.admin.token_text()
        self.token.setVisible(token is not None)
        self.token.setText(token.text(QCoreApplication.translate) if token else "")
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
        empty = model.nothing_to_plot()
        forecast = model.forecast_steps()
        measured: tuple[list[float], list[float]] = ([], []) if empty else model.actual_series()
        self.forecast_curve.setData(*forecast, connect="finite")
        self.actual_curve.setData(*measured)
        highest = max([0.0, *forecast[1], *measured[1]],
                      key=lambda a: a if a == a else 0.0)  # NaN (a gap) counts as 0
        top = max(highest, 1.0) * 1.1
        self.plot.setYRange(0, top)  # amperes from zero, honestly
        left, right = self._place_time_axis([*forecast[0], *measured[0]])
        self.empty_text.setVisible(empty)
        if empty:
            self.empty_text.setText(self._empty_sentence())
            self.empty_text.setPos((left + right) / 2, top / 2)
        rows = model.rows()
        self.table.blockSignals(True)
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            state = (self.tr("paused: the cap leaves it nothing") if row.paused
                     else self.tr("not capped") if row.share_a is None
                     else self.tr("charging") if row.actual_a > 0 else self.tr("idle"))
            cells = (row.pole_id, "—" if row.share_a is None else f"{row.share_a:.1f}",
                     f"{row.actual_a:.1f}", state)
            for column, text in enumerate(cells):
                self.table.setItem(index, column, QTableWidgetItem(text))
        chosen = next((i for i, row in enumerate(rows) if row.pole_id == self.admin.selected),
                      None)
        if chosen is not None:
            self.table.selectRow(chosen)
        self.table.blockSignals(False)
