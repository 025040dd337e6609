"""Replaying a pole's stored message log in the Pole view, over a real service.

A virtual pole charges on socket 1 and trips its earth-fault breaker on socket 2 while
connected to the service; the helpdesk then chooses that stretch in the message log's
Replay… dialog and watches it in the Pole view: a banner says it is a replay, stepping and
jumping show the sockets as they were, and no command can be sent.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QDateTime, QSize
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from gui.pole_state import LinkState
from gui.replay.window_dialog import ReplayWindowDialog
from gui.views.main_window import MainWindow, Page
from gui.views.pole_view import PoleView
from pole_link.errors import NotAuthorised
from pole_link.replay import ReplayPlayer, ReplayWindow, replay_messages
from pole_link.service_api import MessageRecord, ServiceClient
from pole_link.sim.vehicles import EvType
from pole_link.transports import PoleAddress
from pole_link.transports.csms import ServiceEndpoint
from tests.conftest import ServedPole
from tests.gui.qt_support import shown
from tests.gui.test_small_screen import SCREENS, cut_labels, rect_in
from tests.pole_link.replay.fault_history import POLE, at, lead_in, window
from tests.support import Api, ConnectedPole, connected_pole, until

T0 = datetime(2026, 11, 25, 17, tzinfo=UTC)
OUTPUT = Path(__file__).resolve().parents[2] / "test-output"


def is_status(record: MessageRecord, connector: int, status: str) -> bool:
    payload = record.payload if isinstance(record.payload, str) else ""
    return (record.action == "StatusNotification" and record.direction == "in"
            and f'"connectorId":{connector}' in payload.replace(" ", "")
            and f'"status":"{status}"' in payload.replace(" ", ""))


async def charge_then_fault(connected: ConnectedPole) -> None:
    """A charge on socket 1, then a GroundFailure on socket 2, all stored by the service."""
    pole = connected.pole
    pole.plug(1, EvType.EV3)
    pole.present_card(1, "CARD-1")
    await until(lambda: pole.socket(1).transaction is not None
                and pole.socket(1).transaction.csms_id is not None)
    pole.scheduler.advance(1800)  # the car charges: periodic meter values
    pole.fault(2, "rcd")
    await until(lambda: len(connected.outbox) == 0)


async def test_the_pole_view_replays_a_stored_fault_read_only(
        view: PoleView, api: Api, tmp_path: Path) -> None:
    endpoint = ServiceEndpoint(api.url, api.token)
    async with connected_pole(api.service.ocpp_url, tmp_path, start=T0) as connected:
        # The helpdesk watches the live pole through the service, as from the Fleet.
        view.choose_pole("PW-0001", endpoint)
        view.controller.connect_to(PoleAddress("csms", "PW-0001", "PW-0001", "PW-0001"),
                                   service=endpoint)
        await shown(lambda: view.controller.state is LinkState.CONNECTED, timeout=30)
        await charge_then_fault(connected)
        async with ServiceClient(endpoint) as client:  # stored before acknowledged
            records = await client.messages("PW-0001", limit=5000)
        await replay_the_fault(view, records)

        # End replay: back to the live pole through the service, nothing of the past kept.
        view.replay_bar.end_button.click()
        assert not view.replay_bar.isVisible() and not view.replaying
        await shown(lambda: view.controller.state is LinkState.CONNECTED
                    and view.controller.address is not None
                    and view.controller.address.transport == "csms", timeout=30)
        await shown(lambda: view.start_button.isEnabled())
        assert "Replay" not in view.access_label.text()
        assert view.commission_button.isEnabled()
        # Leave no service for the view's half-minute status refresh to ask after the test.
        view.controller.close_pole()
        view.choose_pole("PW-0001", None)


async def replay_the_fault(view: PoleView, records: list[MessageRecord]) -> None:
    preparing = next(r for r in reversed(records) if is_status(r, 1, "Preparing"))
    assert preparing.time is not None and records[0].time is not None
    assert view.message_log.replay_button.isVisibleTo(view.message_log)

    # Message log › Replay…: the window from the plug-in to just after the last message.
    view.message_log.choose_replay_window()
    dialog = view.message_log.findChild(ReplayWindowDialog)
    assert dialog is not None
    dialog.start.setDateTime(QDateTime.fromSecsSinceEpoch(int(preparing.time.timestamp())))
    dialog.end.setDateTime(QDateTime.fromSecsSinceEpoch(
        int((records[0].time + timedelta(minutes=1)).timestamp())))
    dialog.accept()

    bar = view.replay_bar
    await shown(lambda: view.controller.state is LinkState.CONNECTED and bar.isVisible()
                and view.controller.address is not None
                and view.controller.address.transport == "replay", timeout=30)
    player = bar.player
    assert player is not None and player.pole_id == "PW-0001" and not player.playing
    banner = bar.banner.text()
    assert "REPLAY of PW-0001's message log" in banner and "replay clock" in banner
    assert "nothing is sent to the pole" in banner
    # Paused at the window start: the sockets as the log left them by then.
    await shown(lambda: view.cards[1].values["status"].text() == "Available")

    # Writes: every command greyed out, with the reason, and refused if sent anyway.
    await shown(lambda: not view.start_button.isEnabled())
    assert "Replay of PW-0001" in view.access_label.text()
    assert not view.access_label.isVisible()  # the banner says it, in one line less
    for widget in (view.start_button, view.stop_button, view.unlock_button,
                   view.reset_button, view.clear_fault_button, view.led_slider):
        assert not widget.isEnabled()
        assert "nothing is sent to the real pole" in widget.toolTip()
    assert not view.commission_button.isEnabled()
    failures: list[object] = []
    view.controller.command_failed.connect(lambda what, error: failures.append(error))
    view.controller.remote_start(1, "CARD-1")
    await shown(lambda: bool(failures))
    assert isinstance(failures[0], NotAuthorised)

    # Step onto the plug-in (the log is in whole seconds here, so the window's first
    # second may also hold what came just before): the message before it, then one step.
    plug_in = next(m for m in player.messages if m.is_call and m.action == "StatusNotification"
                   and m.payload.get("status") == "Preparing")
    if plug_in.index:
        bar.jump(plug_in.index - 1)
    bar.step_button.click()
    assert player.last_message is plug_in and not player.playing
    await shown(lambda: view.cards[0].values["status"].text() == "Preparing")
    assert f"Message {plug_in.index + 1} of {len(player.messages)}" in bar.last_message.text()

    # Jump to the earth fault: socket 2 faulted, its cause in words, socket 1 charging.
    fault = next(m for m in player.messages if m.is_call and m.action == "StatusNotification"
                 and m.payload.get("status") == "Faulted")
    bar.jump_to.setCurrentIndex(fault.index)
    bar.jump_to.activated.emit(fault.index)
    assert player.position == fault.index + 1 and player.clock == fault.time
    await shown(lambda: view.cards[1].values["status"].text() == "Faulted")
    assert view.cards[0].values["status"].text() == "Charging"
    await shown(lambda: "earth" in view.status_panel.text().lower())
    assert failures == [failures[0]]  # the view's own questions were answered, not refused

    view.resize(1366, 768)
    OUTPUT.mkdir(exist_ok=True)
    view.grab().save(str(OUTPUT / "pole_view_replay.png"))

    # Play at 600× to the end of the window: the replay stops by itself.
    bar.speed.setCurrentIndex(3)
    bar.play_button.click()
    assert player.playing and player.speed == 600
    await shown(lambda: player.at_end and not player.playing, timeout=30)
    await shown(lambda: "at the end of the window" in bar.banner.text())


def test_the_window_is_chosen_on_the_poles_clock_and_must_end_after_it_starts(
        qtbot: QtBot) -> None:
    zone = ZoneInfo("Europe/Amsterdam")
    now = datetime(2026, 11, 25, 19, 30, tzinfo=UTC)  # 20:30 at the pole
    dialog = ReplayWindowDialog("PW-0007", now, zone)
    qtbot.addWidget(dialog)
    assert dialog.start.text() == "25-11-2026 17:30" and dialog.end.text() == "25-11-2026 20:30"
    window = dialog.chosen()
    assert window.pole_id == "PW-0007" and window.end == now
    assert window.start == now - timedelta(hours=3)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled()
    dialog.end.setDateTime(dialog.start.dateTime().addSecs(-60))
    assert not ok.isEnabled() and "must end after it starts" in dialog.problem.text()


@pytest.mark.parametrize("screen", SCREENS, ids=lambda size: f"{size.width()}x{size.height()}")
async def test_the_replay_banner_fits_the_small_laptop_screen(qtbot: QtBot,
                                                              screen: QSize) -> None:
    """With the banner and its controls on top, the Pole page still fits 1366×768 and the
    1366×700 a taskbar leaves, both socket cards whole."""
    main = MainWindow()
    qtbot.addWidget(main)
    main.show()
    main.show_page(Page.POLE)
    try:
        player = ReplayPlayer(ReplayWindow(POLE, at(17), at(20)), replay_messages(window()),
                              replay_messages(lead_in()))
        main.pole_view.start_replay(player)
        main.resize(screen)
        bar = main.pole_view.replay_bar
        await shown(lambda: bar.isVisible()
                    and main.pole_view.cards[0].values["status"].text() == "Available")
        bar.jump(len(player.messages) - 1)
        await shown(lambda: main.pole_view.cards[1].values["status"].text() == "Faulted")
        main.grab().save(str(OUTPUT / f"replay_small_screen_{screen.height()}.png"))
        assert main.size() == screen, "the layout needs more than the screen: Qt enlarged it"
        assert main.rect().contains(rect_in(bar, main))
        for card in main.pole_view.cards:
            assert main.rect().contains(rect_in(card, main))
            assert cut_labels(card) == [], card.objectName()
    finally:
        await main.shutdown()


async def test_opening_another_pole_during_a_replay_removes_the_banner(
        view: PoleView, served_pole: ServedPole) -> None:
    """The Fleet or the Connect page opens a live pole while a replay is shown: the banner
    goes with the replay, and the live pole's commands work again."""
    player = ReplayPlayer(ReplayWindow(POLE, at(17), at(20)), replay_messages(window()),
                          replay_messages(lead_in()))
    view.start_replay(player)
    await shown(lambda: view.controller.state is LinkState.CONNECTED and view.replaying)
    await shown(lambda: not view.start_button.isEnabled())
    view.controller.connect_to(PoleAddress("serial", served_pole.path, served_pole.path))
    assert not view.replaying and not view.replay_bar.isVisible()
    await shown(lambda: view.controller.state is LinkState.CONNECTED
                and view.title.text() == "PW-0001")
    await shown(lambda: view.start_button.isEnabled())
    assert view.commission_button.isEnabled()


