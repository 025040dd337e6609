"""The Roaming partners screen (issue 21, eis 61): an admin invites an eMSP (its token A
shown once), the eMSP registers, and the admin suspends and resumes it — against the real
service and the stand-in eMSP; the state object is also tested without widgets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from gui.i18n import switch_language
from gui.roaming.partners import PartnerBook
from gui.views.main_window import MainWindow, Page
from pole_link.service_api import ServiceEndpoint
from pole_link.service_ocpi import PartnerInvitation, PartnerRecord
from tests.gui.qt_support import shown
from tests.service.ocpi_emsp import running_emsp
from tests.support import running_service

OUTPUT = Path(__file__).resolve().parents[2] / "test-output"


@pytest.fixture
def english(qapp: QApplication) -> Iterator[None]:
    switch_language("en")
    yield
    switch_language("en")


def test_the_book_says_in_words_what_each_partner_is_and_what_may_be_done() -> None:
    book = PartnerBook()
    book.show([PartnerRecord(1, "Stand-in eMSP", "registered", "DE", "EMS", ("EMSP",),
                             ("cdrs", "locations")),
               PartnerRecord(2, "Typo", "failed", last_error="GET …: HTTP 401")])
    first, second = book.rows()
    assert (first.party, first.roles, first.status.text(), first.attention) == (  # type: ignore[union-attr]
        "DE-EMS", "EMSP", "connected", False)
    assert (second.status.text(), second.problem, second.attention) == (  # type: ignore[union-attr]
        "not connected", "GET …: HTTP 401", True)
    book.select(0)
    assert book.can_suspend() and not book.can_resume()
    book.invited(PartnerInvitation(PartnerRecord(3, "New", "invited"), "TOKEN-A",
                                   "http://csms/ocpi/versions"))
    text = book.invitation_text()
    assert text is not None and "TOKEN-A" in text.text()
    book.show([])
    assert book.chosen is None


async def test_eis61_an_admin_invites_an_emsp_and_suspends_it_on_the_roaming_screen(
        qtbot: QtBot, tmp_path: Path, english: None) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    try:
        async with running_service(tmp_path) as api, running_emsp() as emsp:
            window.connect_view.service_chosen.emit(ServiceEndpoint(api.url, api.token))
            window.show_page(Page.ROAMING)
            view = window.roaming_view
            await shown(lambda: view.invite_button.isEnabled())
            view.ask_name = lambda: "Stand-in eMSP"
            view.invite_button.click()
            await shown(lambda: view.invitation.isVisible())
            invitation = view.book.invitation
            assert invitation is not None and invitation.token_a in view.invitation.text()

            await emsp.register_with(invitation.versions_url, invitation.token_a)
            view.refresh_button.click()
            await shown(lambda: view.table.rowCount() == 1
                        and view.table.item(0, 3).text() == "connected")
            assert view.table.item(0, 1).text() == "DE-EMS"
            view.table.selectRow(0)
            await shown(lambda: view.suspend_button.isEnabled())
            OUTPUT.mkdir(exist_ok=True)
            assert window.grab().save(str(OUTPUT / "roaming_partners_1366x768.png"))
            view.suspend_button.click()
            await shown(lambda: view.table.item(0, 3).text() == "suspended")
            assert (await emsp.call("GET", f"{api.url}/ocpi/2.2.1")).status_code == 403
            view.table.selectRow(0)
            await shown(lambda: view.resume_button.isEnabled())
            view.resume_button.click()
            await shown(lambda: view.table.item(0, 3).text() == "connected")
    finally:
        await window.shutdown()
