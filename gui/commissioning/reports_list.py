"""A pole's commissioning reports as the service keeps them, and what is waiting to sync.

The helpdesk asks "was this pole commissioned, by whom, did it pass?" and wants the PDF
the grantor got; the technician on site wants to know whether their reports reached the
service yet. `ReportsListState` holds both (plain Python, tested without a widget); the
widget only shows it, asks the service through `ServiceClient` and opens a PDF with the
desktop's viewer.
"""

from __future__ import annotations

import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QColor, QDesktopServices
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.access import Access, Action
from gui.access_widgets import gate
from gui.service_request import ask_service, failure_text
from gui.tasks import TaskRunner
from pole_link.commissioning.pdf import format_time
from pole_link.commissioning.sync import PendingReport, ReportOutbox, SyncResult
from pole_link.service_api import CommissioningReportRecord, ServiceClient, ServiceEndpoint

PASS_COLOUR = "#2e7d32"
FAIL_COLOUR = "#c62828"
ZONE = ZoneInfo("Europe/Amsterdam")
"""Where the poles are: times are shown there, with the offset, whatever the laptop's zone."""


@dataclass
class ReportsListState:
    """The pole shown, its reports at the service, and the local runs not uploaded yet."""

    pole_id: str = ""
    reports: list[CommissioningReportRecord] = field(default_factory=list)
    pending: list[PendingReport] = field(default_factory=list)

    def show_pole(self, pole_id: str) -> None:
        if pole_id != self.pole_id:
            self.reports = []
        self.pole_id = pole_id

    def set_reports(self, pole_id: str, reports: list[CommissioningReportRecord]) -> bool:
        """Keep the answer if it is still for the pole shown (an old answer arriving after
        the user moved on is dropped): was it kept?"""
        if pole_id != self.pole_id:
            return False
        self.reports = sorted(reports, key=lambda r: (r.finished is None, r.finished),
                              reverse=True)
        return True

    @property
    def waiting(self) -> int:
        """Reports of any pole still waiting to sync."""
        return len(self.pending)

    @property
    def waiting_here(self) -> list[PendingReport]:
        return [p for p in self.pending if p.pole_id == self.pole_id]

    @property
    def refused(self) -> list[PendingReport]:
        return [p for p in self.pending if p.refused]