async def test_a_long_replay_reads_its_further_pages_while_it_plays(
        qtbot: QtBot, api: Api) -> None:
    """A window of a busy pole holds more than one page of the API: the banner says how
    much is read so far, the rest arrives while it plays, the Jump to list grows with it,
    and the replay plays to the window's end."""
    from tests.pole_link.replay.test_replay_pages import COUNT

    async with replaying_a_busy_evening(qtbot, api) as main:
        bar = main.pole_view.replay_bar
        assert bar.player is not None
        player = bar.player
        if not player.complete:
            assert bar.last_message.text().endswith("read so far")
        save_shot(main, "replay-long-window-1366x768.png")
        player.set_speed(600)
        player.play()
        await shown(lambda: player.at_end, timeout=120)
        assert player.complete and player.position == COUNT
        await shown(lambda: bar.jump_to.count() == COUNT, timeout=30)
        bar.jump(COUNT - 2)
        assert player.messages[COUNT - 2].unique_id == f"m{COUNT - 2}"
        assert bar.last_message.text() == f"Message {COUNT - 1} of {COUNT}"


def save_shot(main: MainWindow, name: str) -> None:
    """A screenshot to look at (not compared: the assertions are above)."""
    OUTPUT.mkdir(exist_ok=True)
    main.grab().save(str(OUTPUT / name))


