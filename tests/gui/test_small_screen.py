"""The common field laptop: at 1366×768 (and 1366×700 left by a taskbar) the Pole page
shows both socket cards whole, in English and in Dutch.

A window whose layout needs more than the screen is silently made larger by Qt and
then cut by the screen's edge; so the window must keep the size asked for, and every
label on the cards must have room for its whole text, apart from its neighbours.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from itertools import combinations
from pathlib import Path

import pytest
from ocpp.v16.enums import ChargePointStatus
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from gui.i18n import switch_language
from gui.views.main_window import MainWindow, Page
from gui.views.socket_card import SocketCard
from pole_link.live import LiveSample, SocketLive
from pole_link.model.led import LedColour, LedState
from pole_link.model.mode3 import CPState
from tests.gui.qt_support import shown

OUTPUT = Path(__file__).resolve().parents[2] / "test-output"
SCREENS = (QSize(1366, 768), QSize(1366, 700))


def busy_socket(connector_id: int, **changes: object) -> SocketLive:
    """A socket charging flat out on a long-running meter, with both flags set."""
    fields: dict[str, object] = {
        "connector_id": connector_id, "cp_state": CPState.C2, "pwm_duty_percent": 53.3,
        "offered_current_a": 32.0, "current_a": (31.9, 31.9, 31.9),
        "voltage_v": (231.0, 231.0, 231.0), "energy_wh": 12_345_678.0,
        "status": ChargePointStatus.charging, "transaction_id": 123456, "overruled": True,
        "low_current_vehicle": True, "led": LedState(LedColour.BLUE, False, 100)}
    fields.update(changes)
    return SocketLive(**fields)  # type: ignore[arg-type]


def long_texts_sample() -> LiveSample:
    """Socket 1 charging; socket 2 with the longest texts a card shows (a connected vehicle
    the pole suspends, a transaction the CSMS has not confirmed, a blinking LED)."""
    return LiveSample(datetime(2026, 11, 25, 18, tzinfo=UTC), 35.0, (
        busy_socket(1),
        busy_socket(2, cp_state=CPState.B1, status=ChargePointStatus.suspended_evse,
                    transaction_id=-17, current_a=(0.0, 0.0, 0.0),
                    led=LedState(LedColour.RED, True, 100))))


@pytest.fixture(params=["en", "nl"])
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    code: str = request.param
    assert switch_language(code)
    yield code
    switch_language("en")


@pytest.fixture
async def window(qtbot: QtBot, language: str) -> AsyncIterator[MainWindow]:
    main = MainWindow()
    qtbot.addWidget(main)
    main.show()
    main.show_page(Page.POLE)
    main.controller.sample_received.emit(long_texts_sample())
    yield main
    await main.shutdown()


def rect_in(widget: QWidget, ancestor: QWidget) -> QRect:
    return QRect(widget.mapTo(ancestor, QPoint(0, 0)), widget.size())


def cut_labels(card: SocketCard) -> list[str]:
    """The card's labels that are narrower or lower than their text needs."""
    cut = []
    for label in card.findChildren(QLabel):
        need = label.sizeHint()
        advance = label.fontMetrics().horizontalAdvance(label.text())
        if (label.width() < max(need.width(), advance)
                or label.height() < max(need.height(), label.fontMetrics().height())):
            cut.append(f"{label.text()!r}: {label.size().toTuple()} < {need.toTuple()}")
    return cut


def overlapping_labels(card: SocketCard) -> list[tuple[str, str]]:
    labels = [label for label in card.findChildren(QLabel) if label.isVisible()]
    return [(one.text(), other.text()) for one, other in combinations(labels, 2)
            if rect_in(one, card).intersects(rect_in(other, card))]


@pytest.mark.parametrize("screen", SCREENS, ids=lambda size: f"{size.width()}x{size.height()}")
async def test_the_socket_cards_are_whole_on_a_small_laptop_screen(
        window: MainWindow, language: str, screen: QSize) -> None:
    window.resize(screen)
    cards = window.pole_view.cards
    await shown(lambda: cards[1].values["transaction"].text().startswith("-17"))
    OUTPUT.mkdir(exist_ok=True)
    window.grab().save(str(OUTPUT / f"small_screen_{language}_{screen.height()}.png"))

    assert window.size() == screen, "the layout needs more than the screen: Qt enlarged it"
    assert cards[0].values["current"].text() == "31.9  31.9  31.9 A"
    assert cards[0].values["energy"].text() == "12345.678 kWh"
    assert cards[0].values["transaction"].text() == "123456"
    assert cards[0].values["flags"].text().count(",") == 1, "both flags spelled out"
    for card in cards:
        assert window.rect().contains(rect_in(card, window)), card.objectName()
        inside = card.contentsRect()
        for label in card.findChildren(QLabel):
            assert inside.contains(rect_in(label, card)), label.text()
        assert cut_labels(card) == [], card.objectName()
        assert overlapping_labels(card) == [], card.objectName()
