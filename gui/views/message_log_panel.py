"""The pole's OCPP message log as the service stored it, filterable by action.

Helpdesk work is reading what a pole said and when: the newest messages first, one
line each, the payload on demand. Only poles reached through a service have a log; for a
local link the panel says so instead of showing an empty table.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QT_TRANSLATE_NOOP, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.replay.window_dialog import ReplayWindowDialog
from gui.tasks import TaskRunner
from pole_link.service_api import MessageRecord, ServiceClient, ServiceEndpoint
from pole_link.timeutil import format_time, utc_now

REFRESH_MS = 5000
ROWS = 300
COLUMNS = (QT_TRANSLATE_NOOP("MessageLogPanel", "Time"),
           QT_TRANSLATE_NOOP("MessageLogPanel", "Direction"),
           QT_TRANSLATE_NOOP("MessageLogPanel", "Action"),
           QT_TRANSLATE_NOOP("MessageLogPanel", "Latency"),
           QT_TRANSLATE_NOOP("MessageLogPanel", "Payload"))


async def fetch_messages(service: ServiceEndpoint, pole_id: str, action: str | None
                         ) -> list[MessageRecord]:
    async with ServiceClient(service, timeout=10) as client:
        return await client.messages(pole_id, action, limit=ROWS)


class MessageLogPanel(QWidget):
    replay_requested = Signal(object)
    """Replay… : the helpdesk asks to watch this pole's log again (a `ReplayWindow`)."""

    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.service: ServiceEndpoint | None = None
        self.pole_id: str | None = None
        self.action_filter = QComboBox()
        self.action_filter.addItem(self.tr("All actions"), "")
        for action in ("BootNotification", "StatusNotification", "StartTransaction",
                       "StopTransaction", "MeterValues", "Heartbeat", "DataTransfer",
                       "SetChargingProfile", "GetCompositeSchedule", "ChangeConfiguration",
                       "RemoteStartTransaction", "RemoteStopTransaction"):
            self.action_filter.addItem(action, action)
        self.action_filter.currentIndexChanged.connect(self.refresh)
        refresh = QPushButton(self.tr("Refresh"))
        refresh.clicked.connect(self.refresh)
        self.replay_button = QPushButton(self.tr("Replay…"))
        self.replay_button.setToolTip(self.tr(
            "Watch this pole's messages of a chosen time window again in the Pole view, "
            "at up to 600× speed: to reproduce what a driver reported"))
        self.replay_button.clicked.connect(self.choose_replay_window)
        self.replay_button.hide()
        self.zone: ZoneInfo = ZoneInfo("Europe/Amsterdam")
        """The pole's wall clock, in which the replay window is chosen (set by the view)."""
        self.now: Callable[[], datetime] = utc_now
        self.note = QLabel(self.tr("The message log is kept by the service: connect to the "
                                   "pole through a service to see it."))
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(str(name)) for name in COLUMNS])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        top = QHBoxLayout()
        top.addWidget(self.action_filter)
        top.addWidget(refresh)
        top.addWidget(self.replay_button)
        top.addWidget(self.note, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self._timer = QTimer(self, interval=REFRESH_MS)
        self._timer.timeout.connect(self.refresh)

    def follow(self, service: ServiceEndpoint | None, pole_id: str | None) -> None:
        self.service, self.pole_id = service, pole_id
        self.table.setRowCount(0)
        remote = service is not None and pole_id is not None
        self.note.setVisible(not remote)
        self.replay_button.setVisible(remote)
        if remote:
            self._timer.start()
            self.refresh()
        else:
            self._timer.stop()

    def refresh(self) -> None:
        if self.service is None or self.pole_id is None or not self.isVisible():
            return
        action = str(self.action_filter.currentData() or "") or None
        self.tasks.run(self.tr("Reading the message log"),
                       fetch_messages(self.service, self.pole_id, action), self.show_rows)

    def choose_replay_window(self) -> None:
        if self.pole_id is None:
            return
        dialog = ReplayWindowDialog(self.pole_id, self.now(), self.zone, self)
        dialog.accepted.connect(lambda: self.replay_requested.emit(dialog.chosen()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def show_rows(self, rows: list[MessageRecord]) -> None:
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            latency = row.latency_ms
            cells = ("" if row.time is None else format_time(row.time), row.direction,
                     row.action, "" if latency is None else f"{latency:.0f} ms",
                     _compact(row.payload))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(index, column, item)
        self.table.resizeColumnsToContents()


def _compact(payload: Any) -> str:
    if isinstance(payload, str):
        return payload
    return json.dumps(payload, separators=(",", ":"))
