"""Admins manage grid operators and grid groups on the Grid groups page (issue 22, eis 63):
a capacity provider added (its initial token shown once) and a pole moved to another grid
group, against the real service; the state object also without widgets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from gui.grid.admin import GridAdmin, checked_name
from gui.i18n import switch_language
from gui.views.main_window import MainWindow, Page
from pole_link.service_api import ServiceEndpoint
from pole_link.service_oscp import CapacityProviderRecord, NewCapacityProvider
from tests.gui.qt_support import shown
from tests.support import running_service

OUTPUT = Path(__file__).resolve().parents[2] / "test-output"


@pytest.fixture
def english(qapp: QApplication) -> Iterator[None]:
    switch_language("en")
    yield
    switch_language("en")


def test_eis63_admin_state_shows_the_token_once_and_checks_group_names() -> None:
    admin = GridAdmin()
    seen: list[int] = []
    admin.subscribe(lambda: seen.append(1))
    assert admin.group_for_selected("cable-7")[1].problem is not None  # no pole chosen
    admin.select("PW-0001")
    assert admin.group_for_selected(" feeder-2 ") == ("PW-0001", checked_name("feeder-2",
                                                                              empty_allowed=False))
    assert admin.group_for_selected("")[1].value is None  # out of its group
    problem = admin.group_for_selected("kabel 7!")[1].problem
    assert problem is not None and "'kabel 7!' cannot be used" in problem.text()
    admin.provider_added(NewCapacityProvider(CapacityProviderRecord("enexis", "Enexis", "new"),
                                             "initial-token-xyz", "http://csms/register"))
    token = admin.token_text()
    assert token is not None and "initial-token-xyz" in token.text()
    assert "http://csms/register" in token.text() and "Enexis" in token.text()
    admin.forget()  # another service: the token is gone for good
    assert admin.token_text() is None and admin.selected is None and len(seen) == 3


async def test_eis63_an_admin_adds_a_grid_operator_and_moves_a_pole_to_another_group(
        qtbot: QtBot, tmp_path: Path, english: None) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    try:
        async with running_service(tmp_path) as api:
            for pole_id in ("PW-0001", "PW-0002"):
                api.service.repository.upsert_pole(pole_id)
                await api.service.services.oscp.set_group(pole_id, "cable-7")
            window.connect_view.service_chosen.emit(ServiceEndpoint(api.url, api.token))
            window.show_page(Page.GRID)
            view = window.grid_view
            await shown(lambda: view.add_button.isEnabled() and view.table.rowCount() == 2)
            assert not view.group_button.isEnabled()  # no pole selected yet
            view.ask_provider = lambda: ("enexis", "Enexis Netbeheer")
            view.add_button.click()
            await shown(lambda: view.token.isVisible())
            added = view.admin.added
            assert added is not None and added.token in view.token.text()
            assert "enexis" in api.service.services.oscp.partners.by_id
            view.table.selectRow(1)
            await shown(lambda: view.group_button.isEnabled())
            OUTPUT.mkdir(exist_ok=True)
            assert window.grab().save(str(OUTPUT / "grid_groups_admin_1366x768.png"))
            view.ask_group = lambda pole: "feeder-2" if pole == "PW-0002" else None
            view.group_button.click()
            await shown(lambda: "PW-0002 is now in grid group feeder-2" in view.status.text())
            assert api.service.services.oscp.groups.poles("feeder-2") == ["PW-0002"]
            view.ask_group = lambda _pole: "bad name!"
            view.table.selectRow(0)
            await shown(lambda: view.group_button.isEnabled())
            view.group_button.click()
            assert "cannot be used" in view.status.text()  # said before anything is sent
    finally:
        await window.shutdown()
