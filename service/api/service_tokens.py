"""``/api/v1/service-tokens``: technicians' tokens for poles' service ports (issue 17, eis 69).

Issued for the caller (``request.state.principal``: name and role), so a token carries
who will use it and the audit log says who asked; listed without the token text (it is
shown once, in the answer that issues it); revoked for every connected pole at once, also
those another service process holds, and remembered, so a pole that reconnects later
still hears of it.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from pole_link.service_token_requests import ServiceTokenRecord
from pole_link.service_tokens import ALL_POLES, ROLES
from service.api.routes import PREFIX, ApiError, PoleConnections
from service.security.service_tokens import Caller, ServiceTokenIssuer
from service.storage.repository import AsyncRepository
from service.storage.service_token_store import ServiceTokenRow

MAX_HOURS = 72


class IssueRequest(BaseModel):
    poles: Annotated[list[Annotated[str, Field(min_length=1, max_length=64)]],
                     Field(min_length=1, max_length=500)]
    hours: Annotated[float, Field(gt=0, le=MAX_HOURS)] = 8


def caller_of(request: Request) -> tuple[str, str]:
    """(name, role) of whoever asks; without accounts every API token is the admin. A role
    a token cannot carry (PROTOCOL.md: technician, engineer, admin — e.g. helpdesk) gets
    no token: it would otherwise be raised to one."""
    principal = getattr(request.state, "principal", None)
    name = str(getattr(principal, "name", None) or "admin")
    role = str(getattr(principal, "role", None) or "admin")
    if role not in ROLES:
        raise ApiError(403, "Forbidden", f"a {role} account cannot get a service token: "
                                         "only technicians, engineers and admins write on "
                                         "poles on site")
    return name, role


def record_of(row: ServiceTokenRow, token: str | None = None) -> ServiceTokenRecord:
    return ServiceTokenRecord(row.jti, row.subject, row.role, tuple(row.pole_list),
                              row.issued_at, row.expires_at, row.revoked_at, row.revoked_by,
                              token)


def build_service_tokens_router(issuer: ServiceTokenIssuer, connections: PoleConnections,
                                repository: AsyncRepository) -> APIRouter:
    """Issue, list and revoke service tokens (mounted behind the operator guard by
    `service.app.create_app`; the caller is ``request.state.principal``)."""
    router = APIRouter(prefix=PREFIX, tags=["service tokens"])

    @router.post("/service-tokens")
    async def issue_token(body: IssueRequest, request: Request) -> dict[str, Any]:
        """A token for the caller: ``{token, expires, jti, poles, …}``; the token is in
        this answer only."""
        name, role = caller_of(request)
        poles = [ALL_POLES] if ALL_POLES in body.poles else list(dict.fromkeys(body.poles))
        issued = await issuer.issue(name, role, poles, body.hours)
        claims = issued.claims
        await repository.audit(name, "service-token.issue",
                               f"jti={claims.jti} role={role} poles={','.join(poles)} "
                               f"expires={claims.expires.isoformat()}")
        return ServiceTokenRecord(claims.jti, claims.sub, claims.role, claims.poles,
                                  issuer.clock(), claims.expires, token=issued.token).to_json()

    @router.get("/service-tokens")
    async def list_tokens() -> list[dict[str, Any]]:
        """Tokens not yet expired, newest first, revoked ones marked; never the token text."""
        rows = await issuer.repository.listed(issuer.clock())
        return [record_of(row).to_json() for row in rows]

    @router.get("/service-tokens/key")
    async def signing_key() -> dict[str, str]:
        """``{publicKey}``: the public half of the key tokens are signed with, as one
        ``ServiceTokenKeys`` entry — so a commissioning run can check the pole trusts this
        service (the private half never leaves the service)."""
        return {"publicKey": issuer.keys_value}

    @router.post("/service-tokens/{jti}/revoke")
    async def revoke_token(jti: str, request: Request) -> dict[str, Any]:
        """Revoke: ``{token, poles: {pole id: what it answered}}``; poles not connected now
        are told when they next boot."""
        principal = getattr(request.state, "principal", None)
        name = str(getattr(principal, "name", None) or "admin")
        issued = await issuer.repository.get(jti)
        if issued is None:
            raise ApiError(404, "UnknownToken", f"no service token with id {jti!r} was issued")
        row, outcomes = await issuer.revoke(jti, name,
                                            _covered(connections, issued.pole_list))
        if row is None:
            raise ApiError(404, "UnknownToken", f"no service token with id {jti!r} was issued")
        await repository.audit(name, "service-token.revoke",
                               f"jti={jti} told={','.join(sorted(outcomes)) or 'none'}")
        return {"token": record_of(row).to_json(), "poles": outcomes}

    return router


def _covered(connections: PoleConnections, poles: list[str]) -> list[tuple[str, Caller]]:
    """The connected poles to tell, wherever they are connected (another service process
    relays): the named ones, or for ``*`` every pole of the fleet; the rest hear it at
    their next boot."""
    if ALL_POLES in poles:
        connected_ids = getattr(connections, "connected_ids", None)
        poles = list(connected_ids()) if callable(connected_ids) else []
    found: list[tuple[str, Caller]] = []
    for pole_id in poles:
        connection = connections.get(pole_id)
        if connection is not None:
            found.append((pole_id, connection))
    return found
