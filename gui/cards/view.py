"""The Cards screen: a thin view of `CardLookup` for the helpdesk.

Type a card number, see the register's verdict and the card's last transactions, block
or unblock it. Every request runs in the background (`TaskRunner`); a refusal reaches
the screen in words.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.access import Access, Action
from gui.access_widgets import gate
from gui.cards.lookup import CardLookup, QueryError, Verdict, check_query, fetch, set_blocked
from gui.service_request import ask_service, failure_text
from gui.tasks import TaskRunner
from pole_link.service_api import ServiceClient, ServiceEndpoint
from pole_link.service_cards import IdTagRecord

VERDICT_COLOURS = {Verdict.ACCEPTED: "#2e7d32", Verdict.BLOCKED: "#c62828",
                   Verdict.EXPIRED: "#c62828", Verdict.INVALID: "#c62828"}


class CardsView(QWidget):
    """``clock`` is the time expiry is shown against (tests pass the service's)."""

    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None, *,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.clock = clock
        self.service: ServiceEndpoint | None = None
        self.access = Access()
        """The signed-in operator (`watch`): may they block cards?"""
        self.lookup = CardLookup()
        self.lookup.subscribe(self._redraw)

        self.note = QLabel(self.tr("Connect to a service to look up cards."))
        self.query = QLineEdit()
        self.query.setPlaceholderText(self.tr("Card number (id tag)"))
        self.query.setMaxLength(40)
        self.query.returnPressed.connect(self.look_up)
        self.look_up_button = QPushButton(self.tr("Look up"))
        self.look_up_button.clicked.connect(self.look_up)
        self.verdict = QLabel()
        self.verdict.setStyleSheet("font-weight: bold; font-size: 13pt;")
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.block_button = QPushButton(self.tr("Block card"))
        self.unblock_button = QPushButton(self.tr("Unblock card"))
        self.block_button.clicked.connect(lambda: self.change(True))
        self.unblock_button.clicked.connect(lambda: self.change(False))
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels([
            self.tr("Pole"), self.tr("Socket"), self.tr("Started"), self.tr("Stopped"),
            self.tr("kWh"), self.tr("Stop reason")])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)

        search = QHBoxLayout()
        search.addWidget(self.query, 1)
        search.addWidget(self.look_up_button)
        actions = QHBoxLayout()
        actions.addWidget(self.verdict, 1)
        actions.addWidget(self.block_button)
        actions.addWidget(self.unblock_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addLayout(search)
        layout.addLayout(actions)
        layout.addWidget(self.details)
        layout.addWidget(QLabel(self.tr("Recent transactions (local time)")))
        layout.addWidget(self.table, 1)
        self.follow(None)

    def follow(self, service: ServiceEndpoint | None) -> None:
        self.service = service
        self.note.setVisible(service is None)
        self._redraw()

    def watch(self, access: Access) -> None:
        """Grey out Block/Unblock for a role that may not change cards (issue 17)."""
        self.access = access
        access.subscribe(self._redraw)
        self._redraw()

    def _ask(self, what: str, call: Callable[[ServiceClient], Awaitable[Any]],
             done: Callable[[Any], None]) -> None:
        """One request to the service (`ask_service`)."""
        ask_service(self.tasks, self.service, what, call, done, timeout=30)

    def _failed(self, what: str, error: BaseException) -> None:
        self.details.setText(failure_text(what, error))

    # ------------------------------------------------------------ intents
    def look_up(self) -> None:
        try:
            tag = check_query(self.query.text())
        except QueryError as error:
            self.details.setText(self.tr("Type a card number first.") if str(error) == "empty"
                                 else self.tr("A card number has at most 20 characters."))
            return

        def shown(answer: Any) -> None:
            if isinstance(answer, BaseException):
                self._failed(self.tr("Looking up the card"), answer)
            else:
                self.lookup.show(tag, *answer)

        self._ask(self.tr("Looking up the card"), lambda client: fetch(client, tag), shown)

    def change(self, blocked: bool) -> None:
        what = self.tr("Blocking the card") if blocked else self.tr("Unblocking the card")

        def changed(answer: IdTagRecord | BaseException) -> None:
            if isinstance(answer, BaseException):
                self._failed(what, answer)
            else:
                self.lookup.card_changed(answer)

        self._ask(what, lambda client: set_blocked(client, self.lookup, blocked), changed)

    # ------------------------------------------------------------ drawing
    def verdict_text(self, verdict: Verdict) -> str:
        words = {
            Verdict.NOT_LOOKED_UP: "",
            Verdict.UNKNOWN: self.tr("Not in the register"),
            Verdict.ACCEPTED: self.tr("Accepted"),
            Verdict.BLOCKED: self.tr("Blocked"),
            Verdict.EXPIRED: self.tr("Expired"),
            Verdict.INVALID: self.tr("Invalid"),
        }
        return words[verdict]

    def _redraw(self) -> None:
        lookup = self.lookup
        verdict = lookup.verdict(self.clock())
        text = self.verdict_text(verdict)
        self.verdict.setText(f"{lookup.query}: {text}" if text else "")
        self.verdict.setStyleSheet("font-weight: bold; font-size: 13pt; color: "
                                   f"{VERDICT_COLOURS.get(verdict, '#424242')};")
        card = lookup.card
        details = []
        if verdict is Verdict.UNKNOWN:
            details.append(self.tr("The service answers for it as its setting for unknown "
                                   "cards says (by default: accepted, as cards of every "
                                   "e-mobility provider must work)."))
        if card is not None and card.parent_id_tag:
            details.append(self.tr("Group: %1").replace("%1", card.parent_id_tag))
        if card is not None and card.expiry_date is not None:
            details.append(self.tr("Valid until: %1").replace(
                "%1", card.expiry_date.astimezone(lookup.zone).strftime("%Y-%m-%d %H:%M")))
        if lookup.looked_up and not lookup.transactions:
            details.append(self.tr("No transactions with this card."))
        self.details.setText("\n".join(details))
        connected = self.service is not None
        self.look_up_button.setEnabled(connected)
        gate(self.block_button, self.access, Action.CHANGE_CARD, connected and lookup.can_block)
        gate(self.unblock_button, self.access, Action.CHANGE_CARD,
             connected and lookup.can_unblock)
        rows = lookup.rows()
        self.table.setRowCount(len(rows))
        for row, transaction in enumerate(rows):
            cells = (transaction.pole, transaction.socket, transaction.started,
                     transaction.stopped, transaction.energy_kwh, transaction.reason)
            for column, value in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(value))
