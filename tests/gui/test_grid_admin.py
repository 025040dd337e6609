"""Admins manage grid operators and grid groups on the Grid groups page (issue 22, eis 63):
a capacity provider added (its initial token shown once) and a pole moved to another grid
group, against the real service; the state object also without widgets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from gui.grid.admin import (
    GridAdmin,
    GroupQuestion,
    checked_assignment,
    checked_name,
    question,
)
from gui.i18n import switch_language
from gui.views.main_window import MainWindow, Page
from pole_link.service_api import ServiceEndpoint
from pole_link.service_oscp import CapacityProviderRecord, NewCapacityProvider
from tests.gui.qt_support import shown
from tests.support import running_service

OUTPUT = Path(__file__).resolve().parents[2] / "test-output"


class Asker:
    """Stands in for the dialog: keeps what it was offered, answers ``reply``."""

    def __init__(self, reply: tuple[str, str] | None) -> None:
        self.reply = reply
        self.asked: list[GroupQuestion] = []

    def __call__(self, asked: GroupQuestion) -> tuple[str, str] | None:
        self.asked.append(asked)
        return self.reply


@pytest.fixture
def english(qapp: QApplication) -> Iterator[None]:
    switch_language("en")
    yield
    switch_language("en")


def test_eis63_admin_state_shows_the_token_once_and_checks_group_names() -> None:
    admin = GridAdmin()
    seen: list[int] = []
    admin.subscribe(lambda: seen.append(1))
    asked = question(["PW-0001", "PW-0003"], {"PW-0001": "cable-7", "PW-0002": "cable-7"},
                     None)
    assert asked.poles == ["PW-0001", "PW-0002", "PW-0003"] and asked.groups == ["cable-7"]
    assert asked.current("PW-0001") == "cable-7" and asked.current("PW-0003") == ""
    assert checked_assignment(asked, "", "cable-7")[1].problem is not None  # no pole chosen
    assert checked_assignment(asked, " PW-0003 ", " feeder-2 ") == (
        "PW-0003", checked_name("feeder-2", empty_allowed=False))  # a pole in no group yet
    assert checked_assignment(asked, "PW-0001", "")[1].value is None  # out of its group
    problem = checked_assignment(asked, "PW-0001", "kabel 7!")[1].problem
    assert problem is not None and "'kabel 7!' cannot be used" in problem.text()
    unknown = checked_assignment(asked, "PW-9999", "cable-7")[1].problem
    assert unknown is not None and "'PW-9999' is not a pole of this service" in unknown.text()
    admin.select("PW-0001")
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
            assert view.group_button.isEnabled()  # any pole: none need be selected
            view.ask_provider = lambda: ("enexis", "Enexis Netbeheer")
            view.add_button.click()
            await shown(lambda: view.token.isVisible())
            added = view.admin.added
            assert added is not None and added.token in view.token.text()
            assert "enexis" in api.service.services.oscp.partners.by_id
            view.table.selectRow(1)
            OUTPUT.mkdir(exist_ok=True)
            assert window.grab().save(str(OUTPUT / "grid_groups_admin_1366x768.png"))
            asker = view.ask_group = Asker(("PW-0002", "feeder-2"))
            view.group_button.click()
            await shown(lambda: "PW-0002 is now in grid group feeder-2" in view.status.text())
            assert asker.asked[-1].pole == "PW-0002"  # the selected pole is proposed
            assert api.service.services.oscp.groups.poles("feeder-2") == ["PW-0002"]
            asker.reply = ("PW-0001", "bad name!")
            await shown(lambda: view.group_button.isEnabled())
            view.group_button.click()
            await shown(lambda: "cannot be used" in view.status.text())  # before sending
            assert api.service.services.oscp.groups.of_pole["PW-0001"] == "cable-7"
    finally:
        await window.shutdown()


async def test_eis63_an_admin_puts_a_pole_in_no_group_yet_into_a_new_or_existing_group(
        qtbot: QtBot, tmp_path: Path, english: None) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    try:
        async with running_service(tmp_path) as api:
            oscp = api.service.services.oscp
            for pole_id in ("PW-0001", "PW-0007", "PW-0008"):
                api.service.repository.upsert_pole(pole_id)
            await oscp.set_group("PW-0001", "cable-7")
            window.connect_view.service_chosen.emit(ServiceEndpoint(api.url, api.token))
            window.show_page(Page.GRID)
            view = window.grid_view
            # No pole selected: the button works all the same.
            await shown(lambda: view.group_button.isEnabled() and view.table.rowCount() == 1)
            asker = view.ask_group = Asker(("PW-0007", "cable-9"))
            view.group_button.click()
            await shown(lambda: "PW-0007 is now in grid group cable-9" in view.status.text())
            # Every pole of the service was offered, with the groups that exist.
            asked = asker.asked[0]
            assert asked.poles == ["PW-0001", "PW-0007", "PW-0008"]
            assert asked.groups == ["cable-7"] and asked.pole is None
            assert oscp.groups.poles("cable-9") == ["PW-0007"]
            asker.reply = ("PW-0008", "cable-7")
            await shown(lambda: view.group_button.isEnabled())
            view.group_button.click()
            await shown(lambda: "PW-0008 is now in grid group cable-7" in view.status.text())
            assert oscp.groups.poles("cable-7") == ["PW-0001", "PW-0008"]
            await shown(lambda: sorted(view.model.groups) == ["cable-7", "cable-9"])
    finally:
        await window.shutdown()
