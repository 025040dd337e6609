"""The Outages page on the common field laptop (1366×768): every column header of the board
is whole — "Uptime this year (eis 48)" and its longer Dutch "Beschikbaarheid dit jaar
(eis 48)" were cut — and so are the uptime and socket cells, with a board of real-looking
entries, in English and in Dutch."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from gui.views.main_window import MainWindow, Page
from pole_link.service_outages import EvidenceRecord, OutageBoard, OutageRecord
from tests.gui.test_small_screen import language  # noqa: F401 (the en/nl fixture)
from tests.service.cards_support import T0

OUTPUT = Path(__file__).resolve().parents[2] / "test-output"


def board() -> OutageBoard:
    evidence = (EvidenceRecord("5 poles in area Enexis/ZW-12 lost their connection.",
                               {"poles": 5}),)
    return OutageBoard(T0, (
        OutageRecord("PW-0004", "grid", T0 - timedelta(hours=3), (1, 2), evidence,
                     "Call the grid operator.", "Enexis/ZW-12",
                     "Kerkstraat 1, 7411 AB Deventer", 99.52, 150.0),
        OutageRecord("PW-0010", "hardware", T0 - timedelta(hours=30), (2,), evidence,
                     "Send a technician.", "Liander/AR-3",
                     "Burgemeester van Roijensingel 12, 8011 CZ Zwolle", 97.5, -20.0)))


@pytest.fixture
async def outages(qtbot: QtBot, language: str) -> AsyncIterator[MainWindow]:  # noqa: F811
    main = MainWindow()
    qtbot.addWidget(main)
    main.resize(1366, 768)
    main.show()
    main.show_page(Page.OUTAGES)
    main.outages_view.model.set_board(board())
    yield main
    await main.shutdown()


def save_shot(main: MainWindow, name: str) -> None:
    OUTPUT.mkdir(exist_ok=True)
    main.grab().save(str(OUTPUT / name))


async def test_every_board_header_is_whole_at_1366x768(outages: MainWindow,
                                                       language: str) -> None:  # noqa: F811
    save_shot(outages, f"outages-{language}-1366x768.png")
    header = outages.outages_view.tree.header()
    cut = [(header.model().headerData(column, header.orientation()),
            header.sectionSize(column), header.sectionSizeHint(column))
           for column in range(header.count())
           if header.sectionSize(column) < header.sectionSizeHint(column)]
    assert cut == [], "headers narrower than their text"
    tree = outages.outages_view.tree
    narrow = [column for column in (0, 2, 3, 4)  # the address may elide (its tooltip)
              if header.sectionSize(column) < tree.sizeHintForColumn(column)]
    assert narrow == [], "cells cut: the uptime, the sockets"
    assert header.sectionSize(5) >= 200, "Next step keeps room to be read"
