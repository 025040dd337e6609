"""Calls from this CSMS to a partner's OCPI endpoints: the Authorization header, fresh
request and correlation ids, our routing headers, and the envelope unwrapped.

A partner that answers badly (HTTP error, not JSON, a status code other than 1000) raises
`PartnerCallError` with a sentence naming the URL and what came back — never the token.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from service.ocpi.identity import OcpiIdentity
from service.ocpi.secrets_box import authorization

TIMEOUT_S = 20.0


class PartnerCallError(Exception):
    """A call to a partner that did not succeed, in words."""


class PartnerClient:
    """One partner's side as we call it; ``token`` is the credentials token it gave us."""

    def __init__(self, http: httpx.AsyncClient, identity: OcpiIdentity, token: str,
                 to: tuple[str, str] | None = None) -> None:
        self.http, self.identity, self.token, self.to = http, identity, token, to

    def headers(self, correlation_id: str | None = None) -> dict[str, str]:
        headers = {"Authorization": authorization(self.token),
                   "X-Request-ID": str(uuid.uuid4()),
                   "X-Correlation-ID": correlation_id or str(uuid.uuid4()),
                   "OCPI-from-country-code": self.identity.country_code,
                   "OCPI-from-party-id": self.identity.party_id}
        if self.to is not None:
            headers["OCPI-to-country-code"], headers["OCPI-to-party-id"] = self.to
        return headers

    async def call(self, method: str, url: str, body: Any = None) -> Any:
        """The ``data`` of the partner's answer."""
        try:
            response = await self.http.request(method, url, json=body, headers=self.headers(),
                                               timeout=TIMEOUT_S)
        except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
            raise PartnerCallError(f"{method} {url}: no answer ({type(exc).__name__}: "
                                   f"{exc})") from None
        try:
            reply = response.json()
        except ValueError:
            raise PartnerCallError(f"{method} {url}: HTTP {response.status_code}, not an "
                                   "OCPI answer (no JSON)") from None
        status = reply.get("status_code") if isinstance(reply, dict) else None
        if response.status_code >= 400 or status != 1000:
            message = reply.get("status_message") if isinstance(reply, dict) else None
            raise PartnerCallError(f"{method} {url}: HTTP {response.status_code}, OCPI status "
                                   f"{status}: {message or 'no message'}")
        return reply.get("data")
