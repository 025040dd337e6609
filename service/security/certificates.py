"""SignCertificate → CertificateSigned on the service's side: a pole gets its client
certificate (profile 3) from the service's CA, for its own pole id only.

A `PoleHandler` with the two extra steps, so the general handler stays as it was: the
CSR is answered Accepted or Rejected at once (the OCPP security whitepaper's order), and
the signed chain goes out in a CertificateSigned call once that answer is on the wire.
"""

from __future__ import annotations

import logging
from typing import Any

from ocpp.v16 import call_result
from ocpp.v16.enums import Action, GenericStatus

from pole_link.errors import PoleLinkError
from pole_link.protocol.routing import after, on
from service.ocpp.pole_handler import PoleHandler
from service.security.ca import CaError, ServiceCa

LOGGER = logging.getLogger(__name__)


class CertificatePoleHandler(PoleHandler):
    """`PoleHandler` that signs its pole's certificate requests with `ca`."""

    ca: ServiceCa | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._signed: str | None = None

    @on(Action.sign_certificate)
    async def on_sign_certificate(self, csr: str) -> call_result.SignCertificate:
        self._signed = None
        if self.ca is None:
            LOGGER.warning("%s: SignCertificate refused: no CA ('paalwerk service ca init')",
                           self.id)
            return call_result.SignCertificate(status=GenericStatus.rejected)
        try:
            self._signed = self.ca.sign_request(csr, self.id, self.clock())
        except CaError as exc:
            LOGGER.warning("%s: SignCertificate refused: %s", self.id, exc)
            return call_result.SignCertificate(status=GenericStatus.rejected)
        return call_result.SignCertificate(status=GenericStatus.accepted)

    @after(Action.sign_certificate)
    async def after_sign_certificate(self, csr: str) -> None:
        chain, self._signed = self._signed, None
        if chain is None:
            return
        try:
            result = await self.call_action("CertificateSigned", {"certificateChain": chain})
        except PoleLinkError as exc:
            LOGGER.warning("%s: CertificateSigned not delivered: %s", self.id, exc)
            return
        LOGGER.info("%s: CertificateSigned: %s", self.id, result.get("status"))


def certificate_handler(ca: ServiceCa | None) -> type[PoleHandler]:
    """The handler class for a service with (or without) a CA."""
    return type("BoundCertificatePoleHandler", (CertificatePoleHandler,), {"ca": ca})
