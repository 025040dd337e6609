"""The Reports page: the tender's evidence per pole and for the fleet (issue 19; eis 25,
30, 48), a thin view of `ReportsState`.

Choose a year; the fleet summary comes most at risk first, with the poles closest to
failing drawn as bars against their targets. Click a pole for its subperiods, low-current
vehicles and uptime. Export the pole or the fleet as PDF (the grantor's quarterly
evidence) or CSV (the service's own files). Requests run in the background
(`ask_service`); PDFs are laid out and files written on a worker thread, the fleet's with
a progress bar. "Now" is injected (``now=``): the year offered, where a running year ends
and the generated-at time of a PDF never come from the machine's clock in tests.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.i18n import active_language
from gui.reports.charts import ReportCharts
from gui.reports.pdf import fleet_pdf, pole_pdf, words_for
from gui.reports.summary import PoleDetail, ReportPeriod, ReportsState, offered_years
from gui.reports.table import (
    DASH,
    MET_COLOUR,
    MISSED_COLOUR,
    ReportsTableModel,
    percent_text,
    subperiod_word,
    verdict_word,
)
from gui.service_request import ask_while_busy, failure_text
from gui.tasks import TaskRunner
from pole_link.errors import LinkLost
from pole_link.service_api import ServiceClient, ServiceEndpoint

PathAsker = Callable[[str, str], str]
"""``ask_path(proposed file name, filter)`` → the chosen path, "" to cancel."""


def write_file(path: str, data: bytes) -> str:
    Path(path).write_bytes(data)
    return Path(path).name


class ReportsView(QWidget):
    """``ask_path`` chooses where an export goes; tests answer it."""

    progress = Signal(int, int)
    """Rows of the fleet PDF laid out so far, of all (from the worker thread)."""
    exported = Signal(str)
    """The file name an export was written to."""

    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None, *,
                 now: Callable[[], datetime] | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.now = now or (lambda: datetime.now(UTC))
        self.state = ReportsState(self.now)
        self.service: ServiceEndpoint | None = None
        self.ask_path: PathAsker = self._ask_path
        self.busy = False

        self.year = QComboBox()
        self.show_button = QPushButton(self.tr("Show"))
        self.show_button.clicked.connect(self.load)
        self.year.activated.connect(lambda _: self.load())
        self.fleet_export = QPushButton(self.tr("Export fleet"))
        fleet_menu = QMenu(self.fleet_export)
        fleet_menu.addAction(self.tr("PDF (all poles)…"), self.export_fleet_pdf)
        fleet_menu.addAction(self.tr("CSV of compliance (eis 25/30)…"),
                             lambda: self.export_csv("compliance", None))
        fleet_menu.addAction(self.tr("CSV of uptime (eis 48)…"),
                             lambda: self.export_csv("uptime", None))
        self.fleet_export.setMenu(fleet_menu)
        self.pole_export = QPushButton(self.tr("Export pole"))
        pole_menu = QMenu(self.pole_export)
        pole_menu.addAction(self.tr("PDF…"), self.export_pole_pdf)
        pole_menu.addAction(self.tr("CSV of compliance (eis 25/30)…"),
                            lambda: self.export_csv("compliance", self._pole()))
        pole_menu.addAction(self.tr("CSV of uptime (eis 48)…"),
                            lambda: self.export_csv("uptime", self._pole()))
        self.pole_export.setMenu(pole_menu)
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(220)
        self.bar.hide()
        self.progress.connect(self._progress)
        self.status = QLabel(self.tr("Connect to a service to read the tender reports."))
        self.status.setWordWrap(True)

        self.model = ReportsTableModel(self.state)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.table.setAlternatingRowColors(True)
        self.table.setMinimumWidth(200)
        self.table.clicked.connect(self._clicked)
        self.table.activated.connect(self._clicked)

        self.pole_title = QLabel(self.tr("Click a pole for its subperiods and uptime."))
        self.pole_title.setStyleSheet("font-size: 12pt; font-weight: bold;")
        self.subperiods = QTableWidget(0, 7)
        self.subperiods.setHorizontalHeaderLabels([
            self.tr("Subperiod"), self.tr("From – until"), self.tr("Peak tx"),
            self.tr("Overruled"), self.tr("Overruled %"), self.tr("Limit"), self.tr("Result")])
        self.subperiods.verticalHeader().setVisible(False)
        self.subperiods.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.subperiods.horizontalHeader().setStretchLastSection(True)
        self.subperiods.setMaximumHeight(118)
        self.subperiods.setMinimumWidth(200)  # scrolls rather than widening the page
        self.low_current = QLabel()
        self.low_current.setWordWrap(True)
        self.uptime_line = QLabel()
        self.uptime_line.setWordWrap(True)
        self.charts = ReportCharts()

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Year")))
        top.addWidget(self.year)
        top.addWidget(self.show_button)
        top.addSpacing(12)
        top.addWidget(self.fleet_export)
        top.addWidget(self.pole_export)
        top.addWidget(self.bar)
        top.addStretch(1)
        detail = QWidget()
        column = QVBoxLayout(detail)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.pole_title)
        column.addWidget(self.subperiods)
        column.addWidget(self.low_current)
        column.addWidget(self.uptime_line)
        column.addStretch(1)
        # The fleet table and its charts side by side, the chosen pole below across the
        # width: at 1366×768 each table then shows all its columns without scrolling.
        upper = QSplitter()
        upper.addWidget(self.table)
        upper.addWidget(self.charts)
        upper.setSizes([625, 535])
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(upper)
        splitter.addWidget(detail)
        splitter.setSizes([440, 220])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(splitter, 1)
        self.state.subscribe(self._redraw)
        self._fill_years()
        self._redraw()

    # ------------------------------------------------------------ wiring
    def follow(self, service: ServiceEndpoint | None) -> None:
        """The chosen service: its reports for the newest year are read at once."""
        self.service = service
        self.state.choose_year(self._chosen_year())  # what was shown came from another
        if service is None:
            self.status.setText(self.tr("Connect to a service to read the tender reports."))
        else:
            self.load()

    def use_clock(self, now: Callable[[], datetime]) -> None:
        """Another "now" (a test's fixed date, a replayed day): the newest year is chosen."""
        self.now = self.state.now = now
        self.state.choose_year(offered_years(now(), self.state.zone)[0])
        self._fill_years()

    def _fill_years(self) -> None:
        chosen = self.state.period.year
        self.year.clear()
        for year in offered_years(self.now(), self.state.zone):
            self.year.addItem(str(year), year)
        self.year.setCurrentIndex(max(self.year.findData(chosen), 0))

    def _chosen_year(self) -> int:
        year = self.year.currentData()
        return int(year) if year is not None else self.state.period.year

    def _pole(self) -> str | None:
        return self.state.detail.pole_id if self.state.detail is not None else None

    def _ask(self, what: str, call: Callable[[ServiceClient], Awaitable[Any]],
             done: Callable[[Any], None]) -> None:
        ask_while_busy(self, what, call, done, timeout=120)

    # ------------------------------------------------------------ intents
    def load(self) -> None:
        """Read the fleet's reports for the chosen year (a running year: until now)."""
        if self.service is None:
            return
        period = self.state.choose_year(self._chosen_year())
        what = self.tr("Reading the tender reports")
        self.status.setText(self.tr("Reading the reports of %1…").replace(
            "%1", self._period_words(period)))

        async def both(client: ServiceClient) -> Any:
            return await asyncio.gather(client.fleet_uptime(period.start, period.end),
                                        client.fleet_compliance(period.end))

        def shown(answer: Any) -> None:
            if isinstance(answer, BaseException):
                self.status.setText(failure_text(what, answer))
            elif self.state.show_fleet(period, *answer):
                missed, total = self.state.counts()
                self.status.setText(self.tr(
                    "%1: %2 of %3 poles miss a target; most at risk first.").replace(
                    "%1", self._period_words(period)).replace("%2", str(missed)).replace(
                    "%3", str(total)))

        self._ask(what, both, shown)

    def _clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.show_pole(self.model.row(index.row()).pole_id)

    def show_pole(self, pole_id: str) -> None:
        """Read one pole's subperiods and uptime for the chosen period."""
        period = self.state.period
        what = self.tr("Reading the reports of %1").replace("%1", pole_id)

        async def both(client: ServiceClient) -> PoleDetail:
            uptime = None
            if period.start < period.end:
                uptime = await client.uptime(pole_id, period.start, period.end)
            try:
                subs = await client.compliance(pole_id, period.end)
            except LinkLost as refused:  # 409: no programme start to count from
                return PoleDetail(pole_id, period, (), uptime,
                                  str(refused).split(": ", 1)[-1])
            return PoleDetail(pole_id, period, tuple(reversed(subs)), uptime)

        def shown(answer: Any) -> None:
            if isinstance(answer, BaseException):
                self.status.setText(failure_text(what, answer))
            else:
                self.state.show_detail(answer)

        self._ask(what, both, shown)

    def export_fleet_pdf(self, path: str | None = None) -> None:
        """The fleet summary as PDF, laid out on a worker thread with progress."""
        rows, period = list(self.state.rows), self.state.period
        if not rows:
            self.status.setText(self.tr("Show a year's reports first, then export them."))
            return
        path = path or self.ask_path(f"eis-report-fleet-{period.year}.pdf",
                                     self.tr("PDF files (*.pdf)"))
        if not path:
            return
        generated, words = self.now(), words_for(active_language())
        self.bar.setRange(0, len(rows))
        self.bar.setValue(0)
        self.bar.show()
        self.status.setText(self.tr("Writing the fleet report…"))

        def work() -> str:
            data = fleet_pdf(rows, period, generated, words=words,
                             progress=lambda done, total: self.progress.emit(done, total))
            return write_file(path, data)

        self.tasks.run_blocking("write the fleet PDF", work, self._written)

    def export_pole_pdf(self, path: str | None = None) -> None:
        """The chosen pole's evidence as PDF (written on a worker thread)."""
        detail = self.state.detail
        if detail is None:
            self.status.setText(self.tr("Click a pole first, then export its report."))
            return
        path = path or self.ask_path(
            f"eis-report-{detail.pole_id}-{detail.period.year}.pdf",
            self.tr("PDF files (*.pdf)"))
        if not path:
            return
        generated, words = self.now(), words_for(active_language())
        self.tasks.run_blocking("write the pole's PDF",
                                lambda: write_file(path, pole_pdf(detail, generated,
                                                                  words=words)),
                                self._written)

    def export_csv(self, kind: str, pole_id: str | None, path: str | None = None) -> None:
        """The service's CSV (compliance or uptime) of a pole, or of the fleet without one."""
        period = self.state.period
        name = f"eis-{kind}-{pole_id or 'fleet'}-{period.year}.csv"
        path = path or self.ask_path(name, self.tr("CSV files (*.csv)"))
        if not path:
            return
        what = self.tr("Exporting %1").replace("%1", name)

        async def fetch(client: ServiceClient) -> str:
            if kind == "compliance":
                return await client.compliance_csv(period.end, pole_id)
            return await client.uptime_csv(period.start, period.end, pole_id)

        def fetched(answer: Any) -> None:
            if isinstance(answer, BaseException):
                self.status.setText(failure_text(what, answer))
            else:
                self.tasks.run_blocking("write the CSV", lambda: write_file(
                    path, answer.encode("utf-8")), self._written)

        self._ask(what, fetch, fetched)

    def _written(self, name: str) -> None:
        self.bar.hide()
        self.status.setText(self.tr("Saved %1").replace("%1", name))
        self.exported.emit(name)

    def _progress(self, done: int, total: int) -> None:
        self.bar.setRange(0, total)
        self.bar.setValue(done)

    def _period_words(self, period: ReportPeriod) -> str:
        return period.label_in(self.tr("%1 (until %2)"))

    def _ask_path(self, name: str, kinds: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export"), name, kinds)
        return path

    # ------------------------------------------------------------ drawing
    def _redraw(self) -> None:
        connected = self.service is not None
        idle = connected and not self.busy
        self.show_button.setEnabled(idle)
        self.fleet_export.setEnabled(idle and bool(self.state.rows))
        self.pole_export.setEnabled(idle and self.state.detail is not None)
        self.charts.show_rows(self.state.rows)
        self._draw_detail()

    def _draw_detail(self) -> None:
        detail = self.state.detail
        if detail is None:
            self.pole_title.setText(self.tr("Click a pole for its subperiods and uptime."))
            self.subperiods.setRowCount(0)
            self.low_current.clear()
            self.uptime_line.clear()
            return
        self.pole_title.setText(self.tr("%1 — %2").replace("%1", detail.pole_id).replace(
            "%2", self._period_words(detail.period)))
        self.subperiods.setRowCount(len(detail.subperiods))
        for number, sub in enumerate(detail.subperiods):
            until = sub.end.strftime("%Y-%m-%d") + (
                "" if sub.complete else " " + self.tr("(running)"))
            cells = (subperiod_word(sub.subperiod),
                     f"{sub.start.strftime('%Y-%m-%d')} – {until}",
                     str(sub.peak_transactions), str(sub.overruled),
                     percent_text(sub.overruled_percent),
                     DASH if sub.target_percent is None else f"≤ {sub.target_percent} %",
                     verdict_word(sub.target_met))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 6 and sub.target_met is not None:
                    item.setForeground(QBrush(QColor(
                        MET_COLOUR if sub.target_met else MISSED_COLOUR)))
                self.subperiods.setItem(number, column, item)
        self.subperiods.resizeColumnsToContents()
        lines = []
        for sub in detail.subperiods:
            if sub.low_current_transactions:
                named = ", ".join(f"{n.id_tag} (#{n.transaction_id})"
                                  for n in sub.low_current_overruled) or self.tr("none")
                lines.append(self.tr(
                    "%1: low-current vehicles (eis 30) left out: %2; overruled by: %3")
                    .replace("%1", subperiod_word(sub.subperiod))
                    .replace("%2", " ".join(f"#{i}" for i in sub.low_current_transactions))
                    .replace("%3", named))
        if not detail.subperiods:
            lines.append(self.tr("No compliance report: %1").replace(
                "%1", detail.compliance_note))
        self.low_current.setText("\n".join(lines) or self.tr(
            "No low-current vehicles (eis 30) in the peak."))
        up = detail.uptime
        if up is None:
            self.uptime_line.setText(self.tr("No uptime: not registered in this period."))
        else:
            colour = MET_COLOUR if up.meets_98 else MISSED_COLOUR
            self.uptime_line.setText(self.tr(
                "Uptime (eis 48): %1 connected and available, %2 h of %3 h; target 98 %: %4")
                .replace("%1", percent_text(up.percent, 2))
                .replace("%2", f"{up.up_seconds / 3600:,.1f}")
                .replace("%3", f"{up.period_seconds / 3600:,.1f}")
                .replace("%4", f"<b style='color:{colour}'>{verdict_word(up.meets_98)}</b>"))

