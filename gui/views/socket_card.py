"""One socket at arm's length: the Mode 3 state large, the numbers beside and beneath.

A technician reads this from a step away, often in bad light: the pilot state is a big
letter with its meaning in words, the LED is shown in the colour the driver sees (and
blinks when the pole's does), and the flags that explain odd behaviour (overrule,
low-current vehicle) are spelled out.

The card is laid out for the common field laptop, 1366×768: the state, its meaning and
the LED share one band, and the short values sit two to a row, so two cards, the action
rows and the plot fit the window's height in English and in Dutch. The numeric values
reserve room for their widest realistic text, so the columns do not shift as the numbers
change ten times a second.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QTimer
from PySide6.QtGui import QColor, QHideEvent, QShowEvent
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
BLINK_HALF_PERIOD_MS = 500
"""A blinking LED is lit half a second and dark half a second: about 1 Hz, as on the pole."""

STATE_MEANING = {
    "A": QT_TRANSLATE_NOOP("SocketCard", "No vehicle"),
    "B": QT_TRANSLATE_NOOP("SocketCard", "Vehicle connected, not charging"),
    "C": QT_TRANSLATE_NOOP("SocketCard", "Charging"),
    "D": QT_TRANSLATE_NOOP("SocketCard", "Charging (ventilation)"),
    "E": QT_TRANSLATE_NOOP("SocketCard", "Pilot fault (short)"),
    "F": QT_TRANSLATE_NOOP("SocketCard", "Pole not available"),
}

STATE_STYLE = "font-size: 40pt; font-weight: bold; color: %s;"
VALUE_STYLE = "font-size: 12pt;"
WIDEST_STATE = "C2"
WIDEST_VALUES = {
    "offered": "88.8 A  (PWM 88.8 %)",
    "current": "88.8  88.8  88.8 A",
    "voltage": "888  888  888 V",
    "energy": "888888.888 kWh",
}
"""The widest text each numeric value takes on a real pole: its label keeps that room."""

# (key, label, row, column): two short values to a row; the long ones span the card.
VALUE_CELLS = (
    ("status", QT_TRANSLATE_NOOP("SocketCard", "OCPP status"), 0, 0),
    ("offered", QT_TRANSLATE_NOOP("SocketCard", "Offered"), 0, 1),
    ("current", QT_TRANSLATE_NOOP("SocketCard", "Current L1 L2 L3"), 1, 0),
    ("voltage", QT_TRANSLATE_NOOP("SocketCard", "Voltage"), 1, 1),
    ("energy", QT_TRANSLATE_NOOP("SocketCard", "Meter"), 2, 0),
    ("transaction", QT_TRANSLATE_NOOP("SocketCard", "Transaction"), 3, 0),
    ("flags", QT_TRANSLATE_NOOP("SocketCard", "Flags"), 4, 0),
)
_SPANNING = frozenset({"transaction", "flags"})


def _phase_text(values: tuple[float, float, float], unit: str, digits: int) -> str:
    return "  ".join(f"{value:.{digits}f}" for value in values) + f" {unit}"


def swatch_style(colour: LedColour, *, blinking: bool, lit: bool) -> str:
    """The LED swatch's style sheet: dark (the "off" grey) in a blink's dark half."""
    rgb = LED_RGB[colour] if lit else LED_RGB[LedColour.OFF]
    border = "3px dashed #333" if blinking else "2px solid #333"
    return f"background:{rgb}; border-radius:14px; border:{border};"


class SocketCard(QFrame):
    """Shows one `SocketLive`; `show_sample` is cheap enough for 10 samples a second."""

    def __init__(self, connector_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.connector_id = connector_id
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName(f"socket{connector_id}")
        self.title = QLabel(self.tr("Socket %1").replace("%1", str(connector_id)))
        self.title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.state = QLabel("—")
        self.state.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.state.setStyleSheet(STATE_STYLE % "#222")
        self.state.ensurePolished()
        self.state.setMinimumWidth(self.state.fontMetrics().horizontalAdvance(WIDEST_STATE) + 8)
        self.meaning = QLabel(self.tr("waiting for data"))
        self.meaning.setStyleSheet("font-size: 13pt;")
        self.led = QLabel()
        self.led.setFixedSize(28, 28)
        self.led_text = QLabel()
        self.led_text.setStyleSheet(VALUE_STYLE)
        self.blink_timer = QTimer(self, interval=BLINK_HALF_PERIOD_MS)
        self.blink_timer.timeout.connect(self._blink)
        self.led_lit = True
        self._led_shown: tuple[LedColour, bool] | None = None
        self.values: dict[str, QLabel] = {}
        self.last_known = QLabel(self.tr("last known, not live"))
        self.last_known.setStyleSheet("color: #8a4b00; font-weight: bold;")
        self.last_known.hide()

        heading = QHBoxLayout()
        heading.addWidget(self.title)
        heading.addStretch(1)
        heading.addWidget(self.led)
        heading.addWidget(self.led_text)
        words = QVBoxLayout()
        words.addLayout(heading)
        words.addWidget(self.meaning)
        words.addWidget(self.last_known)
        band = QHBoxLayout()
        band.addWidget(self.state)
        band.addLayout(words, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(band)
        layout.addLayout(self._value_grid())
        layout.addStretch(1)
        self._paint_led(LedColour.OFF, blinking=False)

    def _value_grid(self) -> QGridLayout:
        grid = QGridLayout()
        grid.setVerticalSpacing(4)
        grid.setHorizontalSpacing(10)
        for key, label, row, column in VALUE_CELLS:
            name = QLabel(QCoreApplication.translate("SocketCard", str(label)))
            name.setStyleSheet("color: #555;")
            value = QLabel("—")
            value.setStyleSheet(VALUE_STYLE)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            if key in WIDEST_VALUES:
                value.ensurePolished()
                value.setMinimumWidth(
                    value.fontMetrics().horizontalAdvance(WIDEST_VALUES[key]) + 2)
            span = 3 if key in _SPANNING else 1
            grid.addWidget(name, row, 2 * column)
            grid.addWidget(value, row, 2 * column + 1, 1, span)
            self.values[key] = value
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        return grid

    # ------------------------------------------------------------ the LED
    def _paint_led(self, colour: LedColour, *, blinking: bool) -> None:
        """Repaint only when the LED changes: samples come ten times a second, and a
        repaint on each would also restart the blink's lit half every time."""
        if self._led_shown == (colour, blinking):
            return
        self._led_shown = (colour, blinking)
        self.led_lit = True
        self.led.setStyleSheet(swatch_style(colour, blinking=blinking, lit=True))
        words = led_text(colour, QCoreApplication.translate)
        if blinking:
            words += self.tr(", blinking")
        self.led_text.setText(words)
        self._run_blink()

    def _run_blink(self) -> None:
        """The blink timer runs only while the LED blinks and the card is on screen."""
        blinking = self._led_shown is not None and self._led_shown[1]
        if blinking and self.isVisible():
            if not self.blink_timer.isActive():
                self.blink_timer.start()
        else:
            self.blink_timer.stop()

    def _blink(self) -> None:
        if self._led_shown is None:
            return
        colour, blinking = self._led_shown
        self.led_lit = not self.led_lit
        self.led.setStyleSheet(swatch_style(colour, blinking=blinking, lit=self.led_lit))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self._run_blink()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 (Qt's name)
        super().hideEvent(event)
        self.blink_timer.stop()

    # ------------------------------------------------------------ the sample
    def show_sample(self, socket: SocketLive) -> None:
        state = socket.cp_state
        self.state.setText(state.value)
        self.meaning.setText(self.tr(str(STATE_MEANING.get(state.value[0], state.value))))
        charging = state in (CPState.C2, CPState.D2)
        self.state.setStyleSheet(STATE_STYLE % ("#1f4fd1" if charging else "#222"))
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
