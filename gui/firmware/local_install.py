"""One on-site firmware update, from opening a package to the new version running.

The technician's questions, in order: is this package for this pole and genuinely from
the manufacturer? How far is the upload and how long still? The link dropped — can it
go on from where it was? Did the pole take it, and is the new version really running,
or did it roll back? This object answers them from what happened (package read, bytes
acknowledged, the pole's answer, the identity it reports after its reboot); the view
only shows it. Qt-free, driven by a clock the caller passes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from cryptography import x509

from gui.firmware.progress import TransferProgress
from gui.fleet.rows import QT_TRANSLATE_NOOP, Reason
from pole_link.firmware.package import FirmwarePackage
from pole_link.firmware.signing import FirmwareRefused, Refusal, subject_of
from pole_link.session import PoleIdentity


class Phase(StrEnum):
    NO_PACKAGE = "no-package"
    READY = "ready"
    UPLOADING = "uploading"
    INTERRUPTED = "interrupted"
    """Stopped part-way (link lost, cancelled): installing again resumes."""
    RESTARTING = "restarting"
    """The pole accepted and installed the image and is rebooting into it."""
    RUNNING = "running"
    ROLLED_BACK = "rolled-back"
    REFUSED = "refused"


_SIGNED_OK = QT_TRANSLATE_NOOP("FleetRows", "Signature valid: signed by %1, issued by %2")
_SIGNED_UNCHECKED = QT_TRANSLATE_NOOP(
    "FleetRows", "Signed by %1 (not checked here: no manufacturer root set; the pole "
    "checks it)")
_SIGNED_BAD = QT_TRANSLATE_NOOP("FleetRows", "Signature NOT valid: %1")
_FITS = QT_TRANSLATE_NOOP("FleetRows", "Made for this pole's model (%1)")
_NOT_FOR = QT_TRANSLATE_NOOP("FleetRows", "NOT for this pole: made for %1, the pole is %2")
_RUNNING_NEW = QT_TRANSLATE_NOOP("FleetRows", "Firmware %1 is running.")
_ROLLED_BACK = QT_TRANSLATE_NOOP(
    "FleetRows", "The pole went back to firmware %1: version %2 did not start healthy. "
    "The pole runs as before; report this to the manufacturer.")
_RESTARTING = QT_TRANSLATE_NOOP(
    "FleetRows", "Installed. The pole restarts into %1 — waiting for it to come back.")
_INTERRUPTED = QT_TRANSLATE_NOOP(
    "FleetRows", "Stopped at %1 %. Install again to resume: the pole keeps what it received.")
_REFUSED = QT_TRANSLATE_NOOP("FleetRows", "The pole refused the firmware: %1. It keeps running "
                             "%2.")

REFUSAL_WORDS = {
    Refusal.INVALID_SIGNATURE.value: QT_TRANSLATE_NOOP(
        "FleetRows", "the signature does not match the image (tampered, or another key)"),
    Refusal.INVALID_CERTIFICATE.value: QT_TRANSLATE_NOOP(
        "FleetRows", "it is not signed by a manufacturer this pole trusts"),
    Refusal.HASH_MISMATCH.value: QT_TRANSLATE_NOOP("FleetRows", "the image arrived damaged"),
    Refusal.INCOMPLETE.value: QT_TRANSLATE_NOOP(
        "FleetRows", "the image did not arrive completely"),
    Refusal.WRONG_MODEL.value: QT_TRANSLATE_NOOP("FleetRows", "it is made for another model"),
}


def refusal_reason(reason: str) -> Reason:
    """The pole's refusal word in words; an unknown one as the pole sent it."""
    words = REFUSAL_WORDS.get(reason)
    return Reason(words) if words else Reason(reason)


@dataclass
class LocalInstall:
    """The state of one technician's update of the connected pole."""

    package: FirmwarePackage | None = None
    signature: Reason | None = None
    signature_ok: bool | None = None
    """True: verified against a root; None: not checked here; False: refused."""
    phase: Phase = Phase.NO_PACKAGE
    progress: TransferProgress | None = None
    refusal: Reason | None = None
    running_version: str | None = None
    pole_model: str | None = None

    # ------------------------------------------------------------ inputs
    def open(self, package: FirmwarePackage, roots: list[x509.Certificate],
             now: datetime) -> None:
        """A package read from disk; its signature judged against ``roots`` if any."""
        self.package, self.refusal, self.progress = package, None, None
        self.phase = Phase.READY
        signer = package.signing_certificate()
        if not roots:
            self.signature_ok = None
            self.signature = Reason(_SIGNED_UNCHECKED, (subject_of(signer),))
            return
        try:
            root = package.verify(roots, now)
        except FirmwareRefused as refused:
            self.signature_ok = False
            self.signature = Reason(_SIGNED_BAD, (refused.detail,))
        else:
            self.signature_ok = True
            self.signature = Reason(_SIGNED_OK, (subject_of(signer), subject_of(root)))

    def pole_identified(self, identity: PoleIdentity) -> None:
        """The pole (re)introduced itself: after an install, this says what runs now."""
        self.pole_model = identity.model
        self.running_version = identity.firmware_version
        if self.phase is Phase.RESTARTING and self.package is not None:
            self.phase = (Phase.RUNNING if identity.firmware_version ==
                          self.package.manifest.version else Phase.ROLLED_BACK)

    def started(self) -> None:
        if self.package is not None:
            self.phase = Phase.UPLOADING
            self.refusal = None
            self.progress = None

    def acknowledged(self, done: int, total: int, at: float) -> None:
        if self.progress is None:  # the first ack says where a resume started
            self.progress = TransferProgress(total=total, start_offset=done)
        self.progress.update(done, at)

    def installed(self) -> None:
        self.phase = Phase.RESTARTING

    def interrupted(self) -> None:
        if self.phase is Phase.UPLOADING:
            self.phase = Phase.INTERRUPTED

    def refused(self, reason: str) -> None:
        self.phase = Phase.REFUSED
        self.refusal = refusal_reason(reason)

    # ------------------------------------------------------------ what to show
    @property
    def fits_pole(self) -> bool | None:
        if self.package is None or self.pole_model is None:
            return None
        return self.package.manifest.fits(self.pole_model)

    def model_reason(self) -> Reason | None:
        fits = self.fits_pole
        if fits is None or self.package is None:
            return None
        if fits:
            return Reason(_FITS, (str(self.pole_model),))
        return Reason(_NOT_FOR, (", ".join(self.package.manifest.models),
                                 str(self.pole_model)))

    def can_install(self, connected: bool) -> bool:
        return (connected and self.package is not None and self.signature_ok is not False
                and self.fits_pole is not False
                and self.phase not in (Phase.UPLOADING, Phase.RESTARTING))

    def outcome(self) -> Reason | None:
        version = self.package.manifest.version if self.package is not None else "?"
        if self.phase is Phase.RUNNING:
            return Reason(_RUNNING_NEW, (version,))
        if self.phase is Phase.ROLLED_BACK:
            return Reason(_ROLLED_BACK, (str(self.running_version), version))
        if self.phase is Phase.RESTARTING:
            return Reason(_RESTARTING, (version,))
        if self.phase is Phase.INTERRUPTED:
            percent = round(100 * self.progress.fraction) if self.progress else 0
            return Reason(_INTERRUPTED, (str(percent),))
        if self.phase is Phase.REFUSED and self.refusal is not None:
            return Reason(_REFUSED, (self.refusal, str(self.running_version or "?")))
        return None
