"""Help → Keyboard shortcuts lists the window's real shortcuts, and Help → About the
app's version and its libraries' licences; both fit the 1366×768 field laptop."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QDialog, QMenu, QTableWidget
from pytestqt.qtbot import QtBot

from gui.help.dialogs import AboutDialog, ShortcutsDialog
from gui.help.licences import Library, app_version
from gui.help.shortcuts import NOT_DESCRIBED, plain
from gui.i18n import switch_language
from gui.views.main_window import MainWindow

OUTPUT = Path(__file__).resolve().parents[2] / "test-output"
SMALL_SCREEN = (1366, 700)
"""What a 1366×768 screen leaves a window under a taskbar."""


@pytest.fixture
async def window(qtbot: QtBot) -> AsyncIterator[MainWindow]:
    main = MainWindow()
    qtbot.addWidget(main)
    main.resize(*SMALL_SCREEN)
    main.show()
    yield main
    await main.shutdown()


@pytest.fixture
def dutch(qapp: QApplication) -> Iterator[None]:
    assert switch_language("nl")
    yield
    switch_language("en")


def open_help(window: MainWindow, item: str, kind: type[QDialog], qtbot: QtBot) -> QDialog:
    """Choose Help → `item` and wait for its dialog."""
    menus = {plain(action.text()): action.menu() for action in window.menuBar().actions()}
    help_menu = menus["Help"]
    assert help_menu is not None
    actions = {plain(action.text()): action for action in help_menu.actions()}
    actions[item].trigger()
    dialog = window.findChild(kind)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def rows(table: QTableWidget) -> list[tuple[str, ...]]:
    return [tuple(table.item(row, column).text() for column in range(table.columnCount()))
            for row in range(table.rowCount())]


def fits_the_small_screen(dialog: QDialog) -> bool:
    return (dialog.width() <= SMALL_SCREEN[0] and dialog.height() <= SMALL_SCREEN[1]
            and dialog.width() >= dialog.minimumSizeHint().width()
            and dialog.height() >= dialog.minimumSizeHint().height())


async def test_the_shortcuts_dialog_lists_the_window_s_own_shortcuts(
        window: MainWindow, qtbot: QtBot) -> None:
    added = QShortcut(QKeySequence("Ctrl+Alt+T"), window.fleet_view)
    added.setWhatsThis("Tidy the fleet")  # a shortcut made now is listed: nothing is copied
    dialog = open_help(window, "Keyboard shortcuts", ShortcutsDialog, qtbot)
    assert isinstance(dialog, ShortcutsDialog)
    listed = rows(dialog.table)
    OUTPUT.mkdir(exist_ok=True)
    dialog.grab().save(str(OUTPUT / "help_shortcuts.png"))

    for keys, view in (("Ctrl+1", "Connect"), ("Ctrl+2", "Fleet"), ("Ctrl+3", "Pole"),
                       ("Ctrl+4", "Capacity profile")):
        assert (keys, f"View → {view}", "anywhere") in listed
    assert ("Ctrl+F", "Search the fleet", "Fleet") in listed
    assert ("Ctrl+D", "Deploy the profile to the pole", "Capacity profile") in listed
    assert ("Ctrl+R", "Verify the pole's own schedule against the profile",
            "Capacity profile") in listed
    assert ("Ctrl+Shift+S", "Start charging on the chosen socket (asks first)",
            "Pole") in listed
    assert ("Ctrl+Shift+X", "Stop the chosen socket's transaction (asks first)",
            "Pole") in listed
    assert ("F1", "Help → Keyboard shortcuts", "anywhere") in listed
    assert ("Ctrl+Alt+T", "Tidy the fleet", "Fleet") in listed
    quit_keys = QKeySequence(QKeySequence.StandardKey.Quit).toString(
        QKeySequence.SequenceFormat.NativeText)
    assert ((quit_keys, "View → Quit", "anywhere") in listed) == bool(quit_keys), \
        "Quit is listed with the platform's keys, where it has any (not on Windows)"
    assert [row for row in listed if row[1] == NOT_DESCRIBED] == [], "every one described"
    assert fits_the_small_screen(dialog)
    dialog.close()


async def test_the_shortcuts_name_the_views_in_the_window_s_language(
        qtbot: QtBot, dutch: None) -> None:
    main = MainWindow()
    qtbot.addWidget(main)
    main.show()
    help_menu = main.menuBar().actions()[-1].menu()
    assert isinstance(help_menu, QMenu)
    help_menu.actions()[0].trigger()  # Keyboard shortcuts, whatever it is called in Dutch
    dialog = main.findChild(ShortcutsDialog)
    assert dialog is not None
    listed = rows(dialog.table)
    assert listed[1][:2] == ("Ctrl+2", "Beeld → Vloot")
    assert any(row[0] == "Ctrl+F" and row[2] == "Vloot" for row in listed)
    dialog.close()
    await main.shutdown()


async def test_about_shows_the_version_and_every_library_s_licence(
        window: MainWindow, qtbot: QtBot) -> None:
    dialog = open_help(window, "About Paalwerk", AboutDialog, qtbot)
    assert isinstance(dialog, AboutDialog)
    OUTPUT.mkdir(exist_ok=True)
    dialog.grab().save(str(OUTPUT / "help_about.png"))
    assert dialog.heading.text() == f"Paalwerk {app_version()}"
    assert "Licence: Proprietary" in dialog.facts.text()
    libraries = {name.lower(): (version, licence) for name, version, licence
                 in rows(dialog.table)}
    assert "LGPL" in libraries["pyside6_essentials"][1]
    assert libraries["pyqtgraph"][1] == "MIT"
    assert fits_the_small_screen(dialog)
    dialog.close()


def test_a_library_without_a_licence_in_its_metadata_says_see_package(qtbot: QtBot) -> None:
    dialog = AboutDialog(None, None, [Library("mystery", "0.1", None)])
    qtbot.addWidget(dialog)
    assert rows(dialog.table) == [("mystery", "0.1", "see package")]
    assert "version unknown" in dialog.heading.text()
