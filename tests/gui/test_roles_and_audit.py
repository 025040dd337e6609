"""Issue 17 / eis 69 in the app, against a real service: a helpdesk user sees what their
role may not do greyed out with the reason, and may still do their own work; an admin
reads, filters and exports the audit trail on the Audit screen."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from gui.i18n import switch_language
from gui.pole_state import LinkState
from gui.views.main_window import MainWindow, Page
from pole_link.service_accounts import login
from pole_link.service_api import ServiceEndpoint
from tests.gui.qt_support import shown
from tests.support import connected_pole, eventually, running_service

T0 = datetime(2026, 11, 25, 11, tzinfo=UTC)
OUTPUT = Path(__file__).resolve().parents[2] / "test-output"
HELPDESK_MAY_NOT = "Your role (helpdesk) may not do this; ask a colleague with a role that may."


@pytest.fixture
def english(qapp: QApplication) -> Iterator[None]:
    switch_language("en")
    yield
    switch_language("en")


async def helpdesk_endpoint(url: str, client: object) -> ServiceEndpoint:
    made = await client.post("/api/v1/users",  # type: ignore[attr-defined]
                             json={"name": "henk", "role": "helpdesk"})
    signed_in = await login(url, "henk", made.json()["password"])
    return ServiceEndpoint(url, signed_in.token)


def with_tooltip(window: MainWindow, widget: QWidget, text: str, path: Path) -> None:
    """The window with ``widget``'s tooltip drawn under it, as the user sees it on hover."""
    picture = window.grab()
    tip = QLabel(text)
    tip.setWordWrap(True)
    tip.setMaximumWidth(420)
    tip.setStyleSheet("background: #ffffe1; color: black; border: 1px solid #767676;"
                      " padding: 4px;")
    tip.adjustSize()
    corner = widget.mapTo(window, QPoint(0, widget.height() + 4))
    corner.setX(min(corner.x(), window.width() - tip.width() - 8))
    painter = QPainter(picture)
    tip.render(painter, corner)
    painter.end()
    assert picture.save(str(path))


async def test_eis69_a_helpdesk_user_may_block_cards_but_not_change_configuration(
        qtbot: QtBot, tmp_path: Path, english: None) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.pole_view.confirm = lambda _question: True
    try:
        async with running_service(tmp_path) as api:
            await api.client.put("/api/v1/id-tags/04AABB", json={"status": "Accepted"})
            henk = await helpdesk_endpoint(api.url, api.client)
            async with connected_pole(api.service.ocpp_url, tmp_path, start=T0):
                window.connect_view.service_chosen.emit(henk)
                await shown(lambda: window.user_label.text() == "Signed in: henk (helpdesk)")

                cards = window.cards_view
                window.show_page(Page.CARDS)
                cards.query.setText("04AABB")
                cards.look_up_button.click()
                await shown(lambda: cards.block_button.isEnabled())
                assert cards.block_button.toolTip() == ""

                window.open_remote_pole("PW-0001")
                view = window.pole_view
                await shown(lambda: window.controller.state is LinkState.CONNECTED)
                await shown(lambda: view.unlock_button.isEnabled())
                # The LED intensity is a configuration change: the engineers'.
                assert not view.led_slider.isEnabled()
                assert view.led_slider.toolTip() == HELPDESK_MAY_NOT
                assert view.reset_button.isEnabled()
                assert not view.out_of_service_button.isEnabled()  # technicians'
                # The helpdesk's own work goes through: unlock reaches the pole through
                # its own route, which the service lets a helpdesk user call.
                view.unlock_button.click()
                async def unlocked() -> bool:
                    entries = (await api.client.get(
                        "/api/v1/audit", params={"actor": "henk"})).json()
                    return any(item["action"].endswith("/unlock") for item in entries)

                await eventually(unlocked)
                assert not window.rollout_panel.upload_button.isEnabled()
                assert window.rollout_panel.upload_button.toolTip() == HELPDESK_MAY_NOT
                # The Audit screen says in words that it is the admins'.
                window.show_page(Page.AUDIT)
                audit = window.audit_view
                await shown(lambda: audit.note.isVisible())
                assert audit.note.text().startswith("Only admins may read the audit trail")
                assert not audit.table.isVisible()

            entries = (await api.client.get("/api/v1/audit", params={"actor": "henk"})).json()
            done = {(item["action"], item["result"]) for item in entries}
            assert ("POST /api/v1/poles/{pole_id}/unlock", "200") in done
    finally:
        await window.shutdown()


