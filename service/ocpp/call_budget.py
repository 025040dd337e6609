"""The service's own calls to poles, paced and kept behind the poles' own calls.

After a restart or a regional outage every pole reconnects at once, and each boot sets off
the capacity-profile deployment: several CSMS→pole calls per pole plus their storage. Sent
as fast as the boots arrive, they compete with the poles' own BootNotifications, queued
transaction events and meter values for the one event loop and the database — and a pole
that waits more than 30 s for its answer gives up and reconnects, making the storm worse.

`CallBudget` therefore lets the service's own calls out at most `rate` per second across
this process, in the order they asked, and only while no pole's own call waits for its
answer here — except that under a fleet that never falls silent they still go out, at a
pace that follows how many of the poles' calls are in hand: near `rate` while they are
answered at once (a few in hand), falling in proportion to `busy_rate` as they queue
(`BUSY_POLE_CALLS` in hand or more), so every pole gets its profile within minutes even
mid-storm and faster once the fleet is merely busy. The poles' calls are counted by their
handlers (`pole_call_started` / `pole_call_done`), which costs two integer updates a
message; the count is Little's law's queue (calls answered per second × their wait), so it
rises as soon as the service's own calls start to cost the poles' answers time.

While poles wait for their boot (`Admission`: in their upgrade for a place, or admitted and
not yet answered) the service's own calls wait entirely, not even at `busy_rate`: each of
them costs its answer, two message-log rows and storage — CPU a waiting pole needs to be
answered within its 30 s. The hold is capped (`DEFAULT_BOOTS_FIRST_S`) so that an endless
storm cannot starve them: after the cap they go out at `busy_rate` again until the boots
have settled.

That count also tells whether the service is behind in reading its poles (`calm`): while
hundreds of poles' calls are in flight, a pole's next frame waits seconds before it is
handled, and a timestamp in it looks seconds old (`service.ocpp.clock_watch`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from service.ocpp.later_calls import LaterCalls

__all__ = ["BOOT_CALLS", "Admission", "CallBudget", "Paced"]

#: The service's own calls per second per process while the poles' calls are answered at
#: once (each boot's deployment is 5 of them: GetConfiguration, two ChangeConfiguration,
#: SetChargingProfile, GetCompositeSchedule). 10,000 poles reconnecting, one process on
#: SQLite (2026-12-06). No backlog, `--verify-wait 600`: a flat 100/s (`busy_rate` was
#: capped at it) verified the last profile 547 s after the first connect and, on a loaded
#: machine, 600 s with 364 not verified (load 4.8); 400/s, 195.7 s but a steady p99 of
#: 81 ms (load 2.2); 250/s, 263.0 s, steady p99 41 ms; 150/s, 367.0 s, steady p99 25 ms
#: (load 1.1). With a day's backlog the held calls go out right after the flush, into the
#: steady window: 100/s, steady p99 23 ms; 250/s, 118.5 ms, over the 100 ms target;
#: 150/s, 50 ms (load 1.7). The boots are untouched: the calls are held until they settle.
#: Less leaves the ten minutes thin on a loaded machine, more costs the poles' answers
#: time just after a storm. (The 150/s runs also had the OCPI partner list read once per
#: 10 s instead of per StatusNotification, `service.ocpi.registered_partners`.)
DEFAULT_RATE = 150.0
#: The pace while the poles' own calls queue (`BUSY_POLE_CALLS` or more in hand, a storm):
#: 10,000 poles' deployments (about 5 calls each) still within ten minutes.
DEFAULT_BUSY_RATE = 120.0
#: Connections handshaking or booting at once; the rest wait their turn.
DEFAULT_BOOTS_IN_FLIGHT = 1000
#: A pole is admitted only while fewer than this many booting poles' calls (`BOOT_CALLS`)
#: are being handled here, the upgrades being answered counted too: every pole keeps one
#: call outstanding, so by Little's law such a call waits about this many over the calls
#: answered per second. 10,000 poles at once on the 2-core machine, SQLite, one process,
#: (docs/reconnect-storm.md, 2026-12-05): not paced, boot-phase p99 2.97 s, every boot
#: within 30 s (load 2.3); 400, p99 1.18 s but only 7,084 boots within 30 s (load 3.4): a
#: call also waits for the storage writer's batches (0.2–0.3 s under load), so 400 in hand
#: left the CPU idle (79 % busy against 96 %) and admitted too slowly; 800, p99 0.89 s and
#: every boot within 30 s, all booted after 29.1 s (load 2.2). Fewer would wait less but
#: admit too slowly on a loaded machine; more, and the boots wait past 1 s again.
#: Tried and dropped (6 December 2026, 10,000 poles, no backlog): a limit following the
#: machine, answers per second × 0.5 s between a quarter of this and this. Counted per 1 s
#: it swung 281–800 with the writer's batches (up to 1,000 callers answered at once); with
#: --workers 2 on PostgreSQL it fell to 134–228 at times: p99 2.68 s, 7,078 boots within
#: 30 s, against the fixed limit's 1.32 s and 7,855. Averaged over ~3 s it stayed at
#: 574–800 (per process 294–400 of 400 with --workers 2), the fixed limit with noise: one
#: process, p99 0.73 / 0.93 s and 7,758 / 8,712 boots within 30 s against the fixed
#: limit's 0.74 / 1.99 / 0.73 s and 9,373 / 8,975 / 9,195; --workers 2, one run, 0.89 s
#: and 9,471 against 1.32 s and 7,855 (load 1.8–3.4 before each run). A call's mean wait
#: at 800 is already about 0.5 s; the p99 past 1 s comes from slow moments (a storage
#: batch, a GC pass) that a limit on new admissions does not shorten for calls in hand.
DEFAULT_CALLS_IN_FLIGHT = 800
#: With several service processes on one machine (``--workers``, PostgreSQL) each answers
#: a storm's boot calls more slowly than its even share of one process on SQLite: each
#: boot's PostgreSQL reads and writes, and the processes' bus, run on the same cores. So
#: before the machine's bound on booting calls in hand is shared (`CsmsSettings.shared_by`)
#: it is cut to this fraction, keeping a boot's wait (calls in hand over calls answered per
#: second) under 1 s as with one process.
#: 10,000 poles, two processes on PostgreSQL, a day's backlog (docs/reconnect-storm.md,
#: 7 December 2026, second session): 400 each (three runs), boot-phase p99 1.27, 1.44 and
#: 1.47 s with 762–1,368 boot calls over 1 s; 300 each (four runs), 0.67–0.78 s with one
#: boot call over 1 s in the four, every boot still within 30 s, the flush no slower; 250
#: each (one run), 0.59 s, but the last boot after 25.4 s: admitted too slowly.
SHARED_CALLS_IN_FLIGHT = 0.75
#: A pole's first calls on a connection that count as its boot for `Admission.pace_by`:
#: the BootNotification and a StatusNotification per connector (0 and the two sockets of
#: a Paalwerk pole). What follows — a backlog queued while cut off, steady traffic — does
#: not hold other poles' admissions: with the admitted poles' backlogs ahead of them, the
#: later poles' boots missed their 30 s (docs/reconnect-storm.md, 200 boots in flight).
BOOT_CALLS = 4
#: The longest the service's own calls are held back for poles' boots, then they go out at
#: `busy_rate` until the boots settle. A deployment must be verified within ten minutes of
#: the connect (SPEC.md "Time"): 10,000 poles × 3–5 calls at 120/s take 250–420 s, so a
#: 60 s hold still ends by 310–480 s; a 10,000-pole storm's boots are the first ~2 minutes.
DEFAULT_BOOTS_FIRST_S = 60.0
#: More poles' calls in flight than this and the service is behind in reading its poles: a
#: steady fleet of 10,000 at 1,000 calls/s keeps about 10–25 in flight, a storm hundreds.
#: The service's own calls go at `busy_rate` from here on (`CallBudget.pace`).
BUSY_POLE_CALLS = 50
#: The service counts as calm again only this long after it was last seen busy: the frames
#: read as a storm ebbs had waited through it.
CALM_AFTER_S = 30.0


class Boots(Protocol):
    """Who knows whether poles are waiting for their boot (`Admission`)."""

    @property
    def settled(self) -> asyncio.Event:
        """Set while no pole waits for an admission place or for its first answer."""
        ...


class CallBudget:
    """A shared pace for server-initiated calls, with the poles' boots and own calls first."""

    def __init__(self, rate: float = DEFAULT_RATE, *, busy_rate: float = DEFAULT_BUSY_RATE,
                 boots: Boots | None = None, boots_first_s: float = DEFAULT_BOOTS_FIRST_S,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        if not rate > 0 or not busy_rate > 0:
            raise ValueError(f"rate = {rate!r}, busy_rate = {busy_rate!r}: the service's "
                             "calls per second must be > 0")
        if not boots_first_s >= 0:
            raise ValueError(f"boots_first_s = {boots_first_s!r}: the longest hold for "
                             "poles' boots must be ≥ 0 s (0: no hold)")
        self._boots = boots if boots_first_s > 0 else None
        self.boots_first_s = boots_first_s
        self._held_since: float | None = None
        """When the service's calls began to be held for boots (None: boots settled)."""
        self.interval = 1.0 / rate
        """The shortest time between two of the service's calls (none of the poles' in hand)."""
        self.busy_interval = max(self.interval, 1.0 / busy_rate)
        """The time between them while `busy_pole_calls` or more of the poles' are in hand."""
        self.busy_pole_calls = BUSY_POLE_CALLS
        self._clock = clock
        self._sleep = sleep
        self._next = 0.0
        self._last = clock()
        self._turn = asyncio.Lock()  # FIFO: first asked, first sent
        self._idle = asyncio.Event()
        self._idle.set()
        self.pole_calls = 0
        """The poles' own calls being handled right now."""
        self.booting_calls = 0
        """Of those, the calls of poles in their first `BOOT_CALLS` (`Admission.pace_by`)."""
        self.waiting = 0
        """The service's own calls waiting for their slot (for diagnosis and tests)."""
        self.sent = 0
        self._busy_at: datetime | None = None
        self.on_call_done: Callable[[], None] | None = None
        """Told after each booting pole's call is answered (`Admission.pace_by`)."""
        self.later: LaterCalls | None = None
        """Where the poles' calls after their boot wait while other poles boot (None: they
        never wait; `service.ocpp.later_calls`)."""

    def pole_call_started(self, booting: bool = False) -> None:
        """A pole's call is being handled (``booting``: one of its first `BOOT_CALLS`)."""
        self.pole_calls += 1
        self._idle.clear()
        if booting:
            self.booting_calls += 1

    def pole_call_done(self, booting: bool = False) -> None:
        self.pole_calls -= 1
        if self.pole_calls <= 0:
            self.pole_calls = 0
            self._idle.set()
        if booting:
            self.booting_calls -= 1
            if self.on_call_done is not None:
                self.on_call_done()

    def calm(self, now: datetime) -> bool:
        """Is the service reading its poles without delay, so that a timestamp a pole just
        sent was sent about ``now``? False while more than `BUSY_POLE_CALLS` poles' calls
        are in flight and for `CALM_AFTER_S` after (``now``: the service's clock; the busy
        moments are those seen by this question, which a storm asks with every frame)."""
        if self.pole_calls > BUSY_POLE_CALLS:
            self._busy_at = now
            return False
        return self._busy_at is None or (now - self._busy_at).total_seconds() >= CALM_AFTER_S

    def pace(self, pole_calls: int) -> float:
        """The time between two of the service's calls while ``pole_calls`` of the poles'
        are in hand: `interval` with none, `busy_interval` with `busy_pole_calls` or more, and
        in between the rate falls in proportion (a steady fleet's few calls in hand cost it
        little; a queue that grows slows it down before the poles' answers wait long)."""
        share = min(max(pole_calls, 0), self.busy_pole_calls) / self.busy_pole_calls
        rate = (1.0 - share) / self.interval + share / self.busy_interval
        return 1.0 / rate

    async def _set_or(self, event: asyncio.Event, seconds: float) -> None:
        """Until ``event`` is set or ``seconds`` have passed (on the injected clock's sleep,
        like every other wait here)."""
        waiting = asyncio.ensure_future(event.wait())
        cap = asyncio.ensure_future(self._sleep(seconds))
        try:
            await asyncio.wait((waiting, cap), return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiting.cancel()
            cap.cancel()

    async def _boots_first(self) -> None:
        """Wait while poles wait for their boot, at most `boots_first_s` from when the
        holding began (after that, while the boots keep coming, not at all)."""
        if self._boots is None:
            return
        settled = self._boots.settled
        if settled.is_set():
            self._held_since = None
            return
        if self._held_since is None:
            self._held_since = self._clock()
        left = self._held_since + self.boots_first_s - self._clock()
        if left <= 0:
            return
        await self._set_or(settled, left)
        if settled.is_set():
            self._held_since = None

    async def slot(self) -> None:
        """Return when this call may be sent: its turn, no pole waiting for its boot (for
        at most `boots_first_s`), its share of the rate, and no pole waiting for an answer
        (or, while they keep coming, its share of the pace they leave, `pace`)."""
        self.waiting += 1
        try:
            async with self._turn:
                await self._boots_first()
                delay = self._next - self._clock()
                if delay > 0:
                    await self._sleep(delay)
                if not self._idle.is_set():
                    busy_wait = self._last + self.pace(self.pole_calls) - self._clock()
                    if busy_wait > 0:
                        await self._set_or(self._idle, busy_wait)
                self._last = self._clock()
                self._next = max(self._next, self._last) + self.interval
                self.sent += 1
        finally:
            self.waiting -= 1


class PoleCalls(Protocol):
    """Who counts the booting poles' calls being handled (`CallBudget`) and says when one
    ends."""

    booting_calls: int
    on_call_done: Callable[[], None] | None


class Admission:
    """At most `limit` poles between their WebSocket handshake and their first answer, and
    (once `pace_by` a call count) a pole admitted only while the calls already in hand are few.

    A pole is admitted (its upgrade answered) only once a place is free, and keeps it until
    the service has answered its first call (usually the BootNotification) or it leaves; the
    poles still waiting sit in their HTTP upgrade, unread, so the ones already accepted are
    served first instead of every pole's boot slowing down together past its timeout.

    A place alone bounds the boots, not what the admitted poles do next: right after its
    boot a pole sends its StatusNotifications, queued on the same loop as the boots and the
    next poles' handshakes. With `pace_by`, the first pole waiting for a place (FIFO, one
    at a time) is admitted only while the booting poles' calls in hand (their first
    `BOOT_CALLS`) plus the upgrades being answered stay below ``calls_limit``:
    a new pole's handshake waits behind the boot calls of those already in, and such a
    call's wait (Little's law: calls in hand over calls answered per second) stays bounded
    whatever the machine's pace. Later calls (a backlog, steady traffic) are not counted,
    so they never keep a pole from its boot; with no pole in flight one is always admitted.
    """

    def __init__(self, limit: int = DEFAULT_BOOTS_IN_FLIGHT) -> None:
        if limit < 1:
            raise ValueError(f"limit = {limit!r}: at least one pole must be admitted")
        self.limit = limit
        self._places = asyncio.Semaphore(limit)
        self._calls: PoleCalls | None = None
        self.calls_limit = 0
        """Admit while fewer calls than this are in hand (0: not paced by calls)."""
        self._turn = asyncio.Lock()  # FIFO: the longest waiting is admitted first
        self._room = asyncio.Event()
        self.paced = 0
        """Admissions that waited for the calls in hand to fall (for diagnosis and tests)."""
        self.admitted = 0
        self.in_flight = 0
        self.handshaking = 0
        """Admitted poles whose upgrade is not answered yet (the gate, the 101): the
        service's work, counted by `pace_by`; the wait for the pole's first frame is not."""
        self.waiting = 0
        """Poles whose upgrade waits for a place (for diagnosis and tests)."""
        self._settled = asyncio.Event()
        self._settled.set()
        self._admitted_when_settled = 0
        self.on_settled: Callable[[int], None] | None = None
        """Told, each time the boots settle, how many poles were admitted since they last
        did: a storm's end, for whoever tidies up after one (`service.memory_release`)."""

    @property
    def settled(self) -> asyncio.Event:
        """Set while no pole waits for a place or for its first answer: the service's own
        calls wait for it (`CallBudget`, boots first)."""
        return self._settled

    def pace_by(self, calls: PoleCalls, calls_limit: int = DEFAULT_CALLS_IN_FLIGHT) -> None:
        """Admit only while ``calls``' booting poles' calls in hand plus the poles in
        flight are fewer than ``calls_limit`` (told by ``calls.on_call_done``)."""
        if calls_limit < 1:
            raise ValueError(f"calls_limit = {calls_limit!r}: at least one call must be "
                             "allowed in hand")
        self._calls = calls
        self.calls_limit = calls_limit
        calls.on_call_done = self._eased

    def _crowded(self) -> bool:
        """Too many boot calls in hand to admit another pole (never while none is in
        flight)."""
        calls = self._calls
        return (calls is not None and self.in_flight > 0
                and calls.booting_calls + self.handshaking >= self.calls_limit)

    def _eased(self) -> None:
        if not self._room.is_set() and not self._crowded():
            self._room.set()

    def _update(self) -> None:
        if self.waiting or self.in_flight:
            self._settled.clear()
        elif not self._settled.is_set():
            self._settled.set()
            admitted, self._admitted_when_settled = (
                self.admitted - self._admitted_when_settled, self.admitted)
            if self.on_settled is not None:
                self.on_settled(admitted)

    async def enter(self) -> None:
        self.waiting += 1
        self._settled.clear()
        try:
            await self._places.acquire()
            try:
                if self._calls is not None:
                    await self._wait_for_room()
            except BaseException:
                self._places.release()
                raise
        except BaseException:  # gave up waiting (it left): the others may have settled
            self.waiting -= 1
            self._update()
            raise
        self.waiting -= 1
        self.admitted += 1
        self.in_flight += 1
        self.handshaking += 1
        self._update()

    async def _wait_for_room(self) -> None:
        """Until the calls in hand are few enough, the longest waiting pole first."""
        async with self._turn:
            if not self._crowded():
                return
            self.paced += 1
            while self._crowded():
                self._room.clear()
                await self._room.wait()

    def handshaken(self) -> None:
        """The admitted pole's upgrade is answered or refused (once per `enter`): what it
        costs from here on is its calls, counted as they come."""
        self.handshaking -= 1
        self._eased()

    def leave(self) -> None:
        self.in_flight -= 1
        self._places.release()
        self._update()
        self._eased()


class Place:
    """One admitted pole's place, given back once: when its first call has been answered
    (``served``), when it leaves (`give_back`), or after ``hold_s`` (a silent pole makes
    room), whichever comes first. A timer and a callback, not a task per pole: a storm's
    connections each cost one task less (and `asyncio.wait_for`'s inner task), issue 20.
    Slotted: one per connection, for as long as it lasts."""

    __slots__ = ("_admission", "_timer")

    def __init__(self, admission: Admission, served: asyncio.Future[None],
                 hold_s: float) -> None:
        self._admission: Admission | None = admission
        self._timer: asyncio.TimerHandle | None = asyncio.get_running_loop().call_later(
            hold_s, self.give_back)
        """Dropped once the place is given back: a cancelled timer kept for the
        connection's life was 200 B of each (issue 20)."""
        served.add_done_callback(self._served)

    @property
    def held(self) -> bool:
        return self._admission is not None

    def _served(self, _served: asyncio.Future[None]) -> None:
        self.give_back()

    def give_back(self) -> None:
        """The place back to the admission (the first call only; later calls: nothing)."""
        admission, self._admission = self._admission, None
        timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
        if admission is not None:
            admission.leave()


class _Caller(Protocol):
    async def call_action(self, action: str, payload: dict[str, Any], *,
                          timeout: float | None = None) -> dict[str, Any]: ...


class Paced:
    """A pole's connection whose calls each wait for a `CallBudget` slot first."""

    def __init__(self, caller: _Caller, budget: CallBudget) -> None:
        self.caller = caller
        self.budget = budget

    async def call_action(self, action: str, payload: dict[str, Any], *,
                          timeout: float | None = None) -> dict[str, Any]:
        await self.budget.slot()
        return await self.caller.call_action(action, payload, timeout=timeout)
