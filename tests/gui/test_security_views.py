"""Issue 16 in the app, on a real service: someone tries to log in as a registered pole
with a wrong password; the Fleet puts the pole under "Needs attention" with the attempt in
words, the Pole view's Security tab lists each try as it happens, and "Seen, clear"
takes the pole out of attention again. Real parts: the service on 127.0.0.1, a virtual
pole with its own OCPP client and password, raw WebSocket handshakes for the impostor.
Screenshots of both views in Dutch at 1366×768 go to test-output/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from gui.fleet.rows import RowFlag
from gui.i18n import switch_language
from gui.views.main_window import MainWindow, Page
from pole_link.service_api import ServiceClient, ServiceEndpoint
from tests.gui.qt_support import shown
from tests.service.security_support import PASSWORD, basic, refused, secured_pole
from tests.support import Api

OUTPUT = Path(__file__).resolve().parents[2] / "test-output"


@pytest.fixture
def dutch(qapp: QApplication) -> Iterator[None]:
    assert switch_language("nl")
    yield
    switch_language("en")


def wrong_passwords(window: MainWindow) -> int:
    """The Security tab's rows of refused passwords (the tooltip names the type)."""
    table = window.pole_view.security.table
    return sum(1 for row in range(table.rowCount())
               if table.item(row, 0).toolTip().startswith("CredentialsWrong"))


def attention(window: MainWindow, pole_id: str) -> str:
    row = window.fleet_model.pole(pole_id)
    if row is None or not row.flags & RowFlag.SECURITY:
        return ""
    return row.reasons[0].text()  # the most urgent first


async def test_issue16_a_wrong_password_shows_in_the_fleet_and_the_pole_view(
        qtbot: QtBot, api: Api, tmp_path: Path, dutch: None) -> None:
    endpoint = ServiceEndpoint(api.url, api.token)
    async with ServiceClient(endpoint) as service:
        await service.register_pole("PW-0001", 1, PASSWORD)
        await service.register_pole("PW-0002", 1, PASSWORD)
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    url = f"{api.service.ocpp_url}/PW-0001"
    wrong = basic("PW-0001", "wrong-password-0123456")
    try:
        async with secured_pole(api.service.ocpp_url, tmp_path, profile=1,
                                password=PASSWORD):
            window.connect_view.service_chosen.emit(endpoint)
            window.show_page(Page.FLEET)
            await shown(lambda: window.fleet_model.pole("PW-0001") is not None)
            for _ in range(3):
                assert await refused(url, wrong) == 401
            await shown(lambda: attention(window, "PW-0001") ==
                        "Security: wrong password from 127.0.0.1 (3×)")
            row = window.fleet_model.pole("PW-0001")
            assert row is not None and row.registered and row.security_profile == 1
            assert not attention(window, "PW-0002")  # the other pole is left alone
            await shown(lambda: window.fleet_view.isVisible())
            OUTPUT.mkdir(exist_ok=True)
            assert window.grab().save(str(OUTPUT / "security_fleet_nl_1366x768.png"))

            window.open_remote_pole("PW-0001")
            view = window.pole_view
            view.tabs.setCurrentWidget(view.security)
            await shown(lambda: wrong_passwords(window) == 3)
            assert view.security.profile.text().startswith("Beveiligingsprofiel 1") or \
                view.security.profile.text().startswith("Security profile 1")
            # A fourth try while the Pole view is open: listed from the live feed.
            assert await refused(url, wrong) == 401
            await shown(lambda: wrong_passwords(window) == 4)
            assert "127.0.0.1" in (view.security.table.item(0, 2).text())
            assert view.security.clear_button.isVisible()
            assert window.grab().save(str(OUTPUT / "security_pole_view_nl_1366x768.png"))

            view.security.clear_button.click()
            await shown(lambda: not attention(window, "PW-0001"))
            assert wrong_passwords(window) == 4  # still listed, no longer an alarm
            assert not view.security.clear_button.isVisible()
    finally:
        await window.shutdown()


def test_issue16_the_fleet_row_details_give_the_security_profile(qapp: QApplication) -> None:
    from PySide6.QtCore import Qt

    from gui.fleet.model import FleetModel
    from gui.fleet.rows import Column
    from pole_link.service_api import PoleRecord

    switch_language("en")
    model = FleetModel()
    model.set_poles([PoleRecord("PW-1", registered=True, security_profile=2),
                     PoleRecord("PW-2")])

    def tooltip(pole_id: str) -> str:
        row = model.row_of(pole_id)
        assert row is not None
        return str(model.data(model.index(row, Column.POLE), Qt.ItemDataRole.ToolTipRole))
    assert "Security profile 2 (password over TLS)" in tooltip("PW-1")
    assert "Not in the pole register" in tooltip("PW-2")
