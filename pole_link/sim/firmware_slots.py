"""A virtual pole's firmware: two slots, trusted manufacturer roots, and the local update.

A field pole runs from one flash slot while an update is written to the other; it
switches only after the whole image is there and checks out, and boots back into the
old slot when the new firmware fails its health check. This module is that, for the
local service port (PROTOCOL.md ``FirmwareBegin``, binary data frames, ``FirmwareCommit``):

* ``FirmwareBegin`` refuses at once what it can judge from the request — an image for
  another model (``WrongModel``), no trusted manufacturer root, a signing certificate no
  trusted root issued or out of date (``InvalidCertificate``), a signature that does not
  match the declared SHA-256 (``InvalidSignature``) — and otherwise accepts. The same
  SHA-256 again resumes: the bytes received stay with the pole (this object), across
  sessions, clients and reboots.
* Data frames are taken only in order; a frame beyond the next expected offset is a gap
  (reported once per gap, the client resends from there), one below it a duplicate
  (ignored and acknowledged again).
* ``FirmwareCommit`` checks completeness, hash, certificate chain, signature and model
  again, refuses with the reason (the pole keeps running its firmware), or writes the
  image to the other slot, switches, and reboots into it.

The same slots take an image downloaded for OCPP ``SignedUpdateFirmware``
(`pole_link.sim.signed_update`): `check_certificate` when the request comes,
`install_signed` once the image is there, with the same checks as ``FirmwareCommit``.

Simulation convention: a release whose version ends in ``-unhealthy`` boots, fails its
health check and rolls back to the previous slot (so does any release while
`FirmwareSlots.fail_next_boot` is set). The pole then runs the old version again and
tells its CSMS ``FirmwareStatusNotification`` ``InstallationFailed`` (queued while
offline); a healthy boot reports ``Installed``. After a ``SignedUpdateFirmware`` install
the same news goes as ``SignedFirmwareStatusNotification`` with the request's id.

Security events (``SecurityEventNotification``, queued while offline with the moment
they happened): every refused image (``InvalidFirmwareSigningCertificate`` for its
certificate, ``InvalidFirmwareSignature`` for its signature or an image that is not the
one signed), every healthy boot of new firmware (``FirmwareUpdated``), and every rollback
after a failed health check (``FirmwareRollback``, not a whitepaper type: the whitepaper
has none for it, and an operator must see it).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import logging
import mmap
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import InitVar, dataclass, field
from typing import TYPE_CHECKING, Any

from cryptography import x509

from pole_link.firmware.signing import (
    FirmwareRefused,
    Refusal,
    load_certificate,
    load_certificates,
    subject_of,
    verify_signed_digest,
    verify_signing_certificate,
)
from pole_link.protocol.binary import MAX_CHUNK, AckStatus, FirmwareAck, FirmwareData

if TYPE_CHECKING:
    from pole_link.sim.pole import VirtualPole

LOGGER = logging.getLogger(__name__)

WINDOW_BYTES = 1 << 20
"""What the virtual pole lets a client have unacknowledged: its RAM is the host's."""
CHUNK_BYTES = MAX_CHUNK
"""The longest data frame the protocol allows; clients pick less where the link wants."""
ACK_INTERVAL_S = 0.25
"""Acknowledge progress at least this often (wall clock), so a slow link shows progress."""
MAX_IMAGE_BYTES = 64 * 1024 * 1024
"""What a slot holds (the package format's limit)."""
MAX_VERSION_LENGTH = 50
"""BootNotification.firmwareVersion is a CiString50."""
UNHEALTHY_SUFFIX = "-unhealthy"
"""A release whose version ends so fails its health check after booting (simulation)."""
_SHA256 = re.compile(r"[0-9a-f]{64}")

FIRMWARE_UPDATED = "FirmwareUpdated"
INVALID_SIGNING_CERTIFICATE = "InvalidFirmwareSigningCertificate"
INVALID_SIGNATURE_EVENT = "InvalidFirmwareSignature"
FIRMWARE_ROLLBACK = "FirmwareRollback"


def refusal_event(reason: Refusal) -> str | None:
    """The security event a refused image raises; None for refusals that say nothing
    about its authenticity (an unfinished transfer, another model)."""
    if reason == Refusal.INVALID_CERTIFICATE:
        return INVALID_SIGNING_CERTIFICATE
    if reason in (Refusal.INVALID_SIGNATURE, Refusal.HASH_MISMATCH):
        return INVALID_SIGNATURE_EVENT
    return None


