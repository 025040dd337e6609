"""The window's keyboard shortcuts as they are right now, each with what it does.

Read from the live window — the menu bar's actions, then every `QShortcut` a view made
— so the list is never an out-of-date copy of the README. A menu action says what it
does by its own menu path ("View → Fleet"). A `QShortcut` has no text of its own: it is
described by its ``whatsThis`` when its view set one, else by `DESCRIPTIONS`, keyed by
the view and the keys; a shortcut neither describes is still listed, marked so
(a test keeps that from reaching a user).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QMainWindow, QMenu, QWidget


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - lupdate finds this name
    """Marks ``text`` for translation in ``context`` (typed ``str``, unlike Qt's own)."""
    return text


_CONTEXT = "Shortcuts"
ANYWHERE = QT_TRANSLATE_NOOP("Shortcuts", "anywhere")
NOT_DESCRIBED = QT_TRANSLATE_NOOP("Shortcuts", "(not described)")
MENU_PATH_SEPARATOR = " → "

DESCRIPTIONS: dict[tuple[str, str], str] = {
    ("FleetView", "Ctrl+F"): QT_TRANSLATE_NOOP("Shortcuts", "Search the fleet"),
    ("PoleView", "Ctrl+Shift+S"):
        QT_TRANSLATE_NOOP("Shortcuts", "Start charging on the chosen socket (asks first)"),
    ("PoleView", "Ctrl+Shift+X"):
        QT_TRANSLATE_NOOP("Shortcuts", "Stop the chosen socket's transaction (asks first)"),
    ("ProfileView", "Ctrl+D"): QT_TRANSLATE_NOOP("Shortcuts", "Deploy the profile to the pole"),
    ("ProfileView", "Ctrl+R"):
        QT_TRANSLATE_NOOP("Shortcuts", "Verify the pole's own schedule against the profile"),
    ("ProfileView", "Esc"): QT_TRANSLATE_NOOP("Shortcuts", "Cancel a running deploy or verify"),
    ("ProfileView", "Ctrl+N"): QT_TRANSLATE_NOOP("Shortcuts", "Add a period"),
    ("ProfileView", "Del"): QT_TRANSLATE_NOOP("Shortcuts", "Remove the selected periods"),
}
"""What a view's `QShortcut` does, by (the view's class, its keys in portable text)."""


@dataclass(frozen=True)
class Shortcut:
    keys: str
    """As the platform writes them (``Ctrl+Shift+S``; ``⇧⌘S`` on a Mac)."""
    what: str
    where: str
    """The view it works in, or "anywhere"."""


def _translate(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def plain(text: str) -> str:
    """A menu text without its mnemonic marks: ``&View`` → ``View``, ``&&`` → ``&``."""
    return re.sub("&(.)", r"\1", text)


def _keys_text(sequences: Iterable[QKeySequence]) -> str:
    native = QKeySequence.SequenceFormat.NativeText
    return ", ".join(sequence.toString(native) for sequence in sequences
                     if not sequence.isEmpty())


def menu_shortcuts(actions: Iterable[QAction], path: Sequence[str] = ()) -> list[Shortcut]:
    """The menus' actions that have keys, in menu order, described by their menu path."""
    found = []
    for action in actions:
        menu = action.menu()
        if isinstance(menu, QMenu):
            found += menu_shortcuts(menu.actions(), [*path, plain(action.text())])
        elif keys := _keys_text(action.shortcuts()):
            what = MENU_PATH_SEPARATOR.join([*path, plain(action.text())])
            found.append(Shortcut(keys, what, _translate(ANYWHERE)))
    return found


def _view_of(shortcut: QShortcut, views: Sequence[QWidget]) -> QWidget | None:
    widget = shortcut.parent()
    while isinstance(widget, QWidget):
        if any(widget is view for view in views):
            return widget
        widget = widget.parentWidget()
    return None


def view_shortcuts(window: QWidget, views: Sequence[tuple[QWidget, str]]) -> list[Shortcut]:
    """Every `QShortcut` in the window, grouped by view in the views' order."""
    widgets = [view for view, _ in views]
    names = {id(view): name for view, name in views}
    rows: list[tuple[int, Shortcut]] = []
    portable = QKeySequence.SequenceFormat.PortableText
    for shortcut in window.findChildren(QShortcut):
        keys = _keys_text(shortcut.keys())
        if not keys:
            continue
        view = _view_of(shortcut, widgets)
        key = (type(view).__name__, shortcut.key().toString(portable))
        what = shortcut.whatsThis() or _translate(DESCRIPTIONS.get(key, NOT_DESCRIBED))
        where = names[id(view)] if view is not None else _translate(ANYWHERE)
        order = widgets.index(view) if view is not None else -1
        rows.append((order, Shortcut(keys, what, where)))
    return [shortcut for _, shortcut in sorted(rows, key=lambda row: row[0])]


def window_shortcuts(window: QMainWindow, views: Sequence[tuple[QWidget, str]]) -> list[Shortcut]:
    """The menus' shortcuts first (they work anywhere), then each view's."""
    return menu_shortcuts(window.menuBar().actions()) + view_shortcuts(window, views)
