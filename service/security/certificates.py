"""The service's end of a pole's connection, with the security extensions (issue 16).

A `PoleHandler` subclass, so the general handler stays as it was:

- SignCertificate → CertificateSigned: a pole gets its client certificate (profile 3)
  from the service's CA, for its own pole id only. The CSR is answered Accepted or
  Rejected at once (the OCPP security whitepaper's order), and the signed chain goes out
  in a CertificateSigned call once that answer is on the wire.
- LogStatusNotification: each step of a ``GetLog`` upload is kept with its request
  (`service.security.log_requests`).
- Every ChangeConfiguration of ``AuthorizationKey`` or ``SecurityProfile`` the service
  sends a pole — from the register routes, ``POST …/call`` or ``PUT …/configuration``
  alike — ends in the register once the pole accepted it (`KeyTracker`), so no path can
  give a pole a key the service does not know (and lock the pole out at its next login).
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
from service.security.log_requests import LogRequests
from service.security.rotation import KeyTracker

LOGGER = logging.getLogger(__name__)


class CertificatePoleHandler(PoleHandler):
    """`PoleHandler` that signs its pole's certificate requests with `ca` and tells
    `keys` about credential changes it sends."""

    ca: ServiceCa | None = None
    keys: KeyTracker | None = None
    logs: LogRequests | None = None

    __slots__ = ("_signed",)  # as its base's: no instance dict per connection (issue 20)

    async def call_action(self, action: str, payload: dict[str, Any], *,
                          timeout: float | None = None) -> dict[str, Any]:
        keys = self.keys
        if keys is None or not keys.concerns(action, payload):
            return await super().call_action(action, payload, timeout=timeout)
        return await keys.tracked(self.id, payload, lambda: super(
            CertificatePoleHandler, self).call_action(action, payload, timeout=timeout))

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


    @on(Action.log_status_notification)
    async def on_log_status(self, status: str, request_id: int | None = None
                            ) -> call_result.LogStatusNotification:
        """A GetLog upload moves on (`service.api.certificates`): stored with its request
        before it is acknowledged. ``Idle`` (no upload, as a trigger answers) changes no
        request; a requestId this service did not give this pole is logged and
        acknowledged (the pole cannot do anything else with it)."""
        LOGGER.info("%s: log request %s: %s", self.id, request_id, status)
        if request_id is None or status == "Idle":
            return call_result.LogStatusNotification()
        if self.logs is None or not await self.logs.aupdate(request_id, status, self._now(),
                                                             pole_id=self.id):
            LOGGER.warning("%s: LogStatusNotification for unknown request %d", self.id,
                           request_id)
        return call_result.LogStatusNotification()


def certificate_handler(ca: ServiceCa | None, keys: KeyTracker | None = None,
                        logs: LogRequests | None = None) -> type[PoleHandler]:
    """The handler class for a service with (or without) a CA."""
    return type("BoundCertificatePoleHandler", (CertificatePoleHandler,),
                {"ca": ca, "keys": keys, "logs": logs})
