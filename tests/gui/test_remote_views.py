"""The remote side of the app on a real service: the fleet follows the live feed, the
message log reads the service's log, and secrets are handled honestly."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import keyring
import pytest
from keyring.backends.fail import Keyring as FailKeyring
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from gui import fleet_feed
from gui.fleet.model import FleetModel
from gui.fleet_feed import FleetFeed
from gui.message_bar import MessageBar
from gui.settings import (
    remember_service,
    remembered_service_url,
    remembered_token,
    token_storage_note,
)
from gui.tasks import TaskRunner
from gui.views.message_log_panel import MessageLogPanel
from pole_link.sim.vehicles import EvType
from pole_link.transports.csms import ServiceEndpoint
from tests.gui.qt_support import shown
from tests.support import Api, connected_pole

T0 = datetime(2026, 11, 25, 11, tzinfo=UTC)
OUTPUT = Path(__file__).resolve().parents[2] / "test-output"




def socket_status(model: FleetModel, pole_id: str, connector: int) -> str | None:
    row = model.pole(pole_id)
    return None if row is None else row.socket(connector).status


async def test_the_fleet_follows_the_service_live(qtbot: QtBot, api: Api, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fleet_feed, "UPTIME_MISSING_S", 0.2)
    model = FleetModel()
    feed = FleetFeed(model)
    try:
        async with connected_pole(api.service.ocpp_url, tmp_path, start=T0) as connected:
            feed.follow(ServiceEndpoint(api.url, api.token))
            await shown(lambda: socket_status(model, "PW-0001", 1) == "Available")
            row = model.pole("PW-0001")
            assert row is not None and row.connected
            # eis 48 uptime follows the rows (a month of a large fleet takes a while).
            await shown(lambda: row.uptime_percent is not None)
            connected.pole.plug(1, EvType.EV3)
            await shown(lambda: socket_status(model, "PW-0001", 1) == "Preparing")
            async with connected_pole(api.service.ocpp_url, tmp_path, "PW-0002", start=T0):
                await shown(lambda: model.pole("PW-0002") is not None, timeout=20)
                # A pole that joined through the feed gets its uptime at the next reading.
                await shown(lambda: model.pole(
                    "PW-0002").uptime_percent is not None)  # type: ignore[union-attr]
            await shown(lambda: not model.pole("PW-0002").connected)  # type: ignore[union-attr]
        assert model.rowCount() == 2
    finally:
        await feed.aclose()


async def test_the_message_log_panel_reads_and_filters_the_service_log(
        qtbot: QtBot, api: Api, tmp_path: Path) -> None:
    tasks = TaskRunner()
    panel = MessageLogPanel(tasks)
    qtbot.addWidget(panel)
    panel.show()
    try:
        async with connected_pole(api.service.ocpp_url, tmp_path, start=T0):
            panel.follow(ServiceEndpoint(api.url, api.token), "PW-0001")
            await shown(lambda: panel.table.rowCount() > 0)
            actions = {panel.table.item(row, 2).text() for row in range(panel.table.rowCount())}
            assert "BootNotification" in actions and "StatusNotification" in actions
            panel.action_filter.setCurrentIndex(panel.action_filter.findData("BootNotification"))
            await shown(lambda: panel.table.rowCount() > 0 and {
                panel.table.item(row, 2).text()
                for row in range(panel.table.rowCount())} == {"BootNotification"})
        assert panel.note.isHidden()
        panel.follow(None, None)
        assert not panel.note.isHidden(), "a local link has no log: the panel says so"
    finally:
        await tasks.cancel_all()


def test_without_a_keyring_the_token_is_not_stored_and_the_user_is_told(qapp: object) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(FailKeyring())  # what a headless box has
    try:
        note = remember_service("http://127.0.0.1:8180", "secret-token")
        assert remembered_service_url() == "http://127.0.0.1:8180"
        assert note == token_storage_note() and "type it again" in note
        assert remembered_token("http://127.0.0.1:8180") == ""
    finally:
        keyring.set_keyring(previous)


def test_an_error_is_one_sentence_with_the_details_on_demand(qtbot: QtBot) -> None:
    bar = MessageBar()
    qtbot.addWidget(bar)
    bar.show()
    bar.show_error("Start charging failed", "CallError: SecurityError — Authenticate first")
    assert bar.text.text() == "Start charging failed" and bar.kind == "error"
    assert bar.details.isHidden()
    bar.toggle.click()
    assert not bar.details.isHidden() and "SecurityError" in bar.details.text()
    bar.show_info("LED intensity 40 %: Accepted")
    assert bar.kind == "info" and not bar.toggle.isVisible()


async def test_a_message_never_moves_the_buttons_under_the_technicians_finger(
        qtbot: QtBot) -> None:
    from gui.views.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    QApplication.processEvents()
    before = window.pages.mapTo(window, window.pages.rect().topLeft())
    window.messages.show_info("Reset: Accepted")
    QApplication.processEvents()
    assert window.messages.isVisible()
    assert window.pages.mapTo(window, window.pages.rect().topLeft()) == before
    assert window.messages.width() == window.centralWidget().width()
    window.messages.show_error("Start charging failed", "CallError: a long\ntraceback\nhere")
    window.messages.toggle.click()
    QApplication.processEvents()
    assert window.pages.mapTo(window, window.pages.rect().topLeft()) == before
    assert window.messages.height() > window.messages.text.height()  # grew over, not down
    await window.shutdown(stop_demo=False)


async def test_a_lost_feed_greys_the_whole_fleet_and_says_so_in_the_table(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stopped service (or a refused token) must not leave the fleet looking live."""
    from gui.fleet.model import Column
    from gui.fleet.view import FleetView
    from tests.support import running_service

    monkeypatch.setattr(fleet_feed, "RETRY_S", 0.2)
    model = FleetModel()
    view = FleetView(model)
    qtbot.addWidget(view)
    view.resize(1366, 768)
    view.show()
    feed = FleetFeed(model)
    try:
        async with running_service(tmp_path) as api, \
                connected_pole(api.service.ocpp_url, tmp_path, start=T0):
            feed.follow(ServiceEndpoint(api.url, api.token))
            await shown(lambda: socket_status(model, "PW-0001", 1) == "Available")
            assert model.stale_since is None and view.stale_banner.isHidden()
        # The service is gone: the last known state stays, marked as such.
        await shown(lambda: model.stale_since is not None)
        assert not view.stale_banner.isHidden()
        assert "Not live since" in view.stale_banner.text()
        assert "the table shows the last known state" in view.stale_banner.text()
        index = model.index(model.row_of("PW-0001") or 0, Column.CONNECTION)
        assert model.data(index).endswith("?")
        OUTPUT.mkdir(exist_ok=True)
        view.grab().save(str(OUTPUT / "fleet_feed_lost.png"))
    finally:
        await feed.aclose()


