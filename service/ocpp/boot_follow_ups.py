"""The service's calls after each boot, queued as pole ids and run by a few tasks.

Each accepted boot is followed by the service's own calls to the pole: its service token
keys (eis 69), its grid connection limit (eis 33) and its capacity profile (eis 24),
five calls or so, each waiting for a `CallBudget` slot. After a storm of 10,000 boots at
~150 of those calls a second, most poles wait minutes for their turn. Started as a task
per pole, each waiting pole held a suspended chain of coroutines, futures and a lock
waiter, and what it had read, for minutes (issue 20: with a day's backlog, 42.8–43.3 KB
per connection at 10,000 poles, 28.8–31.7 KB with this queue; the plain example 35.7 KB).

`BootFollowUps` keeps the waiting poles as ids in a FIFO instead, and runs their
follow-ups with at most `runners` tasks, in boot order, which is the order the budget
would have let their calls out anyway. A pole that boots again before its turn keeps its
place (once in the queue); its turn uses whatever connection it has then, so a pole
that reconnected meanwhile is not called on the connection it left. Runners are started
on demand and end when the queue is empty: no pole booting, no task.

How many runners: enough that the budget, not they, sets the pace. A runner's pole has
one or two calls waiting for a slot at a time (the keys beside the limit and profile), so
`runners` poles keep 256–512 calls asking for the budget's 120–150 a second, each of which
takes well under a second to answer once sent — the budget stays the bottleneck, as it
was with a task per pole, and each waiting pole costs a queue entry instead.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable

__all__ = ["DEFAULT_RUNNERS", "BootFollowUps"]

LOGGER = logging.getLogger(__name__)

#: Poles whose follow-up runs at once (see the module's docstring).
DEFAULT_RUNNERS = 256


class BootFollowUps:
    """Booted poles waiting for the service's calls, as ids, run in boot order."""

    def __init__(self, follow_up: Callable[[str], Awaitable[None]], *,
                 runners: int = DEFAULT_RUNNERS) -> None:
        if runners < 1:
            raise ValueError(f"runners = {runners!r}: at least one pole's follow-up must "
                             "be able to run")
        self._follow_up = follow_up
        self.runners = runners
        self._queue: deque[str] = deque()
        self._queued: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._active = 0
        """Runners started and not yet past their last look at the queue: counted here,
        not by their tasks' done callbacks, which come a loop turn later — a pole added in
        between would find every runner taken and none left to take it."""
        self._idle = asyncio.Event()
        self._idle.set()
        self.running = 0
        """Poles whose follow-up is under way (for diagnosis and tests)."""
        self.done = 0
        """Follow-ups ended, whatever their outcome (for diagnosis and tests)."""

    @property
    def waiting(self) -> int:
        """Booted poles whose follow-up has not started yet."""
        return len(self._queue)

    def add(self, pole_id: str) -> None:
        """After ``pole_id``'s accepted boot; a pole already waiting keeps its place."""
        if pole_id in self._queued:
            return
        self._queue.append(pole_id)
        self._queued.add(pole_id)
        self._idle.clear()
        if self._active < self.runners:
            self._active += 1
            task = asyncio.create_task(self._run(), name="boot follow-ups")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _run(self) -> None:
        try:
            while self._queue:
                pole_id = self._queue.popleft()
                self._queued.discard(pole_id)
                self.running += 1
                try:
                    await self._follow_up(pole_id)
                except Exception:  # one pole's failure must not end the others' turns
                    LOGGER.exception("%s: the calls after its boot failed", pole_id)
                finally:
                    self.running -= 1
                    self.done += 1
        finally:
            self._active -= 1
            if not self._active and not self._queue:
                self._idle.set()

    async def idle(self) -> None:
        """Until no follow-up waits or runs (tests, diagnosis)."""
        await self._idle.wait()

    async def close(self) -> None:
        """Stop the follow-ups under way and drop the waiting ones (the service stops;
        each pole's next boot asks again)."""
        self._queue.clear()
        self._queued.clear()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
