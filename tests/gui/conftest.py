"""GUI tests keep their settings (language, remembered service) out of the user's own."""

from __future__ import annotations

import os
import tempfile

# Before the first QApplication exists: Qt reads the settings location once.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="paalwerk-gui-tests-")
# The service-token wallet's fallback file too: never the technician's own tokens.
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="paalwerk-gui-data-")


from collections.abc import AsyncIterator

import pytest
from pytestqt.qtbot import QtBot

from gui.pole_controller import PoleController
from gui.views.pole_view import PoleView


@pytest.fixture
async def view(qtbot: QtBot) -> AsyncIterator[PoleView]:
    """A Pole view at the field laptop's size (1366×768 less the window's own bars) that
    answers its confirmations with yes; its controller retries quickly."""
    controller = PoleController(retry_delays=(0.2,))
    pole_view = PoleView(controller)
    pole_view.confirm = lambda question: True
    qtbot.addWidget(pole_view)
    pole_view.resize(1366, 700)
    pole_view.show()
    yield pole_view
    await controller.aclose()
