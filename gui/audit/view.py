"""The Audit screen: a thin view of `AuditTrail` for admins (issue 17, eis 69).

Filter by period, who, pole and action; read the entries a page at a time ("Load more");
export what the filter selects as CSV. Every request runs in the background
(`ServicePage.ask`); the file is written on a worker thread. A role that may not read the
trail sees a sentence saying so instead of an empty table.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFileDialog,
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
from gui.audit.trail import AuditFilter, AuditTrail, FilterError, parse_filter
from gui.service_page import ServicePage
from gui.tasks import TaskRunner

REFUSED_COLOUR = "#c62828"


def write_bytes(path: str, data: bytes) -> int:
    """Write the export; the number of entries (lines after the header)."""
    Path(path).write_bytes(data)
    return max(data.count(b"\n") - 1, 0)


class AuditView(ServicePage):
    """``ask_path()`` proposes a file for the export and returns the chosen one ("" to
    cancel); tests answer it."""

    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None, *,
                 trail: AuditTrail | None = None) -> None:
        super().__init__(tasks, parent)
        self.trail = trail or AuditTrail()
        self.trail.subscribe(self._redraw)
        self.ask_path: Callable[[], str] = self._ask_path

        self.note = QLabel(self.tr("Connect to a service to read the audit trail."))
        self.note.setWordWrap(True)
        self.note.setStyleSheet("font-size: 12pt;")
        self.since = QLineEdit()
        self.until = QLineEdit()
        for field in (self.since, self.until):
            field.setPlaceholderText(self.tr("year-month-day, empty: no limit"))
            field.setMaxLength(10)
        self.actor = QLineEdit()
        self.actor.setPlaceholderText(self.tr("user name"))
        self.pole = QLineEdit()
        self.pole.setPlaceholderText(self.tr("pole id, e.g. PW-0001"))
        self.action = QLineEdit()
        self.action.setPlaceholderText(self.tr("e.g. PUT /api/v1/id-tags/{idTag}"))
        for field in (self.since, self.until, self.actor, self.pole, self.action):
            field.returnPressed.connect(self.search)
        self.search_button = QPushButton(self.tr("Show"))
        self.search_button.clicked.connect(self.search)
        self.more_button = QPushButton(self.tr("Load more"))
        self.more_button.clicked.connect(self.load_more)
        self.export_button = QPushButton(self.tr("Export CSV…"))
        self.export_button.clicked.connect(self.export)
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels([
            self.tr("Time (local)"), self.tr("Who"), self.tr("Role"), self.tr("Action"),
            self.tr("Pole"), self.tr("Result")])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)

        self.filters = QWidget()
        period = QHBoxLayout()
        period.addWidget(self.since, 1)
        period.addWidget(QLabel(self.tr("until")))
        period.addWidget(self.until, 1)
        form = QFormLayout()
        form.addRow(self.tr("Period from"), period)
        form.addRow(self.tr("Who"), self.actor)
        form.addRow(self.tr("Pole"), self.pole)
        form.addRow(self.tr("Action"), self.action)
        buttons = QHBoxLayout()
        buttons.addWidget(self.search_button)
        buttons.addWidget(self.more_button)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        filters = QVBoxLayout(self.filters)
        filters.setContentsMargins(0, 0, 0, 0)
        filters.addLayout(form)
        filters.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.filters)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addStretch(0)  # the refusal stays at the top when the table is hidden
        self.follow(None)

    # ------------------------------------------------------------ wiring
    def forget(self) -> None:
        """The last service's entries are not shown as the next one's."""
        self.trail.clear()
        super().forget()

    # ------------------------------------------------------------ intents
    def current_filter(self) -> AuditFilter | None:
        """The typed filter, or None after saying what is wrong with it."""
        try:
            return parse_filter(self.since.text(), self.until.text(), self.actor.text(),
                                self.pole.text(), self.action.text(),
                                zone=self.trail.zone, since_label=self.tr("Period from"),
                                until_label=self.tr("until"))
        except FilterError as error:
            self.status.setText(error.reason.text(QCoreApplication.translate))
            return None

    def search(self) -> None:
        wanted = self.current_filter()
        if wanted is None or self.service is None:
            return
        what = self.tr("Reading the audit trail")
        size = self.trail.page_size

        def shown(answer: Any) -> None:
            self.trail.start(wanted, answer)
            self.status.setText(self._count_text())

        self.ask(what, lambda client: client.audit(
            since=wanted.since, until=wanted.until, actor=wanted.actor,
            pole_id=wanted.pole_id, action=wanted.action, limit=size), shown)

    def load_more(self) -> None:
        shown_filter, offset = self.trail.filter, self.trail.offset
        what = self.tr("Reading more of the audit trail")

        def shown(answer: Any) -> None:
            if self.trail.filter == shown_filter:  # not a page of an older search
                self.trail.add_page(answer)
                self.status.setText(self._count_text())

        self.ask(what, lambda client: client.audit(
            since=shown_filter.since, until=shown_filter.until, actor=shown_filter.actor,
            pole_id=shown_filter.pole_id, action=shown_filter.action,
            limit=self.trail.page_size, offset=offset), shown)

    def export(self) -> None:
        """Ask where to save, then export what the typed filter selects."""
        if self.current_filter() is None:
            return
        path = self.ask_path()
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> None:
        """Fetch the CSV (`ServiceClient.audit_csv`), then write it on a worker thread."""
        wanted = self.current_filter()
        if wanted is None:
            return
        what = self.tr("Exporting the audit trail")
        self.status.setText(self.tr("Exporting…"))

        def fetched(answer: Any) -> None:
            self.tasks.run_blocking("write audit CSV", lambda: write_bytes(path, answer),
                                    lambda rows: self.status.setText(
                                        self.tr("Exported %1 entries to %2").replace(
                                            "%1", str(rows)).replace("%2", Path(path).name)))

        self.ask(what, lambda client: client.audit_csv(
            since=wanted.since, until=wanted.until, actor=wanted.actor,
            pole_id=wanted.pole_id, action=wanted.action), fetched)

    def _ask_path(self) -> str:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export CSV"), "audit.csv",
                                              self.tr("CSV files (*.csv)"))
        return path

    # ------------------------------------------------------------ drawing
    def _count_text(self) -> str:
        count = len(self.trail.entries)
        if self.trail.more:
            return self.tr("%1 entries shown; Load more shows the next ones.").replace(
                "%1", str(count))
        return self.tr("%1 entries.").replace("%1", str(count))

    def _redraw(self) -> None:
        connected = self.service is not None
        refusal = self.access.refusal(Action.READ_AUDIT)
        if not connected:
            self.note.setText(self.tr("Connect to a service to read the audit trail."))
        elif refusal is not None:
            self.note.setText(self.tr(
                "Only admins may read the audit trail: who did what, when, at which pole.")
                + " " + refusal.text(QCoreApplication.translate))
        self.note.setVisible(not connected or refusal is not None)
        self.filters.setVisible(refusal is None)
        self.table.setVisible(refusal is None)
        idle = connected and not self.busy
        gate(self.search_button, self.access, Action.READ_AUDIT, idle)
        gate(self.more_button, self.access, Action.READ_AUDIT, idle and self.trail.more)
        gate(self.export_button, self.access, Action.EXPORT_AUDIT, idle)
        translate = QCoreApplication.translate
        rows = self.trail.rows()
        self.table.setRowCount(len(rows))
        for number, row in enumerate(rows):
            role = row.role.text(translate) if not isinstance(row.role, str) else row.role
            cells = (row.time, row.actor, role, row.action, row.pole,
                     row.result.text(translate))
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if row.refused:
                    item.setForeground(QColor(REFUSED_COLOUR))
                self.table.setItem(number, column, item)
        self.table.resizeColumnsToContents()
