"""Every write through the operator API goes into the audit trail, whatever the route.

An ASGI middleware: for each ``/api/v1`` request other than a read (GET, HEAD, OPTIONS) it
records who (the principal the guard found), their role, the action (method and route
template), the pole (from the path) and the result (the HTTP status), before the answer
leaves: a client that has its answer finds the entry written. Request bodies are never
recorded (they may hold passwords or tokens); the routes add entries with details where
those are safe. Refusals are recorded by the guard itself, once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.accounts.principal import Principal
from service.storage.repository import AsyncRepository

LOGGER = logging.getLogger(__name__)
READS = frozenset({"GET", "HEAD", "OPTIONS"})


class AuditTrail:
    """Records each API write; a storage failure is logged, the answer still goes out."""

    def __init__(self, app: ASGIApp, repository: AsyncRepository,
                 clock: Callable[[], datetime], prefix: str = "/api/v1") -> None:
        self.app = app
        self.repository = repository
        self.clock = clock
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in READS \
                or not str(scope["path"]).startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        state: dict[str, Any] = scope.setdefault("state", {})
        written = False

        async def record_then_send(message: Message) -> None:
            nonlocal written
            if message["type"] == "http.response.start" and not written:
                written = True
                await self._record(scope, state, int(message["status"]))
            await send(message)

        await self.app(scope, receive, record_then_send)

    async def _record(self, scope: Scope, state: dict[str, Any], status: int) -> None:
        if state.get("audited"):
            return
        principal = state.get("principal")
        route = getattr(scope.get("route"), "path", None) or str(scope["path"])
        pole_id = (scope.get("path_params") or {}).get("pole_id")
        try:
            await self.repository.audit(
                principal.name if isinstance(principal, Principal) else "unknown",
                f"{scope['method']} {route}", "", self.clock(),
                role=principal.role.value if isinstance(principal, Principal) else "",
                pole_id=pole_id, result=str(status))
        except Exception:
            LOGGER.exception("%s %s: not recorded in the audit trail", scope["method"], route)
