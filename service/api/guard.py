"""Who may use the operator API: the one check every guarded route goes through.

`service.app.create_app` puts `operator_guard` on each router it mounts, in one list, so
every route's guard is visible there. The rule itself lives in `service.accounts.guard`:
the bearer token names the caller (a user's login or personal token, or a token of the
admin token file), the permission table (`service.accounts.permissions`) says whether
their role may call this route, and every refusal is recorded. The live feed (a
WebSocket, which cannot answer with a JSON 401) calls `service.accounts.guard.identify`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.params import Depends as DependsParam
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from service.accounts import guard
from service.api.errors import ApiError
from service.api.tokens import TokenStore

BEARER = HTTPBearer(auto_error=False, description="an API token from `paalwerk service`, "
                                                  "or a user's token from /api/v1/auth/login")
CHALLENGE = {"WWW-Authenticate": "Bearer"}


def operator_guard(tokens: TokenStore | None) -> DependsParam:
    """The dependency for a router only operators may use, each route as their role
    allows (`service.accounts.permissions`)."""
    dependency: DependsParam = Depends(token_check(tokens))
    return dependency


def token_check(tokens: TokenStore | None) -> Callable[..., Awaitable[None]]:
    """The guard as a FastAPI dependency function: the caller is put on
    ``request.state.principal`` (a `Principal`: ``name``, ``role``); a refusal is a 401
    (who are you?), a 403 (not with your role, in a sentence) or a 503 (the accounts
    cannot be read). Without a token store every request is refused: the API is never
    open by default."""

    async def authorise(request: Request,
                        credentials: Annotated[HTTPAuthorizationCredentials | None,
                                               Depends(BEARER)]) -> None:
        token = credentials.credentials if credentials is not None else None
        try:
            await guard.check(request, request.method, tokens, token)
        except guard.Refusal as refused:
            if refused.status == 401:
                raise ApiError(401, "Unauthorized", refused.sentence,
                               headers=CHALLENGE) from None
            if refused.status == 503:
                raise ApiError(503, "StorageUnavailable", refused.sentence) from None
            raise ApiError(403, "Forbidden", refused.sentence, refused.details,
                           detail=refused.sentence) from None

    return authorise
