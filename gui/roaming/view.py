"""The Roaming partners screen: a thin view of `PartnerBook` (issue 21).

Everyone sees the OCPI partners, their status and last problem; admins invite a partner
(its token A shown once, to be passed on out of band), register with one by its versions
URL and token, suspend, resume or delete it. Every request runs in the background
(`ServicePage.ask`); ``ask_name`` and ``ask_registration`` are dialogs tests answer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gui.access import Access, Action
from gui.access_widgets import gate
from gui.roaming.partners import PartnerBook
from gui.roaming.tariffs_view import TariffsView
from gui.service_page import ServicePage
from gui.tasks import TaskRunner
from pole_link.service_api import ServiceClient, ServiceEndpoint

ATTENTION_COLOUR = "#c62828"
Registration = tuple[str, str, str]
"""(name, versions URL, token A) typed by the admin."""


class RoamingView(ServicePage):
    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None, *,
                 book: PartnerBook | None = None) -> None:
        super().__init__(tasks, parent)
        self.book = book or PartnerBook()
        self.book.subscribe(self._redraw)
        self.ask_name: Callable[[], str] = self._ask_name
        self.ask_registration: Callable[[], Registration | None] = self._ask_registration

        self.note = QLabel(self.tr(
            "Roaming partners are e-mobility service providers (eMSPs) and hubs connected "
            "over OCPI 2.2.1: their drivers' cards work at our poles, and they see our "
            "locations, sessions and charge records."))
        self.note.setWordWrap(True)
        self.note.setStyleSheet("font-size: 12pt;")
        self.invitation = QLineEdit()
        self.invitation.setReadOnly(True)
        self.invitation.setVisible(False)
        self.table = QTableWidget(0, 7)
        self.table.setHorizontalHeaderLabels([
            self.tr("Partner"), self.tr("Party"), self.tr("Roles"), self.tr("Status"),
            self.tr("Modules"), self.tr("Changed (local)"), self.tr("Last problem")])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        self.invite_button = QPushButton(self.tr("Invite a partner…"))
        self.invite_button.clicked.connect(self.invite)
        self.register_button = QPushButton(self.tr("Register with a partner…"))
        self.register_button.clicked.connect(self.register)
        self.suspend_button = QPushButton(self.tr("Suspend"))
        self.suspend_button.clicked.connect(lambda: self._change("suspend"))
        self.resume_button = QPushButton(self.tr("Resume"))
        self.resume_button.clicked.connect(lambda: self._change("resume"))
        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.clicked.connect(lambda: self._change("delete"))

        buttons = QHBoxLayout()
        for button in (self.refresh_button, self.invite_button, self.register_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        for button in (self.suspend_button, self.resume_button, self.delete_button):
            buttons.addWidget(button)
        partners = QWidget()
        layout = QVBoxLayout(partners)
        layout.addWidget(self.note)
        layout.addLayout(buttons)
        layout.addWidget(self.invitation)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        # Partners and what they are charged: two tabs of one page (issue 21).
        self.tariffs = TariffsView(tasks)
        self.tabs = QTabWidget()
        self.tabs.addTab(partners, self.tr("Partners"))
        self.tabs.addTab(self.tariffs, self.tr("Tariffs"))
        page = QVBoxLayout(self)
        page.setContentsMargins(0, 0, 0, 0)
        page.addWidget(self.tabs)
        self.follow(None)

    # ------------------------------------------------------------ wiring
    def follow(self, service: ServiceEndpoint | None) -> None:
        self.tariffs.follow(service)
        super().follow(service)

    def watch(self, access: Access) -> None:
        self.tariffs.watch(access)
        super().watch(access)

    def forget(self) -> None:
        self.book.show([])
        self.book.forget_invitation()
        self.status.setText("" if self.service is not None else
                            self.tr("Connect to a service to see its roaming partners."))

    def _ask(self, what: str, call: Callable[[ServiceClient], Awaitable[Any]],
             done: Callable[[Any], None]) -> None:
        """A refusal is said on the status line; only an answer reaches ``done``."""
        self.ask(what, call, done, timeout=90)

    # ------------------------------------------------------------ intents
    def refresh(self) -> None:
        self._ask(self.tr("Reading the roaming partners"),
                  lambda client: client.ocpi_partners(), self.book.show)

    def invite(self) -> None:
        name = self.ask_name().strip()
        if not name:
            return
        self._ask(self.tr("Inviting %1").replace("%1", name),
                  lambda client: client.invite_ocpi_partner(name), self.book.invited)

    def register(self) -> None:
        typed = self.ask_registration()
        if typed is None:
            return
        name, url, token = typed

        def done(_partner: Any) -> None:
            self.status.setText(self.tr("Registered with %1.").replace("%1", name))
            self.refresh()

        self._ask(self.tr("Registering with %1").replace("%1", name),
                  lambda client: client.register_ocpi_partner(name, url, token), done)

    def _change(self, how: str) -> None:
        partner = self.book.chosen
        if partner is None:
            return
        calls: dict[str, Callable[[ServiceClient], Awaitable[Any]]] = {
            "suspend": lambda client: client.suspend_ocpi_partner(partner.id),
            "resume": lambda client: client.resume_ocpi_partner(partner.id),
            "delete": lambda client: client.delete_ocpi_partner(partner.id)}
        self._ask(self.tr("Changing %1").replace("%1", partner.name), calls[how],
                  lambda _answer: self.refresh())

    def _selection_changed(self) -> None:
        rows = {index.row() for index in self.table.selectedIndexes()}
        self.book.select(min(rows) if rows else None)

    def _ask_name(self) -> str:
        name, ok = QInputDialog.getText(self, self.tr("Invite a partner"),
                                        self.tr("The partner's name:"))
        return name if ok else ""

    def _ask_registration(self) -> Registration | None:
        dialog = QDialog(self)
        dialog.setWindowTitle(self.tr("Register with a partner"))
        name, url, token = QLineEdit(), QLineEdit(), QLineEdit()
        url.setPlaceholderText("https://…/ocpi/versions")
        token.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout(dialog)
        form.addRow(self.tr("Name"), name)
        form.addRow(self.tr("Versions URL"), url)
        form.addRow(self.tr("Token A it gave you"), token)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(dialog.accept)
        box.rejected.connect(dialog.reject)
        form.addRow(box)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return name.text().strip(), url.text().strip(), token.text().strip()

    # ------------------------------------------------------------ drawing
    def _redraw(self) -> None:
        translate = QCoreApplication.translate
        idle = self.service is not None and not self.busy
        self.refresh_button.setEnabled(idle)  # everyone may read the list
        for button in (self.invite_button, self.register_button):
            gate(button, self.access, Action.MANAGE_PARTNERS, idle)
        gate(self.suspend_button, self.access, Action.MANAGE_PARTNERS,
             idle and self.book.can_suspend())
        gate(self.resume_button, self.access, Action.MANAGE_PARTNERS,
             idle and self.book.can_resume())
        gate(self.delete_button, self.access, Action.MANAGE_PARTNERS,
             idle and self.book.chosen is not None)
        invitation = self.book.invitation_text()
        self.invitation.setVisible(invitation is not None)
        self.invitation.setText(invitation.text(translate) if invitation else "")
        rows = self.book.rows()
        self.table.blockSignals(True)
        self.table.setRowCount(len(rows))
        for number, row in enumerate(rows):
            status = row.status if isinstance(row.status, str) else row.status.text(translate)
            cells = (row.name, row.party, row.roles, status, row.modules, row.updated,
                     row.problem)
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if row.attention:
                    item.setForeground(QColor(ATTENTION_COLOUR))
                self.table.setItem(number, column, item)
        selected = next((index for index, partner in enumerate(self.book.partners)
                         if partner.id == self.book.selected), None)
        if selected is not None:
            self.table.selectRow(selected)
        self.table.blockSignals(False)
        self.table.resizeColumnsToContents()
