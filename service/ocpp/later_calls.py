"""A pole's calls after its boot, kept below the other poles' boots while a storm lasts.

After a restart or a regional outage every pole reconnects at once and, once booted, sends
what it queued while cut off: a day's transactions and meter values, 26 calls a pole in the
benchmark's storm. `Admission.pace_by` counts only each pole's first `BOOT_CALLS`, so the
poles admitted first flushed their backlogs freely while the later poles waited for their
boots: at 10,000 poles with a day's backlog only 4,157 BootNotifications were answered within
OCPP's 30 s and the boot calls' p99 was 5.3 s (docs/reconnect-storm.md, 2026-12-05). A pole
whose boot is not answered within 30 s gives up and reconnects, making the storm worse; a
backlog answered a few seconds later costs nobody anything.

`LaterCalls` therefore lets at most `limit` such later calls be handled at once while poles
still wait for their boot (`Admission.settled` clear); the rest wait, first come first
served, before they are read any further. A pole keeps one call outstanding, so holding it
holds that pole's whole backlog; and since the waiting call is not yet parsed or stored,
waiting costs a future, not CPU. Once the boots have settled, the held calls go on, up to
`drain_limit` at once (with the next call in hand to end), and once none waits no call
waits at all (the steady path is one attribute test and two integer updates). No call
waits here longer than `hold_s`: whatever the storm, a pole's call is not held into its own
30 s timeout.

This orders work; it does not make it cheaper. A day's backlog of 10,000 poles (260,000
calls, 1.9 M sampled values) still takes as long as the machine needs to handle it; it merely
no longer delays the boots.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable

from service.ocpp.call_budget import DEFAULT_CALLS_IN_FLIGHT, Boots

__all__ = ["DEFAULT_DRAIN_LIMIT", "DEFAULT_LATER_CALLS", "DEFAULT_LATER_HOLD_S", "LaterCalls"]

#: Later calls handled at once while poles wait for their boot, beside the up to
#: `DEFAULT_CALLS_IN_FLIGHT` (800) boot calls `Admission.pace_by` allows in hand: a share
#: of about 6 % of the calls in hand, so the boots keep nearly all of the CPU, and the
#: backlogs still move (a steady fleet's few calls are not stopped outright).
DEFAULT_LATER_CALLS = 50
#: Once the boots have settled, the calls held meanwhile (a whole fleet's, one a pole) go on
#: at most this many at once until none waits, as many as `Admission.pace_by` lets booting
#: calls be in hand (`DEFAULT_CALLS_IN_FLIGHT`): the CPU stays busy, and the last poles'
#: StatusNotifications after their boot wait behind at most these, not behind 10,000
#: released at once (10,000 poles with a day's backlog: boot-phase p99 1.3–3.6 s with all
#: released at once).
DEFAULT_DRAIN_LIMIT = DEFAULT_CALLS_IN_FLIGHT
#: The longest a later call waits here: OCPP's call timeout is 30 s, and after this wait
#: the call is still to be handled, which under a storm takes up to a few seconds.
DEFAULT_LATER_HOLD_S = 20.0


class LaterCalls:
    """At most `limit` of the poles' later calls handled at once while poles boot.

    `turn` before handling such a call, `done` after it (only when `turn` returned,
    whatever the call's outcome)."""

    def __init__(self, boots: Boots, limit: int = DEFAULT_LATER_CALLS, *,
                 drain_limit: int = DEFAULT_DRAIN_LIMIT,
                 hold_s: float = DEFAULT_LATER_HOLD_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if limit < 1 or drain_limit < 1:
            raise ValueError(f"limit = {limit!r}, drain_limit = {drain_limit!r}: at least "
                             "one later call must be handled at a time")
        if not hold_s > 0:
            raise ValueError(f"hold_s = {hold_s!r}: the longest wait must be > 0 s")
        self._boots = boots
        self.limit = limit
        self.drain_limit = max(limit, drain_limit)
        self.hold_s = hold_s
        self._clock = clock
        self.in_hand = 0
        """Later calls being handled now."""
        self._queue: deque[tuple[float, asyncio.Future[None]]] = deque()
        """The waiting calls, oldest first, each with when it began to wait."""
        self._expiry: asyncio.TimerHandle | None = None
        self.held = 0
        """Calls that had to wait (for diagnosis and tests)."""
        self.expired = 0
        """Of those, calls let go by `hold_s` rather than by room or by the boots settling."""

    @property
    def waiting(self) -> int:
        """Calls waiting for their turn now (a pole that left may still be counted)."""
        return len(self._queue)

    def _room(self) -> bool:
        """May one more call be handled? Below `limit` while poles wait for their boot,
        below `drain_limit` once they have settled."""
        return self.in_hand < (self.drain_limit if self._boots.settled.is_set()
                               else self.limit)

    async def turn(self) -> None:
        """Return when the call may be handled: at once while no call waits before it and
        there is room, or no pole waits for its boot (nothing held: the steady path: the
        boots' flag is read once, and `_room`'s limit is `limit` while it is clear)."""
        if not self._queue and (self._boots.settled.is_set() or self.in_hand < self.limit):
            self.in_hand += 1
            return
        loop = asyncio.get_running_loop()
        waiting: asyncio.Future[None] = loop.create_future()
        self._queue.append((self._clock(), waiting))
        self.held += 1
        if self._expiry is None:
            self._expiry = loop.call_later(self.hold_s, self._expire)
        try:
            await waiting
        except asyncio.CancelledError:
            if waiting.done() and not waiting.cancelled():  # let in, then left: room back
                self.done()
            raise

    def done(self) -> None:
        """A call `turn` let in has been handled: room for the longest waiting, or, once
        the boots have settled, for as many as `drain_limit` allows. (A call waits only
        while calls are in hand, so one of them ends soon and brings the news; no task
        watches the boots.)"""
        self.in_hand -= 1
        while self._queue and self._room():
            self._let_in_oldest()
        if not self._queue and self._expiry is not None:
            self._expiry.cancel()
            self._expiry = None

    def _let_in_oldest(self) -> bool:
        """The oldest waiting call goes on (False: it had left, nobody went on)."""
        _since, waiting = self._queue.popleft()
        if waiting.done():  # its pole left while it waited
            return False
        self.in_hand += 1
        waiting.set_result(None)
        return True

    def _expire(self) -> None:
        """Let on every call that has waited `hold_s`; look again when the next will have."""
        self._expiry = None
        now = self._clock()
        while self._queue and now - self._queue[0][0] >= self.hold_s:
            if self._let_in_oldest():
                self.expired += 1
        if self._queue:
            self._expiry = asyncio.get_running_loop().call_later(
                max(0.0, self._queue[0][0] + self.hold_s - now), self._expire)