async def test_a_refused_token_is_not_live_either(qtbot: QtBot, api: Api) -> None:
    model = FleetModel()
    feed = FleetFeed(model)
    try:
        feed.follow(ServiceEndpoint(api.url, "not-the-token"))
        await shown(lambda: model.stale_since is not None)
        assert model.stale_reason.startswith("Access refused: the token is not valid")
    finally:
        await feed.aclose()


async def test_connect_and_disconnect_are_buttons_not_only_a_double_click(
        qtbot: QtBot, api: Api, tmp_path: Path) -> None:
    from gui.views.connect_view import ConnectView

    tasks = TaskRunner()
    view = ConnectView(tasks)
    qtbot.addWidget(view)
    opened: list[object] = []
    view.open_pole.connect(lambda address, options: opened.append(address))
    disconnects: list[bool] = []
    view.disconnect_requested.connect(lambda: disconnects.append(True))
    try:
        async with connected_pole(api.service.ocpp_url, tmp_path, start=T0):
            view.use_service(ServiceEndpoint(api.url, api.token))
            await shown(lambda: view.service_poles.count() == 1)
            assert not view.service_connect.isEnabled()  # nothing chosen yet
            view.service_poles.setCurrentRow(0)
            assert view.service_connect.isEnabled()
            view.service_connect.click()
            [address] = opened
            assert (address.transport, address.target) == ("csms", "PW-0001")  # type: ignore[attr-defined]
        view.disconnect_button.click()
        assert disconnects == [True]
    finally:
        await tasks.cancel_all()
