"""Help → About shows the app icon and the package's version (the installers' too)."""

from __future__ import annotations

import tomllib

from pytestqt.qtbot import QtBot

from gui.help.dialogs import AboutDialog
from gui.help.licences import app_version
from tests.support import REPO


def test_about_shows_the_icon_and_the_package_version(qtbot: QtBot) -> None:
    version = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    assert app_version() == version
    dialog = AboutDialog(app_version(), None, [])
    qtbot.addWidget(dialog)
    assert dialog.heading.text() == f"Paalwerk {version}"
    pixmap = dialog.icon.pixmap()
    assert not pixmap.isNull() and pixmap.width() == 64
    assert pixmap.toImage().pixelColor(32, 32).alpha() == 255  # drawn, not blank
