"""Every write through the operator API goes into the audit trail, whatever the route.

An ASGI middleware: for each ``/api/v1`` request other than a read (GET, HEAD, OPTIONS) it
records who (the principal the guard found), their role, the action (method and route
template), the pole (from the path) and the result (the HTTP status), before the answer
leaves: a client that has its answer finds the entry written. Request bodies are never
recorded (they may hold passwords or tokens); what a route says about its own request in
the audit trail, where that is safe, becomes the entry's detail
(`service.accounts.request_entry`), so each write is one entry. Refusals are recorded by
the guard itself, once. A request that fails or is abandoned before it answers is still
recorded (result ``500`` or ``cancelled``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.accounts.principal import Principal
from service.accounts.request_entry import REQUEST_ENTRY, RequestEntry
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
        entry = RequestEntry(state, asyncio.current_task())
        reset = REQUEST_ENTRY.set(entry)

        async def record_then_send(message: Message) -> None:
            if message["type"] == "http.response.start" and entry.open:
                await self._record(scope, entry, str(message["status"]))
            await send(message)

        try:
            await self.app(scope, receive, record_then_send)
        except asyncio.CancelledError:
            if entry.open:
                await self._record(scope, entry, "cancelled")
            raise
        except Exception:
            if entry.open:
                await self._record(scope, entry, "500")
            raise
        finally:
            REQUEST_ENTRY.reset(reset)

    async def _record(self, scope: Scope, entry: RequestEntry, result: str) -> None:
        entry.open = False  # what the route writes from now on is an entry of its own
        if entry.state.get("audited"):
            return
        principal = entry.state.get("principal")
        route = getattr(scope.get("route"), "path", None) or str(scope["path"])
        pole_id = (scope.get("path_params") or {}).get("pole_id") or entry.pole_id
        try:
            await self.repository.audit(
                principal.name if isinstance(principal, Principal) else "unknown",
                f"{scope['method']} {route}", entry.detail, self.clock(),
                role=principal.role.value if isinstance(principal, Principal) else "",
                pole_id=pole_id, result=result)
        except Exception:
            LOGGER.exception("%s %s: not recorded in the audit trail", scope["method"], route)
