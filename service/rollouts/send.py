"""How a release reaches one pole: ``SignedUpdateFirmware`` where the pole knows it,
legacy ``UpdateFirmware`` where it does not.

The signed message (OCPP 1.6 security whitepaper) hands the pole the package's signing
certificate and signature, so the pole itself refuses an image its manufacturer did not
release (eis 69). OCPP 1.6 has no way to ask a pole whether it has the security
extension (no standard configuration key says so), so the service tries: a pole
without it answers the unknown action with CALLERROR ``NotImplemented`` (or
``NotSupported``: known, not done), which says exactly that and changes nothing on the
pole. Only those two answers make the service fall back, and it remembers the pole as
legacy so later releases go to it unsigned at once. The memory is this process's: a
restarted service asks again, at the cost of one CALLERROR, and so also notices a pole
whose firmware has since gained the extension. Any other refusal (``InvalidCertificate``,
``Rejected``) is never a reason to fall back — a pole that refuses a signature must
never get the same image unsigned.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from typing import Any

from pole_link.firmware.package import PackageError, read_manifest
from service.api.routes import ApiError, PoleConnections, send_command
from service.files.store import FileStore
from service.storage.repository import AsyncRepository

LOGGER = logging.getLogger(__name__)

NOT_KNOWN = ("NotImplemented", "NotSupported")
"""CALLERROR codes that mean: this pole has no SignedUpdateFirmware."""
ACCEPTED = ("Accepted", "AcceptedCanceled")
REFUSALS = {
    "InvalidCertificate": "the pole refused the release's signing certificate (it does not "
                          "chain to a manufacturer root the pole trusts, or is out of date)",
    "RevokedCertificate": "the pole refused the release: its signing certificate is revoked",
    "Rejected": "the pole rejected the signed update request",
}


@dataclass(frozen=True)
class Delivery:
    """What became of one release sent to one pole."""

    action: str
    """``SignedUpdateFirmware``, or ``UpdateFirmware`` to a legacy pole."""
    answer: dict[str, Any]
    """`send_command`'s answer: ``{"result": <the pole's answer>}``."""
    refused: str | None
    """None when the pole accepted it, else why it refused (in words)."""

    @property
    def signed(self) -> bool:
        return self.action == "SignedUpdateFirmware"


class ReleaseSender:
    """Sends releases to poles, signed where possible; knows which poles are legacy.

    One per service process, shared by the rollouts and the single-pole route
    (``POST /api/v1/poles/{id}/update-firmware``), so a pole found legacy by either is
    legacy to both."""

    def __init__(self, connections: PoleConnections, repository: AsyncRepository,
                 files: FileStore, *, timeout_s: float) -> None:
        self.connections = connections
        self.repository = repository
        self.files = files
        self.timeout_s = timeout_s
        self.legacy: set[str] = set()
        """Poles that answered SignedUpdateFirmware with NotImplemented/NotSupported."""

    async def send(self, pole_id: str, sha256: str, location: str, retrieve: str,
                   request_id: int) -> str | None:
        """Send the release; None when the pole accepted it, else why it refused (in
        words). `ApiError` when it was not sent at all (offline, no answer)."""
        return (await self.deliver(pole_id, sha256, location, retrieve, request_id)).refused

    async def deliver(self, pole_id: str, sha256: str, location: str, retrieve: str,
                      request_id: int, *, retries: int | None = None,
                      retry_interval: int | None = None,
                      timeout_s: float | None = None) -> Delivery:
        """Send the release as `send` does, and say which message went and what the
        pole answered. `ApiError` when it was not sent at all (offline, no answer)."""
        timeout = self.timeout_s if timeout_s is None else timeout_s
        extra: dict[str, Any] = {}
        if retries is not None:
            extra["retries"] = retries
        if retry_interval is not None:
            extra["retryInterval"] = retry_interval
        if pole_id not in self.legacy:
            signed = await self._signed_payload(sha256, location, retrieve, request_id)
            try:
                answer = await send_command(self.connections, self.repository, pole_id,
                                            "SignedUpdateFirmware", {**signed, **extra},
                                            timeout)
            except ApiError as error:
                if error.status != 502 or error.error not in NOT_KNOWN:
                    raise
                LOGGER.info("%s: no SignedUpdateFirmware (%s): sending UpdateFirmware, now "
                            "and from now on", pole_id, error.error)
                self.legacy.add(pole_id)
            else:
                status = str(answer["result"].get("status"))
                refused = None if status in ACCEPTED else \
                    f"{status}: {REFUSALS.get(status, 'the pole refused the release')}"
                return Delivery("SignedUpdateFirmware", answer, refused)
        answer = await send_command(self.connections, self.repository, pole_id,
                                    "UpdateFirmware",
                                    {"location": location, "retrieveDate": retrieve, **extra},
                                    timeout)
        return Delivery("UpdateFirmware", answer, None)

    async def _signed_payload(self, sha256: str, location: str, retrieve: str,
                              request_id: int) -> dict[str, object]:
        path = await self.files.package_path(sha256)
        if path is None:
            raise ApiError(404, "UnknownPackage",
                           f"the package file of {sha256} is no longer stored: its "
                           "signature cannot be sent")
        try:
            manifest = read_manifest(path)
        except PackageError as exc:
            raise ApiError(500, "InvalidPackage", str(exc)) from None
        return {"requestId": request_id, "firmware": {
            "location": location, "retrieveDateTime": retrieve,
            "signingCertificate": manifest.signing_certificate,
            "signature": base64.b64encode(manifest.signature).decode()}}

