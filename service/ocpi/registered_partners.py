"""The registered roaming partners, as the pushes on the OCPP hot path need them.

Every status change of a socket starts an OCPI push (`LocationPusher`), and the first thing
a push needs is which partners are registered — almost always the same answer, and on most
services none at all. Read from storage every time, that was a query on a worker thread per
StatusNotification: under saturation (500 poles sending back to back, a third of the calls
StatusNotifications) 35 % of the service process's samples were those reads and their
thread hops, ahead of the event loop itself (py-spy, issue 20, 6 December 2026).

`RegisteredPartners` keeps the list it read for `FRESH_S` and reads again after any change
this process made (`AsyncPartnerRepository.changes`); reads asked while one is under way
share it. With ``--workers N`` a partner registered through another process is pushed to
from the next read here, at most `FRESH_S` later: registering a partner is a rare
handshake, after which the partner fetches every location anyway (OCPI 2.2.1
mod_locations), so no status it needs is lost by the wait.

`none_for_sure` answers the hot path's cheaper question first: may a pole's status or
meter values interest any partner at all? While a fresh read says nobody is registered,
the pole handlers do not even build those events (issue 20: building and offering them
for nobody was 6 % of a worker's time flushing a storm's backlog).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable

from service.ocpi.partner_store import AsyncPartnerRepository, PartnerRow, PartnerStatus

__all__ = ["FRESH_S", "RegisteredPartners"]

#: How long a read of the partner list is used before it is read again (seconds).
FRESH_S = 10.0


class RegisteredPartners:
    """``registered()``: the partners with status REGISTERED, read at most every
    `FRESH_S` unless this process changed them. The rows are shared: read them, don't
    change them (changes go through `AsyncPartnerRepository.save`)."""

    def __init__(self, partners: AsyncPartnerRepository, *, fresh_s: float = FRESH_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if not fresh_s >= 0:
            raise ValueError(f"fresh_s = {fresh_s!r}: a read is used for ≥ 0 s")
        self.partners = partners
        self.fresh_s = fresh_s
        self._clock = clock
        self._rows: list[PartnerRow] | None = None
        self._read_at = 0.0
        self._changes_seen = -1
        self._reading: asyncio.Task[list[PartnerRow]] | None = None
        self.reads = 0
        """Reads from storage (for diagnosis and tests)."""

    async def registered(self) -> list[PartnerRow]:
        rows = self._fresh_rows()
        if rows is not None:
            return rows
        # One caller giving up (its pole left) must not cancel the others' read.
        return await asyncio.shield(self._read_once())

    def none_for_sure(self) -> bool:
        """True only while a fresh read found no partner registered. Otherwise the list
        is read again in the background and the answer is False until it is in: an event
        too many may be built, none that a partner needs is skipped."""
        rows = self._fresh_rows()
        if rows is not None:
            return not rows
        self._read_once()
        return False

    def _fresh_rows(self) -> list[PartnerRow] | None:
        rows = self._rows
        if (rows is not None and self._changes_seen == self.partners.changes
                and self._clock() - self._read_at < self.fresh_s):
            return rows
        return None

    def _read_once(self) -> asyncio.Future[list[PartnerRow]]:
        """The read under way, or a new one: callers at the same time share it."""
        reading = self._reading
        if reading is None or reading.done():
            reading = self._reading = asyncio.ensure_future(self._read())
            reading.add_done_callback(_failure_seen)
        return reading

    async def _read(self) -> list[PartnerRow]:
        changes, asked_at = self.partners.changes, self._clock()
        self.reads += 1
        rows = [row for row in await self.partners.listed()
                if row.status == PartnerStatus.REGISTERED]
        if changes == self.partners.changes:  # else a change came meanwhile: read again
            self._rows, self._read_at, self._changes_seen = rows, asked_at, changes
        return rows


def _failure_seen(read: asyncio.Future[list[PartnerRow]]) -> None:
    """A read that failed is read again at the next question. Its error is taken here, so
    that asyncio does not report a read that only `none_for_sure` started as never
    retrieved; `registered` still raises it to its callers."""
    with contextlib.suppress(asyncio.CancelledError):
        read.exception()
