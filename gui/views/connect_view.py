"""The Connect view: reach a pole by cable, by Bluetooth, or through the service.

Every list here comes from `PoleLink.discover()` of the transport in question, so what a
technician sees is exactly what the link layer can open. Discovery runs in the
background; the window never waits for a scan.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gui.settings import remember_service, remembered_service_url, remembered_token
from gui.tasks import TaskRunner
from gui.views.login_dialog import LoginDialog
from pole_link.service_api import ServiceEndpoint
from pole_link.transports import PoleAddress, transport_class

ADDRESS_ROLE = Qt.ItemDataRole.UserRole + 1


class ConnectView(QWidget):
    """Emits `open_pole` for a chosen pole and `service_chosen` for a chosen service."""

    open_pole = Signal(object, dict)
    """(`PoleAddress`, options for `open_link`)"""
    service_chosen = Signal(object)
    """`ServiceEndpoint`"""
    disconnect_requested = Signal()
    """The technician wants the current pole's link closed (cable about to be pulled)."""
    site_visit_requested = Signal()
    """The technician wants service tokens for a visit to poles without signal."""

    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.service: ServiceEndpoint | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(self._service_box())
        local = QHBoxLayout()
        local.addWidget(self._serial_box(), 1)
        local.addWidget(self._ble_box(), 1)
        layout.addLayout(local)
        self.disconnect_button = QPushButton(self.tr("Disconnect from the pole"))
        self.disconnect_button.setToolTip(self.tr(
            "Close the link to the pole you are connected to (before pulling the cable)"))
        self.disconnect_button.clicked.connect(self.disconnect_requested)
        layout.addWidget(self.disconnect_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)

    # ------------------------------------------------------------ service
    def _service_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Service (remote: the whole fleet)"))
        self.url = QLineEdit(remembered_service_url() or "http://127.0.0.1:8180")
        self.token = QLineEdit(remembered_token(self.url.text()))
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText(self.tr(
            "filled in when you sign in, or the token 'paalwerk service' printed"))
        self.service_button = QPushButton(self.tr("Connect to service"))
        self.service_button.clicked.connect(self.connect_service)
        self.sign_in_button = QPushButton(self.tr("Sign in with name and password…"))
        self.sign_in_button.setToolTip(self.tr(
            "Your own account at the service: what you may do follows from your role"))
        self.sign_in_button.clicked.connect(self.open_sign_in)
        self.login_dialog: LoginDialog | None = None
        self.token_note = QLabel()
        self.token_note.setWordWrap(True)
        self.service_poles = QListWidget()
        self.service_poles.itemActivated.connect(self._activated)
        self.service_connect = self._connect_button(self.service_poles)
        refresh = QPushButton(self.tr("Refresh list"))
        refresh.clicked.connect(self.refresh_service_poles)
        self.site_visit_button = QPushButton(self.tr("Prepare a site visit…"))
        self.site_visit_tip = self.tr(
            "Fetch service tokens while online, to write on poles on site without signal")
        self.site_visit_button.setToolTip(self.site_visit_tip)
        self.site_visit_button.setEnabled(False)
        self.site_visit_button.clicked.connect(self.site_visit_requested)
        form = QFormLayout(box)
        form.addRow(self.tr("URL"), self.url)
        form.addRow(self.tr("API token"), self.token)
        service_buttons = QHBoxLayout()
        service_buttons.addWidget(self.sign_in_button)
        service_buttons.addWidget(self.service_button)
        form.addRow("", service_buttons)
        form.addRow("", self.token_note)
        form.addRow(self.tr("Poles"), self.service_poles)
        buttons = QHBoxLayout()
        buttons.addWidget(self.service_connect)
        buttons.addWidget(refresh)
        buttons.addStretch(1)
        buttons.addWidget(self.site_visit_button)
        form.addRow("", buttons)
        return box

    def use_service(self, service: ServiceEndpoint, *, remember: bool = False) -> None:
        """Adopt ``service`` (the demo calls this) and list its poles."""
        self.service = service
        self.site_visit_button.setEnabled(True)
        self.url.setText(service.url)
        self.token.setText(service.token)
        if remember:
            self.token_note.setText(remember_service(service.url, service.token))
        self.service_chosen.emit(service)
        self.refresh_service_poles()

    def connect_service(self) -> None:
        url, token = self.url.text().strip(), self.token.text().strip()
        if not url or not token:
            self.token_note.setText(self.tr("Give the service URL and an API token."))
            return
        self.use_service(ServiceEndpoint(url, token), remember=True)

    def open_sign_in(self) -> None:
        """The sign-in dialog for the URL typed; its token is used (and kept) like a typed
        one."""
        url = self.url.text().strip()
        if not url:
            self.token_note.setText(self.tr("Give the service URL first."))
            return
        self.login_dialog = LoginDialog(self.tasks, url, parent=self)
        self.login_dialog.signed_in.connect(
            lambda record: self.use_service(ServiceEndpoint(url, record.token), remember=True))
        self.login_dialog.open()

    def refresh_service_poles(self) -> None:
        if self.service is None:
            return
        csms = transport_class("csms")
        self.tasks.run(self.tr("Listing the service's poles"),
                       csms.discover(self.service),  # type: ignore[call-arg]
                       lambda found: self._fill(self.service_poles, found,
                                                {"service": self.service}))

    # ------------------------------------------------------------ serial
    def _serial_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Serial cable (service port)"))
        self.serial_ports = QComboBox()
        self.serial_ports.setEditable(True)
        editor = self.serial_ports.lineEdit()
        if editor is not None:
            editor.setPlaceholderText(self.tr("/dev/ttyUSB0, COM3 or a path"))
        refresh = QPushButton(self.tr("Refresh"))
        refresh.clicked.connect(self.refresh_serial)
        connect = QPushButton(self.tr("Connect"))
        connect.clicked.connect(self.connect_serial)
        row = QHBoxLayout()
        row.addWidget(self.serial_ports, 1)
        row.addWidget(refresh)
        column = QVBoxLayout(box)
        column.addLayout(row)
        column.addWidget(connect)
        self.refresh_serial()
        return box

    def refresh_serial(self) -> None:
        def fill(found: list[PoleAddress]) -> None:
            typed = self.serial_ports.currentText()
            self.serial_ports.clear()
            for address in found:
                self.serial_ports.addItem(address.label, address.target)
            self.serial_ports.setEditText(typed)

        self.tasks.run(self.tr("Listing serial ports"), transport_class("serial").discover(),
                       fill)

    def connect_serial(self) -> None:
        index = self.serial_ports.currentIndex()
        text = self.serial_ports.currentText().strip()
        path = self.serial_ports.itemData(index) if (
            index >= 0 and self.serial_ports.itemText(index) == text) else text
        if path:
            self.open_pole.emit(PoleAddress("serial", str(path), str(path)), {})

    # ------------------------------------------------------------ BLE
    def _ble_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Bluetooth LE"))
        self.ble_poles = QListWidget()
        self.ble_poles.itemActivated.connect(self._activated)
        self.scan_button = QPushButton(self.tr("Scan"))
        self.scan_button.clicked.connect(self.scan_ble)
        self.ble_note = QLabel()
        self.ble_note.setWordWrap(True)
        self.ble_connect = self._connect_button(self.ble_poles)
        column = QVBoxLayout(box)
        column.addWidget(self.scan_button)
        column.addWidget(self.ble_poles)
        column.addWidget(self.ble_connect)
        column.addWidget(self.ble_note)
        return box

    def scan_ble(self) -> None:
        try:
            ble = transport_class("ble")
        except ValueError:
            self.ble_note.setText(self.tr("Bluetooth is not available in this build."))
            return
        self.scan_button.setEnabled(False)
        self.ble_note.setText(self.tr("Scanning…"))

        def done(found: list[PoleAddress]) -> None:
            self.scan_button.setEnabled(True)
            self._fill(self.ble_poles, found, {})
            self.ble_note.setText(self.tr("%1 poles found").replace("%1", str(len(found))))

        task = self.tasks.run(self.tr("Bluetooth scan"), ble.discover(), done)
        if task is not None:
            task.add_done_callback(lambda _: self.scan_button.setEnabled(True))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        """Lists go stale while the view is hidden: refresh what is cheap to refresh."""
        super().showEvent(event)
        self.refresh_service_poles()

    def suggest_serial_port(self, path: str) -> None:
        """A port discovery cannot list (a pseudo-terminal) but that is known to hold a pole."""
        self.serial_ports.setEditText(path)

    # ------------------------------------------------------------ shared
    def _connect_button(self, poles: QListWidget) -> QPushButton:
        """"Connect" for the pole selected in `poles`: a double-click is not obvious."""
        button = QPushButton(self.tr("Connect to the selected pole"))
        button.setEnabled(False)
        poles.itemSelectionChanged.connect(
            lambda: button.setEnabled(bool(poles.selectedItems())))
        button.clicked.connect(lambda: self._open_selected(poles))
        return button

    def _open_selected(self, poles: QListWidget) -> None:
        selected = poles.selectedItems()
        if selected:
            self._activated(selected[0])

    def _fill(self, widget: QListWidget, found: list[PoleAddress],
              options: dict[str, Any]) -> None:
        widget.clear()
        for address in found:
            item = QListWidgetItem(address.label)
            item.setData(ADDRESS_ROLE, (address, options))
            widget.addItem(item)

    def _activated(self, item: QListWidgetItem) -> None:
        address, options = item.data(ADDRESS_ROLE)
        self.open_pole.emit(address, options)
