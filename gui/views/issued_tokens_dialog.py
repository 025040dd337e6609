"""The "Issued service tokens" screen (issue 17, eis 69): every service token a service
issued that has not expired yet, with Revoke.

A thin view of `gui.issued_tokens`: the list is asked in the background (`ask_service`),
the role decides what is greyed out (`gui.access`): the helpdesk and every role above it
may list and revoke, as the service allows (``POST /service-tokens/{jti}/revoke``), so the
desk that takes the call about a lost laptop can act at once. Revoking asks first: a
technician on site without signal cannot fetch a new token there.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.access import Access, Action
from gui.access_widgets import gate
from gui.issued_tokens import IssuedTokenRow, revocation_outcome, revoke_question, token_rows
from gui.service_request import ask_service, failure_text
from gui.tasks import TaskRunner
from pole_link.service_api import ServiceEndpoint
from pole_link.service_token_requests import ServiceTokenRecord, ServiceTokenRevocation
from pole_link.timeutil import utc_now


def _tr(text: str) -> str:
    return QCoreApplication.translate("FleetRows", text)


class IssuedTokensDialog(QDialog):
    """``confirm(question)`` asks before revoking (tests answer it)."""

    def __init__(self, service: ServiceEndpoint, tasks: TaskRunner, access: Access,
                 confirm: Callable[[str], bool], parent: QWidget | None = None,
                 now: Callable[[], datetime] = utc_now) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Issued service tokens"))
        self.service, self.tasks, self.access = service, tasks, access
        self.confirm, self.now = confirm, now
        self.rows: list[IssuedTokenRow] = []
        self.busy = False
        intro = QLabel(self.tr(
            "Service tokens the service issued that have not expired. Revoke one when a "
            "laptop is lost or a visit is over: connected poles refuse it at once, the "
            "others from their next connection."))
        intro.setWordWrap(True)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels([
            self.tr("Technician"), self.tr("Poles"), self.tr("Issued"),
            self.tr("Valid until"), self.tr("State")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._enable)
        self.note = QLabel()
        self.note.setWordWrap(True)
        # A revocation's outcome runs to three lines in Dutch; the table takes every spare
        # pixel, so without room kept here the last lines were cut off.
        self.note.setMinimumHeight(3 * self.note.fontMetrics().lineSpacing() + 4)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        self.revoke_button = QPushButton(self.tr("Revoke…"))
        self.revoke_button.clicked.connect(self.revoke_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.refresh_button)
        buttons.addStretch(1)
        buttons.addWidget(self.revoke_button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.note)
        layout.addWidget(close)
        access.subscribe(self._enable)
        self.finished.connect(lambda _: access.unsubscribe(self._enable))
        self.refresh()

    # ------------------------------------------------------------ state → widgets
    def selected(self) -> IssuedTokenRow | None:
        chosen = self.table.selectionModel().selectedRows()
        return self.rows[chosen[0].row()] if chosen else None

    def _enable(self) -> None:
        row = self.selected()
        gate(self.refresh_button, self.access, Action.LIST_SERVICE_TOKENS, not self.busy)
        gate(self.revoke_button, self.access, Action.REVOKE_SERVICE_TOKEN,
             not self.busy and row is not None and row.revocable,
             tooltip=self.tr("Choose a token still in force in the list"))

    def _show(self, records: list[ServiceTokenRecord]) -> None:
        self.rows = token_rows(records, self.now())
        self.table.setRowCount(len(self.rows))
        for number, row in enumerate(self.rows):
            cells = (row.holder.text(QCoreApplication.translate),
                     row.poles if isinstance(row.poles, str)
                     else row.poles.text(QCoreApplication.translate),
                     row.issued, row.valid_until, row.state.text(QCoreApplication.translate))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if not row.revocable:
                    item.setForeground(Qt.GlobalColor.gray)
                self.table.setItem(number, column, item)
        if not self.rows:
            self.note.setText(self.tr("No service token is in force or recently issued."))
        self._enable()

    # ------------------------------------------------------------ requests
    def _busy(self, busy: bool) -> None:
        self.busy = busy
        self._enable()

    def refresh(self) -> None:
        if self.access.refusal(Action.LIST_SERVICE_TOKENS) is not None:
            self.note.setText(self.tr("Your role may not see the issued service tokens."))
            self._enable()
            return
        self._busy(True)
        what = self.tr("Listing the issued service tokens")
        ask_service(self.tasks, self.service, what, lambda client: client.service_tokens(),
                    lambda answer: self._listed(what, answer))

    def _listed(self, what: str, answer: Any) -> None:
        self._busy(False)
        if isinstance(answer, BaseException):
            self.note.setText(failure_text(what, answer))
            return
        self._show(list(answer))

    def revoke_selected(self) -> None:
        row = self.selected()
        if row is None or not row.revocable or not self.confirm(
                revoke_question(row.record).text(QCoreApplication.translate)):
            return
        self._busy(True)
        what = self.tr("Revoking the service token of %1").replace("%1", row.record.subject)
        jti = row.record.jti
        ask_service(self.tasks, self.service, what,
                    lambda client: client.revoke_service_token(jti),
                    lambda answer: self._revoked(what, answer))

    def _revoked(self, what: str, answer: Any) -> None:
        self._busy(False)
        if isinstance(answer, BaseException):
            self.note.setText(failure_text(what, answer))
            return
        assert isinstance(answer, ServiceTokenRevocation)
        self.note.setText(" ".join(line.text(QCoreApplication.translate)
                                   for line in revocation_outcome(answer.poles)))
        note = self.note.text()
        self.refresh()
        self.note.setText(note)
