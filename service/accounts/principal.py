"""Who is calling: the principal the guard (`service.api.routes.token_check`) puts on
``request.state.principal``, and on `CURRENT` for the rest of the request, so an audit
entry written deep in a route names the operator rather than "api"."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

from service.accounts.permissions import Role


@dataclass(frozen=True)
class Principal:
    """An authenticated caller. ``name`` is the user's (or the admin token file entry's)."""

    name: str
    role: Role
    token_id: int | None = None
    """The database token used (None for the admin token file), so logout revokes it."""


CURRENT: ContextVar[Principal | None] = ContextVar("paalwerk_principal", default=None)