@dataclass
class Slot:
    """One flash slot and what it holds."""

    name: str
    version: str | None = None
    sha256: str | None = None
    image: bytes = b""


def receive_buffer(size: int) -> mmap.mmap | bytearray:
    """Room for an image of ``size`` bytes that costs nothing until it is written.

    Anonymous private memory: the kernel hands out (zeroed) pages as frames first touch
    them, so ``FirmwareBegin`` does not wait on 64 MB of memory, and asks for 2 MB pages
    where the kernel allows (``MADV_HUGEPAGE``): a 64 MB upload into 4 KB pages was
    16,384 page faults in the pole while the link was busy (profiled: more of its time
    than the CRC). On Windows, the same from the paging file.
    """
    if size == 0:
        return bytearray()  # mmap refuses an empty mapping
    if os.name == "nt":
        return mmap.mmap(-1, size)
    buffer = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    with contextlib.suppress(AttributeError, OSError):  # no THP: 4 KB pages, still lazy
        buffer.madvise(mmap.MADV_HUGEPAGE)
    return buffer


@dataclass
class Transfer:
    """An image on its way into the inactive slot."""

    transfer_id: int
    size: int
    sha256: str
    signature: bytes
    signing_certificate: str
    version: str
    models: tuple[str, ...]
    memory: InitVar[mmap.mmap | bytearray | None] = None
    """Receive memory an earlier transfer no longer needs (`FirmwareSlots` hands it on);
    used when it holds ``size`` bytes, else fresh memory is mapped."""
    received: mmap.mmap | bytearray = field(init=False)
    """The image's bytes so far (`held` of them), written in place as frames come; it
    may be longer than ``size`` (reused memory), and bytes past ``held`` mean nothing.
    Nothing is zeroed up front, which would make the ``FirmwareBegin`` answer of a 64 MB
    image wait on the pole's memory: see `receive_buffer`."""
    held: int = 0
    log: list[tuple[str, int, int]] = field(default_factory=list)
    """``("begin", resumeOffset, 0)`` per Begin and ``("data", offset, length)`` per data
    frame taken or refused, oldest first: what tests count bytes with."""
    last_ack_at: float = 0.0
    acked: int = 0
    gap_reported: int | None = None

    def __post_init__(self, memory: mmap.mmap | bytearray | None) -> None:
        self.received = memory if memory is not None and len(memory) >= self.size else \
            receive_buffer(self.size)

    def take(self, data: memoryview, end: int) -> None:
        """Store ``data``, the image's next bytes, up to offset ``end``."""
        self.received[self.held:end] = data
        self.held = end

    def image(self) -> bytes:
        return self.received[:self.held] if isinstance(self.received, mmap.mmap) else \
            bytes(memoryview(self.received)[:self.held])  # one copy, not two

    @property
    def complete(self) -> bool:
        return self.held == self.size


