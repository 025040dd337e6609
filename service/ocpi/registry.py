"""Roaming partners' registration — the credentials handshake in both directions — and
who a request's credentials token belongs to.

*A partner registers with us*: an admin invites it (`Registry.invite`: token A, shown
once); the partner calls our versions with A, POSTs its credentials (its token B) to our
credentials endpoint; we fetch its versions and 2.2.1 endpoints with B, and answer with
our credentials carrying a fresh token C. A is then dead.

*We register with a partner*: an admin gives its versions URL and the token A it issued
(`Registry.register_with`); we fetch its versions and endpoints with A, make token B (valid
for our versions and credentials endpoints at once: the partner calls back during our
POST), POST our credentials with B, and keep the token C it answers with.

Tokens are stored as `service.ocpi.secrets_box` says. Every refusal lands in the audit
trail (actor ``ocpi:<party>`` or ``ocpi:unknown``), like operators' refusals.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

import httpx
from pydantic import ValidationError

from service.ocpi.client import PartnerCallError, PartnerClient
from service.ocpi.envelope import OCPI_PREFIX, OcpiError, Status, invalid_body
from service.ocpi.identity import OcpiIdentity
from service.ocpi.models import VERSION, Credentials, Version, VersionDetails, dumped
from service.ocpi.partner_store import AsyncPartnerRepository, PartnerRow, PartnerStatus
from service.ocpi.registered_partners import RegisteredPartners
from service.ocpi.secrets_box import SecretBox, new_token, token_hash, token_of
from service.storage.repository import AsyncRepository

LOGGER = logging.getLogger(__name__)

HANDSHAKE_MODULES = frozenset({"versions", "credentials"})
"""What a token A (or our B while we register) may reach: nothing else (transport and
format: a valid token A on another module is a 401)."""


class RegistrationError(Exception):
    """Our registration with a partner failed, in words for the admin."""


@dataclass(frozen=True)
class Caller:
    """A request's partner, known by its token, and the party on its platform that sent
    the request (its ``OCPI-from-`` headers; the partner's first role when absent)."""

    partner: PartnerRow
    sender: tuple[str, str] | None = None

    @property
    def reply_to(self) -> tuple[str, str] | None:
        """Whom an answer that comes later (a command's result) is addressed to."""
        return self.sender or self.partner.default_party()

    @property
    def label(self) -> str:
        row = self.partner
        party = f"{row.country_code}-{row.party_id}" if row.party_id else f"#{row.id}"
        return f"ocpi:{party}"


class Registry:
    """Partners, their tokens and the handshake (one per service process; all state in
    storage, so any process of a ``--workers`` service answers any partner)."""

    def __init__(self, partners: AsyncPartnerRepository, box: SecretBox,
                 identity: OcpiIdentity, base_url: str, clock: Callable[[], datetime],
                 audit: AsyncRepository | None = None,
                 http: httpx.AsyncClient | None = None) -> None:
        self.partners, self.box, self.identity = partners, box, identity
        self.base_url, self.clock, self.audit = base_url.rstrip("/"), clock, audit
        self._http = http
        self.registered = RegisteredPartners(partners)
        """The registered partners as the pushes on the OCPP hot path read them: one
        cache for the location and session pushers alike."""

    @property
    def versions_url(self) -> str:
        return f"{self.base_url}{OCPI_PREFIX}/versions"

    @property
    def details_url(self) -> str:
        return f"{self.base_url}{OCPI_PREFIX}/{VERSION}"

    @property
    def http(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = httpx.AsyncClient()
        return self._http

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    def client_for(self, partner: PartnerRow, to: tuple[str, str] | None = None
                   ) -> PartnerClient:
        """A client with the token the partner gave us, its requests addressed (the
        ``OCPI-to-`` headers) to ``to`` — one of the parties the partner speaks for, e.g.
        the owner of the token a session is charged to — or to the partner's default."""
        if partner.sealed_token is None:
            raise PartnerCallError(f"partner {partner.name!r} gave us no token yet")
        if to is not None and partner.speaks_for(to):
            to = (to[0].upper(), to[1].upper())
        else:
            to = partner.default_party()
        return PartnerClient(self.http, self.identity, self.box.open(partner.sealed_token), to)

    # -- who is calling ------------------------------------------------------------------
    async def authenticate(self, header: str | None, module: str, what: str,
                           routing: Mapping[str, str] | None = None) -> Caller:
        """The partner whose token is in ``header``; 401 (recorded) for none, for a token
        A or B outside the handshake modules, 403 for a suspended partner. ``routing``
        (the request's headers) names the sending party (``OCPI-from-``: one the partner
        registered, or any behind a hub) and the receiving one (``OCPI-to-``: us)."""
        token = token_of(header)
        partner = None if token is None else await self.partners.by_token_hash(
            token_hash(token))
        if partner is None:
            await self.refused("ocpi:unknown", what, "401",
                               "no credentials token" if token is None else
                               "a credentials token no partner holds")
            raise OcpiError(401, Status.CLIENT_ERROR,
                            "Unauthorized: send 'Authorization: Token <base64 of your "
                            "credentials token>' with a token this CPO gave you")
        caller = Caller(partner)
        if partner.status == PartnerStatus.SUSPENDED:
            await self.refused(caller.label, what, "403", "partner suspended")
            raise OcpiError(403, Status.CLIENT_ERROR,
                            "this partner is suspended by the CPO's operator; ask them "
                            "to resume it")
        if partner.status != PartnerStatus.REGISTERED and module not in HANDSHAKE_MODULES:
            await self.refused(caller.label, what, "401", "registration not finished")
            raise OcpiError(401, Status.CLIENT_ERROR,
                            "Unauthorized: this token only serves the versions and "
                            "credentials modules until registration is finished")
        if routing is None or module in HANDSHAKE_MODULES:
            return caller  # OCPI: configuration modules are not routed
        return await self._routed(caller, routing, what)

    async def _routed(self, caller: Caller, headers: Mapping[str, str], what: str) -> Caller:
        """The caller with the party its routing headers name; a request for another CPO,
        or from a party the partner does not speak for, refused (recorded)."""
        to = _party(headers, "to")
        ours = (self.identity.country_code.upper(), self.identity.party_id.upper())
        if to is not None and to != ours:
            await self.refused(caller.label, what, "404", f"addressed to {to[0]}-{to[1]}")
            raise OcpiError(404, Status.CLIENT_ERROR,
                            f"OCPI-to names {to[0]}-{to[1]}; this platform is the CPO "
                            f"{ours[0]}-{ours[1]} only")
        sender = _party(headers, "from")
        if sender is not None and not caller.partner.speaks_for(sender):
            await self.refused(caller.label, what, "403",
                               f"sent as {sender[0]}-{sender[1]}, not a party it registered")
            raise OcpiError(403, Status.CLIENT_ERROR,
                            f"OCPI-from names {sender[0]}-{sender[1]}, which is not one of "
                            "the parties you registered with this CPO")
        return Caller(caller.partner, sender)

    async def refused(self, actor: str, what: str, result: str, detail: str) -> None:
        """The refusal in the audit trail; never raises (the refusal is answered anyway)."""
        LOGGER.warning("OCPI %s refused (%s): %s", what, result, detail)
        if self.audit is None:
            return
        try:
            await self.audit.audit(actor, what, f"OCPI refused: {detail}", self.clock(),
                                   result=result)
        except Exception:
            LOGGER.exception("OCPI %s: refusal not recorded", what)

    # -- a partner registers with us ----------------------------------------------------
    async def invite(self, name: str) -> tuple[PartnerRow, str]:
        """A partner to be, and its token A (returned once, stored hashed)."""
        token = new_token()
        now = self.clock()
        row = await self.partners.save(PartnerRow(
            name=name, status=PartnerStatus.INVITED, token_hash=token_hash(token),
            created_at=now, updated_at=now))
        return row, token

    async def accept(self, caller: Caller, body: object, *, update: bool) -> Credentials:
        """POST (register) or PUT (update) of the partner's credentials: its versions and
        endpoints fetched with its token, our answer with a fresh token for it."""
        partner = caller.partner
        registered = partner.status == PartnerStatus.REGISTERED and partner.sealed_token
        if update and not registered:
            raise OcpiError(405, Status.CLIENT_ERROR,
                            "not registered yet: POST your credentials first")
        if not update and registered:
            raise OcpiError(405, Status.CLIENT_ERROR,
                            "already registered: PUT to update your credentials, DELETE "
                            "to unregister")
        try:
            theirs = Credentials.model_validate(body)
        except ValidationError as exc:
            raise invalid_body(exc, "credentials object") from None
        client = PartnerClient(self.http, self.identity, theirs.token)
        try:
            details = await self._fetch_details(client, theirs.url)
        except (PartnerCallError, RegistrationError) as exc:
            raise OcpiError(200, Status.UNABLE_TO_USE_CLIENT_API,
                            f"could not use your API with the token you sent: {exc}") from None
        ours = new_token()
        role = theirs.roles[0]
        partner.country_code, partner.party_id = role.country_code.upper(), role.party_id.upper()
        if partner.name.startswith("(") or not partner.name:
            partner.name = role.business_details.name
        partner.roles = json.dumps(dumped(theirs.roles))
        partner.versions_url, partner.version = theirs.url, VERSION
        partner.endpoints = json.dumps(dumped(details.endpoints))
        partner.sealed_token = self.box.seal(theirs.token)
        partner.token_hash = token_hash(ours)
        partner.status, partner.last_error = PartnerStatus.REGISTERED, None
        partner.updated_at = self.clock()
        await self.partners.save(partner)
        return self.identity.credentials(ours, self.versions_url)

    async def unregister(self, caller: Caller) -> None:
        """DELETE: the partner's tokens forgotten; the row stays, marked, for the admin."""
        partner = caller.partner
        if partner.status != PartnerStatus.REGISTERED:
            raise OcpiError(405, Status.CLIENT_ERROR, "not registered: nothing to delete")
        partner.token_hash = partner.sealed_token = None
        partner.status, partner.last_error = PartnerStatus.FAILED, "unregistered by partner"
        partner.updated_at = self.clock()
        await self.partners.save(partner)

    # -- we register with a partner -----------------------------------------------------
    async def register_with(self, name: str, versions_url: str, token_a: str) -> PartnerRow:
        """The handshake we start; the partner is stored (``failed`` with the reason when
        something goes wrong, so the admin sees it in the list)."""
        now = self.clock()
        ours = new_token()
        partner = await self.partners.save(PartnerRow(
            name=name, status=PartnerStatus.REGISTERING, versions_url=versions_url,
            token_hash=token_hash(ours), created_at=now, updated_at=now))
        client = PartnerClient(self.http, self.identity, token_a)
        try:
            details = await self._fetch_details(client, versions_url)
            url = _endpoint(details, "credentials")
            if url is None:
                raise RegistrationError("the partner lists no credentials endpoint")
            partner.version = VERSION
            partner.endpoints = json.dumps(dumped(details.endpoints))
            await self.partners.save(partner)
            answer = await client.call(
                "POST", url, dumped(self.identity.credentials(ours, self.versions_url)))
            try:
                theirs = Credentials.model_validate(answer)
            except ValidationError as exc:
                raise RegistrationError(f"its credentials break OCPI's rules: "
                                        f"{exc.errors()[0].get('msg')}") from None
        except (PartnerCallError, RegistrationError) as exc:
            partner.status, partner.last_error = PartnerStatus.FAILED, str(exc)
            partner.token_hash, partner.updated_at = None, self.clock()
            await self.partners.save(partner)
            raise RegistrationError(f"registration with {name!r} failed: {exc}") from None
        role = theirs.roles[0]
        partner.country_code, partner.party_id = role.country_code.upper(), role.party_id.upper()
        partner.roles = json.dumps(dumped(theirs.roles))
        partner.sealed_token = self.box.seal(theirs.token)
        partner.status, partner.last_error = PartnerStatus.REGISTERED, None
        partner.updated_at = self.clock()
        return await self.partners.save(partner)

    async def _fetch_details(self, client: PartnerClient, versions_url: str
                             ) -> VersionDetails:
        """The partner's 2.2.1 endpoints, by its versions list."""
        try:
            versions = [Version.model_validate(item)
                        for item in await client.call("GET", versions_url) or []]
        except ValidationError as exc:
            raise RegistrationError(f"its versions list breaks OCPI's rules: "
                                    f"{exc.errors()[0].get('msg')}") from None
        chosen = next((item for item in versions if item.version == VERSION), None)
        if chosen is None:
            offered = ", ".join(item.version for item in versions) or "none"
            raise RegistrationError(f"it offers no OCPI {VERSION} (offered: {offered})")
        try:
            return VersionDetails.model_validate(await client.call("GET", chosen.url))
        except ValidationError as exc:
            raise RegistrationError(f"its {VERSION} details break OCPI's rules: "
                                    f"{exc.errors()[0].get('msg')}") from None

    # -- the admin's hand -----------------------------------------------------------------
    async def set_suspended(self, partner_id: int, suspended: bool) -> PartnerRow | None:
        partner = await self.partners.get(partner_id)
        if partner is None:
            return None
        if suspended and partner.status == PartnerStatus.REGISTERED:
            partner.status = PartnerStatus.SUSPENDED
        elif not suspended and partner.status == PartnerStatus.SUSPENDED:
            partner.status = PartnerStatus.REGISTERED
        else:
            raise ValueError(f"partner {partner.name!r} is {partner.status}: only a "
                             f"{'registered' if suspended else 'suspended'} partner can be "
                             f"{'suspended' if suspended else 'resumed'}")
        partner.updated_at = self.clock()
        return await self.partners.save(partner)


def _party(headers: Mapping[str, str], direction: str) -> tuple[str, str] | None:
    """The party the ``OCPI-<direction>-country-code/party-id`` headers name, if both."""
    country = headers.get(f"OCPI-{direction}-country-code", "").strip().upper()
    party = headers.get(f"OCPI-{direction}-party-id", "").strip().upper()
    return (country, party) if country and party else None


def _endpoint(details: VersionDetails, module: str) -> str | None:
    for endpoint in details.endpoints:
        if endpoint.identifier == module:
            return endpoint.url
    return None
