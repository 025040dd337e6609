"""The main window: views by job (Connect, Fleet, Pole, Profile, Firmware, Cards, Audit) around
one pole controller.

The window owns the long-lived objects (the pole controller, the fleet feed) and wires
them to the views; the views own none of them. Errors from anywhere land in one
non-modal message bar; the status bar always shows the link state.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QCoreApplication, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gui.access import Access, Action
from gui.access_widgets import gate, gate_action
from gui.account_words import Operator, not_signed_in
from gui.audit.view import AuditView
from gui.cards.view import CardsView
from gui.commissioning.page import CommissioningPage
from gui.demo import DemoStack
from gui.error_words import explain
from gui.firmware.firmware_view import FirmwareView
from gui.firmware.rollout_panel import RolloutPanel
from gui.fleet.model import FleetModel
from gui.fleet.register_panel import PoleRegisterPanel
from gui.fleet.view import FleetView
from gui.fleet_feed import FleetFeed
from gui.grid.view import GridGroupsView
from gui.help.dialogs import add_help_menu
from gui.i18n import LANGUAGES, remember_language
from gui.message_bar import MessageBar
from gui.outages.locations import LocationActions
from gui.outages.view import OutagesView
from gui.pole_controller import PoleController
from gui.pole_state import LinkState, link_text
from gui.profiles.profile_view import ProfileView
from gui.reports.view import ReportsView
from gui.roaming.view import RoamingView
from gui.service_request import ask_service
from gui.site_visit import SiteVisitDialog
from gui.tasks import TaskRunner
from gui.views.connect_view import ConnectView
from gui.views.issued_tokens_dialog import IssuedTokensDialog
from gui.views.pole_view import PoleView, ask_user
from pole_link.service_accounts import MeRecord
from pole_link.service_api import ServiceEndpoint
from pole_link.session import PoleIdentity
from pole_link.token_wallet import MemoryTokenStore, TokenWallet
from pole_link.transports import PoleAddress

WINDOW_TITLE = "Paalwerk"
LOCAL_TRANSPORTS = ("serial", "ble")
FLEET_START_LATEST_MS = 3000
"""The demo's service starts after the first live data, or after this at the latest."""


@dataclass
class Handover:
    demo: DemoStack | None
    service: ServiceEndpoint | None
    address: PoleAddress | None
    options: dict[str, Any]
    page: Page
    geometry: QRect


class Page(IntEnum):
    CONNECT = 0
    FLEET = 1
    POLE = 2
    PROFILE = 3
    FIRMWARE = 4
    COMMISSIONING = 5
    CARDS = 6
    AUDIT = 7
    REPORTS = 8
    ROAMING = 9
    OUTAGES = 10
    GRID = 11