class BeginRequest:
    """A checked ``FirmwareBegin`` request; `ValueError` names what is wrong with it."""

    def __init__(self, request: Any) -> None:
        if not isinstance(request, dict):
            raise ValueError("data must be a JSON object")
        size = request["size"]
        if isinstance(size, bool) or not isinstance(size, int) or not 0 < size <= MAX_IMAGE_BYTES:
            raise ValueError(f"size must be an integer of 1–{MAX_IMAGE_BYTES} bytes")
        sha256 = request["sha256"]
        if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
            raise ValueError("sha256 must be 64 lowercase hex digits")
        signature = request["signature"]
        if not isinstance(signature, str):
            raise ValueError("signature must be a base64 string")
        try:
            self.signature = base64.b64decode(signature, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("signature is not valid base64") from None
        certificate = request["signingCertificate"]
        if not isinstance(certificate, str):
            raise ValueError("signingCertificate must be a PEM string")
        version = request["version"]
        if not isinstance(version, str) or not 0 < len(version) <= MAX_VERSION_LENGTH:
            raise ValueError(f"version must be a string of 1–{MAX_VERSION_LENGTH} characters")
        models = request.get("models") or []
        if not isinstance(models, list) or not all(isinstance(m, str) for m in models):
            raise ValueError("models must be a list of model names")
        self.size = size
        self.sha256 = sha256
        self.signing_certificate = certificate
        self.version = version
        self.models = tuple(models)


class FirmwareSlots:
    """Slots A and B, the trusted roots, and the transfer in progress, of one pole."""

    def __init__(self, pole: VirtualPole, model: str, *,
                 wall: Callable[[], float] = time.monotonic) -> None:
        self.pole = pole
        self.model = model
        self.roots: list[x509.Certificate] = []
        """Manufacturer roots (``InstallCertificate`` ``ManufacturerRootCertificate``)."""
        self.central_system_roots: list[x509.Certificate] = []
        self.slots = {"A": Slot("A", pole.firmware_version), "B": Slot("B")}
        self.active = "A"
        self.transfer: Transfer | None = None
        self.fail_next_boot = False
        """Simulation control: the next firmware to boot fails its health check."""
        self.events: list[str] = []
        """What happened to the firmware, in words, oldest first (diagnostics, tests)."""
        self._booting: Slot | None = None
        self._fallback: str | None = None
        self._request_id: int | None = None
        """The SignedUpdateFirmware request of the image the next boot tries, if any."""
        self._next_id = 1
        self._spare_memory: mmap.mmap | bytearray | None = None
        """The receive memory of the last transfer that ended, for the next one: its
        pages are already the pole's, so the next image is not written into fresh pages
        the kernel must fault in and zero one by one while the link is busy (profiled
        on a pseudo-terminal: ~1 ms per MB of the pole's CPU, more than COBS decoding
        and CRC-32 together), as a real pole writes into the same flash every time."""
        self._wall = wall
        """Link timing (when to acknowledge) runs on the wall clock, as SPEC.md says."""

    # ------------------------------------------------------------ roots
    def install_root(self, pem: str, *, manufacturer: bool = True) -> bool:
        """Trust ``pem`` (one or more certificates); False when it holds none usable."""
        try:
            certificates = load_certificates(pem)
        except ValueError:
            return False
        if not certificates or not all(_is_ca(cert) for cert in certificates):
            return False
        store = self.roots if manufacturer else self.central_system_roots
        for cert in certificates:
            if cert not in store:
                store.append(cert)
        kind = "manufacturer" if manufacturer else "central system"
        self._event(f"trusts {kind} root " + ", ".join(subject_of(c) for c in certificates))
        return True

    # ------------------------------------------------------------ FirmwareBegin
    def begin(self, request: Any) -> dict[str, Any]:
        """``FirmwareBegin``: refuse at once what can be judged now, else accept or resume."""
        wanted = BeginRequest(request)
        try:
            self._judge(wanted.sha256, wanted.signature, wanted.signing_certificate,
                        wanted.models)
        except FirmwareRefused as refused:
            self._event(f"refused {wanted.version} at begin: {refused}")
            self.report_refusal(refused, f"{wanted.version} over the service port")
            return {"status": refused.reason.value, "detail": refused.detail}
        transfer = self.transfer
        if transfer is None or transfer.sha256 != wanted.sha256 or transfer.size != wanted.size:
            if self.transfer is not None:
                self._event(f"dropped the unfinished transfer of {self.transfer.version}")
                self._end_transfer()
            memory, self._spare_memory = self._spare_memory, None
            transfer = Transfer(self._new_transfer_id(), wanted.size, wanted.sha256,
                                wanted.signature, wanted.signing_certificate, wanted.version,
                                wanted.models, memory)
            self.transfer = transfer
            self._event(f"receiving {wanted.version} ({wanted.size} bytes) as transfer "
                        f"{transfer.transfer_id}")
        else:
            self._event(f"resuming {wanted.version} at {transfer.held} of {transfer.size} bytes")
        transfer.gap_reported = None
        transfer.acked = transfer.held
        transfer.last_ack_at = self._wall()
        transfer.log.append(("begin", transfer.held, 0))
        return {"status": "Accepted", "transferId": transfer.transfer_id,
                "resumeOffset": transfer.held, "windowBytes": WINDOW_BYTES,
                "chunkBytes": CHUNK_BYTES}

    def _end_transfer(self) -> None:
        """Forget the transfer in progress; keep its memory for the next one."""
        if self.transfer is not None:
            self._spare_memory = self.transfer.received
            self.transfer = None

    def _new_transfer_id(self) -> int:
        transfer_id = self._next_id
        self._next_id = self._next_id % 0xFFFF + 1  # u16 on the wire, never 0
        return transfer_id

    def _judge(self, sha256: str, signature: bytes, certificate_pem: str,
               models: Sequence[str]) -> None:
        """Everything checkable without the image; `FirmwareRefused` says what failed."""
        if models and self.model not in models:
            raise FirmwareRefused(Refusal.WRONG_MODEL,
                                  f"the image is for {', '.join(models)}, this pole is a "
                                  f"{self.model}")
        if not self.roots:
            raise FirmwareRefused(Refusal.INVALID_CERTIFICATE,
                                  "no manufacturer root is installed on this pole "
                                  "(InstallCertificate ManufacturerRootCertificate)")
        verify_signed_digest(bytes.fromhex(sha256), signature,
                             load_certificate(certificate_pem), self.roots,
                             self.pole.clock.now())

    # ------------------------------------------------------------ data frames
    def receive(self, frame: FirmwareData) -> FirmwareAck | None:
        """Take one data frame of the current transfer; the ack to send now, if any."""
        transfer = self.transfer
        if transfer is None or frame.transfer_id != transfer.transfer_id:
            return FirmwareAck(frame.transfer_id, 0, AckStatus.ABORTED)
        transfer.log.append(("data", frame.offset, len(frame.data)))
        expected = transfer.held
        end = frame.offset + len(frame.data)
        if end > transfer.size:
            self._event(f"aborted transfer {transfer.transfer_id}: data past the image's end")
            return FirmwareAck(transfer.transfer_id, expected, AckStatus.ABORTED)
        if frame.offset > expected:
            if transfer.gap_reported == expected:
                return None  # this gap is reported already; the client is rewinding
            transfer.gap_reported = expected
            return self._ack(transfer, AckStatus.GAP)
        if end <= expected:
            return self._ack(transfer, AckStatus.OK)  # a duplicate: ignored, acked again
        transfer.take(memoryview(frame.data)[expected - frame.offset:], end)
        transfer.gap_reported = None
        now = self._wall()
        if (transfer.complete or transfer.held - transfer.acked >= WINDOW_BYTES // 2
                or now - transfer.last_ack_at >= ACK_INTERVAL_S):
            return self._ack(transfer, AckStatus.OK)
        return None

    def _ack(self, transfer: Transfer, status: AckStatus) -> FirmwareAck:
        transfer.acked = transfer.held
        transfer.last_ack_at = self._wall()
        return FirmwareAck(transfer.transfer_id, transfer.held, status)

    def current_ack(self, transfer_id: int) -> FirmwareAck:
        """The ack for ``transfer_id`` when its data cannot be taken (no such transfer now)."""
        transfer = self.transfer
        if transfer is not None and transfer.transfer_id == transfer_id:
            return FirmwareAck(transfer_id, transfer.held, AckStatus.ABORTED)
        return FirmwareAck(transfer_id, 0, AckStatus.ABORTED)

    # ------------------------------------------------------------ FirmwareCommit
    def commit(self, transfer_id: int) -> dict[str, Any]:
        """``FirmwareCommit``: check everything again; on success the next boot runs it.

        Returns the answer; after an ``Installed`` answer the caller reboots the pole
        (`VirtualPole.reboot`) once the answer is on its way.
        """
        transfer = self.transfer
        if transfer is None or transfer.transfer_id != transfer_id:
            raise ValueError(f"no transfer {transfer_id} on this pole (FirmwareBegin first)")
        if not transfer.complete:
            return self._refuse(transfer, Refusal.INCOMPLETE,
                                f"{transfer.held} of {transfer.size} bytes received",
                                keep=True)
        image = transfer.image()
        if hashlib.sha256(image).hexdigest() != transfer.sha256:
            return self._refuse(transfer, Refusal.HASH_MISMATCH,
                                "the bytes received do not have the SHA-256 given at begin")
        try:
            self._judge(transfer.sha256, transfer.signature, transfer.signing_certificate,
                        transfer.models)
        except FirmwareRefused as refused:
            return self._refuse(transfer, refused.reason, refused.detail)
        self._end_transfer()
        target = self._switch(transfer.version, transfer.sha256, image, None)
        self.pole.notify_csms("FirmwareStatusNotification", {"status": "Installing"})
        return {"status": "Installed",
                "detail": f"{transfer.version} written to slot {target.name}; rebooting"}

    def _switch(self, version: str, sha256: str, image: bytes, request_id: int | None
                ) -> Slot:
        """Write a checked image to the inactive slot and make it the one to boot."""
        target = self.slots["B" if self.active == "A" else "A"]
        old = self.slots[self.active]
        old.version = self.pole.firmware_version  # also what a legacy OCPP update installed
        target.version, target.sha256, target.image = version, sha256, image
        self._fallback = self.active
        self.active = target.name
        self._request_id = request_id
        self._event(f"installed {version} in slot {target.name}; "
                    f"slot {old.name} keeps {old.version}")
        return target

    # ------------------------------------------------------------ SignedUpdateFirmware
    def check_certificate(self, certificate_pem: str) -> None:
        """What a ``SignedUpdateFirmware`` request can be judged on before the download:
        its signing certificate; `FirmwareRefused` (InvalidCertificate) says why not."""
        if not self.roots:
            raise FirmwareRefused(Refusal.INVALID_CERTIFICATE,
                                  "no manufacturer root is installed on this pole "
                                  "(InstallCertificate ManufacturerRootCertificate)")
        verify_signing_certificate(load_certificate(certificate_pem), self.roots,
                                   self.pole.clock.now())

    def verify_signed(self, image: bytes, signature: bytes, certificate_pem: str) -> str:
        """A downloaded image, checked as ``FirmwareCommit`` checks one: the certificate
        chains to a manufacturer root and its key's Ed25519 signature over the image's
        raw 32-byte SHA-256 verifies. Returns the SHA-256 (hex); `FirmwareRefused` says
        what failed. (SignedUpdateFirmware names no models, so the model is the sender's
        check: a rollout only sends a release to the models its package lists.)"""
        sha256 = hashlib.sha256(image).hexdigest()
        self._judge(sha256, signature, certificate_pem, ())
        return sha256

    def install_signed(self, image: bytes, sha256: str, version: str, request_id: int
                       ) -> None:
        """Write a verified image to the other slot; the next boot runs it (and reports
        to request ``request_id``)."""
        self._switch(version, sha256, image, request_id)

    def report_refusal(self, refused: FirmwareRefused, what: str) -> None:
        """Tell the CSMS of a refused image, if the refusal is about its authenticity."""
        kind = refusal_event(refused.reason)
        if kind is not None:
            self.pole.security_event(kind, f"{what} refused: {refused.detail}")

    def _refuse(self, transfer: Transfer, reason: Refusal, detail: str, *,
                keep: bool = False) -> dict[str, Any]:
        if not keep:
            self._end_transfer()  # these bytes will never do: the next begin starts afresh
        self._event(f"refused {transfer.version} at commit: {reason.value}: {detail}; "
                    f"still running {self.pole.firmware_version}")
        self.report_refusal(FirmwareRefused(reason, detail),
                            f"{transfer.version} over the service port")
        return {"status": reason.value, "detail": detail}

    # ------------------------------------------------------------ booting
    def boot(self) -> None:
        """The pole starts: run the active slot; roll back if it fails its health check."""
        slot = self.slots[self.active]
        if slot.version is None:
            return
        self.pole.firmware_version = slot.version
        fallback, self._fallback = self._fallback, None
        request_id, self._request_id = self._request_id, None
        if fallback is None:
            return  # an ordinary restart of firmware that has booted before
        healthy = not (self.fail_next_boot or slot.version.endswith(UNHEALTHY_SUFFIX))
        self.fail_next_boot = False
        if healthy:
            self._event(f"booted {slot.version} from slot {slot.name}: healthy")
            self._status("Installed", request_id)
            self.pole.security_event(FIRMWARE_UPDATED,
                                     f"firmware {slot.version} installed and booted "
                                     f"(slot {slot.name})")
            return
        old = self.slots[fallback]
        self.active = fallback
        self.pole.firmware_version = old.version or self.pole.firmware_version
        LOGGER.warning("%s: firmware %s failed its health check; rolled back to %s",
                       self.pole.pole_id, slot.version, old.version)
        self._event(f"booted {slot.version} from slot {slot.name}: health check failed; "
                    f"rolled back to {old.version} in slot {old.name}")
        self._status("InstallationFailed", request_id)
        self.pole.security_event(FIRMWARE_ROLLBACK,
                                 f"firmware {slot.version} failed its health check after "
                                 f"booting; rolled back to {old.version}")

    def _status(self, status: str, request_id: int | None) -> None:
        """After a boot: the status of the update that put the image there, in that
        update's own message (queued, so it follows the BootNotification)."""
        if request_id is None:
            self.pole.notify_csms("FirmwareStatusNotification", {"status": status})
        else:
            self.pole.notify_csms("SignedFirmwareStatusNotification",
                                  {"status": status, "requestId": request_id})

    def _event(self, text: str) -> None:
        LOGGER.info("%s: firmware: %s", self.pole.pole_id, text)
        self.events.append(text)


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False
