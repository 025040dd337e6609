"""Issue 17 / eis 69: the Pole view through the service greys out, per role, what the
service would refuse, with the reason as the tooltip; "Report status" (TriggerMessage) and
"Fetch security log…" (GetLog) are the technicians'. A real service, a real virtual pole,
a signed-in user of each role."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from gui.i18n import switch_language
from gui.pole_state import LinkState
from gui.views.main_window import MainWindow
from pole_link.service_accounts import login
from pole_link.service_api import ServiceClient, ServiceEndpoint
from tests.gui.qt_support import shown
from tests.support import connected_pole, eventually, running_service

OUTPUT = Path(__file__).resolve().parents[2] / "test-output"
MAY_NOT = "Your role ({}) may not do this; ask a colleague with a role that may."


@pytest.fixture
def english(qapp: QApplication) -> Iterator[None]:
    switch_language("en")
    yield
    switch_language("en")


@pytest.mark.parametrize(("role", "may_trigger"), [
    ("helpdesk", False), ("technician", True), ("engineer", True), ("admin", True)])
async def test_eis69_report_status_is_greyed_out_with_the_reason_for_the_helpdesk(
        qtbot: QtBot, tmp_path: Path, english: None, role: str, may_trigger: bool) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    try:
        async with running_service(tmp_path) as api, \
                connected_pole(api.service.ocpp_url, tmp_path, start=datetime.now(UTC)):
            made = await api.client.post("/api/v1/users", json={"name": "user", "role": role})
            token = (await login(api.url, "user", made.json()["password"])).token
            endpoint = ServiceEndpoint(api.url, token)
            window.connect_view.use_service(endpoint)
            await shown(lambda: window.user_label.text() == f"Signed in: user ({role})")
            window.open_remote_pole("PW-0001")
            view = window.pole_view
            await shown(lambda: window.controller.state is LinkState.CONNECTED)
            await shown(lambda: view.unlock_button.isEnabled())  # every role may unlock
            button = view.report_button
            assert button.isEnabled() is may_trigger
            log_button = view.security.log_button
            assert log_button.isEnabled() is may_trigger  # GetLog: the technicians' too
            if not may_trigger:
                assert button.toolTip() == MAY_NOT.format(role)
                assert log_button.toolTip() == MAY_NOT.format(role)
                OUTPUT.mkdir(exist_ok=True)
                window.grab().save(str(OUTPUT / "pole_view_helpdesk.png"))
                return
            if role == "technician":  # the security log, fetched from the office
                view.ask_log_path = lambda name: str(tmp_path / name)
                view.tabs.setCurrentWidget(view.security)
                log_button.click()
                await shown(lambda: view.security.log_note.text().startswith(
                    "Security log saved"), timeout=60)
                assert (tmp_path / "PW-0001-security-log.txt").stat().st_size > 0
                assert log_button.isEnabled()
                window.grab().save(str(OUTPUT / "pole_view_security_log.png"))
            assert button.toolTip().startswith("TriggerMessage StatusNotification")
            button.click()

            async def reported() -> bool:
                async with ServiceClient(ServiceEndpoint(api.url, api.token)) as admin:
                    entries = await admin.audit(actor="user")
                return any(entry.action == "POST /api/v1/poles/{pole_id}/trigger"
                           and entry.result == "200" for entry in entries)

            await eventually(reported)
    finally:
        await window.shutdown()