class MainWindow(QMainWindow):
    """Emits `closed` once the user closes it; the app then stops what runs."""

    closed = Signal()
    language_chosen = Signal(str)
    """The user picked a language; the app rebuilds the window in it (`Handover`)."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(WINDOW_TITLE)
        self.resize(1280, 860)
        self.messages = MessageBar()
        self.tasks = TaskRunner(self.report_error)
        self.controller = PoleController(self)
        self.fleet_model = FleetModel()
        self.feed = FleetFeed(self.fleet_model, self)
        self.demo: DemoStack | None = None
        self.confirm: Callable[[str], bool] = lambda question: ask_user(self, question)

        self.connect_view = ConnectView(self.tasks)
        self.fleet_view = FleetView(self.fleet_model)
        self.pole_view = PoleView(self.controller, self.tasks)
        self.profile_view = ProfileView()
        self.firmware_view = FirmwareView(self.controller, self.tasks)
        self.rollout_panel = RolloutPanel(self.tasks, self.fleet_view.proxy.shown_pole_ids)
        self.rollout_panel.listen_to(self.feed)
        self.register_panel = PoleRegisterPanel(self.tasks)  # Poles → Register… (issue 16)
        self.register_panel.confirm = lambda question: self.confirm(question)
        self.register_dialog: QDialog | None = None
        self.operator: Operator | None = None
        """The signed-in operator at the chosen service (None: not known)."""
        self.access = Access()
        """The same operator for the pages: they grey out what the role may not do."""
        self.firmware_page = QTabWidget()
        self.firmware_page.addTab(self.firmware_view, self.tr("On site (this pole)"))
        self.firmware_page.addTab(self.rollout_panel, self.tr("Across the fleet"))
        self.commissioning_page = CommissioningPage(self.controller, self.tasks)
        self.cards_view = CardsView(self.tasks)
        self.audit_view = AuditView(self.tasks)
        self.reports_view = ReportsView(self.tasks)
        self.roaming_view = RoamingView(self.tasks)  # OCPI partners (issue 21)
        self.roaming_view.watch(self.access)
        self.outages_view = OutagesView(self.tasks)  # the helpdesk's board (issue 19)
        self.grid_view = GridGroupsView(self.tasks)  # grid operators' forecasts (issue 22)
        self.grid_view.watch(self.access)
        for page in (self.pole_view, self.firmware_view, self.rollout_panel,
                     self.commissioning_page.reports, self.profile_view, self.cards_view,
                     self.audit_view):
            page.watch(self.access)
        self.pages = QStackedWidget()
        for view in (self.connect_view, self.fleet_view, self.pole_view, self.profile_view,
                     self.firmware_page, self.commissioning_page, self.cards_view,
                     self.audit_view, self.reports_view,
                     self.roaming_view, self.outages_view,
                     self.grid_view):
            self.pages.addWidget(view)
        self.nav = QListWidget()
        for name in (self.tr("Connect"), self.tr("Fleet"), self.tr("Pole"),
                     self.tr("Capacity profile"), self.tr("Firmware"),
                     self.tr("Commissioning"), self.tr("Cards"), self.tr("Audit"),
                     self.tr("Reports"),
                     self.tr("Roaming partners"), self.tr("Outages"),
                     self.tr("Grid groups")):
            self.nav.addItem(name)
        self.nav.setFixedWidth(170)
        self.nav.setStyleSheet("font-size: 13pt;")
        self.nav.currentRowChanged.connect(self.pages.setCurrentIndex)

        body = QHBoxLayout()
        body.addWidget(self.nav)
        body.addWidget(self.pages, 1)
        central = QWidget()
        column = QVBoxLayout(central)
        column.addLayout(body, 1)
        self.setCentralWidget(central)
        self.messages.float_over(central)

        self.link_label = QLabel()
        self.fleet_label = QLabel()
        self.statusBar().addWidget(self.link_label, 1)
        self.user_label = QLabel()
        self.user_label.setContentsMargins(0, 0, 16, 0)
        self.statusBar().addPermanentWidget(self.user_label)
        self.statusBar().addPermanentWidget(self.fleet_label)
        self._menus()
        self._wire()
        self.show_page(Page.CONNECT)

    def _menus(self) -> None:
        view = self.menuBar().addMenu(self.tr("&View"))
        for page, key in ((Page.CONNECT, "Ctrl+1"), (Page.FLEET, "Ctrl+2"),
                          (Page.POLE, "Ctrl+3"), (Page.PROFILE, "Ctrl+4"),
                          (Page.FIRMWARE, "Ctrl+5"), (Page.COMMISSIONING, "Ctrl+6"),
                          (Page.CARDS, "Ctrl+7"), (Page.AUDIT, "Ctrl+8"),
                          (Page.REPORTS, "Ctrl+9"), (Page.OUTAGES, "Ctrl+0")):
            action = QAction(self.nav.item(page).text(), self)
            action.setShortcut(QKeySequence(key))
            action.triggered.connect(lambda _=False, p=page: self.show_page(p))
            view.addAction(action)
        language = view.addMenu(self.tr("Language"))
        for code, name in LANGUAGES.items():
            action = QAction(name, self)
            action.triggered.connect(lambda _=False, c=code: self.change_language(c))
            language.addAction(action)
        quit_action = QAction(self.tr("Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        view.addSeparator()
        view.addAction(quit_action)
        poles = self.menuBar().addMenu(self.tr("&Poles"))
        register = QAction(self.tr("Register or decommission a pole…"), self)
        register.triggered.connect(self.show_register_panel)
        poles.addAction(register)
        self.site_visit_action = QAction(self.tr("Prepare a site visit…"), self)
        self.site_visit_tip = self.tr(
            "Fetch service tokens for the poles selected in Fleet, to write on them offline")
        self.site_visit_action.setToolTip(self.site_visit_tip)
        self.site_visit_action.setEnabled(False)  # until a service is chosen
        self.site_visit_action.triggered.connect(self.prepare_site_visit)
        poles.addAction(self.site_visit_action)
        self.issued_tokens_action = QAction(self.tr("Issued service tokens…"), self)
        self.issued_tokens_tip = self.tr(
            "See the service tokens technicians hold, and revoke one (a lost laptop)")
        self.issued_tokens_action.setEnabled(False)  # until a service is chosen
        self.issued_tokens_action.triggered.connect(self.show_issued_tokens)
        poles.addAction(self.issued_tokens_action)
        poles.setToolTipsVisible(True)  # a greyed-out item says why
        self.locations = LocationActions(self, self.tasks, self.fleet_view.selected_pole_ids)
        poles.addAction(self.locations.edit_action)
        poles.addAction(self.locations.import_action)
        add_help_menu(self, self.pages, self.nav)

    def show_register_panel(self) -> None:
        """The pole register (`PoleRegisterPanel`) in a window of its own, beside the Fleet."""
        if self.register_dialog is None:
            self.register_dialog = QDialog(self)
            self.register_dialog.setWindowTitle(self.tr("Paalwerk — Pole register"))
            QVBoxLayout(self.register_dialog).addWidget(self.register_panel)
        self.register_dialog.show()
        self.register_dialog.raise_()

    def _wire(self) -> None:
        self.connect_view.open_pole.connect(self.open_pole)
        self.connect_view.disconnect_requested.connect(self.controller.close_pole)
        self.connect_view.site_visit_requested.connect(self.prepare_site_visit)
        self.connect_view.service_chosen.connect(lambda _: self._gate_service_tokens())
        self.access.subscribe(self._gate_service_tokens)
        self.connect_view.service_chosen.connect(self.feed.follow)
        self.connect_view.service_chosen.connect(self.rollout_panel.follow)
        self.connect_view.service_chosen.connect(self.commissioning_page.follow)
        self.connect_view.service_chosen.connect(self.cards_view.follow)
        self.connect_view.service_chosen.connect(self.audit_view.follow)
        self.connect_view.service_chosen.connect(self.reports_view.follow)
        self.connect_view.service_chosen.connect(self.roaming_view.follow)
        self.connect_view.service_chosen.connect(self.outages_view.follow)
        self.connect_view.service_chosen.connect(self.locations.follow)
        self.feed.pole_changed.connect(self.outages_view.note_change)
        self.feed.went_live.connect(self.outages_view.note_change)
        self.outages_view.pole_activated.connect(self.open_remote_pole)
        self.locations.changed.connect(self.outages_view.note_change)
        self.connect_view.service_chosen.connect(self.grid_view.follow)
        self.pole_view.commission_requested.connect(
            lambda: self.show_page(Page.COMMISSIONING))
        self.connect_view.service_chosen.connect(self.register_panel.follow)
        self.connect_view.service_chosen.connect(self.show_operator)
        self.fleet_view.pole_activated.connect(self.open_remote_pole)
        self.feed.state_changed.connect(self.fleet_label.setText)
        self.feed.security_event.connect(self.pole_view.show_security_event)
        self.pole_view.security_acknowledged.connect(self.fleet_model.acknowledge_security)
        self.controller.state_changed.connect(
            lambda state, detail: self.link_label.setText(
                f"{link_text(LinkState(state), QCoreApplication.translate)}: {detail}"))
        self.controller.identity_changed.connect(self._pole_opened)
        self.controller.state_changed.connect(self._link_state)
        self.controller.command_finished.connect(
            lambda what, answer: self.messages.show_info(f"{what}: {answer}"))
        self.controller.command_failed.connect(self.command_failed)

    def show_operator(self, service: ServiceEndpoint) -> None:
        """Who the app acts as at the service, in the status bar (``GET /auth/me``)."""
        self.user_label.setText(not_signed_in().text(QCoreApplication.translate))
        self.operator = None
        self.access.set_operator(None)

        def shown(answer: Any) -> None:
            if isinstance(answer, MeRecord):
                self.operator = Operator(answer.name, answer.role, answer.permissions)
                self.register_panel.apply_operator(self.operator)
                self.access.set_operator(self.operator)
                self.user_label.setText(
                    self.operator.status_line().text(QCoreApplication.translate))
            else:  # a service from before accounts, or a refused token: the pages say why
                self.operator = None
                self.access.set_operator(None)

        ask_service(self.tasks, service, self.tr("Asking who is signed in"),
                    lambda client: client.me(), shown)

    # ------------------------------------------------------------ navigation
    def show_page(self, page: Page) -> None:
        self.nav.setCurrentRow(page)

    def change_language(self, code: str) -> None:
        remember_language(code)
        self.language_chosen.emit(code)

    def handover(self) -> Handover:
        """What a window rebuilt in another language needs to carry on where this one was."""
        return Handover(self.demo, self.feed.service, self.controller.address,
                        self.controller.options, Page(self.nav.currentRow()),
                        self.geometry())

    def take_over(self, state: Handover) -> None:
        self.demo = state.demo
        if state.service is not None:
            self.connect_view.use_service(state.service)
        if state.address is not None:
            self.open_pole(state.address, state.options)
        self.setGeometry(state.geometry)
        self.show_page(state.page)

    # ------------------------------------------------------------ poles and services
    def open_pole(self, address: PoleAddress, options: dict[str, object]) -> None:
        """Show the chosen pole at once and connect to it; a local link that is open to
        another pole is only closed after the technician agrees."""
        current = self.controller.address
        if (current is not None and current != address
                and current.transport in LOCAL_TRANSPORTS
                and self.controller.state is LinkState.CONNECTED
                and not self.confirm(self.tr(
                    "You are connected to %1. Open %2 instead? The link to %1 is closed.")
                    .replace("%1", current.label).replace("%2", address.label))):
            return
        service = options.get("service") if address.transport == "csms" else None
        pole_id = address.pole_id or address.label
        self.pole_view.choose_pole(pole_id,
                                   service if isinstance(service, ServiceEndpoint) else None)
        row = self.fleet_model.pole(pole_id)
        if row is not None:  # what the helpdesk cleared in the Fleet stays cleared here
            self.pole_view.state.security_acknowledged = row.security_acknowledged
        self.controller.connect_to(address, **options)
        self.show_page(Page.POLE)

    def open_remote_pole(self, pole_id: str) -> None:
        if self.feed.service is None:
            self.messages.show_error(self.tr("Connect to a service first"))
            return
        self.open_pole(PoleAddress("csms", pole_id, pole_id), {"service": self.feed.service})

    def _pole_opened(self, identity: PoleIdentity) -> None:
        self.setWindowTitle(f"{WINDOW_TITLE} — {identity.pole_id}")
        self.profile_view.set_session(self.controller.session,
                                      via_service=self.controller.service is not None)

    def _link_state(self, state: str, detail: str) -> None:
        if state != "connected":
            self.profile_view.set_session(None)

    def _gate_service_tokens(self) -> None:
        """Fetching a token for a site visit is the technicians' (a helpdesk account gets
        none); listing and revoking the helpdesk's: grey out with the reason."""
        service = self.connect_view.service is not None
        gate_action(self.site_visit_action, self.access, Action.FETCH_SERVICE_TOKEN, service,
                    tooltip=self.site_visit_tip)
        gate(self.connect_view.site_visit_button, self.access, Action.FETCH_SERVICE_TOKEN,
             service, tooltip=self.connect_view.site_visit_tip)
        gate_action(self.issued_tokens_action, self.access, Action.LIST_SERVICE_TOKENS,
                    service, tooltip=self.issued_tokens_tip)

    def prepare_site_visit(self) -> SiteVisitDialog | None:
        """Service tokens for the poles selected in Fleet (or all), kept in the wallet."""
        service = self.connect_view.service
        if service is None or not self.access.may(Action.FETCH_SERVICE_TOKEN):
            return None
        dialog = SiteVisitDialog(service, self.controller.wallet, self.tasks,
                                 self.fleet_view.selected_pole_ids(), self)
        dialog.issued_requested.connect(self.show_issued_tokens)
        dialog.setModal(True)
        dialog.resize(640, 420)
        dialog.show()
        return dialog

    def show_issued_tokens(self) -> IssuedTokensDialog | None:
        """The service tokens issued, with Revoke (Poles menu, or from a site visit)."""
        service = self.connect_view.service
        if service is None:
            return None
        dialog = IssuedTokensDialog(service, self.tasks, self.access,
                                    lambda question: self.confirm(question), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.resize(900, 460)
        dialog.show()
        return dialog

    def start_demo(self, demo: DemoStack) -> None:
        """Open the serial pole as soon as its port exists; follow the service once it runs."""
        self.demo = demo
        if demo.service_token is not None:  # the demo's poles want a token, as in the field
            self.controller.wallet = TokenWallet(MemoryTokenStore())
            self.controller.wallet.add([demo.service_token])
        if demo.release is not None:  # a signed release to try, and the root to check it
            self.firmware_view.roots_path = demo.release.root
            self.firmware_view.start_folder = str(demo.release.package.parent)

        def serial_ready(found: tuple[str, str]) -> None:
            pole_id, path = found
            self.connect_view.suggest_serial_port(path)
            self.open_pole(PoleAddress("serial", path, f"{pole_id} ({path})", pole_id), {})

        def service_ready(service: ServiceEndpoint) -> None:
            self.connect_view.use_service(service)
            self.tasks.run(self.tr("Starting charges on the demo's poles"), demo.liven_up())

        def live_on_screen(_sample: object = None) -> None:
            self.controller.sample_received.disconnect(live_on_screen)
            demo.start_fleet()

        self.controller.sample_received.connect(live_on_screen)
        QTimer.singleShot(FLEET_START_LATEST_MS, demo.start_fleet)
        self.tasks.run(self.tr("Starting the demo's serial pole"), demo.serial_ready(),
                       serial_ready)
        self.tasks.run(self.tr("Starting the demo's service"), demo.service_ready(),
                       service_ready)
        self.tasks.run(self.tr("Starting the demo's BLE pole"), demo.ble_ready(),
                       lambda _: self.connect_view.scan_ble())

    def report_error(self, what: str, error: BaseException) -> None:
        """Any failure: one sentence a technician understands, the technical text behind
        "Details"."""
        explained = explain(error)
        self.messages.show_error(
            f"{what}: {explained.sentence.text(QCoreApplication.translate)}",
            f"{explained.detail}\n{error!r}")

    def command_failed(self, what: str, why: object) -> None:
        if isinstance(why, BaseException):
            self.report_error(what, why)
        else:
            self.messages.show_error(f"{what}: {why}")

    # ------------------------------------------------------------ closing
    async def shutdown(self, *, stop_demo: bool = True) -> None:
        """Stop the controller, feed and tasks, and the demo unless a new window takes it."""
        # Pages that read the service on a timer stop first: a tick after the loop is gone
        # would start a request nobody can run.
        self.grid_view.follow(None)
        self.outages_view.follow(None)
        await self.controller.aclose()
        await self.feed.aclose()
        await self.profile_view.aclose()
        await self.firmware_view.aclose()
        await self.commissioning_page.aclose()
        await self.pole_view.plot.aclose()
        await self.tasks.cancel_all()
        if self.demo is not None and stop_demo:
            await asyncio.to_thread(self.demo.stop)
            self.demo = None

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        self.closed.emit()
        super().closeEvent(event)
