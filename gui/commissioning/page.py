"""The Commissioning page: the checklist wizard and the pole's reports, and what joins
them — signing the report when a run is finished, and sending it to the service when the
app is logged in to one (else it waits, counted, until "Sync now").

Signing reads the technician's key from the OS keyring and writes the PDF and JSON: both
are blocking, so they run on a worker thread; the page only shows the outcome.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QTabWidget, QWidget

from gui.commissioning.reports_list import ReportsList
from gui.commissioning.wizard_view import CommissioningView
from gui.error_words import explain
from gui.i18n import active_language
from gui.pole_controller import PoleController
from gui.tasks import TaskRunner
from pole_link.commissioning.pdf import ENGLISH, LABELS
from pole_link.commissioning.record import RunRecord
from pole_link.commissioning.report import SignedReport, sign_finished_run
from pole_link.commissioning.store import RunStore
from pole_link.commissioning.sync import ReportOutbox
from pole_link.service_api import ServiceEndpoint
from pole_link.session import PoleIdentity


class CommissioningPage(QTabWidget):
    """Tab "Checklist" (the wizard) and tab "Reports" (the pole's reports at the service)."""

    def __init__(self, controller: PoleController, tasks: TaskRunner, *,
                 store: RunStore | None = None, key_dir: Path | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.store = store or RunStore()
        self.key_dir = key_dir
        """Where a key is kept on a computer without a keyring (None: the user data dir)."""
        self.service: ServiceEndpoint | None = None
        self.signed: SignedReport | None = None
        self.open_file = _open_with_desktop
        self.wizard = CommissioningView(controller, tasks, store=self.store)
        self.wizard.on_finished = self.sign
        self.wizard.open_report_button.clicked.connect(self.open_report)
        self.reports = ReportsList(tasks, ReportOutbox(self.store.root))
        self.addTab(self.wizard, self.tr("Checklist"))
        self.addTab(self.reports, self.tr("Reports"))
        controller.identity_changed.connect(self._pole_opened)

    def follow(self, service: ServiceEndpoint | None) -> None:
        self.service = service
        self.wizard.follow(service)
        self.reports.follow(service)

    def _pole_opened(self, identity: PoleIdentity) -> None:
        self.reports.show_pole(identity.pole_id)
        self.reports.refresh_pending()

    def use_store(self, store: RunStore) -> None:
        """Another run store (tests, a shared folder on a fleet laptop)."""
        self.store = store
        self.wizard.store = store
        self.reports.use_outbox(ReportOutbox(store.root, self.reports.outbox.key
                                             if self.reports.outbox else None))

    # ------------------------------------------------------------ finishing
    def sign(self, record: RunRecord) -> None:
        """Sign the finished run's report with its technician's key, then send it."""
        folder = self.store.folder(record.run_id)
        key_dir = self.key_dir
        labels = LABELS.get(active_language(), ENGLISH)  # the report in the app's language

        async def sign() -> None:
            try:
                signed = await asyncio.to_thread(sign_finished_run, record, folder,
                                                 key_dir=key_dir, labels=labels)
            except Exception as error:  # said on the page; the finished run stays stored
                words = explain(error).sentence.text(QCoreApplication.translate)
                self.wizard.show_report_state(self.tr(
                    "The report could not be signed: %1 The run is kept: press Finish "
                    "again to retry.").replace("%1", words), failed=True)
                return
            self._signed(signed)

        self.wizard.show_report_state(self.tr("Signing the report…"))
        self.tasks.run(self.tr("Signing the report"), sign())

    def _signed(self, signed: SignedReport) -> None:
        self.signed = signed
        self.reports.use_outbox(ReportOutbox(self.store.root, signed.kept.key))
        text = self.tr("Report signed by %1 (key %2) and saved in %3.").replace(
            "%1", signed.record.technician).replace("%2", signed.kept.key.fingerprint).replace(
            "%3", str(signed.files.pdf_path.parent))
        if signed.key_note:
            text += " " + signed.key_note + "."
        if self.service is None:
            text += " " + self.tr("It is uploaded once the app is logged in to the service "
                                  "(Reports tab, Sync now).")
        else:
            text += " " + self.tr("Uploading it to the service: see the Reports tab.")
            self.reports.sync()
        self.wizard.show_report_state(text, done=True)

    def open_report(self) -> None:
        if self.signed is not None:
            self.open_file(self.signed.files.pdf_path)

    async def aclose(self) -> None:
        await self.wizard.aclose()


def _open_with_desktop(path: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
