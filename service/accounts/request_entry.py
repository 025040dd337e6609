"""One audit entry per API write: what a route says about its own request is gathered here
and written by the `AuditTrail` middleware in that request's single entry.

Without this a write gave two entries: the route's own words ("Reset → PW-0001" and the
payload) and the middleware's who/route/result, one a moment after the other. An auditor
reading the trail wants one line per thing done, so the middleware opens a
`RequestEntry` for each API write; `AsyncRepository.audit` called by the route while that
request runs adds a note to it instead of writing, and the middleware writes one entry
with who, role, route, pole, result and the route's notes as detail.

Only notes from the request's own task are gathered: work a route starts in the
background (a local list pushed after a card change) keeps its own entries, as does
anything written in someone else's name (a pole's security event).
"""

from __future__ import annotations

import asyncio
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Note:
    """What a route said: its action in words and the detail."""

    action: str
    detail: str
    pole_id: str | None


@dataclass
class RequestEntry:
    """The audit entry of one API write, filled while the request runs."""

    state: dict[str, Any]
    """The request's ASGI state: ``principal`` (the guard's) and ``audited`` (already
    recorded: a refusal, a login)."""
    task: asyncio.Task[Any] | None
    notes: list[Note] = field(default_factory=list)
    open: bool = True

    def take(self, actor: str, action: str, detail: str, pole_id: str | None) -> bool:
        """Gather the route's entry into this one (True), or leave it to be written on
        its own (False): after the answer, from another task, in another's name, or when
        the request was recorded already."""
        if not self.open or self.state.get("audited") \
                or asyncio.current_task() is not self.task:
            return False
        principal = self.state.get("principal")
        caller = getattr(principal, "name", None)
        if actor != "api" and caller is not None and actor != caller:
            return False
        self.notes.append(Note(action, detail, pole_id))
        return True

    @property
    def detail(self) -> str:
        """The route's notes as one detail ("action: detail; …")."""
        return "; ".join(f"{note.action}: {note.detail}" if note.detail else note.action
                         for note in self.notes)

    @property
    def pole_id(self) -> str | None:
        return next((note.pole_id for note in self.notes if note.pole_id), None)


REQUEST_ENTRY: ContextVar[RequestEntry | None] = ContextVar("paalwerk_request_entry",
                                                            default=None)
