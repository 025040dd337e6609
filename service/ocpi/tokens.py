"""eMSPs' tokens (mod_tokens): our Receiver interface, and real-time authorisation with the
eMSP where the token's whitelist asks for it — how eis 60 is met: the cards of every
registered eMSP work at our poles.

``PUT``/``PATCH``/``GET {tokens}/{country_code}/{party_id}/{uid}``: the token is kept
whole (`service.ocpi.token_store`) and, unless its whitelist is ``NEVER``, written to the
card register as a card (Accepted while valid, Blocked when not) — so poles' Authorize
answers and their local lists (the existing sync, `service.cards`) include it, and an
``ALLOWED_OFFLINE`` token works at a pole that has lost its connection. ``NEVER`` and
``ALLOWED_OFFLINE`` tokens are asked about in real time (`RoamingAuthority`);
``ALLOWED_OFFLINE`` is let through when the eMSP cannot be reached.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from service.cards.authority import ACCEPTED, IdTagAuthority, Verdict
from service.ocpi.client import PartnerCallError
from service.ocpi.envelope import OCPI_PREFIX, OcpiError, Status, answer, invalid_body
from service.ocpi.models import VERSION, AllowedType, AuthorizationInfo, Token, dumped
from service.ocpi.registry import Caller, Registry
from service.ocpi.token_store import AsyncOcpiTokenRepository, OcpiTokenRow
from service.storage.id_tag_models import ID_TAG_MAX
from service.storage.id_tags import AsyncIdTagRepository, IdTagWrite

LOGGER = logging.getLogger(__name__)

REALTIME = frozenset({"NEVER", "ALLOWED_OFFLINE"})
_OCPP_STATUS = {AllowedType.ALLOWED: ACCEPTED, AllowedType.BLOCKED: "Blocked",
                AllowedType.EXPIRED: "Expired", AllowedType.NO_CREDIT: "Invalid",
                AllowedType.NOT_ALLOWED: "Invalid"}


def token_key(country_code: str, party_id: str, uid: str) -> str:
    return f"{country_code}*{party_id}*{uid}".upper()


class RoamingAuthority(IdTagAuthority):
    """The card register's judge, asking the eMSP first about tokens that want it."""

    def __init__(self, inner: IdTagAuthority, tokens: AsyncOcpiTokenRepository,
                 registry: Registry) -> None:
        super().__init__(inner.lookup, accept_unknown=inner.accept_unknown,
                         clock=inner.clock)
        self.tokens, self.registry = tokens, registry

    async def verdict(self, id_tag: str, *, used_at: datetime | None = None) -> Verdict:
        # The whitelist alone first: nearly every card is judged by the register, and the
        # whole token is read only for one the eMSP is asked about (issue 20).
        if await self.tokens.whitelist_of(id_tag) not in REALTIME:
            return await super().verdict(id_tag, used_at=used_at)
        row = await self.tokens.by_uid(id_tag)
        if row is None or row.whitelist not in REALTIME:  # changed meanwhile
            return await super().verdict(id_tag, used_at=used_at)
        token = Token.model_validate_json(row.token)
        if not token.valid:
            return Verdict("Blocked", known=True)
        allowed = await self.realtime(row.partner_id, token)
        if allowed is None:
            status = ACCEPTED if row.whitelist == "ALLOWED_OFFLINE" else "Invalid"
            return Verdict(status, known=True)
        return Verdict(_OCPP_STATUS.get(allowed, "Invalid"), known=True,
                       parent_id_tag=(token.group_id or None) and token.group_id[:ID_TAG_MAX])

    async def realtime(self, partner_id: int, token: Token) -> AllowedType | None:
        """The eMSP's answer (POST …/{uid}/authorize), or None when it gave none."""
        partner = await self.registry.partners.get(partner_id)
        url = partner.endpoint("tokens", "SENDER") if partner is not None else None
        if partner is None or url is None or partner.status != "registered":
            return None
        try:
            data = await self.registry.client_for(
                partner, (token.country_code, token.party_id)).call(
                "POST", f"{url}/{token.uid}/authorize?type={token.type}")
            return AllowedType(AuthorizationInfo.model_validate(data).allowed)
        except (PartnerCallError, ValidationError, ValueError) as exc:
            LOGGER.warning("OCPI: real-time authorisation of a %s token by %s failed: %s",
                           token.whitelist, partner.name, exc)
            return None


