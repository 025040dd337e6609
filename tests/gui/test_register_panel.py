"""eis 69 / issue 16 from the Fleet screen: register a pole with a password, see a refusal
in words, decommission it after a confirmation — against a real service."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from gui.fleet.register_panel import PoleRegisterPanel
from gui.tasks import TaskRunner
from pole_link.service_api import ServiceEndpoint
from tests.gui.qt_support import shown
from tests.support import running_service

PASSWORD = "fleet-screen-password-0001"


async def test_eis69_the_fleet_screen_registers_and_decommissions_a_pole(
        qtbot: QtBot, tmp_path: Path) -> None:
    panel = PoleRegisterPanel(TaskRunner())
    qtbot.addWidget(panel)
    panel.show()
    assert not panel.register_button.isEnabled()  # no service yet
    async with running_service(tmp_path) as api:
        panel.follow(ServiceEndpoint(api.url, api.token))
        panel.pole_id.setText("PW-0001")
        panel.password.setText("short")
        panel.register_button.click()
        await shown(lambda: panel.result.text().startswith("Not registered"))
        assert "16 to 40" in panel.result.text() or "422" in panel.result.text()
        assert panel.password.text() == ""  # never kept in the window
        panel.password.setText(PASSWORD)
        panel.register_button.click()
        await shown(lambda: "registered at security profile 1" in panel.result.text())
        security = (await api.client.get("/api/v1/poles/PW-0001/security")).json()
        assert security["securityProfile"] == 1 and security["hasPassword"]

        asked: list[str] = []
        panel.confirm = lambda question: asked.append(question) is None and False
        panel.decommission_button.click()
        assert asked and "PW-0001" in asked[0]  # nothing sent without a yes
        panel.confirm = lambda question: True
        panel.decommission_button.click()
        await shown(lambda: "decommissioned" in panel.result.text())
        security = (await api.client.get("/api/v1/poles/PW-0001/security")).json()
        assert security["decommissionedAt"] is not None


async def test_the_register_opens_from_the_window_s_poles_menu(qtbot: QtBot) -> None:
    from gui.views.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    menus = {action.text(): action.menu() for action in window.menuBar().actions()}
    poles = menus["&Poles"]
    assert poles is not None
    poles.actions()[0].trigger()
    assert window.register_dialog is not None and window.register_dialog.isVisible()
    assert not window.register_panel.register_button.isEnabled()  # no service chosen yet
    window.register_dialog.close()
    await window.shutdown()
