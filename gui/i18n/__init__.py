"""English and Dutch: Qt translation files, the system locale by default, switchable.

The English strings are the source (``self.tr("…")``); ``paalwerk_nl.ts`` holds their
Dutch translation and is compiled to ``paalwerk_nl.qm`` with ``pyside6-lrelease`` (the
compiled file ships in the package, so a user needs no Qt tools).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

FOLDER = Path(__file__).resolve().parent
LANGUAGES = {"en": "English", "nl": "Nederlands"}

_installed: list[QTranslator] = []
_active = ["en"]


def active_language() -> str:
    """The language the window is shown in now (texts from data files follow it)."""
    return _active[0]


def decimal_point() -> str:
    """The decimal separator of the window's language ("," in Dutch: € 0,35), for
    amounts formatted by Qt-free code; the language the user chose, not the system's."""
    return "," if active_language() == "nl" else "."


def system_language() -> str:
    name = QLocale.system().name()
    return "nl" if name.startswith("nl") else "en"


def remember_language(code: str) -> None:
    QSettings("Paalwerk", "Paalwerk").setValue("ui/language", code)


def preferred_language() -> str:
    """The language the user chose last, else the system's."""
    chosen = QSettings("Paalwerk", "Paalwerk").value("ui/language", "")
    return str(chosen) if chosen in LANGUAGES else system_language()


def switch_language(code: str) -> bool:
    """Install the translator for ``code`` (``en`` removes any); False if it is missing."""
    app = QCoreApplication.instance()
    if app is None:
        return False
    while _installed:
        app.removeTranslator(_installed.pop())
    _active[0] = "en"
    if code == "en":
        return True
    translator = QTranslator(app)
    if not translator.load(str(FOLDER / f"paalwerk_{code}.qm")):
        return False
    app.installTranslator(translator)
    _installed.append(translator)
    # Qt's own words (Close, Cancel, Yes in standard buttons and dialogs), where Qt ships
    # them: without it a Dutch dialog still says "Cancel".
    qt_words = QTranslator(app)
    if qt_words.load(f"qtbase_{code}",
                     QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt_words)
        _installed.append(qt_words)
    _active[0] = code
    return True
