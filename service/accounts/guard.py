"""The one check in front of every operator route: who is asking, and may their role?

`service.api.routes.token_check` calls `check` for each request. It authenticates the
bearer token (a user's login or personal token, or a token of the admin token file, which
stay the first admins'), looks the route up in the permission table
(`service.accounts.permissions`), and refuses with a sentence: 401 without a valid token,
403 when the role may not. Every refusal is recorded in the audit trail, and for a route
about a registered pole also as that pole's security event, where the helpdesk reads it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.requests import HTTPConnection

from service.accounts.permissions import PUBLIC, Role, allowed, refusal, required_role
from service.accounts.principal import CURRENT, Principal
from service.storage.database import StorageError

if TYPE_CHECKING:
    from service.api.tokens import TokenStore

LOGGER = logging.getLogger(__name__)

HINT = ("send 'Authorization: Bearer <token>': sign in with your user name and password "
        "(POST /api/v1/auth/login), or use the token 'paalwerk service' printed at its "
        "first start")


@dataclass(frozen=True)
class Refusal(Exception):
    """A refused request: 401 (who are you?) or 403 (not with your role)."""

    status: int
    sentence: str
    details: dict[str, str] | None = None
    """For a 403: ``role`` (the caller's) and ``required`` (the least role that may), so a
    client can say it in its own language."""


def route_of(connection: HTTPConnection) -> str:
    """The route's template (``/api/v1/poles/{pole_id}``), as the permission table has it."""
    route = connection.scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else connection.url.path


async def identify(tokens: TokenStore | None, token: str) -> Principal | None:
    """The principal a token stands for: the admin token file first (no database), then
    the accounts' tokens."""
    if tokens is None:
        return None
    name = tokens.name_of(token)
    if name is not None:
        return Principal(name, Role.ADMIN)
    if tokens.accounts is not None:
        try:
            return await tokens.accounts.authenticate(token)
        except StorageError as exc:
            LOGGER.warning("a user's token could not be checked: %s", exc)
            raise Refusal(503, "the service cannot reach its database to check your "
                               "sign-in; try again shortly (the admin token still works)"
                          ) from None
    return None


async def check(connection: HTTPConnection, method: str, tokens: TokenStore | None,
                token: str | None) -> Principal | None:
    """The caller, allowed to call this route (None for a public route); `Refusal` if not.
    Sets ``connection.state.principal`` and `CURRENT` for the rest of the request."""
    path = route_of(connection)
    if required_role(method, path) == PUBLIC:
        return None
    principal = None if token is None else await identify(tokens, token)
    if principal is None:
        reason = "no token" if token is None else "a token that is not valid"
        await _record(tokens, connection, method, path, None, "401", f"refused: {reason}")
        if token is None:
            raise Refusal(401, HINT)
        raise Refusal(401, "the bearer token is not valid (expired, revoked or mistyped): "
                           "sign in again")
    connection.state.principal = principal
    CURRENT.set(principal)
    if not allowed(principal.role, method, path):
        sentence = refusal(principal.role, method, path)
        await _record(tokens, connection, method, path, principal, "403", sentence)
        required = required_role(method, path)
        raise Refusal(403, sentence, {"role": principal.role.value, "required": str(required)})
    return principal


async def _record(tokens: TokenStore | None, connection: HTTPConnection, method: str,
                  path: str, principal: Principal | None, result: str, detail: str) -> None:
    """The refusal in the audit trail (and the pole's security events); never raises: the
    refusal must be answered even when storage is down."""
    connection.scope.setdefault("state", {})["audited"] = True
    accounts = tokens.accounts if tokens is not None else None
    if accounts is None or accounts.repository is None:
        LOGGER.warning("%s %s refused (%s): %s", method, path, result, detail)
        return
    pole_id = connection.path_params.get("pole_id")
    actor = principal.name if principal is not None else "unknown"
    try:
        await accounts.repository.audit(
            actor, f"{method} {path}", detail, accounts.store.clock(),
            role=principal.role.value if principal is not None else "",
            pole_id=pole_id, result=result)
        if pole_id and principal is not None and accounts.security_events is not None \
                and await accounts.repository.get_pole(pole_id) is not None:
            from service.security.events import SecurityEvent

            await accounts.security_events.record(
                pole_id, SecurityEvent.OPERATOR_REFUSED,
                f"{principal.name} ({principal.role.value}): {method} {path} refused",
                accounts.store.clock())
    except Exception:
        LOGGER.exception("%s %s: refusal not recorded", method, path)