@asynccontextmanager
async def replaying_a_busy_evening(qtbot: QtBot, api: Api) -> AsyncIterator[MainWindow]:
    """The window at 1366×768 replaying a window of a busy pole longer than one page of
    the API, once its first page is read."""
    from pole_link.replay.load import PAGE
    from tests.pole_link.replay.test_replay_pages import WINDOW, busy_evening

    busy_evening(api)
    main = MainWindow()
    qtbot.addWidget(main)
    main.resize(1366, 768)
    main.show()
    main.show_page(Page.POLE)
    try:
        main.pole_view.service = ServiceEndpoint(api.url, api.token)
        main.pole_view.replay(WINDOW)
        bar = main.pole_view.replay_bar
        await shown(lambda: bar.isVisible() and bar.jump_to.count() >= PAGE, timeout=30)
        yield main
    finally:
        await main.shutdown()


async def test_a_replay_whose_next_page_fails_says_why_and_carries_on_when_it_reads(
        qtbot: QtBot, api: Api) -> None:
    """The service's message log goes out of reach while a long replay plays: the Pole
    view says why in words and that it retries, and once the log is back the replay reads
    on from where it stopped, every message once."""
    from pole_link.replay.load import PAGE
    from tests.pole_link.replay.test_replay_pages import (
        COUNT,
        message_log_away,
    )

    async with replaying_a_busy_evening(qtbot, api) as main:
        bar = main.pole_view.replay_bar
        assert bar.player is not None and not bar.player.complete
        player = bar.player
        message_log_away(api, True)
        bar.jump(PAGE - 1)  # at the last message read: the next page is needed now
        await shown(lambda: bar.trouble.isVisible(), timeout=30)
        assert bar.trouble.text().startswith(
            "Could not read more of the message log: the service answered with error 5")
        assert "Retrying in 1 s…" in bar.trouble.text()
        save_shot(main, "replay-page-fails-en-1366x768.png")
        message_log_away(api, False)
        await shown(lambda: player.complete and not bar.trouble.isVisible(), timeout=60)
        assert [m.unique_id for m in player.messages] == [f"m{n}" for n in range(COUNT)]
        await shown(lambda: bar.jump_to.count() == COUNT, timeout=30)
