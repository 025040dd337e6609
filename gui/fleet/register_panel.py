"""Register and decommission poles from the Fleet screen (issue 16, eis 69).

A pole that is not in the service's register is accepted only at security profile 0 (and
only while registration is open); registering it with a profile and a password makes the
service refuse anyone without them. The password is typed once, sent once over the
operator API and never shown again (the field is cleared after the request). Requests go
through `ServiceClient`; every failure is shown in words, never only logged.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gui.account_words import Operator
from gui.service_request import ask_service, failure_text
from gui.tasks import TaskRunner
from pole_link.service_api import PoleSecurityRecord, ServiceClient, ServiceEndpoint


class PoleRegisterPanel(QWidget):
    """``confirm(question) -> bool`` asks before a decommission (tests answer it)."""

    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.service: ServiceEndpoint | None = None
        self.operator: Operator | None = None
        self.confirm: Callable[[str], bool] = lambda _question: False
        self.note = QLabel(self.tr("Connect to a service to register or decommission poles."))
        self.pole_id = QLineEdit()
        self.pole_id.setPlaceholderText(self.tr("pole id, e.g. PW-0001"))
        self.profile = QComboBox()
        for level, words in ((0, self.tr("0 — no credentials (not advised)")),
                             (1, self.tr("1 — password (HTTP Basic)")),
                             (2, self.tr("2 — TLS and password")),
                             (3, self.tr("3 — TLS with the pole's certificate"))):
            self.profile.addItem(words, level)
        self.profile.setCurrentIndex(1)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("16 to 40 characters (profiles 1 and 2)"))
        self.register_button = QPushButton(self.tr("Register pole"))
        self.register_button.clicked.connect(self.register)
        self.decommission_button = QPushButton(self.tr("Decommission pole…"))
        self.decommission_button.clicked.connect(self.decommission)
        self.result = QLabel()
        self.result.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Pole"), self.pole_id)
        form.addRow(self.tr("Security profile"), self.profile)
        form.addRow(self.tr("Password"), self.password)
        buttons = QHBoxLayout()
        buttons.addWidget(self.register_button)
        buttons.addWidget(self.decommission_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.result)
        layout.addStretch(1)
        self.follow(None)

    def follow(self, service: ServiceEndpoint | None) -> None:
        self.service = service
        self.operator = None  # known again once the service says who we are
        self.note.setVisible(service is None)
        self._enable()

    def apply_operator(self, operator: Operator | None) -> None:
        """Grey out what the signed-in operator's role may not do, saying why (issue 17)."""
        self.operator = operator
        self._enable()

    def _enable(self) -> None:
        for button, method, route in (
                (self.register_button, "POST", "/api/v1/poles"),
                (self.decommission_button, "DELETE", "/api/v1/poles/{pole_id}")):
            refusal = (self.operator.refusal(method, route)
                       if self.operator is not None else None)
            button.setEnabled(self.service is not None and refusal is None)
            button.setToolTip("" if refusal is None
                              else refusal.text(QCoreApplication.translate))

    def register(self) -> None:
        pole_id = self.pole_id.text().strip()
        profile = int(self.profile.currentData())
        password = self.password.text() or None
        self.password.clear()  # typed once, never kept in the window

        def done(answer: PoleSecurityRecord | BaseException) -> None:
            if isinstance(answer, PoleSecurityRecord):
                self.result.setText(self.tr("{0} is registered at security profile {1}.")
                                    .format(answer.pole_id, answer.security_profile))
            else:
                self._failed(self.tr("Not registered"), answer)

        self._ask(f"register {pole_id}",
                  lambda client: client.register_pole(pole_id, profile, password), done)

    def decommission(self) -> None:
        pole_id = self.pole_id.text().strip()
        question = self.tr("Decommission {0}? It can no longer connect; its history stays.")
        if not pole_id or not self.confirm(question.format(pole_id)):
            return

        def done(answer: PoleSecurityRecord | BaseException) -> None:
            if isinstance(answer, PoleSecurityRecord):
                self.result.setText(self.tr("{0} is decommissioned.").format(answer.pole_id))
            else:
                self._failed(self.tr("Not decommissioned"), answer)

        self._ask(f"decommission {pole_id}",
                  lambda client: client.decommission_pole(pole_id), done)

    def _ask(self, what: str, call: Callable[[ServiceClient], Awaitable[Any]],
             done: Callable[[Any], None]) -> None:
        """One request to the service (`ask_service`)."""
        ask_service(self.tasks, self.service, what, call, done, timeout=60)

    def _failed(self, what: str, error: BaseException) -> None:
        self.result.setText(failure_text(what, error))
