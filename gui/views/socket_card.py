"""One socket at arm's length: the Mode 3 state large, the numbers beneath.

A technician reads this from a step away, often in bad light: the pilot state is a big
letter with its meaning in words, the LED is shown in the colour the driver sees, and the
flags that explain odd behaviour (overrule, low-current vehicle) are spelled out.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from gui.fleet.rows import led_text, status_text
from pole_link.live import SocketLive
from pole_link.model.led import LedColour
from pole_link.model.mode3 import CPState
from pole_link.service_api import ConnectorRecord

LED_RGB = {
    LedColour.OFF: "#9e9e9e",
    LedColour.GREEN: "#2e9d3a",
    LedColour.LIGHT_BLUE: "#5bc0eb",
    LedColour.BLUE: "#1f4fd1",
    LedColour.RED: "#d0342c",
}

STATE_MEANING = {
    "A": QT_TRANSLATE_NOOP("SocketCard", "No vehicle"),
    "B": QT_TRANSLATE_NOOP("SocketCard", "Vehicle connected, not charging"),
    "C": QT_TRANSLATE_NOOP("SocketCard", "Charging"),
    "D": QT_TRANSLATE_NOOP("SocketCard", "Charging (ventilation)"),
    "E": QT_TRANSLATE_NOOP("SocketCard", "Pilot fault (short)"),
    "F": QT_TRANSLATE_NOOP("SocketCard", "Pole not available"),
}


def _phase_text(values: tuple[float, float, float], unit: str, digits: int) -> str:
    return "  ".join(f"{value:.{digits}f}" for value in values) + f" {unit}"


class SocketCard(QFrame):
    """Shows one `SocketLive`; `show_sample` is cheap enough for 10 samples a second."""

    def __init__(self, connector_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.connector_id = connector_id
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName(f"socket{connector_id}")
        title = QLabel(self.tr("Socket %1").replace("%1", str(connector_id)))
        title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.state = QLabel("—")
        self.state.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.state.setStyleSheet("font-size: 44pt; font-weight: bold;")
        self.meaning = QLabel(self.tr("waiting for data"))
        self.meaning.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.meaning.setStyleSheet("font-size: 13pt;")
        self.led = QLabel()
        self.led.setFixedSize(28, 28)
        self.led_text = QLabel()
        self.values: dict[str, QLabel] = {}
        grid = QGridLayout()
        rows = [("status", self.tr("OCPP status")), ("offered", self.tr("Offered")),
                ("current", self.tr("Current L1 L2 L3")), ("voltage", self.tr("Voltage")),
                ("energy", self.tr("Meter")), ("transaction", self.tr("Transaction")),
                ("flags", self.tr("Flags"))]
        led_row = QHBoxLayout()
        led_row.addWidget(self.led)
        led_row.addWidget(self.led_text, 1)
        self.led_text.setStyleSheet("font-size: 12pt;")
        grid.addWidget(QLabel(self.tr("LED")), 0, 0)
        grid.addLayout(led_row, 0, 1, 1, 2)
        for row, (key, label) in enumerate(rows, start=1):
            name = QLabel(label)
            name.setStyleSheet("color: #555;")
            value = QLabel("—")
            value.setStyleSheet("font-size: 12pt;")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(name, row, 0)
            grid.addWidget(value, row, 1, 1, 2)
            self.values[key] = value
        self.last_known = QLabel(self.tr("last known, not live"))
        self.last_known.setStyleSheet("color: #8a4b00; font-weight: bold;")
        self.last_known.hide()
        heading = QHBoxLayout()
        heading.addWidget(title)
        heading.addStretch(1)
        heading.addWidget(self.last_known)
        layout = QVBoxLayout(self)
        layout.addLayout(heading)
        layout.addWidget(self.state)
        layout.addWidget(self.meaning)
        layout.addLayout(grid)
        layout.addStretch(1)
        self._paint_led(LedColour.OFF, blinking=False)

    def _paint_led(self, colour: LedColour, *, blinking: bool) -> None:
        rgb = LED_RGB[colour]
        border = "3px dashed #333" if blinking else "2px solid #333"
        self.led.setStyleSheet(f"background:{rgb}; border-radius:14px; border:{border};")
        self.led_text.setText(led_text(colour, QCoreApplication.translate)
                              + (self.tr(", blinking") if blinking else ""))

    def show_sample(self, socket: SocketLive) -> None:
        state = socket.cp_state
        self.state.setText(state.value)
        self.meaning.setText(self.tr(str(STATE_MEANING.get(state.value[0], state.value))))
        charging = state in (CPState.C2, CPState.D2)
        self.state.setStyleSheet("font-size: 44pt; font-weight: bold; color: "
                                 + ("#1f4fd1;" if charging else "#222;"))
        self._paint_led(socket.led.colour, blinking=socket.led.blinking)
        self.led.setToolTip(f"{socket.led.intensity_percent} %")
        self.values["status"].setText(status_text(socket.status.value,
                                                  QCoreApplication.translate))
        self.values["offered"].setText(
            f"{socket.offered_current_a:.1f} A  (PWM {socket.pwm_duty_percent:.1f} %)")
        self.values["current"].setText(_phase_text(socket.current_a, "A", 1))
        self.values["voltage"].setText(_phase_text(socket.voltage_v, "V", 0))
        self.values["energy"].setText(f"{socket.energy_wh / 1000:.3f} kWh")
        transaction = socket.transaction_id
        self.values["transaction"].setText(
            "—" if transaction is None else str(transaction) if transaction > 0 else
            self.tr("%1 (local: the CSMS has not confirmed it yet)").replace(
                "%1", str(transaction)))
        flags = [self.tr("overruled") if socket.overruled else "",
                 self.tr("low-current vehicle") if socket.low_current_vehicle else ""]
        self.values["flags"].setText(", ".join(flag for flag in flags if flag) or "—")

    def clear(self) -> None:
        """Nothing known (another pole was chosen): no value of the previous one stays."""
        self.state.setText("—")
        self.meaning.setText(self.tr("waiting for data"))
        self._paint_led(LedColour.OFF, blinking=False)
        for value in self.values.values():
            value.setText("—")

    def set_live(self, live: bool) -> None:
        """Live numbers in full colour; last known ones greyed and labelled as such."""
        self.last_known.setVisible(not live)
        self.setStyleSheet("" if live else "QLabel { color: #8a8f94; }")

    def show_last_known(self, connector: ConnectorRecord) -> None:
        """What the service last stored for this socket (the pole is not streaming)."""
        self.state.setText("—")
        self.meaning.setText(self.tr("no live data"))
        self.values["status"].setText(status_text(connector.status,
                                                  QCoreApplication.translate))
        transaction = connector.transaction_id
        self.values["transaction"].setText("—" if transaction is None else str(transaction))

    @staticmethod
    def led_rgb(colour: LedColour) -> QColor:
        return QColor(LED_RGB[colour])
