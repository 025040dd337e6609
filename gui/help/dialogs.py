"""The Help menu and its two dialogs: Keyboard shortcuts and About Paalwerk.

Both dialogs are built when opened, from what the window and the installed packages are
then, and open window-modal without a nested event loop (the app's asyncio loop keeps
running: live samples still arrive behind them). They are sized for the field laptop:
never more than 90 % of the screen they open on, their tables scrolling inside.
"""

from __future__ import annotations

import platform
from collections.abc import Sequence

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QCoreApplication, QSize, Qt, qVersion
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QMainWindow,
    QMenu,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.help.licences import (
    APP_DISTRIBUTION,
    Library,
    app_version,
    bundled_libraries,
    installed_distributions,
    licence_name,
)
from gui.help.shortcuts import Shortcut, window_shortcuts
from gui.icons import app_icon

ICON_PX = 64
"""The app icon beside the About dialog's heading."""
SCREEN_SHARE = 0.9
"""A dialog takes at most this share of its screen's free width and height."""


def fit_to_screen(dialog: QDialog, preferred: QSize) -> None:
    """Resize to `preferred`, or less on a small screen (the tables scroll)."""
    screen = dialog.screen().availableGeometry().size()
    bound = QSize(int(screen.width() * SCREEN_SHARE), int(screen.height() * SCREEN_SHARE))
    dialog.resize(preferred.boundedTo(bound))


def _table(headings: Sequence[str], rows: Sequence[Sequence[str]],
           stretch: int) -> QTableWidget:
    """A read-only table whose cells show their whole text as a tooltip too; the column
    `stretch` takes the width the others, sized to their contents, leave."""
    table = QTableWidget(len(rows), len(headings))
    table.setHorizontalHeaderLabels(list(headings))
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setWordWrap(False)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    for row, cells in enumerate(rows):
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            table.setItem(row, column, item)
    header = table.horizontalHeader()
    for column in range(len(headings)):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch if column == stretch
                                    else QHeaderView.ResizeMode.ResizeToContents)
    return table


def _close_buttons(dialog: QDialog) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    return buttons


class ShortcutsDialog(QDialog):
    """The shortcuts it is given, with what each does and in which view."""

    def __init__(self, shortcuts: Sequence[Shortcut], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.table = _table([self.tr("Keys"), self.tr("What it does"), self.tr("Where")],
                            [(s.keys, s.what, s.where) for s in shortcuts], stretch=1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(_close_buttons(self))
        fit_to_screen(self, QSize(720, 520))


class AboutDialog(QDialog):
    """The app's version and licence, and every bundled library's version and licence."""

    def __init__(self, version: str | None, licence: str | None,
                 libraries: Sequence[Library], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("About Paalwerk"))
        self.heading = QLabel(self.tr("Paalwerk %1").replace(
            "%1", version or self.tr("(version unknown: not installed)")))
        self.heading.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.icon = QLabel()
        self.icon.setPixmap(app_icon().pixmap(ICON_PX, ICON_PX))
        title = QHBoxLayout()
        title.addWidget(self.icon)
        title.addWidget(self.heading, 1)
        about = QLabel(self.tr("For the technicians of public EV charging poles: "
                               "commissioning, diagnosis and back office (OCPP 1.6J)."))
        about.setWordWrap(True)
        facts = [self.tr("Licence: %1").replace("%1", licence)] if licence else []
        facts.append(self.tr("Python %1, Qt %2, PySide6 %3").replace(
            "%1", platform.python_version()).replace("%2", qVersion()).replace(
            "%3", pyside_version))
        self.facts = QLabel("\n".join(facts))
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        intro = QLabel(self.tr("Paalwerk ships with these libraries, each under its own "
                               "licence:"))
        intro.setWordWrap(True)
        unknown = self.tr("see package")
        self.table = _table([self.tr("Library"), self.tr("Version"), self.tr("Licence")],
                            [(library.name, library.version, library.licence or unknown)
                             for library in libraries], stretch=2)
        layout = QVBoxLayout(self)
        layout.addLayout(title)
        for widget in (about, self.facts, intro):
            layout.addWidget(widget)
        layout.addWidget(self.table, 1)
        layout.addWidget(_close_buttons(self))
        fit_to_screen(self, QSize(680, 620))


def _open(dialog: QDialog) -> None:
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()


def open_shortcuts(window: QMainWindow, pages: QStackedWidget, nav: QListWidget) -> None:
    views = [(view, nav.item(index).text()) for index in range(pages.count())
             if (view := pages.widget(index)) is not None]
    _open(ShortcutsDialog(window_shortcuts(window, views), window))


def open_about(window: QMainWindow) -> None:
    installed = installed_distributions()
    own = installed.get(APP_DISTRIBUTION)
    licence = licence_name(own.metadata) if own is not None else None
    _open(AboutDialog(app_version(), licence, bundled_libraries(installed=installed), window))


def add_help_menu(window: QMainWindow, pages: QStackedWidget, nav: QListWidget) -> QMenu:
    """Help → Keyboard shortcuts (F1) and About Paalwerk, on the window's menu bar.

    `pages` and `nav` name the views: page *i* of `pages` is called as item *i* of `nav`.
    """
    menu = window.menuBar().addMenu(QCoreApplication.translate("HelpMenu", "&Help"))
    shortcuts = QAction(QCoreApplication.translate("HelpMenu", "&Keyboard shortcuts"), window)
    shortcuts.setShortcut(QKeySequence.StandardKey.HelpContents)
    shortcuts.triggered.connect(lambda: open_shortcuts(window, pages, nav))
    about = QAction(QCoreApplication.translate("HelpMenu", "&About Paalwerk"), window)
    about.setMenuRole(QAction.MenuRole.AboutRole)
    about.triggered.connect(lambda: open_about(window))
    menu.addAction(shortcuts)
    menu.addAction(about)
    return menu
