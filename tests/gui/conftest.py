"""GUI tests keep their settings (language, remembered service) out of the user's own."""

from __future__ import annotations

import os
import tempfile

# Before the first QApplication exists: Qt reads the settings location once.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="paalwerk-gui-tests-")
# The service-token wallet's fallback file too: never the technician's own tokens.
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="paalwerk-gui-data-")


import time
from collections.abc import AsyncIterator, Iterator

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


@pytest.fixture(params=["America/New_York", "Asia/Kolkata"])
def laptop_zone(request: pytest.FixtureRequest) -> Iterator[str]:
    """The laptop runs in another zone than the pole (New York: whole hours off; Kolkata:
    half hours), as a technician's laptop set to its home zone would: what shows a pole's
    time must still show Amsterdam's."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    yield request.param
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()
