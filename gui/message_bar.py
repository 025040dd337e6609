"""Errors and results as a non-modal bar: a sentence first, the details on demand.

A modal dialog on a laptop in the rain steals the one free hand a technician has; this
bar says what went wrong in one line, keeps the technical detail one click away, and
goes away by itself for good news.

It floats over the top edge of its parent (`float_over`) instead of taking a place in
a layout: a bar that pushed the window down after every command moved buttons from under
the technician's finger, and the next tap hit something else.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

_STYLES = {
    "error": "background:#fde2e1; color:#7a1212; border:1px solid #d9534f;",
    "info": "background:#e4f4e4; color:#1d5c1d; border:1px solid #5cb85c;",
}
INFO_VISIBLE_MS = 6000


class MessageBar(QWidget):
    """One message at a time: ``show_error(text, details)`` or ``show_info(text)``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setVisible(False)
        self.toggle = QPushButton(self.tr("Details…"))
        self.toggle.setCheckable(True)
        self.toggle.toggled.connect(self._show_details)
        close = QPushButton(self.tr("Dismiss"))
        close.clicked.connect(self.clear)
        row = QHBoxLayout()
        row.addWidget(self.text, 1)
        row.addWidget(self.toggle)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(row)
        layout.addWidget(self.details)
        self._timer = QTimer(self, singleShot=True, interval=INFO_VISIBLE_MS)
        self._timer.timeout.connect(self.clear)
        self.setVisible(False)
        self.kind = ""

    def float_over(self, parent: QWidget) -> None:
        """Lie over the top edge of `parent`, across its width, above its children."""
        self.setParent(parent)
        parent.installEventFilter(self)
        self._fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt name
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self._fit()
        return False

    def _fit(self) -> None:
        parent = self.parentWidget()
        if parent is None:
            return
        self.setFixedWidth(parent.width())
        self.adjustSize()
        self.move(0, 0)
        self.raise_()

    def show_error(self, text: str, details: str = "") -> None:
        self._show("error", text, details)
        self._timer.stop()

    def show_info(self, text: str) -> None:
        self._show("info", text, "")
        self._timer.start()

    def _show(self, kind: str, text: str, details: str) -> None:
        self.kind = kind
        self.setStyleSheet(f"MessageBar {{{_STYLES[kind]}}} QLabel {{ border: none; }}")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.text.setText(text)
        self.details.setText(details)
        self.toggle.setChecked(False)
        self.toggle.setVisible(bool(details))
        self.setVisible(True)
        self._fit()

    def _show_details(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self._fit()

    def clear(self) -> None:
        self.kind = ""
        self.setVisible(False)
