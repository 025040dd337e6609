"""A socket card's LED swatch blinks when the pole's LED does, and only then.

The swatch is read back as the technician sees it: the colour of its centre pixel.
"""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QStackedWidget, QWidget
from pytestqt.qtbot import QtBot

from gui.views.socket_card import BLINK_HALF_PERIOD_MS, LED_RGB, SocketCard
from pole_link.model.led import LedColour, LedState
from tests.gui.test_small_screen import busy_socket

RED = QColor(LED_RGB[LedColour.RED])
DARK = QColor(LED_RGB[LedColour.OFF])


def swatch(card: SocketCard) -> QColor:
    image = card.led.grab().toImage()
    return image.pixelColor(image.width() // 2, image.height() // 2)


def show_led(card: SocketCard, colour: LedColour, blinking: bool) -> None:
    card.show_sample(busy_socket(card.connector_id, led=LedState(colour, blinking, 100)))


@pytest.fixture
def card(qtbot: QtBot) -> SocketCard:
    socket_card = SocketCard(1)
    qtbot.addWidget(socket_card)
    socket_card.show()
    return socket_card


def test_a_blinking_led_alternates_lit_and_dark_about_once_a_second(
        card: SocketCard, qtbot: QtBot) -> None:
    assert 400 <= BLINK_HALF_PERIOD_MS <= 600
    show_led(card, LedColour.RED, blinking=True)
    assert card.blink_timer.isActive()
    assert swatch(card) == RED
    seen = [swatch(card)]
    for _ in range(3):
        qtbot.waitUntil(lambda: swatch(card) != seen[-1], timeout=2 * BLINK_HALF_PERIOD_MS)
        seen.append(swatch(card))
    assert seen == [RED, DARK, RED, DARK]
    assert card.led_text.text() == "red, blinking"


def test_samples_in_between_do_not_restart_the_blink(card: SocketCard, qtbot: QtBot) -> None:
    show_led(card, LedColour.RED, blinking=True)
    qtbot.waitUntil(lambda: swatch(card) == DARK, timeout=2 * BLINK_HALF_PERIOD_MS)
    show_led(card, LedColour.RED, blinking=True)  # ten samples a second keep coming
    assert swatch(card) == DARK


def test_the_blink_stops_with_a_steady_led_and_lit(card: SocketCard, qtbot: QtBot) -> None:
    show_led(card, LedColour.RED, blinking=True)
    qtbot.waitUntil(lambda: swatch(card) == DARK, timeout=2 * BLINK_HALF_PERIOD_MS)
    show_led(card, LedColour.RED, blinking=False)
    assert not card.blink_timer.isActive()
    assert swatch(card) == RED
    qtbot.wait(2 * BLINK_HALF_PERIOD_MS)
    assert swatch(card) == RED
    assert card.led_text.text() == "red"


def test_a_steady_led_never_starts_the_timer(card: SocketCard) -> None:
    show_led(card, LedColour.GREEN, blinking=False)
    assert not card.blink_timer.isActive()
    assert swatch(card) == QColor(LED_RGB[LedColour.GREEN])


def test_a_hidden_card_does_not_blink_and_resumes_when_shown(card: SocketCard) -> None:
    show_led(card, LedColour.RED, blinking=True)
    card.hide()
    assert not card.blink_timer.isActive()
    show_led(card, LedColour.BLUE, blinking=True)  # samples still arrive while hidden
    assert not card.blink_timer.isActive()
    card.show()
    assert card.blink_timer.isActive()


def test_a_card_on_a_page_out_of_view_does_not_blink(qtbot: QtBot) -> None:
    pages = QStackedWidget()
    qtbot.addWidget(pages)
    card = SocketCard(1)
    pages.addWidget(card)
    pages.addWidget(QWidget())
    pages.show()
    show_led(card, LedColour.RED, blinking=True)
    assert card.blink_timer.isActive()
    pages.setCurrentIndex(1)
    assert not card.blink_timer.isActive()
    pages.setCurrentIndex(0)
    assert card.blink_timer.isActive()
