"""Prepare a site visit: fetch service tokens while online, to write on poles offline.

A technician about to drive to poles without mobile signal fetches, from the service,
a token for the poles selected in the Fleet view (or for all), valid for the hours of
the visit (at most 72). The tokens go into the laptop's wallet (`TokenWallet`); the
dialog lists every token the laptop holds with how long each is still valid, so the
technician sees before leaving that the visit is covered.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gui.error_words import explain
from gui.fleet.rows import QT_TRANSLATE_NOOP, Translate, duration_text
from gui.tasks import TaskRunner
from pole_link.errors import PoleLinkError
from pole_link.service_api import ServiceClient, ServiceEndpoint
from pole_link.service_tokens import ALL_POLES
from pole_link.timeutil import utc_now
from pole_link.token_wallet import TokenWallet, WalletEntry

CONTEXT = "SiteVisit"
DEFAULT_HOURS = 10
MAX_HOURS = 72
_ENTRY = QT_TRANSLATE_NOOP("SiteVisit", "%1 — valid for %2 (%3)")
_ALL = QT_TRANSLATE_NOOP("SiteVisit", "all poles")
_STORED = (QT_TRANSLATE_NOOP("SiteVisit", "kept in your system keyring"),
           QT_TRANSLATE_NOOP("SiteVisit",
                             "kept in a file only you can read (no system keyring here)"),
           QT_TRANSLATE_NOOP("SiteVisit", "kept until the app closes"))
"""`pole_link.token_wallet`'s STORED_* words, for the translation."""


def _english(context: str, text: str) -> str:
    return text


def entry_text(entry: WalletEntry, now: datetime, translate: Translate = _english) -> str:
    """One wallet line: which poles, how long still, as whom."""
    poles = translate(CONTEXT, _ALL) if ALL_POLES in entry.claims.poles \
        else ", ".join(entry.claims.poles)
    left = entry.claims.expires - now
    return translate(CONTEXT, _ENTRY).replace("%1", poles).replace(
        "%2", duration_text(left, translate)).replace("%3", entry.claims.role)


async def fetch_into(wallet: TokenWallet, service: ServiceEndpoint, poles: list[str],
                     hours: int) -> tuple[str | None, BaseException | None]:
    """Fetch a token for ``poles`` (the one typed client) and keep it in ``wallet`` (off the
    GUI thread: the keyring may be slow): ``(where it is kept, None)`` or ``(None, why)``."""
    try:
        async with ServiceClient(service, timeout=15) as client:
            record = await client.issue_service_tokens(poles, hours)
        if record.token is None:
            raise ValueError("the service answered without a token")
        return await asyncio.to_thread(wallet.add, [record.token]), None
    except (PoleLinkError, ValueError, OSError) as exc:
        return None, exc


class SiteVisitDialog(QDialog):
    """Choose poles and hours, fetch a token, see what the wallet holds; "Issued
    tokens…" opens the service's list of issued tokens (`issued_requested`)."""

    issued_requested = Signal()

    def __init__(self, service: ServiceEndpoint, wallet: TokenWallet, tasks: TaskRunner,
                 selected: list[str], parent: QWidget | None = None,
                 now: Callable[[], datetime] = utc_now) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Prepare a site visit"))
        self.service, self.wallet, self.tasks, self.now = service, wallet, tasks, now
        self.selected = selected
        intro = QLabel(self.tr(
            "Fetch service tokens now, while online: on site the poles accept them without "
            "any signal. Without a token a pole can only be read."))
        intro.setWordWrap(True)
        self.selected_choice = QRadioButton(self.tr("The poles selected in Fleet: %1").replace(
            "%1", ", ".join(selected) if selected else self.tr("none selected")))
        self.all_choice = QRadioButton(self.tr("All poles"))
        (self.selected_choice if selected else self.all_choice).setChecked(True)
        self.selected_choice.setEnabled(bool(selected))
        self.hours = QSpinBox()
        self.hours.setRange(1, MAX_HOURS)
        self.hours.setValue(DEFAULT_HOURS)
        self.hours.setSuffix(self.tr(" h"))
        self.hours.setToolTip(self.tr("How long the tokens stay valid (at most 72 hours)"))
        self.fetch_button = QPushButton(self.tr("Fetch tokens"))
        self.fetch_button.clicked.connect(self.fetch)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.held = QListWidget()
        form = QFormLayout()
        form.addRow(self.tr("For"), self.selected_choice)
        form.addRow("", self.all_choice)
        form.addRow(self.tr("Valid for"), self.hours)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.issued_button = buttons.addButton(self.tr("Issued tokens…"),
                                               QDialogButtonBox.ButtonRole.ActionRole)
        self.issued_button.setToolTip(self.tr(
            "Every service token the service issued, to revoke one"))
        self.issued_button.clicked.connect(self.issued_requested)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.fetch_button)
        layout.addWidget(self.note)
        layout.addWidget(QLabel(self.tr("Tokens on this laptop:")))
        layout.addWidget(self.held, 1)
        layout.addWidget(buttons)
        self.show_wallet()

    def poles(self) -> list[str]:
        return list(self.selected) if self.selected_choice.isChecked() else [ALL_POLES]

    def fetch(self) -> None:
        self.fetch_button.setEnabled(False)
        self.note.setText(self.tr("Fetching a token from the service…"))
        self.tasks.run(self.tr("Fetching a service token"),
                       fetch_into(self.wallet, self.service, self.poles(), self.hours.value()),
                       self._fetched)

    def _fetched(self, outcome: tuple[str | None, BaseException | None]) -> None:
        where, error = outcome
        self.fetch_button.setEnabled(True)
        if error is not None:
            self.note.setText(self.tr("No token: %1").replace(
                "%1", explain(error).sentence.text(QCoreApplication.translate)))
            return
        self.note.setText(self.tr("Token fetched and %1.").replace(
            "%1", QCoreApplication.translate(CONTEXT, where or "")))
        self.show_wallet()

    def show_wallet(self) -> None:
        """Read the wallet off the GUI thread, then list it."""
        self.tasks.run_blocking(self.tr("Reading this laptop's service tokens"),
                                self.wallet.entries, self._list)

    def _list(self, entries: list[WalletEntry]) -> None:
        now = self.now()
        self.held.clear()
        for entry in entries:
            self.held.addItem(entry_text(entry, now, QCoreApplication.translate))
        if not entries:
            self.held.addItem(self.tr("none yet"))
