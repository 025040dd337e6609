"""Reading a replay's messages from the service: the window page by page, and the lead-in.

Reads through `ServiceClient` (the one client of the operator API): the newest
`LEAD_IN_LIMIT` messages before the window, which put the sockets in the state they had
when the window opens (a socket faulted since the afternoon is faulted at 18:00 too), and
the window itself from its start in pages of `PAGE` messages (the API's most). A day of a
busy pole holds more than one page: the first is read before the replay opens, the rest
while it plays (`prefetch`), each page read and parsed off the GUI thread's way — the
HTTP read is awaited, the parsing runs on a worker thread — so the window plays through
to its end and the GUI never waits.

Pages follow each other by time (the API's ``start``, oldest first, ordered by time then
by arrival): the next page starts at the last message's time, and the messages at that
very time already read are skipped, so none is read twice or lost at a page's edge.

A page that fails to read (the service restarting, its database away, a timeout) would
leave the replay waiting at the last message read with no word why: `prefetch` says why
(`PageTrouble`, for the Pole view), tries again after a growing pause, and carries on from
the same page once a read works — a failed read moves nothing, so nothing is lost or read
twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pole_link.errors import LinkTimeout, NotAuthorised, PoleLinkError
from pole_link.replay.history import ReplayMessage, replay_messages
from pole_link.replay.player import ReplayPlayer, ReplayWindow
from pole_link.service_api import (
    MessageRecord,
    ServiceClient,
    ServiceEndpoint,
    ServiceRefused,
)

PAGE = 5000
"""Messages per read: the API's limit."""
WINDOW_LIMIT = PAGE
LEAD_IN_LIMIT = 500
PREFETCH_AHEAD = 2000
"""Read the next page when fewer messages than this are left ahead of the replay: at
600× a busy pole's 2,000 messages last half a minute or more, a page takes well under a
second to read (benchmarks/replay_player.py)."""
FIRST_RETRY = 1.0
LONGEST_RETRY = 30.0
"""Pauses between tries of a page that failed: 1, 2, 4 … s, then every 30 s — soon after a
service's restart, without hammering a service that is down for longer."""


class TroubleKind(StrEnum):
    """Why a page could not be read, as the Pole view puts it in words."""

    NO_ANSWER = "no-answer"
    """The service did not answer in time."""
    UNREACHABLE = "unreachable"
    """No connection to the service (stopped, restarting, network)."""
    REFUSED = "refused"
    """The service answered with an error (`PageTrouble.status`), e.g. its database away."""
    NOT_ALLOWED = "not-allowed"
    """The API token is no longer accepted."""


@dataclass(frozen=True, slots=True)
class PageTrouble:
    """A page of the replay's window that could not be read, and when the next try is."""

    kind: TroubleKind
    detail: str
    """The error as the client said it (the service's address, its answer)."""
    retry_in: float
    """Seconds until the next try."""
    attempt: int
    """1 for the first failure of this page."""
    status: int | None = None
    """The HTTP status the service answered, for `TroubleKind.REFUSED`."""


def page_trouble(error: PoleLinkError, retry_in: float, attempt: int) -> PageTrouble:
    """``error`` of a page read, sorted into what the helpdesk can tell apart."""
    if isinstance(error, LinkTimeout):
        return PageTrouble(TroubleKind.NO_ANSWER, str(error), retry_in, attempt)
    if isinstance(error, NotAuthorised):
        return PageTrouble(TroubleKind.NOT_ALLOWED, str(error), retry_in, attempt)
    if isinstance(error, ServiceRefused):
        return PageTrouble(TroubleKind.REFUSED, str(error), retry_in, attempt, error.status)
    return PageTrouble(TroubleKind.UNREACHABLE, str(error), retry_in, attempt)


def retry_pause(attempt: int, first: float = FIRST_RETRY,
                longest: float = LONGEST_RETRY) -> float:
    """The pause after the ``attempt``-th failure in a row: doubling, up to ``longest``."""
    return min(longest, first * 2.0 ** (attempt - 1))


