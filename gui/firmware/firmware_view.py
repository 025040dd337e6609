"""The Firmware view, on site: open a signed package, install it on the connected pole.

It shows what the technician must decide on before pressing Install (version, the
models it is for, whether the signature holds, the version the pole runs now), then the
upload with bytes, rate and time left, a Cancel, and after a lost link an Install that
resumes from where the pole got to. The outcome is judged by the pole itself: the
version it reports after its reboot (`LocalInstall`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from cryptography import x509
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gui.access import Access, Action
from gui.access_widgets import gate
from gui.firmware.local_install import LocalInstall, Phase
from gui.firmware.progress import size_text, time_left_text
from gui.pole_controller import PoleController
from gui.pole_state import LinkState
from gui.settings import remember_roots_path, remembered_roots_path
from gui.tasks import TaskRunner
from pole_link.errors import FirmwareRejected
from pole_link.firmware.package import FirmwarePackage, read_package
from pole_link.firmware.signing import load_certificates
from pole_link.session import PoleIdentity
from pole_link.timeutil import utc_now


class FirmwareView(QWidget):
    """Local firmware update of the controller's pole."""

    def __init__(self, controller: PoleController, tasks: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.roles = Access()
        """The signed-in operator at the service (`watch`)."""
        self.tasks = tasks
        self.install = LocalInstall()
        remembered = remembered_roots_path()
        self.roots_path: Path | None = Path(remembered) if remembered else None
        """A PEM bundle of manufacturer roots the app checks packages against."""
        self.choose_roots: Callable[[], str] = self._ask_for_roots
        self.start_folder = ""
        """Where "Open package…" starts (the demo points it at its own release)."""
        self.choose_file: Callable[[], str] = self._ask_for_package
        self._upload: asyncio.Task[object] | None = None
        self._uploads = TaskRunner(self._upload_failed)

        title = QLabel(self.tr("Firmware"))
        title.setStyleSheet("font-size: 18pt; font-weight: bold;")
        self.open_button = QPushButton(self.tr("Open package…"))
        self.open_button.clicked.connect(self.open_package)
        self.install_button = QPushButton(self.tr("Install on this pole"))
        self.install_button.clicked.connect(self.start_install)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel_install)
        self.roots_button = QPushButton(self.tr("Manufacturer roots…"))
        self.roots_button.setToolTip(self.tr(
            "The manufacturer root certificates (PEM) packages are checked against here; "
            "the pole checks them again itself"))
        self.roots_button.clicked.connect(self.pick_roots)
        buttons = QHBoxLayout()
        for button in (self.open_button, self.install_button, self.cancel_button,
                       self.roots_button):
            buttons.addWidget(button)
        buttons.addStretch(1)

        self.fields = {key: QLabel("—") for key in
                       ("file", "version", "models", "size", "signature", "fit", "running")}
        form = QFormLayout()
        for key, label in (("file", self.tr("Package")), ("version", self.tr("Version")),
                           ("models", self.tr("For models")), ("size", self.tr("Size")),
                           ("signature", self.tr("Signature")), ("fit", self.tr("This pole")),
                           ("running", self.tr("Running now"))):
            self.fields[key].setWordWrap(True)
            self.fields[key].setTextInteractionFlags(
                Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(label, self.fields[key])

        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_text = QLabel()
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.outcome.setStyleSheet("font-size: 13pt; font-weight: bold;")

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(buttons)
        layout.addLayout(form)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.progress_text)
        layout.addWidget(self.outcome)
        layout.addStretch(1)

        controller.identity_changed.connect(self.pole_identified)
        controller.state_changed.connect(lambda _state, _detail: self.show_state())
        if controller.identity is not None:
            self.install.pole_identified(controller.identity)
        self.show_state()

    # ------------------------------------------------------------ package
    def _ask_for_package(self) -> str:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open firmware package"), self.start_folder,
            self.tr("Firmware packages (*.fwpkg *.zip);;All files (*)"))
        return path

    def _ask_for_roots(self) -> str:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Manufacturer root certificates"), "",
            self.tr("Certificates (*.pem *.crt);;All files (*)"))
        return path

    def pick_roots(self) -> None:
        """Choose (and remember) the roots; an open package is judged again against them."""
        path = self.choose_roots()
        if not path:
            return
        try:
            roots = load_certificates(Path(path).read_bytes())
        except (OSError, ValueError) as error:
            self.outcome.setText(self.tr("Cannot use %1 as manufacturer roots: %2").replace(
                "%1", Path(path).name).replace("%2", str(error)))
            return
        if not roots:
            self.outcome.setText(self.tr("%1 holds no certificate.").replace(
                "%1", Path(path).name))
            return
        self.roots_path = Path(path)
        remember_roots_path(path)
        if self.install.package is not None:
            self.install.open(self.install.package, roots, utc_now())
        self.show_state()

    def _roots(self) -> list[x509.Certificate]:
        """The chosen roots; none when the file has gone or is not PEM (then the view says
        the signature was not checked here, and the pole still checks it)."""
        if self.roots_path is None:
            return []
        try:
            return load_certificates(self.roots_path.read_bytes())
        except (OSError, ValueError):
            return []

    def open_package(self) -> None:
        path = self.choose_file()
        if path:
            self.load(Path(path))

    def load(self, path: Path) -> None:
        """Read and check the package off the GUI thread."""
        def read() -> FirmwarePackage:
            return read_package(path)

        def opened(package: FirmwarePackage) -> None:
            self.install.open(package, self._roots(), utc_now())
            self.fields["file"].setText(path.name)
            self.show_state()

        self.tasks.run_blocking(self.tr("Opening %1").replace("%1", path.name), read, opened)

    # ------------------------------------------------------------ install
    def start_install(self) -> None:
        session, package = self.controller.session, self.install.package
        if session is None or package is None:
            return
        self.install.started()

        def progress(done: int, total: int) -> None:
            self.install.acknowledged(done, total, time.monotonic())
            self.show_progress()

        async def upload() -> object:
            return await session.upload_firmware(package, progress=progress)

        self._upload = self._uploads.run(self.tr("Installing firmware"), upload(),
                                         lambda _result: self._installed())
        self.show_state()

    def cancel_install(self) -> None:
        if self._upload is not None and not self._upload.done():
            self._upload.cancel()
        self.install.interrupted()
        self.show_state()

    def _installed(self) -> None:
        self.install.installed()
        self.show_state()

    def _upload_failed(self, _what: str, error: BaseException) -> None:
        if isinstance(error, FirmwareRejected):
            self.install.refused(error.reason)
        else:  # the link went or the pole stopped acknowledging: it can resume
            self.install.interrupted()
        self.show_state()

    def watch(self, roles: Access) -> None:
        self.roles = roles
        roles.subscribe(self.show_state)
        self.show_state()

    def pole_identified(self, identity: PoleIdentity) -> None:
        self.install.pole_identified(identity)
        self.show_state()

    # ------------------------------------------------------------ painting
    def show_progress(self) -> None:
        progress = self.install.progress
        if progress is None:
            return
        self.progress_bar.setValue(round(progress.fraction * 1000))
        if self.install.phase is not Phase.UPLOADING:  # no speed to speak of when idle
            self.progress_text.setText(self.tr("%1 of %2").replace(
                "%1", size_text(progress.done)).replace("%2", size_text(progress.total)))
            return
        rate = progress.rate
        self.progress_text.setText(self.tr("%1 of %2 · %3/s · %4 left").replace(
            "%1", size_text(progress.done)).replace("%2", size_text(progress.total)).replace(
            "%3", size_text(rate) if rate else "—").replace(
            "%4", time_left_text(progress.left_s)))

    def show_state(self) -> None:
        translate = QCoreApplication.translate
        install = self.install
        package = install.package
        if package is not None:
            manifest = package.manifest
            self.fields["version"].setText(manifest.version)
            self.fields["models"].setText(", ".join(manifest.models) or self.tr("every model"))
            self.fields["size"].setText(f"{size_text(manifest.size)} · SHA-256 "
                                        f"{manifest.sha256[:16]}…")
            self.fields["signature"].setText(
                install.signature.text(translate) if install.signature else "—")
            colour = ("#8a4b00" if install.signature_ok is None else
                      "#2e7d32" if install.signature_ok else "#c62828")
            self.fields["signature"].setStyleSheet(f"color: {colour};")
            fit = install.model_reason()
            self.fields["fit"].setText(fit.text(translate) if fit else "—")
        self.fields["running"].setText(install.running_version or "—")
        connected = self.controller.state == LinkState.CONNECTED
        uploading = install.phase is Phase.UPLOADING
        # Through the service the image goes as OCPP messages (``POST …/call``): a role
        # that may not send those sees why (issue 17); on site the service token decides.
        roles = self.roles if self.controller.service is not None else Access()
        gate(self.install_button, roles, Action.SEND_OCPP, install.can_install(connected))
        self.install_button.setText(self.tr("Resume install") if install.phase
                                    is Phase.INTERRUPTED else self.tr("Install on this pole"))
        self.cancel_button.setEnabled(uploading)
        self.open_button.setEnabled(not uploading)
        self.progress_bar.setVisible(install.progress is not None)
        self.progress_text.setVisible(install.progress is not None)
        outcome = install.outcome()
        self.outcome.setText(outcome.text(translate) if outcome else "")
        good = install.phase is Phase.RUNNING
        self.outcome.setStyleSheet("font-size: 13pt; font-weight: bold; color: "
                                   + ("#2e7d32;" if good else "#c62828;"
                                      if install.phase in (Phase.REFUSED, Phase.ROLLED_BACK)
                                      else "#333;"))
        self.show_progress()

    async def aclose(self) -> None:
        await self._uploads.cancel_all()
