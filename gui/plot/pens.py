"""How each current looks: colour says the phase, line style says the socket.

Colours are from the Okabe–Ito palette, told apart with the common colour-vision
deficiencies and on a white background in daylight; L1 is the orange-brown one to echo
the brown L1 conductor a technician knows. The limit is the widest line because it is what
the currents are judged against, but a grey band beneath them rather than a black line:
a phase drawing exactly the limit runs along the band's middle in its own colour instead
of vanishing under it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPen

PHASE_COLOURS = ("#D55E00", "#0072B2", "#009E73")
"""L1 vermillion, L2 blue, L3 bluish green."""
LIMIT_COLOUR = "#1A1A1A"
"""The limit's own colour (its swatch, its readout dot); its band is this, translucent."""
LIMIT_ALPHA = 80
"""Of 255: a mid grey on white, darker than the grid, lighter than any current."""
BACKGROUND = "#FFFFFF"
GRID = "#E0E0E0"
FOREGROUND = "#202020"
"""Axis lines, tick labels and legend text: near-black for contrast on white."""
CURSOR_COLOUR = "#707070"
"""The readout's vertical line: visible on white, quieter than any curve it crosses."""

CURVE_WIDTH = 1.0
LIMIT_WIDTH = 7.0


def current_pen(socket: int, phase: int) -> QPen:
    """Socket 1 solid, socket 2 dashed (a pattern long enough to read at 2 px)."""
    pen = QPen(QColor(PHASE_COLOURS[phase]))
    pen.setWidthF(CURVE_WIDTH)
    pen.setCosmetic(True)
    if socket > 0:
        pen.setStyle(Qt.PenStyle.CustomDashLine)
        pen.setDashPattern([4.0, 2.5])
    return pen


def limit_pen() -> QPen:
    colour = QColor(LIMIT_COLOUR)
    colour.setAlpha(LIMIT_ALPHA)
    pen = QPen(colour)
    pen.setWidthF(LIMIT_WIDTH)
    pen.setCosmetic(True)
    return pen


def cursor_pen() -> QPen:
    pen = QPen(QColor(CURSOR_COLOUR))
    pen.setWidthF(1.0)
    pen.setCosmetic(True)
    pen.setStyle(Qt.PenStyle.DashLine)
    return pen