class ReportsList(QWidget):
    """The Commissioning view's list of a pole's reports with "Open PDF" and "Sync now".

    ``outbox`` is the local run store's outbox (None: this app has no runs of its own);
    ``open_file`` opens a downloaded PDF (the desktop's viewer; tests replace it).
    """

    def __init__(self, tasks: TaskRunner, outbox: ReportOutbox | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.outbox = outbox
        self.state = ReportsListState()
        self.service: ServiceEndpoint | None = None
        self.access = Access()
        self.open_file: Callable[[Path], None] = _open_with_desktop

        self.title = QLabel()
        self.title.setStyleSheet("font-weight: bold;")
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels([
            self.tr("Finished"), self.tr("Result"), self.tr("Technician"),
            self.tr("Checklist"), self.tr("Run")])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.cellDoubleClicked.connect(lambda row, _column: self.open_report(row))
        self.open_button = QPushButton(self.tr("Open PDF"))
        self.open_button.clicked.connect(lambda: self.open_report(self.table.currentRow()))
        self.sync_label = QLabel()
        self.sync_label.setWordWrap(True)
        self.sync_button = QPushButton(self.tr("Sync now"))
        self.sync_button.clicked.connect(self.sync)
        self.key_label = QLabel()
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.register_button = QPushButton(self.tr("Register my key with the service"))
        self.register_button.clicked.connect(self.register_key)
        self._show_key()
        self.message = QLabel()
        self.message.setWordWrap(True)

        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.sync_label, 3)
        buttons.addWidget(self.sync_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        keys = QHBoxLayout()
        keys.addWidget(self.key_label, 1)
        keys.addWidget(self.register_button)
        layout.addLayout(keys)
        layout.addWidget(self.message)
        self.refresh_pending()
        self._show()

    def use_outbox(self, outbox: ReportOutbox) -> None:
        """The run store's outbox with the key of the technician working now (known once
        they signed a report on this laptop)."""
        self.outbox = outbox
        self._show_key()
        self.refresh_pending()

    def _show_key(self) -> None:
        key = self.outbox.key if self.outbox is not None else None
        self.key_label.setText(self.tr("Your signing key (%1): %2").replace(
            "%1", key.name).replace("%2", key.fingerprint) if key is not None else "")
        self.register_button.setVisible(key is not None)

    # ------------------------------------------------------------ service
    def follow(self, service: ServiceEndpoint | None) -> None:
        self.service = service
        self._update_buttons()
        self.reload()

    def show_pole(self, pole_id: str) -> None:
        self.state.show_pole(pole_id)
        self.message.clear()
        self._show()
        self.reload()

    def _ask(self, what: str, call: Callable[[ServiceClient], Awaitable[Any]],
             done: Callable[[Any], None]) -> None:
        """One request to the service (`ask_service`)."""
        ask_service(self.tasks, self.service, what, call, done, timeout=60)

    def _say_error(self, what: str, error: BaseException) -> None:
        self.message.setText(failure_text(what, error))
        self.message.setStyleSheet(f"color: {FAIL_COLOUR};")

    def reload(self) -> None:
        """Ask the service for the shown pole's reports."""
        pole_id = self.state.pole_id
        if not pole_id or self.service is None:
            return
        what = self.tr("Reading the commissioning reports")

        def done(answer: list[CommissioningReportRecord] | BaseException) -> None:
            if isinstance(answer, BaseException):
                self._say_error(what, answer)
            elif self.state.set_reports(pole_id, answer):
                self._show()
        self._ask(what, lambda client: client.commissioning_reports(pole_id), done)

    def open_report(self, row: int) -> None:
        """Download the report's PDF and open it in the desktop's PDF viewer."""
        if not 0 <= row < len(self.state.reports):
            return
        report = self.state.reports[row]
        what = self.tr("Opening the report of run %1").replace("%1", report.run_id)

        async def fetch(client: ServiceClient) -> Path:
            data = await client.commissioning_report_pdf(report.pole_id, report.run_id)
            target = downloads_folder() / f"{_safe(report.pole_id)}-{_safe(report.run_id)}.pdf"
            target.write_bytes(data)
            return target

        def done(answer: Path | BaseException) -> None:
            if isinstance(answer, BaseException):
                self._say_error(what, answer)
            else:
                self.open_file(answer)
        self._ask(what, fetch, done)

    def register_key(self) -> None:
        """Register this technician's public key, so the service accepts their reports
        (the service refuses a key that is another technician's)."""
        key = self.outbox.key if self.outbox is not None else None
        if key is None:
            return
        what = self.tr("Registering the key of %1").replace("%1", key.name)

        def done(answer: Any) -> None:
            if isinstance(answer, BaseException):
                self._say_error(what, answer)
                return
            self.message.setText(self.tr("The service knows the key of %1 (fingerprint %2)")
                                 .replace("%1", key.name).replace("%2", key.fingerprint))
            self.message.setStyleSheet("")
        self._ask(what, lambda client: client.register_technician_key(
            key.name, key.public_base64), done)

    # ------------------------------------------------------------ sync
    def refresh_pending(self) -> None:
        """Read what is waiting to sync from the local run store."""
        self.state.pending = self.outbox.pending() if self.outbox is not None else []
        self._show_sync()

    def sync(self) -> None:
        outbox = self.outbox
        if outbox is None:
            return
        what = self.tr("Uploading the reports")

        def done(answer: SyncResult | BaseException) -> None:
            self.refresh_pending()
            if isinstance(answer, BaseException):
                self._say_error(what, answer)
                return
            self.message.setText(self.tr("%1 report(s) uploaded, %2 not").replace(
                "%1", str(len(answer.uploaded))).replace("%2", str(len(answer.failed))))
            self.message.setStyleSheet("" if answer.complete else f"color: {FAIL_COLOUR};")
            self.reload()
        self.sync_button.setEnabled(False)
        self._ask(what, outbox.sync, done)

    # ------------------------------------------------------------ showing
    def _show(self) -> None:
        state = self.state
        self.title.setText(self.tr("Commissioning reports of %1").replace("%1", state.pole_id)
                           if state.pole_id else self.tr("Choose a pole"))
        self.table.setRowCount(len(state.reports))
        for row, report in enumerate(state.reports):
            result = QTableWidgetItem(self.tr("passed") if report.passed else self.tr("FAILED"))
            result.setForeground(QColor(PASS_COLOUR if report.passed else FAIL_COLOUR))
            cells = [QTableWidgetItem(format_time(report.finished.astimezone(ZONE))
                                      if report.finished else "—"),
                     result, QTableWidgetItem(report.technician),
                     QTableWidgetItem(f"{report.checklist} {report.checklist_version}"),
                     QTableWidgetItem(report.run_id)]
            for column, item in enumerate(cells):
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self._update_buttons()

    def _show_sync(self) -> None:
        state = self.state
        if state.waiting == 0:
            text = self.tr("Every report is uploaded.")
        else:
            text = self.tr("%1 report(s) waiting to sync").replace("%1", str(state.waiting))
            if state.refused:
                first = state.refused[0]
                text += " — " + self.tr("refused: %1").replace("%1", first.last_error)
        self.sync_label.setText(text)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.open_button.setEnabled(self.service is not None
                                    and 0 <= self.table.currentRow() < len(self.state.reports))
        gate(self.register_button, self.access, Action.REGISTER_KEY, self.service is not None)
        gate(self.sync_button, self.access, Action.UPLOAD_REPORT,
             self.service is not None and self.outbox is not None and self.state.waiting > 0)

    def watch(self, access: Access) -> None:
        """Grey out what the signed-in operator's role may not do (issue 17)."""
        self.access = access
        access.subscribe(self._update_buttons)
        self._update_buttons()


_downloads: list[tempfile.TemporaryDirectory[str]] = []


def downloads_folder() -> Path:
    """The folder for PDFs opened from the service: one per app run (a window rebuilt for
    another language reuses it), made on first use, removed by `remove_downloads` when the
    app exits — and by the interpreter at exit if the app never got that far."""
    if not _downloads:
        _downloads.append(tempfile.TemporaryDirectory(prefix="paalwerk-reports-",
                                                      ignore_cleanup_errors=True))
    return Path(_downloads[0].name)


def remove_downloads() -> None:
    """Remove the opened PDFs (a viewer that still holds one on Windows: left, not fatal)."""
    while _downloads:
        _downloads.pop().cleanup()


def _open_with_desktop(path: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in text)
