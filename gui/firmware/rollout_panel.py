"""The Firmware view, across the fleet: upload a signed package, roll it out, watch it.

Operations put a release on the service (which checks the signature before any pole sees
it), start a rollout to the poles the Fleet shows (its search and quick filters are the
way to pick them), and watch each pole move through Downloading → Installed or fail with
a reason; the service halts on its own past the failure threshold. The rollout lives in
the service, so closing the app changes nothing; this panel only reads and asks.

Progress comes from the service's live feed (`FleetFeed.rollout_changed`), each pole's
step shown as it is stored. A slow read (`FALLBACK_POLL_MS`) stays as a safety net: the
feed may drop events without the client knowing (the service drops a slow client's
oldest events; between service processes, notices sent while their database link is
re-made are lost). The feed's reconnect reads at once. An answer older than what an
event already showed never undoes it (each pole's ``updated_at``).
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.access import Access, Action
from gui.access_widgets import gate
from gui.fleet_feed import FleetFeed
from gui.service_request import ask_service, failure_text
from gui.tasks import TaskRunner
from pole_link.service_api import (
    FirmwarePackageRecord,
    RolloutEvent,
    RolloutPoleEvent,
    RolloutPoleRecord,
    RolloutRecord,
    RolloutRequest,
    ServiceClient,
    ServiceEndpoint,
)

FALLBACK_POLL_MS = 30_000
"""Only against events the feed lost; the feed itself shows each step at once."""
UNSHOWN_KEPT = 256

STATE_WORDS = {
    "pending": QT_TRANSLATE_NOOP("RolloutPanel", "waiting"),
    "sending": QT_TRANSLATE_NOOP("RolloutPanel", "sending"),
    "sent": QT_TRANSLATE_NOOP("RolloutPanel", "sent"),
    "Downloading": QT_TRANSLATE_NOOP("RolloutPanel", "downloading"),
    "Downloaded": QT_TRANSLATE_NOOP("RolloutPanel", "downloaded"),
    "Installing": QT_TRANSLATE_NOOP("RolloutPanel", "installing"),
    "Installed": QT_TRANSLATE_NOOP("RolloutPanel", "installed"),
    "failed": QT_TRANSLATE_NOOP("RolloutPanel", "failed"),
    "cancelled": QT_TRANSLATE_NOOP("RolloutPanel", "cancelled"),
    "running": QT_TRANSLATE_NOOP("RolloutPanel", "running"),
    "paused": QT_TRANSLATE_NOOP("RolloutPanel", "paused"),
    "halted": QT_TRANSLATE_NOOP("RolloutPanel", "halted"),
    "finished": QT_TRANSLATE_NOOP("RolloutPanel", "finished"),
}
STATE_COLOURS = {"Installed": "#2e7d32", "failed": "#c62828", "cancelled": "#616161"}


def state_text(state: str) -> str:
    return QCoreApplication.translate("RolloutPanel", str(STATE_WORDS.get(state, state)))


class RolloutPanel(QWidget):
    """`poles_shown` gives the pole ids the Fleet shows now (its filters pick the poles)."""

    def __init__(self, tasks: TaskRunner, poles_shown: Callable[[], list[str]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.poles_shown = poles_shown
        self.service: ServiceEndpoint | None = None
        self.access = Access()
        self.package: FirmwarePackageRecord | None = None
        self.rollout: RolloutRecord | None = None
        self.choose_file: Callable[[], str] = self._ask_for_package

        self.note = QLabel(self.tr("Connect to a service to roll firmware out across the "
                                   "fleet."))
        self.upload_button = QPushButton(self.tr("Upload package to the service…"))
        self.upload_button.clicked.connect(self.upload_package)
        self.package_label = QLabel("—")
        self.package_label.setWordWrap(True)
        self.concurrency = QSpinBox()
        self.concurrency.setRange(1, 500)
        self.concurrency.setValue(10)
        self.concurrency.setPrefix(self.tr("at once: "))
        self.start_window = QLineEdit()
        self.start_window.setPlaceholderText(self.tr("start window, e.g. 02:00-05:00 (empty: any "
                                               "time outside 17:00-21:00)"))
        self.halt_after = QSpinBox()
        self.halt_after.setRange(1, 10_000)
        self.halt_after.setValue(3)
        self.halt_after.setPrefix(self.tr("halt after failures: "))
        self.start_button = QPushButton(self.tr("Roll out to the poles the Fleet shows"))
        self.start_button.clicked.connect(self.start_rollout)
        self.pause_button = QPushButton(self.tr("Pause"))
        self.resume_button = QPushButton(self.tr("Resume"))
        self.cancel_button = QPushButton(self.tr("Cancel rollout"))
        self.pause_button.clicked.connect(lambda: self._act("pause"))
        self.resume_button.clicked.connect(lambda: self._act("resume"))
        self.cancel_button.clicked.connect(lambda: self._act("cancel"))
        self.summary = QLabel()
        self.summary.setStyleSheet("font-weight: bold;")
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([self.tr("Pole"), self.tr("State"),
                                              self.tr("Reason")])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)

        top = QHBoxLayout()
        top.addWidget(self.upload_button)
        top.addWidget(self.package_label, 1)
        plan = QHBoxLayout()
        for widget in (self.concurrency, self.start_window, self.halt_after, self.start_button):
            plan.addWidget(widget)
        actions = QHBoxLayout()
        for widget in (self.pause_button, self.resume_button, self.cancel_button):
            actions.addWidget(widget)
        actions.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addLayout(top)
        layout.addLayout(plan)
        layout.addLayout(actions)
        layout.addWidget(self.table, 1)
        self.fallback_poll = QTimer(self, interval=FALLBACK_POLL_MS)
        self.fallback_poll.timeout.connect(self.refresh)
        self._rows: dict[str, int] = {}
        """Pole id → its table row (the rollout's sending order)."""
        self._unshown: collections.deque[RolloutEvent | RolloutPoleEvent] = \
            collections.deque(maxlen=UNSHOWN_KEPT)
        """Events of rollouts not shown (yet): a new rollout's first steps may arrive
        before the service's answer to starting it."""
        self.follow(None)

    # ------------------------------------------------------------ service
    def follow(self, service: ServiceEndpoint | None) -> None:
        self.service = service
        self.note.setVisible(service is None)
        self._update_buttons()

    def listen_to(self, feed: FleetFeed) -> None:
        """Follow rollouts on the feed the Fleet already keeps open (one per service)."""
        feed.rollout_changed.connect(self.apply_event)
        feed.went_live.connect(self.refresh)

    def _ask(self, what: str, call: Callable[[ServiceClient], Awaitable[Any]],
             done: Callable[[Any], None]) -> None:
        """One request to the service (`ask_service`)."""
        ask_service(self.tasks, self.service, what, call, done, timeout=60)

    def _failed(self, what: str, error: BaseException) -> None:
        self.summary.setText(failure_text(what, error))

    # ------------------------------------------------------------ package
    def _ask_for_package(self) -> str:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Upload firmware package"), "",
            self.tr("Firmware packages (*.fwpkg *.zip);;All files (*)"))
        return path

    def upload_package(self) -> None:
        path = self.choose_file()
        if not path:
            return

        async def upload(client: ServiceClient) -> FirmwarePackageRecord:
            data = await asyncio.to_thread(Path(path).read_bytes)
            return await client.upload_firmware_package(data)

        self._ask(self.tr("Uploading the package"), upload, self._uploaded)

    def _uploaded(self, answer: FirmwarePackageRecord | BaseException) -> None:
        if isinstance(answer, BaseException):
            self.package = None
            self.package_label.setText(self.tr("Refused: %1").replace(
                "%1", str(answer)))
            self.package_label.setStyleSheet("color: #c62828;")
        else:
            self.package = answer
            self.package_label.setText(self.tr("%1 accepted by the service (signed by %2)")
                                       .replace("%1", answer.version)
                                       .replace("%2", answer.signer or "?"))
            self.package_label.setStyleSheet("color: #2e7d32;")
        self._update_buttons()

    # ------------------------------------------------------------ rollout
    def request(self) -> RolloutRequest | None:
        if self.package is None:
            return None
        text = self.start_window.text().strip()
        window = tuple(part.strip() for part in text.split("-", 1)) if text else None
        return RolloutRequest(
            sha256=self.package.sha256, pole_ids=tuple(self.poles_shown()),
            concurrency=self.concurrency.value(),
            window=(window[0], window[1]) if window and len(window) == 2 else None,
            halt_after_failures=self.halt_after.value())

    def start_rollout(self) -> None:
        request = self.request()
        if request is None:
            return
        self._ask(self.tr("Starting the rollout"),
                  lambda client: client.create_rollout(request), self._show_rollout)

    def _act(self, action: str) -> None:
        rollout = self.rollout
        if rollout is None:
            return

        def act(client: ServiceClient) -> Awaitable[RolloutRecord]:
            method = {"pause": client.pause_rollout, "resume": client.resume_rollout,
                      "cancel": client.cancel_rollout}[action]
            return method(rollout.id)

        self._ask(self.tr("Changing the rollout"), act, self._show_rollout)

    def refresh(self) -> None:
        rollout = self.rollout
        if rollout is None:
            return
        self._ask(self.tr("Reading the rollout"),
                  lambda client: client.rollout(rollout.id), self._show_rollout)

    def _show_rollout(self, answer: RolloutRecord | BaseException) -> None:
        if isinstance(answer, BaseException):
            self._failed(self.tr("Rollout"), answer)
            return
        rollout = merged(self.rollout, answer)
        for event in self._unshown:  # what the feed told before this answer came
            rollout = applied(rollout, event) or rollout
        self._unshown.clear()
        self.rollout = rollout
        self.fallback_poll.start()
        self._rows = {pole.pole_id: row for row, pole in enumerate(self.rollout.poles)}
        self.table.setRowCount(len(self.rollout.poles))
        for row, pole in enumerate(self.rollout.poles):
            self._show_pole(row, pole)
        self._show_summary()

    def apply_event(self, event: object) -> None:
        """A rollout event from the live feed: the rollout shown here changes at once."""
        if not isinstance(event, RolloutEvent | RolloutPoleEvent):
            return
        changed = applied(self.rollout, event) if self.rollout is not None else None
        if changed is None:
            self._unshown.append(event)
            return
        self.rollout = changed
        if isinstance(event, RolloutPoleEvent):
            row = self._rows[event.pole_id]
            self._show_pole(row, changed.poles[row])
        self._show_summary()

    def _show_pole(self, row: int, pole: RolloutPoleRecord) -> None:
        cells = (pole.pole_id, state_text(pole.state), pole.reason or "")
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            colour = STATE_COLOURS.get(pole.state)
            if colour is not None and column == 1:
                item.setForeground(QColor(colour))
            self.table.setItem(row, column, item)

    def _show_summary(self) -> None:
        rollout = self.rollout
        if rollout is None:
            return
        counts = ", ".join(f"{state_text(state)} {count}"
                           for state, count in sorted(rollout.counts.items()) if count)
        self.summary.setText(self.tr("Rollout %1 of %2: %3 — %4").replace(
            "%1", str(rollout.id)).replace("%2", rollout.version).replace(
            "%3", state_text(rollout.state)).replace("%4", counts)
            + (f" ({rollout.reason})" if rollout.reason else ""))
        if rollout.state == "finished":
            self.fallback_poll.stop()
        self._update_buttons()

    def _update_buttons(self) -> None:
        connected = self.service is not None
        state = self.rollout.state if self.rollout is not None else None
        access = self.access
        gate(self.upload_button, access, Action.UPLOAD_FIRMWARE, connected)
        gate(self.start_button, access, Action.START_ROLLOUT,
             connected and self.package is not None)
        gate(self.pause_button, access, Action.PAUSE_ROLLOUT, state == "running")
        gate(self.resume_button, access, Action.RESUME_ROLLOUT, state in ("paused", "halted"))
        gate(self.cancel_button, access, Action.CANCEL_ROLLOUT,
             state in ("running", "paused", "halted"))

    def watch(self, access: Access) -> None:
        """Grey out what the signed-in operator's role may not do (issue 17)."""
        self.access = access
        access.subscribe(self._update_buttons)
        self._update_buttons()


