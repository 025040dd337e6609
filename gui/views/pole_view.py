"""The Pole view: one pole's two sockets live, its currents plotted, its LEDs and actions.

It binds to a `PoleController` and knows nothing of how the pole is reached: the same
view serves a serial cable, BLE and the service. Samples arrive up to ten times a second;
cards and plot only store and repaint, so the window stays responsive.
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSlider,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gui.access import Access, Action
from gui.access_widgets import gate
from gui.error_words import explain
from gui.plot.live_plot import LivePlot
from gui.pole_access import PoleAccess, access_text
from gui.pole_controller import PoleController
from gui.pole_log import LogNotFetched, fetch_log
from gui.pole_state import SECURITY_LIST, BackOffice, LinkState, PoleState, link_text
from gui.pole_words import SELF_TEST_FAULT
from gui.replay.replay_bar import ReplayBar
from gui.tasks import TaskRunner
from gui.views.message_log_panel import MessageLogPanel
from gui.views.schedule_plot import REFRESH_S, SchedulePlot
from gui.views.security_panel import SecurityPanel
from gui.views.socket_card import SocketCard
from pole_link.errors import PoleLinkError
from pole_link.live import LiveSample
from pole_link.replay import ReplayMessage, ReplayPlayer, ReplayWindow
from pole_link.replay.history import message_labels
from pole_link.replay.load import ReplayPages, load_replay, prefetch
from pole_link.service_api import (
    ConnectionRecord,
    PoleRecord,
    SecurityEventRecord,
    ServiceClient,
    ServiceEndpoint,
    TransactionRecord,
)
from pole_link.session import PoleIdentity, SelfTestResult
from pole_link.timeutil import utc_now
from pole_link.transports import PoleAddress

STATE_COLOURS = {
    LinkState.CONNECTED: "#2e7d32",
    LinkState.CONNECTING: "#b26a00",
    LinkState.LOST: "#c62828",
    LinkState.DISCONNECTED: "#616161",
}
SLIDER_SETTLE_MS = 400
"""Send LightIntensity once the technician lets the slider rest, not on every pixel."""
STATUS_REFRESH_MS = 30_000
"""How often the back-office state (service record, or the pole's modem test) is asked."""
HISTORY = timedelta(days=7)
RESTART_PATIENCE_MS = 180_000
COMMAND_ACTIONS = (Action.CONFIGURE, Action.REMOTE_START, Action.REMOTE_STOP, Action.UNLOCK,
                   Action.AVAILABILITY, Action.AVAILABILITY, Action.AVAILABILITY, Action.RESET,
                   Action.TRIGGER)
"""The route each of `PoleView._commands` calls through the service (LED: a
configuration change; clearing a fault: ChangeAvailability)."""
"""How long a soft reset may take before the view says the pole did not come back."""
BACK_OFFICE_COLOURS = {BackOffice.CONNECTED: "#2e7d32", BackOffice.NOT_CONNECTED: "#c62828",
                       BackOffice.UNKNOWN: "#616161"}


PoleStory = tuple[PoleRecord, list[ConnectionRecord], list[TransactionRecord],
                  list[SecurityEventRecord]]


async def fetch_replay(service: ServiceEndpoint, window: ReplayWindow, zone: ZoneInfo
                       ) -> tuple[ReplayPlayer, list[str], ReplayPages]:
    """A replay's first page of messages from the service's log and its lead-in, the
    lines of its jump list, formatted off the GUI thread, and where the next page starts
    (the rest is read while it plays, `prefetch`)."""
    pages = ReplayPages(window)
    async with ServiceClient(service, timeout=30) as client:
        player = await load_replay(client, window, pages)
    return player, await asyncio.to_thread(message_labels, player.messages, zone), pages


async def fetch_pole_story(service: ServiceEndpoint, pole_id: str, now: datetime
                           ) -> PoleStory:
    """What the service knows of a pole: its record, last week's connections and
    transactions (for an offline pole, all there is to see), its last security events."""
    async with ServiceClient(service, timeout=15) as client:
        record = await client.pole(pole_id)
        connections = await client.connections(pole_id, now - HISTORY, now)
        transactions = await client.transactions(pole_id, now - HISTORY, now)
        security = await client.security_events(pole_id, limit=SECURITY_LIST)
    return record, connections, transactions, security


def ask_user(parent: QWidget, question: str) -> bool:
    answer = QMessageBox.question(parent, parent.tr("Please confirm"), question)
    return answer == QMessageBox.StandardButton.Yes


class PoleView(QWidget):
    """Live state, plot, LED intensity and remote actions of the controller's pole."""

    commission_requested = Signal()
    """The technician wants to run the commissioning checklist on this pole."""
    security_acknowledged = Signal(str)
    """The helpdesk has seen this pole's security events (the Fleet clears its alarm)."""

    def __init__(self, controller: PoleController, tasks: TaskRunner | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.tasks = tasks or TaskRunner()
        self.confirm: Callable[[str], bool] = lambda question: ask_user(self, question)
        self.state = PoleState()
        self.now: Callable[[], datetime] = utc_now
        self.service: ServiceEndpoint | None = None
        self._tests_asked: set[tuple[str, int]] = set()

        self.title = QLabel(self.tr("No pole connected"))
        self.title.setStyleSheet("font-size: 18pt; font-weight: bold;")
        self.link_state = QLabel()
        self.link_state.setWordWrap(True)
        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addWidget(self.link_state, 1)
        self.limit = QLabel()
        self.limit.setStyleSheet("font-size: 13pt;")
        header.addWidget(self.limit)
        self.access: PoleAccess | None = None
        self.roles = Access()
        """The signed-in operator at the service (`watch`): through the service, the
        commands their role may not send are greyed out with the reason."""
        self.access_label = QLabel()
        self.access_label.setObjectName("poleAccess")
        self.access_label.setWordWrap(True)
        self.access_label.hide()

        self.cards = [SocketCard(1), SocketCard(2)]
        cards = QHBoxLayout()
        for card in self.cards:
            cards.addWidget(card, 1)

        self.plot = LivePlot()
        self.plot.setMinimumHeight(180)  # the 1366×768 field laptop must fit it all
        self.schedule = SchedulePlot()
        self.message_log = MessageLogPanel(self.tasks)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.plot, self.tr("Live currents"))
        self.tabs.addTab(self.schedule, self.tr("Schedule (24 h)"))
        self.tabs.addTab(self.message_log, self.tr("Message log"))
        self.security = SecurityPanel()
        self.security.acknowledged.connect(self.acknowledge_security)
        self.security.log_requested.connect(self.fetch_security_log)
        self.ask_log_path: Callable[[str], str] = self._ask_log_path
        """Where to save a fetched log ("" to cancel); tests answer it."""
        self._log_busy = False
        self.tabs.addTab(self.security, self.tr("Security"))
        self.tabs.currentChanged.connect(lambda _: self.message_log.refresh())
        self.message_log.zone = self.schedule.zone
        self.message_log.now = lambda: self.now()
        self.message_log.replay_requested.connect(self.replay)
        self.replay_bar = ReplayBar()
        self.replay_bar.end_requested.connect(self.end_replay)
        self._before_replay: tuple[PoleAddress, dict[str, object]] | None = None
        self._prefetch: asyncio.Task[object] | None = None
        """Reads a long replay's further pages while it plays."""
        self._replay_clock: datetime | None = None
        self._schedule_timer = QTimer(self, interval=REFRESH_S * 1000)
        self._schedule_timer.timeout.connect(self.refresh_schedule)

        # Two columns side by side, so an outage story does not push the window off a
        # 768-pixel screen: what is wrong now (back office, faults) | why it is offline.
        self.status_panel = QLabel()
        self.status_panel.setObjectName("poleStatus")
        self.outage_panel = QLabel()
        self.outage_panel.setObjectName("poleOutage")
        for panel in (self.status_panel, self.outage_panel):
            panel.setWordWrap(True)
            panel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            panel.setStyleSheet("font-size: 11pt; padding: 2px 4px;")
            panel.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        status_row = QHBoxLayout()
        status_row.addWidget(self.status_panel, 1)
        status_row.addWidget(self.outage_panel, 1)
        self.restart_progress = QProgressBar()
        self.restart_progress.setRange(0, 0)  # busy: nobody knows how long a boot takes
        self.restart_progress.setFormat(self.tr("Restarting the pole — waiting for it"))
        self.restart_progress.setTextVisible(True)
        self.restart_progress.hide()
        self._restart_timer = QTimer(self, singleShot=True, interval=RESTART_PATIENCE_MS)
        self._restart_timer.timeout.connect(self._restart_overdue)
        self._status_timer = QTimer(self, interval=STATUS_REFRESH_MS)
        self._status_timer.timeout.connect(self.refresh_status)

        layout = QVBoxLayout(self)
        layout.addWidget(self.replay_bar)
        layout.addLayout(header)
        layout.addWidget(self.access_label)
        layout.addLayout(status_row)
        layout.addWidget(self.restart_progress)
        layout.addLayout(cards)
        layout.addLayout(self._led_row())
        layout.addLayout(self._action_row())
        layout.addWidget(self.tabs, 1)

        controller.state_changed.connect(self.show_link_state)
        controller.identity_changed.connect(self.show_identity)
        controller.sample_received.connect(self.show_sample)
        controller.self_test_done.connect(self.show_self_test)
        controller.access_changed.connect(self.show_access)
        self._tooltips = {widget: widget.toolTip() for widget in self._commands}
        self.show_link_state(controller.state.value, self.tr("not connected"))

    # ------------------------------------------------------------ layout pieces
    def _led_row(self) -> QHBoxLayout:
        self.led_slider = QSlider(Qt.Orientation.Horizontal)
        self.led_slider.setRange(0, 100)
        self.led_slider.setSingleStep(5)
        self.led_slider.setPageStep(10)
        self.led_slider.setToolTip(self.tr("LightIntensity (eis 46)"))
        self.led_asked = QLabel("—")
        self.led_reported = QLabel(self.tr("pole reports: —"))
        self._led_timer = QTimer(self, singleShot=True, interval=SLIDER_SETTLE_MS)
        self._led_timer.timeout.connect(self._send_light_intensity)
        self.led_slider.valueChanged.connect(self._slider_moved)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("LED intensity")))
        row.addWidget(self.led_slider, 1)
        row.addWidget(self.led_asked)
        row.addWidget(self.led_reported)
        return row

    def _action_row(self) -> QHBoxLayout:
        self.connector = QSpinBox()
        self.connector.setRange(1, 2)
        self.connector.setPrefix(self.tr("socket "))
        self.id_tag = QLineEdit("TECHNICIAN")
        self.id_tag.setMaxLength(20)
        self.id_tag.setToolTip(self.tr("Card id (idTag) used for the remote start"))
        self.start_button = QPushButton(self.tr("Start charging"))
        self.stop_button = QPushButton(self.tr("Stop charging"))
        self.unlock_button = QPushButton(self.tr("Unlock"))
        self.reset_button = QPushButton(self.tr("Soft reset"))
        self.report_button = QPushButton(self.tr("Report status"))
        self.report_button.setToolTip(self.tr(
            "TriggerMessage StatusNotification: the socket tells the back office its state "
            "now, e.g. after a repair"))
        self.report_button.clicked.connect(
            lambda: self.controller.report_status(self.connector.value()))
        self.out_of_service_button = QPushButton(self.tr("Out of service"))
        self.out_of_service_button.setToolTip(self.tr(
            "ChangeAvailability Inoperative: the socket accepts no new charging session"))
        self.in_service_button = QPushButton(self.tr("Back in service"))
        self.in_service_button.setToolTip(self.tr("ChangeAvailability Operative"))
        self.clear_fault_button = QPushButton(self.tr("Clear fault…"))
        self.clear_fault_button.setToolTip(self.tr(
            "Restart the socket once the cause is fixed; it reports its state afresh"))
        self.out_of_service_button.clicked.connect(lambda: self.set_availability(False))
        self.in_service_button.clicked.connect(lambda: self.set_availability(True))
        self.clear_fault_button.clicked.connect(self.clear_fault)
        self.start_button.clicked.connect(self.start_charging)
        self.stop_button.clicked.connect(self.stop_charging)
        self.unlock_button.clicked.connect(self.unlock)
        self.reset_button.clicked.connect(self.soft_reset)
        self.commission_button = QPushButton(self.tr("Commission…"))
        self.commission_button.setToolTip(self.tr(
            "Run the commissioning checklist on this pole and sign its report"))
        self.commission_button.clicked.connect(self.commission_requested)
        QShortcut(QKeySequence("Ctrl+Shift+S"), self, self.start_charging)
        QShortcut(QKeySequence("Ctrl+Shift+X"), self, self.stop_charging)
        row = QHBoxLayout()
        for widget in (self.connector, self.id_tag, self.start_button, self.stop_button,
                       self.unlock_button, self.out_of_service_button, self.in_service_button,
                       self.clear_fault_button, self.reset_button, self.report_button):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.commission_button)
        return row

    @property
    def _commands(self) -> tuple[QWidget, ...]:
        return (self.led_slider, self.start_button, self.stop_button, self.unlock_button,
                self.out_of_service_button, self.in_service_button, self.clear_fault_button,
                self.reset_button, self.report_button)

    # ------------------------------------------------------------ controller → view
    def show_link_state(self, state: str, detail: str) -> None:
        self._leave_replay_if_elsewhere()
        link = LinkState(state)
        self.state.link_changed(link)
        colour = STATE_COLOURS.get(link, "#616161")
        words = link_text(link, QCoreApplication.translate).upper()
        self.link_state.setText(f"<b style='color:{colour}'>● {words}</b>  "
                                f"{html.escape(detail)}")
        if link is not LinkState.CONNECTED:
            self.access = None
        self._enable_commands()
        if link is LinkState.CONNECTED:
            self.refresh_status()
        for card in self.cards:
            card.set_live(self.state.live)
        self.show_status()

    def watch(self, roles: Access) -> None:
        self.roles = roles
        roles.subscribe(self._enable_commands)
        self._enable_commands()

    def show_access(self, access: PoleAccess) -> None:
        """After ``Auth``: writable (with the token's time left) or read only, and why."""
        self.access = access
        self._enable_commands()

    def _enable_commands(self) -> None:
        connected = self.controller.state is LinkState.CONNECTED
        access = self.access
        writable = connected and (access is None or access.writable)
        why = access_text(access, self.now(), QCoreApplication.translate) \
            if access is not None and connected and not access.via_service else ""
        via_service = self.controller.service is not None
        for widget, action in zip(self._commands, COMMAND_ACTIONS, strict=True):
            tooltip = self._tooltips.get(widget, "") if writable or not why else why
            if via_service:  # the service checks the role: grey out what it would refuse
                gate(widget, self.roles, action, writable, tooltip=tooltip)
            else:  # on site the service token decides (`PoleAccess`), not the role
                widget.setEnabled(writable)
                widget.setToolTip(tooltip)
        self._enable_log()
        self.access_label.setText(why)
        colour = "#2e7d32" if access is not None and access.writable else "#c62828"
        self.access_label.setStyleSheet(f"font-size: 12pt; font-weight: bold; color: {colour};")
        # A replay's banner already says that nothing reaches the pole, in one line less.
        self.access_label.setVisible(bool(why) and not self.replaying)

    def _enable_log(self) -> None:
        """GetLog goes through the service (the pole uploads there): the technicians'."""
        button = self.security.log_button
        if self.service is None:
            button.setEnabled(False)
            button.setToolTip(self.tr(
                "Only through the service: the pole uploads its log to the back office"))
            return
        gate(button, self.roles, Action.REQUEST_LOG, not self._log_busy, tooltip=self.tr(
            "GetLog: the pole uploads its security log to the service; you choose where to "
            "save it"))

    def _ask_log_path(self, name: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the pole's security log"),
                                              name)
        return path

    def fetch_security_log(self) -> None:
        """Ask the pole through the service for its security log, then save it."""
        service, pole_id = self.service, self.state.pole_id
        if service is None or not pole_id or self._log_busy:
            return
        path = self.ask_log_path(f"{pole_id}-security-log.txt")
        if not path:
            return
        self._log_busy = True
        self._enable_log()
        self.security.log_note.setText(self.tr(
            "Asking %1 for its security log; it uploads it to the service…").replace(
            "%1", pole_id))

        async def fetch() -> int | BaseException:
            try:
                async with ServiceClient(service, timeout=60) as client:
                    content = await fetch_log(client, pole_id)
                await asyncio.to_thread(Path(path).write_bytes, content)
                return len(content)
            except (PoleLinkError, LogNotFetched, OSError) as error:
                return error

        self.tasks.run(self.tr("Fetching the security log of %1").replace("%1", pole_id),
                       fetch(), lambda outcome: self._log_fetched(path, outcome))

    def _log_fetched(self, path: str, outcome: int | BaseException) -> None:
        self._log_busy = False
        self._enable_log()
        if isinstance(outcome, BaseException):
            self.security.log_note.setText(self.tr("No log: %1").replace(
                "%1", str(outcome) if isinstance(outcome, LogNotFetched)
                else explain(outcome).sentence.text(QCoreApplication.translate)))
            return
        self.security.log_note.setText(self.tr("Security log saved (%1 bytes): %2").replace(
            "%1", str(outcome)).replace("%2", path))

    def choose_pole(self, pole_id: str, service: ServiceEndpoint | None) -> None:
        """Show ``pole_id`` at once, before (or without) a live link: a pole opened from
        the Fleet while offline shows what the service knows, never the previous pole."""
        self.service = service
        self._enable_log()
        if self.state.choose(pole_id):
            self._forget_shown_pole()
        self.title.setText(pole_id)
        self.title.setToolTip("")
        self.message_log.follow(service, pole_id)
        self.refresh_status()
        self._status_timer.start()
        self.show_status()

    def show_identity(self, identity: PoleIdentity) -> None:
        if self.state.identified(identity):
            self._forget_shown_pole()
        self.service = self.controller.service
        self.title.setText(identity.pole_id)
        self.plot.set_pole(identity.pole_id)
        self.message_log.follow(self.service, identity.pole_id)
        self.refresh_schedule()
        self._schedule_timer.start()
        self._status_timer.start()
        self.title.setToolTip(f"{identity.vendor} {identity.model}, serial "
                              f"{identity.serial_number}, firmware {identity.firmware_version}")
        if self.restart_progress.isVisible():
            self._restart_done()

    def _forget_shown_pole(self) -> None:
        self.plot.clear()  # one pole's currents never continue another's curves
        for card in self.cards:
            card.clear()
        self.limit.setText("")

    def show_sample(self, sample: LiveSample) -> None:
        previous = self.state.sample
        first = self.state.apply_sample(sample)
        for socket in sample.sockets:
            if 1 <= socket.connector_id <= len(self.cards):
                self.cards[socket.connector_id - 1].show_sample(socket)
        self.limit.setText(self.tr("Pole limit: %1 A per phase").replace(
            "%1", f"{sample.limit_a:g}"))
        currents = [value for socket in sample.sockets[:2] for value in socket.current_a]
        currents += [0.0] * (6 - len(currents))
        # The pole's own time: its clock may be off, and the plot, its export and the
        # pole's logs must still agree on when each current was drawn.
        self.plot.append(sample.timestamp.timestamp(), currents, sample.limit_a)
        if first:
            for card in self.cards:
                card.set_live(self.state.live)
        if first or _statuses(previous) != _statuses(sample):  # faults follow the statuses
            self.show_status()
        self._test_unexplained_faults()
        intensity = sample.sockets[0].led.intensity_percent if sample.sockets else None
        if intensity is not None:
            self.led_reported.setText(self.tr("pole reports: %1 %").replace(
                "%1", str(intensity)))
            if first or (not self.led_slider.isSliderDown() and not self._led_timer.isActive()):
                self.led_slider.blockSignals(True)
                self.led_slider.setValue(intensity)
                self.led_slider.blockSignals(False)
                self.led_asked.setText(f"{intensity} %")

    def show_self_test(self, result: SelfTestResult) -> None:
        self.state.apply_self_test(result)
        self.show_status()

    def show_story(self, story: PoleStory) -> None:
        record, connections, transactions, security = story
        self.state.apply_record(record, connections, transactions)
        if record.id == self.state.pole_id:
            self.state.apply_security_events(security, self.now())
        if not self.state.live:
            for connector in record.sockets:
                if 1 <= connector.connector_id <= len(self.cards):
                    self.cards[connector.connector_id - 1].show_last_known(connector)
        self.show_status()

    def show_status(self) -> None:
        """The status panel: back office, faults in words, and why the pole is offline."""
        translate = QCoreApplication.translate
        state = self.state
        lines = []
        if state.pole_id is not None:
            colour = BACK_OFFICE_COLOURS[state.back_office]
            lines.append(f"<b style='color:{colour}'>"
                         f"{html.escape(state.back_office_reason().text(translate))}</b>")
        lines += [f"<b style='color:#c62828'>⚠ {html.escape(f.text(translate))}</b>"
                  for f in state.faults()]
        lines += [f"<b style='color:#6a1b9a'>⚠ {html.escape(alarm.text(translate))}</b>"
                  for alarm in state.security_alarms(self.now())]
        outage = [html.escape(line.text(translate))
                  for line in state.outage(self.now(), self._pole_minute)]
        self.status_panel.setText("<br>".join(lines))
        self.status_panel.setVisible(bool(lines))
        self.outage_panel.setText("<br>".join(outage))
        self.outage_panel.setVisible(bool(outage))
        self.show_security()

    def show_security(self) -> None:
        """The Security tab and its title (which counts the alarms, seen from any tab)."""
        now = self.now()
        self.security.show_state(self.state, now, self._pole_minute)
        self.tabs.setTabText(self.tabs.indexOf(self.security),
                             self.security.title(self.state, now))

    def show_security_event(self, event: SecurityEventRecord) -> None:
        """A security event from the live feed: listed at once if it is this pole's."""
        if self.state.security_event(event, self.now()):
            self.show_status()

    def acknowledge_security(self) -> None:
        pole_id = self.state.pole_id
        if pole_id is None:
            return
        self.state.acknowledge_security(self.now())
        self.show_status()
        self.security_acknowledged.emit(pole_id)

    def _pole_minute(self, moment: datetime) -> str:
        """Times in the pole's zone, the one the Schedule tab is drawn in."""
        return moment.astimezone(self.schedule.zone).strftime("%d-%m %H:%M")

    def refresh_status(self) -> None:
        """Ask for the back-office state: the service's record of a remote pole, or the
        local pole's own modem test."""
        pole_id = self.state.pole_id
        if pole_id is None:
            return
        self._enable_commands()  # the token's time left counts down
        if self.service is not None:
            self.tasks.run(self.tr("Reading what the service knows of %1").replace(
                "%1", pole_id), fetch_pole_story(self.service, pole_id, self.now()),
                self.show_story)
        elif self.controller.session is not None:
            self.controller.self_test("modem", 1)

    def _test_unexplained_faults(self) -> None:
        if self.service is not None or self.controller.session is None:
            return  # through a service the error code is known; no link: no tests
        for connector_id in self.state.untested_faulted_sockets():
            for test in SELF_TEST_FAULT:
                if (test, connector_id) not in self._tests_asked:
                    self._tests_asked.add((test, connector_id))
                    self.controller.self_test(test, connector_id)  # type: ignore[arg-type]
        if not self.state.untested_faulted_sockets():
            self._tests_asked.clear()

    def refresh_schedule(self) -> None:
        if self.controller.session is not None:
            self.tasks.run(self.tr("Reading the pole's schedule"),
                           self.controller.day_schedule(), self.schedule.show_schedule)

    # ------------------------------------------------------------ user actions
    def _slider_moved(self, value: int) -> None:
        self.led_asked.setText(f"{value} %")
        self._led_timer.start()

    def _send_light_intensity(self) -> None:
        self.controller.set_light_intensity(self.led_slider.value())

    def start_charging(self) -> None:
        connector = self.connector.value()
        if self.confirm(self.tr("Start charging on socket %1 with card %2?").replace(
                "%1", str(connector)).replace("%2", self.id_tag.text())):
            self.controller.remote_start(connector, self.id_tag.text() or "TECHNICIAN")

    def stop_charging(self) -> None:
        connector = self.connector.value()
        transaction = self.state.running_transaction(connector)
        if transaction is None:
            self.controller.command_failed.emit(
                self.tr("Stop charging"),
                self.tr("Nothing to stop: socket %1 has no charging session running. "
                        "Choose the socket that is charging.").replace("%1", str(connector)))
            return
        if self.confirm(self.tr("Stop transaction %1? The driver's session ends.").replace(
                "%1", str(transaction))):
            self.controller.remote_stop(transaction)

    def unlock(self) -> None:
        connector = self.connector.value()
        if self.confirm(self.tr("Unlock socket %1? A running session stops.").replace(
                "%1", str(connector))):
            self.controller.unlock(connector)

    def soft_reset(self) -> None:
        if self.confirm(self.tr("Soft-reset the pole? Running sessions stop.")):
            self.controller.soft_reset(on_accepted=self._restart_begun)

    def set_availability(self, operative: bool) -> None:
        connector = self.connector.value()
        question = (self.tr("Put socket %1 back in service?") if operative else
                    self.tr("Take socket %1 out of service? Drivers cannot start charging "
                            "there until it is back in service."))
        if self.confirm(question.replace("%1", str(connector))):
            self.controller.set_availability(connector, operative)

    def clear_fault(self) -> None:
        connector = self.connector.value()
        if self.confirm(self.tr(
                "Restart socket %1 to clear its fault? Do this only after the cause is fixed "
                "(for an earth-fault trip: the aardlekschakelaar is reset). If the cause is "
                "still there, the socket reports the fault again.").replace(
                "%1", str(connector))):
            self.controller.clear_fault(connector)

    # ------------------------------------------------------------ replay (issue 19)
    def replay(self, window: ReplayWindow) -> None:
        """Read the window's messages from the service, then show them in this view."""
        service = self.service or self.message_log.service
        if service is None:
            return
        self.tasks.run(self.tr("Reading %1's message log for the replay").replace(
            "%1", window.pole_id), fetch_replay(service, window, self.schedule.zone),
            lambda loaded: self.start_replay(*loaded))

    def start_replay(self, player: ReplayPlayer, labels: list[str] | None = None,
                     pages: ReplayPages | None = None) -> None:
        """Show ``player`` through the one controller, like any pole (the replay transport
        is read only, so every command greys out with the reason); the pole shown before
        comes back at `end_replay`. With ``pages`` the window's further pages are read
        while it plays, and their messages join the Jump to list."""
        address = self.controller.address
        if address is not None and address.transport != "replay":
            self._before_replay = (address, self.controller.options)
        self._replay_clock = None
        self._show_afresh()
        player.subscribe(lambda: self._replay_moved(player))
        self.replay_bar.follow(player, self.schedule.zone, labels)
        self.commission_button.setEnabled(False)
        self.commission_button.setToolTip(self.tr("Not during a replay"))
        self.controller.connect_to(PoleAddress(
            "replay", player.pole_id, self.tr("replay of %1").replace("%1", player.pole_id),
            player.pole_id), player=player)
        service = self.service or self.message_log.service
        if pages is not None and not pages.complete and service is not None:
            self._stop_prefetch()
            zone = self.schedule.zone

            def page_read(messages: list[ReplayMessage]) -> None:
                self.tasks.run_blocking(
                    self.tr("Listing the replay's messages"),
                    lambda: message_labels(messages, zone),
                    lambda labels: self.replay_bar.add_labels(player, labels))

            self._prefetch = self.tasks.run(
                self.tr("Reading %1's message log for the replay").replace(
                    "%1", player.pole_id),
                prefetch(service, pages, player, page_read,
                         on_trouble=lambda trouble: self.replay_bar.show_trouble(
                             player, trouble)))

    def _stop_prefetch(self) -> None:
        if self._prefetch is not None:
            self._prefetch.cancel()
            self._prefetch = None

    def end_replay(self) -> None:
        """Close the replay (its banner goes with its link) and reopen the pole shown
        before it, if any."""
        before = self._before_replay
        self.controller.close_pole()
        if before is not None:
            self.controller.connect_to(before[0], **before[1])

    def _leave_replay_if_elsewhere(self) -> None:
        """Another pole opened meanwhile (from the Fleet, the Connect page): the banner
        goes, so a live pole is never shown under "REPLAY"."""
        address = self.controller.address
        if self.replaying and (address is None or address.transport != "replay"):
            self.replay_bar.stop()
            self._stop_prefetch()
            self._before_replay = None
            self.commission_button.setEnabled(True)
            self.commission_button.setToolTip(self.tr(
                "Run the commissioning checklist on this pole and sign its report"))
            self._show_afresh()

    def _show_afresh(self) -> None:
        """Between a pole and its replay nothing carries over: the service's record of the
        pole now (its error codes, its back office) is not the replayed past, and the past's
        curves are not today's."""
        acknowledged = self.state.security_acknowledged  # the Fleet's, for this pole
        self.state = PoleState(link=self.state.link)
        self.state.security_acknowledged = acknowledged
        self._tests_asked.clear()
        self._forget_shown_pole()
        self.show_status()

    @property
    def replaying(self) -> bool:
        return self.replay_bar.player is not None

    def _replay_moved(self, player: ReplayPlayer) -> None:
        """A jump back in time starts the curves afresh: a plot only runs forwards."""
        if self._replay_clock is not None and player.clock < self._replay_clock:
            self.plot.clear()
        self._replay_clock = player.clock

    # ------------------------------------------------------------ soft reset progress
    def _restart_begun(self) -> None:
        self.restart_progress.show()
        self._restart_timer.start()

    def _restart_done(self) -> None:
        self._restart_timer.stop()
        self.restart_progress.hide()
        self.controller.command_finished.emit(self.tr("Soft reset"),
                                              self.tr("the pole is back"))

    def _restart_overdue(self) -> None:
        self.restart_progress.hide()
        self.controller.command_failed.emit(
            self.tr("Soft reset"),
            self.tr("the pole did not come back within 3 minutes: check its power and "
                    "its link"))


def _statuses(sample: LiveSample | None) -> tuple[str, ...]:
    return () if sample is None else tuple(socket.status.value for socket in sample.sockets)
