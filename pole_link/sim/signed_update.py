"""A virtual pole's ``SignedUpdateFirmware``: the OCPP 1.6 security whitepaper's update.

Legacy ``UpdateFirmware`` lets a pole install whatever a URL serves; the signed one
names the image's signing certificate and signature, so the pole can refuse an image
its manufacturer did not release (eis 69). The virtual pole does what the whitepaper
asks of a charge point, step by step, each step reported with
``SignedFirmwareStatusNotification`` ``{status, requestId}``:

1. On the request: the signing certificate must chain to an installed manufacturer
   root (`FirmwareSlots.check_certificate`); if not, the answer is ``InvalidCertificate``
   and an ``InvalidFirmwareSigningCertificate`` security event, and nothing is fetched.
   A request while another signed update is on its way replaces it
   (``AcceptedCanceled``).
2. At ``retrieveDateTime`` (pole clock): ``Downloading`` … ``Downloaded`` (retries as
   asked) or ``DownloadFailed``. A retrieve date ahead says ``DownloadScheduled`` first.
3. The image is checked as the local ``FirmwareCommit`` checks one: Ed25519 signature,
   by the certificate's key, over the raw 32-byte SHA-256 of the image (the package
   scheme, PROTOCOL.md ``FirmwareBegin``) → ``SignatureVerified``, or ``InvalidSignature``
   and an ``InvalidFirmwareSignature`` security event; the pole keeps running its
   firmware.
4. At ``installDateTime`` (if later: ``InstallScheduled``): ``Installing``, the image goes
   to the other slot, ``InstallRebooting``, reboot. The boot reports ``Installed`` (and a
   ``FirmwareUpdated`` security event) or, when the new firmware fails its health check,
   rolls back, reports ``InstallationFailed`` and a ``FirmwareRollback`` security event
   (`FirmwareSlots.boot`).

Statuses before the reboot go out only while connected, as legacy ones do; security
events and the status after the boot are queued (the outbox) and keep their moment.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import httpx

from pole_link.firmware.signing import FirmwareRefused
from pole_link.sim.firmware_slots import INVALID_SIGNATURE_EVENT
from pole_link.sim.remote_files import (
    DEFAULT_ATTEMPTS,
    DEFAULT_RETRY_INTERVAL_S,
    TransferError,
    firmware_version,
)

if TYPE_CHECKING:
    from pole_link.sim.pole import VirtualPole

LOGGER = logging.getLogger(__name__)

STATUS = "SignedFirmwareStatusNotification"


@dataclass(frozen=True)
class SignedRequest:
    """One accepted ``SignedUpdateFirmware``, its firmware object checked."""

    request_id: int
    location: str
    retrieve: datetime
    install: datetime | None
    signing_certificate: str
    signature: bytes
    attempts: int
    interval_s: int


class SignedUpdates:
    """The signed updates of one virtual pole: at most one at a time."""

    def __init__(self, pole: VirtualPole) -> None:
        self.pole = pole
        self.statuses: list[tuple[int, str]] = []
        """``(requestId, status)`` of every status, oldest first (sent or not)."""
        self._accepted: SignedRequest | None = None
        self._running: asyncio.Future[None] | None = None

    def request(self, request_id: int, location: str, retrieve: datetime,
                install: datetime | None, signing_certificate: str, signature: str,
                retries: int | None, retry_interval: int | None) -> str:
        """Judge a request; the answer's status (`start` then begins an accepted one)."""
        try:
            self.pole.firmware.check_certificate(signing_certificate)
        except FirmwareRefused as refused:
            LOGGER.warning("%s: SignedUpdateFirmware %d refused: %s", self.pole.pole_id,
                           request_id, refused.detail)
            self.pole.firmware.report_refusal(refused, f"SignedUpdateFirmware {request_id}")
            return "InvalidCertificate"
        try:
            raw_signature = base64.b64decode(signature, validate=True)
        except (binascii.Error, ValueError):
            self.pole.security_event(INVALID_SIGNATURE_EVENT,
                                     f"SignedUpdateFirmware {request_id} refused: the "
                                     "signature is not base64")
            return "Rejected"
        replaced = self.cancel()
        self._accepted = SignedRequest(
            request_id, location, retrieve, install, signing_certificate, raw_signature,
            max(1, retries) if retries is not None else DEFAULT_ATTEMPTS,
            retry_interval if retry_interval is not None else DEFAULT_RETRY_INTERVAL_S)
        return "AcceptedCanceled" if replaced else "Accepted"

    def start(self, request_id: int) -> None:
        """After the answer is on its way: wait for the retrieve date, then download."""
        accepted = self._accepted
        if accepted is None or accepted.request_id != request_id:
            return
        self._accepted = None
        # Among the pole's transfers, so the simulator's stop cancels it too.
        self._running = self.pole.remote_files.spawn(self._run(accepted))

    def current(self) -> dict[str, object]:
        """What ExtendedTriggerMessage FirmwareStatusNotification reports: the running
        update's last status, or ``Idle``."""
        if self._running is not None and not self._running.done() and self.statuses:
            request_id, status = self.statuses[-1]
            return {"status": status, "requestId": request_id}
        return {"status": "Idle"}

    def cancel(self) -> bool:
        """Drop the signed update on its way, if any: was there one?"""
        running, self._running = self._running, None
        if running is not None and not running.done():
            running.cancel()
            return True
        return False

    async def _run(self, request: SignedRequest) -> None:
        files = self.pole.remote_files
        rid = request.request_id
        if request.retrieve > self.pole.clock.now():
            await self._status(rid, "DownloadScheduled")
            await files.sleep_until(request.retrieve)
        image: bytes | None = None
        for attempt in range(1, request.attempts + 1):
            await self._status(rid, "Downloading")
            try:
                image = await files.download(request.location)
                break
            except (httpx.HTTPError, TransferError) as exc:
                LOGGER.warning("%s: signed firmware download %d of %d failed: %s",
                               self.pole.pole_id, attempt, request.attempts, exc)
                if attempt < request.attempts:
                    await files.sleep_pole_seconds(request.interval_s)
        if image is None:
            await self._status(rid, "DownloadFailed")
            return
        await self._status(rid, "Downloaded")
        slots = self.pole.firmware
        try:
            sha256 = slots.verify_signed(image, request.signature,
                                         request.signing_certificate)
        except FirmwareRefused as refused:
            LOGGER.warning("%s: signed firmware from %s refused: %s", self.pole.pole_id,
                           request.location, refused)
            slots.report_refusal(refused, f"SignedUpdateFirmware {rid} (image "
                                          f"{request.location})")
            await self._status(rid, "InvalidSignature")
            return
        await self._status(rid, "SignatureVerified")
        version = firmware_version(request.location)
        if not version:
            LOGGER.warning("%s: signed firmware at %s has no version in its name",
                           self.pole.pole_id, request.location)
            await self._status(rid, "InstallVerificationFailed")
            return
        if request.install is not None and request.install > self.pole.clock.now():
            await self._status(rid, "InstallScheduled")
            await files.sleep_until(request.install)
        await self._status(rid, "Installing")
        slots.install_signed(image, sha256, version, rid)
        await self._status(rid, "InstallRebooting")
        self._running = None
        self.pole.reboot()

    async def _status(self, request_id: int, status: str) -> None:
        self.statuses.append((request_id, status))
        link = self.pole.remote_files.link
        if link is not None:
            await link.send_status(STATUS, {"status": status, "requestId": request_id})