def merged(shown: RolloutRecord | None, answer: RolloutRecord) -> RolloutRecord:
    """A read of the rollout (``answer``), but where an event already showed something
    newer — the read was answered before that change was stored — the event's stays."""
    if shown is None or shown.id != answer.id:
        return answer
    before = {pole.pole_id: pole for pole in shown.poles}
    poles = tuple(before[pole.pole_id] if _newer(before.get(pole.pole_id), pole) else pole
                  for pole in answer.poles)
    if _newer(shown, answer):
        answer = dataclasses.replace(answer, state=shown.state, reason=shown.reason,
                                     updated_at=shown.updated_at)
    return _with_counts(dataclasses.replace(answer, poles=poles))


def applied(rollout: RolloutRecord, event: RolloutEvent | RolloutPoleEvent
            ) -> RolloutRecord | None:
    """The rollout after a feed event; None when the event is not about it (another
    rollout, a pole it does not list) or older than what the rollout already says."""
    if event.rollout_id != rollout.id:
        return None
    if isinstance(event, RolloutEvent):
        if _stale(event, rollout):
            return None
        return dataclasses.replace(rollout, state=event.state, reason=event.reason,
                                   updated_at=event.at)
    row = next((row for row, pole in enumerate(rollout.poles)
                if pole.pole_id == event.pole_id), None)
    if row is None or _stale(event, rollout.poles[row]):
        return None
    before = rollout.poles[row]
    pole = dataclasses.replace(before, state=event.state, reason=event.reason,
                               reported=event.reported or before.reported,
                               updated_at=event.at)
    return _with_counts(dataclasses.replace(
        rollout, poles=(*rollout.poles[:row], pole, *rollout.poles[row + 1:])))


def _newer(shown: RolloutRecord | RolloutPoleRecord | None,
           answer: RolloutRecord | RolloutPoleRecord) -> bool:
    """Did ``shown`` (from an event) change after ``answer`` was read?"""
    return (shown is not None and shown.updated_at is not None
            and answer.updated_at is not None and shown.updated_at > answer.updated_at)


def _stale(event: RolloutEvent | RolloutPoleEvent,
           record: RolloutRecord | RolloutPoleRecord) -> bool:
    return record.updated_at is not None and event.at < record.updated_at


def _with_counts(rollout: RolloutRecord) -> RolloutRecord:
    """Counts per state worked out from the poles (when the record has them)."""
    if not rollout.poles:
        return rollout
    counts: dict[str, int] = {}
    for pole in rollout.poles:
        counts[pole.state] = counts.get(pole.state, 0) + 1
    return dataclasses.replace(rollout, counts=counts)