async def keep_token(tokens: AsyncOcpiTokenRepository, cards: AsyncIdTagRepository,
                     clock: Callable[[], datetime], changed: Callable[[], None] | None,
                     partner_id: int, token: Token) -> None:
    """The token kept whole, and in the card register unless its whitelist is NEVER."""
    await tokens.save(OcpiTokenRow(
        key=token_key(token.country_code, token.party_id, token.uid),
        uid_key=token.uid.upper(), partner_id=partner_id,
        token=json.dumps(dumped(token)), whitelist=str(token.whitelist),
        last_updated=token.last_updated))
    if len(token.uid) > ID_TAG_MAX:  # an OCPP 1.6 idTag has at most 20 characters
        return
    if token.whitelist == "NEVER":
        await cards.delete(token.uid, clock())
    else:
        group = token.group_id[:ID_TAG_MAX] if token.group_id else None
        await cards.put(IdTagWrite(token.uid, ACCEPTED if token.valid else "Blocked",
                                   parent_id_tag=group), clock())
    if changed is not None:
        changed()  # poles' local lists brought up to date


def build_tokens_router(registry: Registry, tokens: AsyncOcpiTokenRepository,
                        cards: AsyncIdTagRepository, clock: Callable[[], datetime],
                        changed: Callable[[], None] | None = None) -> APIRouter:
    router = APIRouter(prefix=f"{OCPI_PREFIX}/{VERSION}/tokens", tags=["ocpi"])
    path = "/{country_code}/{party_id}/{token_uid}"

    async def owner(request: Request, country_code: str, party_id: str) -> Caller:
        route = request.scope.get("route")
        caller = await registry.authenticate(request.headers.get("Authorization"), "tokens",
                                             f"{request.method} {getattr(route, 'path', '')}",
                                             request.headers)
        if not caller.partner.speaks_for((country_code, party_id)):
            raise OcpiError(403, Status.CLIENT_ERROR,
                            f"{country_code}-{party_id} is not one of the parties you "
                            "registered: push only your own tokens")
        return caller

    async def stored(country_code: str, party_id: str, uid: str) -> Token:
        row = await tokens.get(token_key(country_code, party_id, uid))
        if row is None:
            raise OcpiError(404, Status.UNKNOWN_TOKEN, f"no token {uid!r} of "
                                                       f"{country_code}-{party_id} here")
        return Token.model_validate_json(row.token)

    async def keep(caller: Caller, token: Token) -> None:
        assert caller.partner.id is not None
        await keep_token(tokens, cards, clock, changed, caller.partner.id, token)

    @router.get(path)
    async def get_token(country_code: str, party_id: str, token_uid: str,
                        request: Request) -> JSONResponse:
        await owner(request, country_code, party_id)
        return answer(request, dumped(await stored(country_code, party_id, token_uid)),
                      clock())

    @router.put(path)
    async def put_token(country_code: str, party_id: str, token_uid: str,
                        request: Request) -> JSONResponse:
        caller = await owner(request, country_code, party_id)
        try:
            token = Token.model_validate(await _json(request))
        except ValidationError as exc:
            raise invalid_body(exc, "token") from None
        if (token.country_code.upper(), token.party_id.upper(), token.uid) != (
                country_code.upper(), party_id.upper(), token_uid):
            raise OcpiError(400, Status.INVALID_PARAMETERS,
                            "the token's country_code, party_id and uid must be those of "
                            "the URL")
        await keep(caller, token)
        return answer(request, None, clock())

    @router.patch(path)
    async def patch_token(country_code: str, party_id: str, token_uid: str,
                          request: Request) -> JSONResponse:
        caller = await owner(request, country_code, party_id)
        changes = await _json(request)
        if not isinstance(changes, dict) or "last_updated" not in changes:
            raise OcpiError(400, Status.INVALID_PARAMETERS,
                            "a PATCH must be an object with last_updated")
        for fixed in ("country_code", "party_id", "uid"):
            changes.pop(fixed, None)
        current = dumped(await stored(country_code, party_id, token_uid))
        try:
            token = Token.model_validate({**current, **changes})
        except ValidationError as exc:
            raise invalid_body(exc, "token") from None
        await keep(caller, token)
        return answer(request, None, clock())

    return router


async def _json(request: Request) -> Any:
    try:
        return await request.json()
    except ValueError:
        raise OcpiError(400, Status.INVALID_PARAMETERS, "the body is not JSON") from None
