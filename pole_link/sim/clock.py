"""The virtual pole's clock and the one scheduler that runs everything on it.

A day's capacity profile has to be testable in seconds, so pole time runs at a
chosen speed and can jump. Pole physics and OCPP schedules (meter intervals,
profiles, ConnectionTimeOut) are events on this clock; a jump runs every event in
between *in order*, each seeing the clock at its own time, so no coarse tick ever
decides what the load balancer sees. Link and session timers stay on the wall
clock (SPEC.md "Decisions/Timers") and do not live here.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

LOGGER = logging.getLogger(__name__)

WallClock = Callable[[], float]


class SimClock:
    """Pole time = anchor + (wall time since anchor) × speed."""

    def __init__(
        self,
        start: datetime | None = None,
        speed: float = 1.0,
        *,
        wall: WallClock = time.monotonic,
    ) -> None:
        if start is not None and start.tzinfo is None:
            raise ValueError("the simulated start needs a UTC offset")
        if speed <= 0:
            raise ValueError(f"speed must be positive, not {speed}")
        self._wall = wall
        self._anchor_pole = start or datetime.now(UTC)
        self._anchor_wall = wall()
        self._speed = float(speed)

    def now(self) -> datetime:
        elapsed = (self._wall() - self._anchor_wall) * self._speed
        return self._anchor_pole + timedelta(seconds=elapsed)

    @property
    def speed(self) -> float:
        return self._speed

    def set_speed(self, speed: float) -> None:
        if speed <= 0:
            raise ValueError(f"speed must be positive, not {speed}")
        self.jump_to(self.now())
        self._speed = float(speed)

    def jump_to(self, moment: datetime) -> None:
        """Set pole time; only the scheduler should move it forward (so events run)."""
        self._anchor_pole = moment
        self._anchor_wall = self._wall()

    def wall_seconds_until(self, moment: datetime) -> float:
        return max(0.0, (moment - self.now()).total_seconds() / self._speed)


@dataclass(order=True)
class _Event:
    when: datetime
    order: int
    callback: Callable[[], None] = field(compare=False)
    name: str = field(compare=False, default="")
    cancelled: bool = field(compare=False, default=False)


class ScheduledEvent:
    """A handle to cancel an event that has not run yet."""

    def __init__(self, event: _Event) -> None:
        self._event = event

    @property
    def when(self) -> datetime:
        return self._event.when

    def cancel(self) -> None:
        self._event.cancelled = True


class EventScheduler:
    """Runs callbacks at pole times, in time order (ties in the order scheduled)."""

    def __init__(self, clock: SimClock) -> None:
        self.clock = clock
        self._queue: list[_Event] = []
        self._counter = itertools.count()
        self._wakeup: asyncio.Future[None] | None = None
        self.failures: list[BaseException] = []
        """Errors raised by events. A running pole logs them and goes on; tests fail on them."""
        self.raise_errors = False
        """Re-raise an event's error at once (tests that check invariants inside events)."""

    def call_at(self, when: datetime, callback: Callable[[], None], *, name: str = ""
                ) -> ScheduledEvent:
        event = _Event(when, next(self._counter), callback, name)
        heapq.heappush(self._queue, event)
        self._wake_up()
        return ScheduledEvent(event)

    def call_later(self, seconds: float, callback: Callable[[], None], *, name: str = ""
                   ) -> ScheduledEvent:
        return self.call_at(self.clock.now() + timedelta(seconds=seconds), callback, name=name)

    def set_speed(self, speed: float) -> None:
        self.clock.set_speed(speed)
        self._wake_up()

    def advance(self, seconds: float) -> int:
        """Jump pole time ahead, running everything due on the way in order.

        Returns how many events ran. Events scheduled by events are honoured if
        they fall inside the jump.
        """
        if seconds < 0:
            raise ValueError("the pole's clock cannot go backwards")
        target = self.clock.now() + timedelta(seconds=seconds)
        ran = self._run_due(target)
        self.clock.jump_to(target)
        self._wake_up()
        return ran

    def _run_due(self, until: datetime) -> int:
        ran = 0
        while self._queue and self._queue[0].when <= until:
            event = heapq.heappop(self._queue)
            if event.cancelled:
                continue
            if event.when > self.clock.now():
                self.clock.jump_to(event.when)
            try:
                event.callback()
            except Exception as exc:
                self.failures.append(exc)
                if self.raise_errors:
                    raise
                LOGGER.exception("pole event %s failed", event.name or event.callback)
            ran += 1
        return ran

    def next_event_time(self) -> datetime | None:
        while self._queue and self._queue[0].cancelled:
            heapq.heappop(self._queue)
        return self._queue[0].when if self._queue else None

    async def run(self) -> None:
        """Run events as pole time reaches them, forever.

        Sleeps on a plain future woken by a timer or by `_wake_up`, rather than
        ``wait_for(event.wait(), …)``: on Python 3.11 that construct can miss a
        cancellation that races with the event being set, leaving the pole's clock
        task unkillable.
        """
        loop = asyncio.get_running_loop()
        while True:
            self._run_due(self.clock.now())
            upcoming = self.next_event_time()
            wakeup: asyncio.Future[None] = loop.create_future()
            self._wakeup = wakeup
            timer = None
            if upcoming is not None:
                timer = loop.call_later(self.clock.wall_seconds_until(upcoming),
                                        _resolve, wakeup)
            try:
                await wakeup
            finally:
                if timer is not None:
                    timer.cancel()
                self._wakeup = None

    def _wake_up(self) -> None:
        """Something changed (new event, speed, jump): re-plan the sleep."""
        if self._wakeup is not None:
            _resolve(self._wakeup)


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
