"""The live plot's legend, beside the plot and never over it: what each line is, whether it
is drawn, and its value under the cursor.

A legend inside the plot covers the very currents a technician looks for, and a socket
charging near its limit puts them right where a legend sits. Beside the plot it also has
room for a checkbox per curve (a phase hidden reveals the one beneath it) and for the
readout, so that reading a value never means covering data with a tooltip.

A widget that only displays and reports intents: the plot decides what toggling means.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from PySide6.QtCore import QPointF, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QCheckBox, QGridLayout, QLabel, QVBoxLayout, QWidget

SWATCH_SIZE = (30, 12)
"""Long enough for socket 2's dash pattern to show twice."""


@dataclass(frozen=True)
class LegendEntry:
    """One curve as the legend lists it."""

    label: str
    pen: QPen
    group: str = ""
    """Heading the entry is listed under (``Socket 1``); entries of one group are adjacent."""


def value_text(value: float) -> str:
    """A current as the readout shows it: one decimal, as the pole reports; ``—`` for none."""
    return "—" if math.isnan(value) else f"{value:.1f} A"


def time_text(t: float, zone: tzinfo | None = None) -> tuple[str, str]:
    """Date and time (tenths of a second) in ``zone`` (the pole's, as on the plot's axis;
    None: the laptop's)."""
    moment = datetime.fromtimestamp(t, zone)
    return moment.strftime("%Y-%m-%d"), moment.strftime("%H:%M:%S.%f")[:10]


def swatch(pen: QPen) -> QIcon:
    """A short piece of the curve's own line: colour, width and dash pattern."""
    width, height = SWATCH_SIZE
    pixmap = QPixmap(width, height)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    line = QPen(pen)
    line.setWidthF(max(1.5, pen.widthF()))  # 1 px is hard to see at icon size
    line.setCosmetic(True)
    painter.setPen(line)
    painter.drawLine(QPointF(1, height / 2), QPointF(width - 1, height / 2))
    painter.end()
    return QIcon(pixmap)


class CurveLegend(QWidget):
    """A column of checkable entries, grouped, each with a note and a value.

    ``toggled`` reports a checkbox the user (or ``set_shown``) changed; ``offset_toggled``
    the "Offset phases" box. Nothing here repaints on its own: values change only when
    ``show_readout`` is called, that is when the mouse moves over the plot.
    """

    toggled = Signal(int, bool)
    """Entry index and whether its curve is to be drawn."""
    offset_toggled = Signal(bool)

    def __init__(self, entries: Sequence[LegendEntry], parent: QWidget | None = None, *,
                 zone: tzinfo | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("curveLegend")
        self.zone = zone
        """The zone the readout's time is written in: the plot axis's."""
        # Two lines whatever it says, so that the entries beneath never jump when the
        # mouse enters or leaves the plot.
        self._header = QLabel()
        self._header.setTextFormat(Qt.TextFormat.RichText)
        self._readout_time = ""
        self._boxes: list[QCheckBox] = []
        self._notes: list[QLabel] = []
        self._values: list[QLabel] = []

        grid = QGridLayout()
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(2)
        grid.setColumnStretch(1, 1)
        self._note_heading = QLabel()
        self._note_heading.setStyleSheet("color: #555;")
        self._note_heading.setAlignment(Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self._note_heading, 0, 1)  # on the first group's heading row
        row = 0
        group = None
        widest = self.fontMetrics().horizontalAdvance("888.8 A")
        for index, entry in enumerate(entries):
            if entry.group and entry.group != group:
                heading = QLabel(entry.group)
                heading.setStyleSheet("font-weight: bold;")
                grid.addWidget(heading, row, 0)
                row += 1
            group = entry.group
            box = QCheckBox(entry.label)
            box.setIcon(swatch(entry.pen))
            box.setIconSize(QSize(*SWATCH_SIZE))
            box.setChecked(True)
            box.setToolTip(self.tr("Show or hide this line"))
            box.toggled.connect(lambda shown, i=index: self.toggled.emit(i, shown))
            note = QLabel()
            note.setStyleSheet("color: #555;")
            note.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value = QLabel()
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value.setMinimumWidth(widest)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(box, row, 0)
            grid.addWidget(note, row, 1)
            grid.addWidget(value, row, 2)
            self._boxes.append(box)
            self._notes.append(note)
            self._values.append(value)
            row += 1

        self._offset = QCheckBox(self.tr("Offset phases"))
        self._offset.setToolTip(self.tr(
            "Draw L2 and L3 a little lower than measured, so that three equal phases show as "
            "three lines. The values read under the cursor are always as measured."))
        self._offset.toggled.connect(self.offset_toggled)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        layout.addWidget(self._header)
        layout.addSpacing(4)
        layout.addLayout(grid)
        layout.addSpacing(6)
        layout.addWidget(self._offset)
        layout.addStretch(1)
        self.clear_readout()

    # -- what is drawn -----------------------------------------------------------------

    def is_shown(self, index: int) -> bool:
        return self._boxes[index].isChecked()

    def set_shown(self, index: int, shown: bool) -> None:
        self._boxes[index].setChecked(shown)

    def box(self, index: int) -> QCheckBox:
        """The entry's checkbox (for tests and keyboard focus)."""
        return self._boxes[index]

    def label(self, index: int) -> str:
        return self._boxes[index].text()

    @property
    def offset_box(self) -> QCheckBox:
        return self._offset

    def set_notes(self, notes: Sequence[str], heading: str = "", explanation: str = "") -> None:
        """A short remark beside each entry ("" for none) under a column ``heading``;
        ``explanation`` is the notes' tooltip."""
        self._note_heading.setText(heading if any(notes) else "")
        for label, note in zip(self._notes, notes, strict=True):
            label.setText(note)
            label.setToolTip(explanation if note else "")

    def reserve_note_width(self, notes: Sequence[str]) -> None:
        """Room for the widest of ``notes`` from the start: a legend that widens when a note
        appears would narrow the plot under the reader's eyes."""
        widest = max((self.fontMetrics().horizontalAdvance(note) for note in notes), default=0)
        self._note_heading.setMinimumWidth(widest)
        for label in self._notes:
            label.setMinimumWidth(widest)

    def note(self, index: int) -> str:
        return self._notes[index].text()

    # -- readout -----------------------------------------------------------------------

    def show_readout(self, t: float, values: Sequence[float | None]) -> None:
        """The sample at ``t``: one value per entry, None for an entry not drawn."""
        date, clock = time_text(t, self.zone)
        self._readout_time = f"{date} {clock}"
        self._header.setText(f"{date}<br><b>{clock}</b>")
        for label, value in zip(self._values, values, strict=True):
            label.setText("" if value is None else value_text(value))

    def clear_readout(self) -> None:
        self._readout_time = ""
        self._header.setText("<span style='color:#555'>{}</span>".format(
            self.tr("Point at the plot<br>to read its values")))
        for label in self._values:
            label.setText("")

    def readout_time(self) -> str:
        """``date time`` of the sample read out, "" when the cursor is off the plot."""
        return self._readout_time

    def readout_value(self, index: int) -> str:
        return self._values[index].text()

