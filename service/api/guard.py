"""Who may use the operator API: the one check every guarded route goes through.

`service.app.create_app` puts `operator_guard` on each router it mounts, in one list, so
every route's guard is visible there. `check_token` is the rule itself; the live feed (a
WebSocket, which cannot answer with a JSON 401) calls it too. A later change turns the
rule into per-route permissions here, without touching the routers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends
from fastapi.params import Depends as DependsParam
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from service.api.errors import ApiError
from service.api.tokens import TokenStore

BEARER = HTTPBearer(auto_error=False, description="an API token from `paalwerk service`")
CHALLENGE = {"WWW-Authenticate": "Bearer"}


def check_token(tokens: TokenStore | None, token: str | None) -> None:
    """Raise `ApiError` 401, in words, unless ``token`` is one of ``tokens``.

    Without a token store every request is refused: the API is never open by default.
    """
    if token is None:
        raise ApiError(401, "Unauthorized",
                       "send 'Authorization: Bearer <token>' (the token "
                       "'paalwerk service' printed at its first start)", headers=CHALLENGE)
    if tokens is None or not tokens.verify(token):
        raise ApiError(401, "Unauthorized", "the bearer token is not valid",
                       headers=CHALLENGE)


def operator_guard(tokens: TokenStore | None) -> DependsParam:
    """The dependency for a router only operators (holders of an API token) may use."""
    guard: DependsParam = Depends(token_check(tokens))
    return guard


def token_check(tokens: TokenStore | None) -> Callable[..., Awaitable[None]]:
    """`check_token` as a FastAPI dependency function (what `operator_guard` wraps; kept
    for routers that still guard themselves with ``Depends(token_check(tokens))``)."""

    async def operator(credentials: Annotated[HTTPAuthorizationCredentials | None,
                                              Depends(BEARER)]) -> None:
        check_token(tokens, None if credentials is None else credentials.credentials)

    return operator
