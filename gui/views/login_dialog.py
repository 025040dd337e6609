"""Sign in to a service with a user name and password (issue 17).

The password goes to the service once, over the app's background loop (the window never
waits on the network), and is cleared from the field whatever the outcome. What comes back
is a login token, valid for hours: the Connect view keeps it in the OS keyring like a typed
token (`gui.settings.remember_service`), never the password.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gui.service_request import failure_text
from gui.tasks import TaskRunner
from pole_link.service_accounts import LoginRecord, login


class LoginDialog(QDialog):
    """Emits `signed_in` with the `LoginRecord`, then closes; a refusal stays in view."""

    signed_in = Signal(object)

    def __init__(self, tasks: TaskRunner, url: str, name: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.url = url
        self.setWindowTitle(self.tr("Paalwerk — Sign in to the service"))
        self.setMinimumWidth(460)
        where = QLabel(self.tr("Service: %1").replace("%1", url))
        where.setWordWrap(True)
        self.name = QLineEdit(name)
        self.name.setPlaceholderText(self.tr("your user name"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("the password the admin gave you"))
        self.note = QLabel()
        self.note.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.sign_in_button = QPushButton(self.tr("Sign in"))
        self.sign_in_button.setDefault(True)
        buttons.addButton(self.sign_in_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.rejected.connect(self.reject)
        self.sign_in_button.clicked.connect(self.sign_in)
        self.password.returnPressed.connect(self.sign_in)
        form = QFormLayout()
        form.addRow(self.tr("User name"), self.name)
        form.addRow(self.tr("Password"), self.password)
        column = QVBoxLayout(self)
        column.addWidget(where)
        column.addLayout(form)
        column.addWidget(self.note)
        column.addWidget(buttons)
        (self.password if name else self.name).setFocus()

    def sign_in(self) -> None:
        name, password = self.name.text().strip(), self.password.text()
        self.password.clear()
        if not name or not password:
            self.note.setText(self.tr("Type your user name and password."))
            return
        self.sign_in_button.setEnabled(False)
        self.note.setText(self.tr("Signing in…"))

        async def ask() -> LoginRecord | Exception:
            try:
                return await login(self.url, name, password)
            except Exception as error:
                return error

        self.tasks.run(self.tr("Signing in"), ask(), self._answered)

    def _answered(self, outcome: LoginRecord | Exception) -> None:
        self.sign_in_button.setEnabled(True)
        if isinstance(outcome, Exception):
            self.note.setText(failure_text(self.tr("Not signed in"), outcome))
            self.password.setFocus()
            return
        self.note.clear()
        self.signed_in.emit(outcome)
        self.accept()