class ReplayPages:
    """Where the next page of one window starts; `complete` once the last is read."""

    def __init__(self, window: ReplayWindow, page: int = PAGE) -> None:
        self.window, self.page = window, page
        self.complete = False
        self.read_count = 0
        """Messages read and numbered so far (the next page numbers on from here)."""
        self._next_start = window.start
        self._skip = 0
        """Records at `_next_start` already read (the last page ended among them)."""

    async def read(self, client: ServiceClient) -> list[ReplayMessage]:
        """The next page, oldest first, parsed on a worker thread; [] when complete."""
        if self.complete:
            return []
        records = await client.messages(self.window.pole_id, start=self._next_start,
                                        end=self.window.end, limit=self.page,
                                        oldest_first=True)
        oldest_first = records[::-1]
        fresh = oldest_first[self._skip:] if self._skip and oldest_first and \
            oldest_first[0].time == self._next_start else oldest_first
        self._advance(oldest_first)
        messages = await asyncio.to_thread(replay_messages, fresh[::-1], self.read_count)
        self.read_count += len(messages)
        return messages

    def _advance(self, page: list[MessageRecord]) -> None:
        if len(page) < self.page:
            self.complete = True
            return
        last = page[-1].time
        if last is None:  # the service times every row; a row without one ends the read
            self.complete = True
            return
        same = sum(1 for record in page if record.time == last)
        if same >= self.page:  # a whole page in one instant: no later start to ask for
            self.complete = True
            return
        self._next_start, self._skip = last, same

    async def read_until(self, client: ServiceClient, player: ReplayPlayer,
                         moment: datetime) -> None:
        """Read pages into ``player`` until ``moment`` is covered (a jump ahead of what
        is read: the state there needs every message before it)."""
        while not player.complete and player.loaded_until < moment:
            player.extend(await self.read(client), self.complete)


async def load_replay(client: ServiceClient, window: ReplayWindow,
                      pages: ReplayPages | None = None) -> ReplayPlayer:
    """A paused player at the window's start holding the first page (``pages`` reads the
    rest); raises `ValueError` when the service holds no message of the pole in the
    window (there is nothing to watch)."""
    pages = pages or ReplayPages(window)
    first = await pages.read(client)
    if not first:
        raise ValueError(f"the service kept no message of {window.pole_id} in this window: "
                         "choose another one (the log keeps the newest 10,000 per pole)")
    before = await client.messages(window.pole_id, end=window.start, limit=LEAD_IN_LIMIT)
    return ReplayPlayer(window, first, await asyncio.to_thread(replay_messages, before),
                        complete=pages.complete)


async def prefetch(endpoint: ServiceEndpoint, pages: ReplayPages, player: ReplayPlayer,
                   on_page: Callable[[list[ReplayMessage]], None] | None = None, *,
                   ahead: int = PREFETCH_AHEAD, timeout: float = 30,
                   on_trouble: Callable[[PageTrouble | None], None] | None = None,
                   first_retry: float = FIRST_RETRY,
                   longest_retry: float = LONGEST_RETRY) -> None:
    """Read the window's remaining pages into ``player`` as it plays: each when fewer
    than ``ahead`` messages are left before the replay's position (at once after a jump
    near the end of what is read). Runs until the last page is in; cancel it to stop.

    A page that fails is tried again after `retry_pause`; ``on_trouble`` hears each
    failure (why, and when the next try is) and None once a read works again."""
    wake = asyncio.Event()
    player.subscribe(wake.set)
    failures = 0
    async with ServiceClient(endpoint, timeout=timeout) as client:
        while not pages.complete:
            if not player.wants_more(ahead):
                wake.clear()
                await wake.wait()
                continue
            try:
                messages = await pages.read(client)
            except PoleLinkError as error:
                failures += 1
                pause = retry_pause(failures, first_retry, longest_retry)
                if on_trouble is not None:
                    on_trouble(page_trouble(error, pause, failures))
                await asyncio.sleep(pause)
                continue
            if failures:
                failures = 0
                if on_trouble is not None:
                    on_trouble(None)
            player.extend(messages, pages.complete)
            if on_page is not None and messages:
                on_page(messages)
