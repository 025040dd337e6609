"""Choosing the stretch of a pole's history to replay.

A driver reports "it stopped charging around seven last night": the helpdesk picks that
evening on the pole's own wall clock (the zone its Schedule tab uses), not in UTC. The
default is the last three hours, the usual distance to a fresh complaint.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDateTime, QTimeZone
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QWidget,
)

from pole_link.replay import ReplayWindow

DEFAULT_SPAN = timedelta(hours=3)


class ReplayWindowDialog(QDialog):
    """Start and end of the window; OK only for a window that ends after it starts."""

    def __init__(self, pole_id: str, now: datetime, zone: ZoneInfo,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pole_id = pole_id
        self.zone = zone
        self.setWindowTitle(self.tr("Replay %1's message log").replace("%1", pole_id))
        self.start = self._editor(now - DEFAULT_SPAN)
        self.end = self._editor(now)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #c62828;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(QLabel(self.tr("Times on the pole's clock (%1)").replace("%1", zone.key)))
        form.addRow(self.tr("From"), self.start)
        form.addRow(self.tr("Until"), self.end)
        form.addRow(self.problem)
        form.addRow(self.buttons)
        self.start.dateTimeChanged.connect(self._check)
        self.end.dateTimeChanged.connect(self._check)
        self._check()

    def _editor(self, moment: datetime) -> QDateTimeEdit:
        editor = QDateTimeEdit()
        editor.setTimeZone(QTimeZone(self.zone.key.encode()))
        editor.setDisplayFormat("dd-MM-yyyy HH:mm")
        editor.setCalendarPopup(True)
        editor.setDateTime(QDateTime.fromSecsSinceEpoch(int(moment.timestamp()),
                                                        QTimeZone(self.zone.key.encode())))
        return editor

    def chosen(self) -> ReplayWindow:
        """The chosen window; raises `ValueError` for one that ends before it starts."""
        return ReplayWindow(self.pole_id, _utc(self.start), _utc(self.end))

    def _check(self) -> None:
        try:
            self.chosen()
        except ValueError:
            self.problem.setText(self.tr("The window must end after it starts."))
            ok = False
        else:
            self.problem.setText("")
            ok = True
        button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        button.setEnabled(ok)


def _utc(editor: QDateTimeEdit) -> datetime:
    return datetime.fromtimestamp(editor.dateTime().toSecsSinceEpoch(), UTC)
