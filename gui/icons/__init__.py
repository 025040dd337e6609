"""The app icon: one SVG, drawn by Qt wherever the app shows it (window, About dialog).

installers/make_icons.py renders the same file into the PNG, ICO and ICNS the
installers need, so the icon a technician clicks and the one in the window agree.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QIcon

ICON_SVG = Path(__file__).with_name("paalwerk.svg")


def app_icon() -> QIcon:
    """The icon, scalable (Qt's SVG icon engine draws it sharp at every size)."""
    return QIcon(str(ICON_SVG))