async def test_eis69_an_admin_reads_filters_and_exports_the_audit_trail(
        qtbot: QtBot, tmp_path: Path, english: None) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    try:
        async with running_service(tmp_path) as api:
            made = await api.client.post("/api/v1/users",
                                         json={"name": "anna", "role": "admin"})
            anna = await login(api.url, "anna", made.json()["password"])
            endpoint = ServiceEndpoint(api.url, anna.token)
            async with httpx.AsyncClient(
                    base_url=api.url, headers={"Authorization": f"Bearer {anna.token}"},
                    timeout=20) as client:
                for pole_id in ("PW-0101", "PW-0102"):
                    answer = await client.post("/api/v1/poles", json={
                        "id": pole_id, "securityProfile": 0})
                    assert answer.status_code < 300, answer.text
                await client.put("/api/v1/id-tags/04AABB", json={"status": "Blocked"})
                gone = await client.delete("/api/v1/poles/PW-0102")
                assert gone.status_code < 300, gone.text
            window.connect_view.service_chosen.emit(endpoint)
            await shown(lambda: window.user_label.text() == "Signed in: anna (admin)")
            window.show_page(Page.AUDIT)
            audit = window.audit_view
            await shown(lambda: audit.search_button.isEnabled())
            assert not audit.note.isVisible()
            audit.actor.setText("anna")
            audit.search_button.click()
            await shown(lambda: audit.table.rowCount() >= 3)
            actions = [audit.table.item(row, 3).text() for row in range(audit.table.rowCount())]
            assert "POST /poles" in actions and "PUT /id-tags/{idTag}" in actions
            assert {audit.table.item(row, 1).text() for row in range(len(actions))} == {"anna"}

            audit.pole.setText("PW-0102")
            audit.search_button.click()
            await shown(lambda: audit.table.rowCount() == 1)
            assert audit.table.item(0, 3).text() == "DELETE /poles/{pole_id}"
            assert audit.table.item(0, 4).text() == "PW-0102"
            assert audit.table.item(0, 5).text() == "done"

            target = tmp_path / "audit.csv"
            audit.ask_path = lambda: str(target)
            audit.export_button.click()
            await shown(lambda: audit.status.text().startswith("Exported"))
            with target.open(newline="") as exported:
                rows = list(csv.DictReader(exported))
            assert [(row["actor"], row["pole"]) for row in rows] == [("anna", "PW-0102")]
            assert audit.status.text() == "Exported 1 entries to audit.csv"
    finally:
        await window.shutdown()


async def test_eis69_roles_and_audit_in_dutch_on_the_field_laptop(
        qtbot: QtBot, tmp_path: Path, english: None) -> None:
    """The screenshots a reviewer looks at: the Audit screen of an admin, and a button a
    helpdesk user may not use with its tooltip, in Dutch at 1366×768."""
    assert switch_language("nl")
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    OUTPUT.mkdir(exist_ok=True)
    try:
        async with running_service(tmp_path) as api:
            made = await api.client.post("/api/v1/users",
                                         json={"name": "anna", "role": "admin"})
            anna = await login(api.url, "anna", made.json()["password"])
            henk = await helpdesk_endpoint(api.url, api.client)
            await api.client.put("/api/v1/id-tags/04AABB", json={"status": "Blocked"})
            window.connect_view.service_chosen.emit(ServiceEndpoint(api.url, anna.token))
            await shown(lambda: "anna" in window.user_label.text())
            window.show_page(Page.AUDIT)
            audit = window.audit_view
            await shown(lambda: audit.search_button.isEnabled())
            audit.search_button.click()
            await shown(lambda: audit.table.rowCount() >= 2)
            assert window.grab().save(str(OUTPUT / "audit_nl_1366x768.png"))

            window.connect_view.service_chosen.emit(henk)
            await shown(lambda: "henk" in window.user_label.text())
            window.show_page(Page.FIRMWARE)
            window.firmware_page.setCurrentWidget(window.rollout_panel)
            upload = window.rollout_panel.upload_button
            await shown(lambda: not upload.isEnabled() and upload.toolTip() != "")
            with_tooltip(window, upload, upload.toolTip(),
                         OUTPUT / "role_disabled_tooltip_nl_1366x768.png")
            window.show_page(Page.AUDIT)
            await shown(lambda: audit.note.isVisible())
            assert window.grab().save(str(OUTPUT / "audit_helpdesk_nl_1366x768.png"))
    finally:
        await window.shutdown()
