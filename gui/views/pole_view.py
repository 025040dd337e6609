"""The Pole view: one pole's two sockets live, its currents plotted, its LEDs and actions.

It binds to a `PoleController` and knows nothing of how the pole is reached: the same
view serves a serial cable, BLE and the service. Samples arrive up to ten times a second;
cards and plot only store and repaint, so the window stays responsive.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSlider,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gui.plot.live_plot import LivePlot
from gui.pole_controller import LinkState, PoleController
from gui.tasks import TaskRunner
from gui.views.message_log_panel import MessageLogPanel
from gui.views.schedule_plot import REFRESH_S, SchedulePlot
from gui.views.socket_card import SocketCard
from pole_link.live import LiveSample
from pole_link.session import PoleIdentity

STATE_COLOURS = {
    LinkState.CONNECTED: "#2e7d32",
    LinkState.CONNECTING: "#b26a00",
    LinkState.LOST: "#c62828",
    LinkState.DISCONNECTED: "#616161",
}
SLIDER_SETTLE_MS = 400
"""Send LightIntensity once the technician lets the slider rest, not on every pixel."""


def ask_user(parent: QWidget, question: str) -> bool:
    answer = QMessageBox.question(parent, parent.tr("Please confirm"), question)
    return answer == QMessageBox.StandardButton.Yes


class PoleView(QWidget):
    """Live state, plot, LED intensity and remote actions of the controller's pole."""

    def __init__(self, controller: PoleController, tasks: TaskRunner | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.tasks = tasks or TaskRunner()
        self.confirm: Callable[[str], bool] = lambda question: ask_user(self, question)
        self.last_sample: LiveSample | None = None

        self.title = QLabel(self.tr("No pole connected"))
        self.title.setStyleSheet("font-size: 18pt; font-weight: bold;")
        self.link_state = QLabel()
        self.link_state.setWordWrap(True)
        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addWidget(self.link_state, 1)
        self.limit = QLabel()
        self.limit.setStyleSheet("font-size: 13pt;")
        header.addWidget(self.limit)

        self.cards = [SocketCard(1), SocketCard(2)]
        cards = QHBoxLayout()
        for card in self.cards:
            cards.addWidget(card, 1)

        self.plot = LivePlot()
        self.plot.setMinimumHeight(260)
        self.schedule = SchedulePlot()
        self.message_log = MessageLogPanel(self.tasks)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.plot, self.tr("Live currents"))
        self.tabs.addTab(self.schedule, self.tr("Schedule (24 h)"))
        self.tabs.addTab(self.message_log, self.tr("Message log"))
        self.tabs.currentChanged.connect(lambda _: self.message_log.refresh())
        self._schedule_timer = QTimer(self, interval=REFRESH_S * 1000)
        self._schedule_timer.timeout.connect(self.refresh_schedule)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addLayout(cards)
        layout.addLayout(self._led_row())
        layout.addLayout(self._action_row())
        layout.addWidget(self.tabs, 1)

        controller.state_changed.connect(self.show_link_state)
        controller.identity_changed.connect(self.show_identity)
        controller.sample_received.connect(self.show_sample)
        self.show_link_state(controller.state.value, self.tr("not connected"))

    # ------------------------------------------------------------ layout pieces
    def _led_row(self) -> QHBoxLayout:
        self.led_slider = QSlider(Qt.Orientation.Horizontal)
        self.led_slider.setRange(0, 100)
        self.led_slider.setSingleStep(5)
        self.led_slider.setPageStep(10)
        self.led_slider.setToolTip(self.tr("LightIntensity (eis 46)"))
        self.led_asked = QLabel("—")
        self.led_reported = QLabel(self.tr("pole reports: —"))
        self._led_timer = QTimer(self, singleShot=True, interval=SLIDER_SETTLE_MS)
        self._led_timer.timeout.connect(self._send_light_intensity)
        self.led_slider.valueChanged.connect(self._slider_moved)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("LED intensity")))
        row.addWidget(self.led_slider, 1)
        row.addWidget(self.led_asked)
        row.addWidget(self.led_reported)
        return row

    def _action_row(self) -> QHBoxLayout:
        self.connector = QSpinBox()
        self.connector.setRange(1, 2)
        self.connector.setPrefix(self.tr("socket "))
        self.id_tag = QLineEdit("TECHNICIAN")
        self.id_tag.setMaxLength(20)
        self.id_tag.setToolTip(self.tr("Card id (idTag) used for the remote start"))
        self.start_button = QPushButton(self.tr("Start charging"))
        self.stop_button = QPushButton(self.tr("Stop charging"))
        self.unlock_button = QPushButton(self.tr("Unlock"))
        self.reset_button = QPushButton(self.tr("Soft reset"))
        self.start_button.clicked.connect(self.start_charging)
        self.stop_button.clicked.connect(self.stop_charging)
        self.unlock_button.clicked.connect(self.unlock)
        self.reset_button.clicked.connect(self.soft_reset)
        QShortcut(QKeySequence("Ctrl+Shift+S"), self, self.start_charging)
        QShortcut(QKeySequence("Ctrl+Shift+X"), self, self.stop_charging)
        row = QHBoxLayout()
        for widget in (self.connector, self.id_tag, self.start_button, self.stop_button,
                       self.unlock_button, self.reset_button):
            row.addWidget(widget)
        row.addStretch(1)
        return row

    # ------------------------------------------------------------ controller → view
    def show_link_state(self, state: str, detail: str) -> None:
        colour = STATE_COLOURS.get(LinkState(state), "#616161")
        self.link_state.setText(f"<b style='color:{colour}'>● {state.upper()}</b>  {detail}")
        connected = state == LinkState.CONNECTED
        for widget in (self.led_slider, self.start_button, self.stop_button,
                       self.unlock_button, self.reset_button):
            widget.setEnabled(connected)

    def show_identity(self, identity: PoleIdentity) -> None:
        if identity.pole_id != self.title.text():
            self.plot.clear()  # one pole's currents never continue another's curves
            self.last_sample = None
        self.title.setText(identity.pole_id)
        self.plot.set_pole(identity.pole_id)
        self.message_log.follow(self.controller.service, identity.pole_id)
        self.refresh_schedule()
        self._schedule_timer.start()
        self.title.setToolTip(f"{identity.vendor} {identity.model}, serial "
                              f"{identity.serial_number}, firmware {identity.firmware_version}")

    def show_sample(self, sample: LiveSample) -> None:
        first = self.last_sample is None
        self.last_sample = sample
        for socket in sample.sockets:
            if 1 <= socket.connector_id <= len(self.cards):
                self.cards[socket.connector_id - 1].show_sample(socket)
        self.limit.setText(self.tr("Pole limit: %1 A per phase").replace(
            "%1", f"{sample.limit_a:g}"))
        currents = [value for socket in sample.sockets[:2] for value in socket.current_a]
        currents += [0.0] * (6 - len(currents))
        # The pole's own time: its clock may be off, and the plot, its export and the
        # pole's logs must still agree on when each current was drawn.
        self.plot.append(sample.timestamp.timestamp(), currents, sample.limit_a)
        intensity = sample.sockets[0].led.intensity_percent if sample.sockets else None
        if intensity is not None:
            self.led_reported.setText(self.tr("pole reports: %1 %").replace(
                "%1", str(intensity)))
            if first or (not self.led_slider.isSliderDown() and not self._led_timer.isActive()):
                self.led_slider.blockSignals(True)
                self.led_slider.setValue(intensity)
                self.led_slider.blockSignals(False)
                self.led_asked.setText(f"{intensity} %")

    def refresh_schedule(self) -> None:
        if self.controller.session is not None:
            self.tasks.run(self.tr("Reading the pole's schedule"),
                           self.controller.day_schedule(), self.schedule.show_schedule)

    # ------------------------------------------------------------ user actions
    def _slider_moved(self, value: int) -> None:
        self.led_asked.setText(f"{value} %")
        self._led_timer.start()

    def _send_light_intensity(self) -> None:
        self.controller.set_light_intensity(self.led_slider.value())

    def _transaction_on_socket(self) -> int | None:
        if self.last_sample is None:
            return None
        for socket in self.last_sample.sockets:
            if socket.connector_id == self.connector.value():
                return socket.transaction_id
        return None

    def start_charging(self) -> None:
        connector = self.connector.value()
        if self.confirm(self.tr("Start charging on socket %1 with card %2?").replace(
                "%1", str(connector)).replace("%2", self.id_tag.text())):
            self.controller.remote_start(connector, self.id_tag.text() or "TECHNICIAN")

    def stop_charging(self) -> None:
        transaction = self._transaction_on_socket()
        if transaction is None:
            self.controller.command_failed.emit(
                self.tr("Stop charging"),
                self.tr("socket %1 has no transaction").replace(
                    "%1", str(self.connector.value())))
            return
        if self.confirm(self.tr("Stop transaction %1? The driver's session ends.").replace(
                "%1", str(transaction))):
            self.controller.remote_stop(transaction)

    def unlock(self) -> None:
        connector = self.connector.value()
        if self.confirm(self.tr("Unlock socket %1? A running session stops.").replace(
                "%1", str(connector))):
            self.controller.unlock(connector)

    def soft_reset(self) -> None:
        if self.confirm(self.tr("Soft-reset the pole? Running sessions stop.")):
            self.controller.soft_reset()
