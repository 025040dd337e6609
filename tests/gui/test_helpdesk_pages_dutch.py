"""The helpdesk's new pages in Dutch on the field laptop (1366×768): the Outages board,
the tender's Reports and the Roaming partners, over a real service — Dutch words in the
navigation and on the page, nothing cut off, and a screenshot of each for a person to look
at (``test-output/*_nl_1366x768.png``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from gui.i18n import switch_language
from gui.views.main_window import MainWindow, Page
from pole_link.service_api import ServiceEndpoint
from tests.gui.qt_support import shown
from tests.gui.test_outages_view import seed
from tests.service.cards_support import T0, cards_service

OUTPUT = Path(__file__).resolve().parents[2] / "test-output"


@pytest.fixture
def dutch(qapp: QApplication) -> Iterator[None]:
    assert switch_language("nl")
    yield
    switch_language("en")


def fits(window: MainWindow, page: QWidget) -> None:
    """Nothing of the page is cut off: it needs no more room than the window gives it."""
    needed = page.minimumSizeHint()
    room = window.pages.size()
    assert needed.width() <= room.width() and needed.height() <= room.height(), (
        f"{type(page).__name__} needs {needed.width()}×{needed.height()}, "
        f"has {room.width()}×{room.height()}")


async def test_eis48_the_helpdesk_pages_in_dutch_on_the_field_laptop(
        qtbot: QtBot, tmp_path: Path, dutch: None) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.reports_view.use_clock(lambda: T0)
    OUTPUT.mkdir(exist_ok=True)
    try:
        async with cards_service(tmp_path, "sqlite") as cards:
            api = cards.api
            seed(api.service.repository)
            for i in range(1, 5):
                await api.client.put(f"/api/v1/poles/PW-000{i}/location", json={
                    "address": f"Kerkstraat {i}", "postcode": "7411 AB", "city": "Deventer",
                    "grid_operator": "Enexis", "area_code": "ZW-12"})
            window.connect_view.service_chosen.emit(ServiceEndpoint(api.url, api.token))

            window.show_page(Page.OUTAGES)
            assert [window.nav.item(page).text() for page in (
                Page.OUTAGES, Page.REPORTS, Page.ROAMING)] == [
                "Storingen", "Rapportages", "Roamingpartners"]
            board = window.outages_view
            await shown(lambda: board.tree.topLevelItemCount() == 1)
            group = board.tree.topLevelItem(0).text(0)
            assert group.startswith("Stroomstoring") or "net" in group.lower(), group
            fits(window, board)
            assert window.grab().save(str(OUTPUT / "outages_nl_1366x768.png"))

            window.show_page(Page.REPORTS)
            reports = window.reports_view
            reports.year.setCurrentIndex(reports.year.findData(T0.year))
            reports.load()
            await shown(lambda: reports.model.rowCount() == 4 and not reports.busy)
            fits(window, reports)
            assert window.grab().save(str(OUTPUT / "reports_nl_1366x768.png"))

            window.show_page(Page.ROAMING)
            roaming = window.roaming_view
            await shown(lambda: roaming.invite_button.isEnabled())
            fits(window, roaming)
            assert window.grab().save(str(OUTPUT / "roaming_nl_1366x768.png"))
    finally:
        await window.shutdown()
