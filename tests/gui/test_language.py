"""English and Dutch: the Qt translation ships, the views use it, and a window rebuilt in
another language carries on with the same pole."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from gui.fleet.model import Column, FleetModel
from gui.i18n import FOLDER, preferred_language, switch_language
from gui.pole_controller import PoleController
from gui.views.main_window import MainWindow, Page
from gui.views.pole_view import PoleView
from pole_link.transports import PoleAddress
from tests.conftest import ServedPole
from tests.gui.qt_support import shown
from tests.gui.test_fleet_model import records

OUTPUT = Path(__file__).resolve().parents[2] / "test-output"


@pytest.fixture
def dutch(qapp: QApplication) -> Iterator[None]:
    assert switch_language("nl"), "paalwerk_nl.qm ships with the package"
    yield
    switch_language("en")




def test_every_english_string_has_a_dutch_translation() -> None:
    text = (FOLDER / "paalwerk_nl.ts").read_text(encoding="utf-8")
    assert text.count("<message>") > 150
    assert 'type="unfinished"' not in text
    assert (FOLDER / "paalwerk_nl.qm").stat().st_size > 1000


def test_the_pole_view_speaks_dutch(qtbot: QtBot, dutch: None) -> None:
    view = PoleView(PoleController())
    qtbot.addWidget(view)
    assert view.start_button.text() == "Laden starten"
    assert view.tabs.tabText(0) == "Actuele stromen"
    model = FleetModel()
    header = model.headerData(Column.LAST_SEEN, Qt.Orientation.Horizontal)
    assert header == "Laatst gezien"


def test_english_is_back_after_switching(qtbot: QtBot, dutch: None) -> None:
    switch_language("en")
    view = PoleView(PoleController())
    qtbot.addWidget(view)
    assert view.start_button.text() == "Start charging"


async def test_a_window_rebuilt_in_dutch_carries_on_with_the_same_pole(
        qtbot: QtBot, served_pole: ServedPole) -> None:
    english = MainWindow()
    qtbot.addWidget(english)
    chosen: list[str] = []
    english.language_chosen.connect(chosen.append)
    english.open_pole(PoleAddress("serial", served_pole.path, served_pole.path), {})
    await shown(lambda: english.pole_view.state.sample is not None)
    english.change_language("nl")
    assert chosen == ["nl"] and preferred_language() == "nl"

    state = english.handover()
    await english.shutdown(stop_demo=False)
    switch_language("nl")
    try:
        dutch_window = MainWindow()
        qtbot.addWidget(dutch_window)
        dutch_window.take_over(state)
        await shown(lambda: dutch_window.pole_view.state.sample is not None)
        assert dutch_window.pages.currentIndex() == Page.POLE
        assert dutch_window.nav.item(Page.FLEET).text() == "Vloot"
        assert dutch_window.pole_view.cards[0].meaning.text() == "Geen voertuig"
        OUTPUT.mkdir(exist_ok=True)
        dutch_window.grab().save(str(OUTPUT / "pole_view_dutch.png"))
        await dutch_window.shutdown()
    finally:
        switch_language("en")
        english.change_language("en")


def test_the_fleet_says_in_dutch_why_a_pole_needs_attention(dutch: None) -> None:
    now = datetime(2026, 11, 25, 12, tzinfo=UTC)
    model = FleetModel(now=lambda: now)
    model.set_poles(records([{
        "id": "PW-0001", "connected": False,
        "last_seen": (now - timedelta(hours=3)).isoformat(),
        "connectors": [{"connector_id": 1, "status": "Faulted",
                        "error_code": "GroundFailure", "since": now.isoformat()}]}]))
    attention = model.index(0, Column.ATTENTION)
    assert model.data(attention) == ("Laadpunt 1 in storing: aardlekschakelaar aangesproken "
                                     "(GroundFailure) (+1)")
    tooltip = model.data(attention, Qt.ItemDataRole.ToolTipRole)
    assert tooltip == ("Laadpunt 1 in storing: aardlekschakelaar aangesproken (GroundFailure)"
                       "\nAl 3 u offline")
    switch_language("en")
    assert model.data(attention) == ("Socket 1 faulted: earth-fault trip (RCD) (GroundFailure)"
                                     " (+1)")


def test_dutch_fleet_headings_are_not_cut_off(dutch: None, qtbot: QtBot) -> None:
    from gui.fleet.view import FleetView

    view = FleetView(FleetModel())
    qtbot.addWidget(view)
    view.resize(1366, 768)
    header = view.table.horizontalHeader()
    for column in range(header.count() - 1):  # the last one stretches
        assert header.sectionSize(column) >= header.sectionSizeHint(column), column


def test_faults_outages_errors_and_the_profile_summary_speak_dutch(dutch: None) -> None:
    from datetime import UTC, datetime, timedelta

    from PySide6.QtCore import QCoreApplication

    from gui.error_words import explain
    from gui.pole_state import PoleState
    from gui.profiles.editor_model import ProfileEditorModel
    from pole_link.errors import LinkTimeout
    from pole_link.service_api import ConnectionRecord, ConnectorRecord, EndReason, PoleRecord

    translate = QCoreApplication.translate
    now = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)
    state = PoleState()
    state.choose("PW-1")
    state.apply_record(PoleRecord("PW-1", connectors=(
        ConnectorRecord(1, "Faulted", "GroundFailure"),)),
        [ConnectionRecord(now - timedelta(hours=5), now - timedelta(hours=2),
                          EndReason.SILENT)], [])
    assert [r.text(translate) for r in state.faults()] == [
        "aardlekschakelaar aangesproken op Laadpunt 1"]
    lines = [r.text(translate) for r in state.outage(now)]
    assert lines[0].startswith("Offline sinds") and "heartbeats gemist" in lines[1]
    assert state.back_office_reason().text(translate) == "Backoffice: NIET verbonden"
    assert explain(LinkTimeout("x")).sentence.text(translate).startswith(
        "De paal antwoordde niet op tijd")
    summary = ProfileEditorModel().summary(translate)
    assert "per fase" in summary and "netaansluiting" in summary


def test_standard_buttons_speak_dutch_too(qtbot: QtBot, dutch: None) -> None:
    """Qt's own words (a dialog's Close and Cancel) follow the app into Dutch, so a Dutch
    dialog does not end in English buttons."""
    from PySide6.QtWidgets import QDialogButtonBox

    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close
                               | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(buttons)
    close = buttons.button(QDialogButtonBox.StandardButton.Close)
    cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
    assert (close.text().replace("&", ""), cancel.text().replace("&", "")) == \
        ("Sluiten", "Annuleren")
