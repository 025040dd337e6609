"""The Pole view's Security tab: the pole's place in the register and its security events.

A helpdesk asked "is someone trying to log in as this pole?" reads it here: the security
profile, then each event with its time, what happened in words and the technical detail
as the pole or the service wrote it (an address, a certificate name). Alarming events of
the last 24 h are marked; "Seen, clear" acknowledges them (`gui.security_words`), so the
pole leaves the Fleet's "Needs attention" until a new one arrives. The panel only paints
what `PoleState` holds; it never reads the service itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.pole_state import PoleState
from gui.security_words import alarming, attention_events, event_words, profile_text

_ALARM_INK = QColor("#6a1b9a")
_NO_TIME = datetime(2000, 1, 1, tzinfo=UTC)
"""For the empty panel: no events, so no moment matters."""


class SecurityPanel(QWidget):
    """Profile, alarms to acknowledge, and the list of the pole's security events."""

    acknowledged = Signal()
    """The user pressed "Seen, clear"."""
    log_requested = Signal()
    """The user pressed "Fetch security log…" (the Pole view asks the service)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.profile = QLabel()
        self.profile.setObjectName("securityProfile")
        self.alarm = QLabel()
        self.alarm.setObjectName("securityAlarm")
        self.alarm.setWordWrap(True)
        self.alarm.setStyleSheet(f"color: {_ALARM_INK.name()}; font-weight: bold;")
        self.clear_button = QPushButton(self.tr("Seen, clear"))
        self.clear_button.setToolTip(self.tr(
            "The pole no longer needs attention for these events; a new one brings it back"))
        self.clear_button.clicked.connect(self.acknowledged)
        self.log_button = QPushButton(self.tr("Fetch security log…"))
        self.log_button.clicked.connect(self.log_requested)
        self.log_note = QLabel()
        self.log_note.setWordWrap(True)
        self.log_note.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        top = QHBoxLayout()
        top.addWidget(self.profile)
        top.addWidget(self.alarm, 1)
        top.addWidget(self.clear_button)
        top.addWidget(self.log_button)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Time"), self.tr("What happened"), self.tr("Details")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.empty = QLabel(self.tr("No security events"))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.log_note)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        self.show_state(PoleState(), _NO_TIME, str)

    def show_state(self, state: PoleState, now: datetime,
                   time_text: Callable[[datetime], str]) -> None:
        """Paint the state's register entry and events; ``time_text`` formats a moment."""
        translate = QCoreApplication.translate
        record = state.record
        self.profile.setText(profile_text(record.registered, record.security_profile,
                                          translate) if record is not None else "")
        alarms = state.security_alarms(now)
        self.alarm.setText("\n".join(reason.text(translate) for reason in alarms))
        self.clear_button.setVisible(bool(alarms))
        counting = {id(event) for event in attention_events(
            state.security_events, now, state.security_acknowledged)}
        events = state.security_events
        self.table.setRowCount(len(events))
        for row, event in enumerate(events):
            what = event_words(event.type, translate)
            cells = [time_text(event.timestamp), what, event.tech_info or ""]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(self.tr("%1 — received by the service %2").replace(
                    "%1", event.type).replace("%2", time_text(event.received_at)))
                if id(event) in counting:
                    item.setForeground(QBrush(_ALARM_INK))
                elif not alarming(event):
                    item.setForeground(QBrush(QColor("#616161")))
                self.table.setItem(row, column, item)
        self.table.setVisible(bool(events))
        # Only the service knows the events: on a local link nothing is "no events".
        self.empty.setVisible(not events and record is not None)
        self.table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents)

    def title(self, state: PoleState, now: datetime) -> str:
        """The tab's title: "Security", with the number of alarms to look at."""
        alarms = len(attention_events(state.security_events, now, state.security_acknowledged))
        if alarms:
            return self.tr("Security ⚠ %1").replace("%1", str(alarms))
        return self.tr("Security")

