"""Garbage collection for a process that holds thousands of long-lived pole connections.

CPython's full (generation 2) collection scans every tracked object. With 10,000 poles
connected that is millions of objects and a pause of one to two seconds, during which no
pole is answered; the collector starts one each time the long-lived heap grew by a quarter
(`gc` docs), so a fleet that connects, or a steady trickle of promoted objects, sets them
off again and again.

Most of that heap is connections that live for days. `tick` (called on every message, it
costs a clock read) therefore collects what is not frozen yet — only what appeared since
the previous tick — and then freezes the survivors with `gc.freeze`, so later collections
skip them. Objects frozen while alive that later become cyclic garbage (mostly closed
connections) are only reclaimed by a full pass: unfreeze, collect everything, freeze again,
once every `FULL_EVERY_S`.

"What appeared since the previous tick" is small when the fleet is quiet, but in a
reconnect storm a second's survivors (pending writes, parsed backlog, new connections)
took 80–170 ms to collect, once a second, in the middle of the poles' calls (issue 20).
So while busy (more than `BUSY_MESSAGES` messages since the last tick) only the youngest
generation is collected before the freeze, and the little cyclic garbage that outlived one
young collection waits in the frozen heap for the next full pass. A quiet tick collects the
young heap completely, as before. (The youngest generation is not bounded by
`THRESHOLDS[0]`: CPython lowers its count whenever any tracked object dies, frozen ones
included, so while a storm's older objects die in numbers it holds 30,000–50,000
survivors by the count, and a busy tick took 35–80 ms at 3,000 poles on a quiet machine —
`benchmarks/csms_load.py` lists every collection over 30 ms.)

The first tick used to be a full pass too, and it came with the first message after a
start — in a restart's storm, with the storm's first poles on the heap: the whole start-up
heap (imports, the app, the ORM's metadata: about 200,000 objects, 0.2–0.7 s) traversed
while thousands of poles waited. `settle` does that pass once the service has started,
before the poles' traffic, and freezes what it leaves (issue 20).

A quiet tick is also when a burst is over, so it hands the C heap's free pages back to the
operating system (`service.memory_release`, rate-limited; glibc only). A busy tick tells
its message rate over the time since the previous tick, so that a storm's backlog flushed
while the fleet's steady traffic goes on is seen as a burst's end too.
"""

from __future__ import annotations

import gc
import logging
import time

from service import memory_release

LOGGER = logging.getLogger(__name__)

TICK_S = 1.0
"""How often the young part of the heap is collected and frozen."""
FULL_EVERY_S = 3_600.0
"""How often everything, frozen or not, is collected (one long pause at a large fleet)."""

THRESHOLDS = (50_000, 20, 10)
"""`gc.set_threshold`: the default first threshold (700 allocations) makes a young
collection run every few messages, and each one promotes whatever is in flight at that
moment (pending writes, frames being parsed) to older generations; collecting less often
lets most of it die of reference counting first."""

BUSY_MESSAGES = 100
"""Messages between two ticks above which the service is busy: young collections only."""

_next_tick = 0.0
_next_full = 0.0
_messages = 0


def settle(now: float | None = None) -> None:
    """Once the service has started: collect everything and freeze the start-up heap, so
    later ticks traverse only what the poles brought, and the next full pass is an hour
    away."""
    global _next_tick, _next_full, _messages
    now = time.monotonic() if now is None else now
    started = time.perf_counter()
    gc.set_threshold(*THRESHOLDS)
    gc.collect()
    gc.freeze()
    _next_tick, _next_full, _messages = now + TICK_S, now + FULL_EVERY_S, 0
    LOGGER.debug("gc: start-up heap collected and frozen in %.1f ms",
                 (time.perf_counter() - started) * 1000)


def tick(now: float | None = None) -> None:
    """Collect and freeze when due; cheap when not."""
    global _next_tick, _next_full, _messages
    _messages += 1
    now = time.monotonic() if now is None else now
    if now < _next_tick:
        return
    rate = _messages / (now - _next_tick + TICK_S)
    _next_tick = now + TICK_S
    busy, _messages = _messages > BUSY_MESSAGES, 0
    started = time.perf_counter()
    if now >= _next_full:
        if _next_full:  # not the first tick: the frozen heap may hold garbage by now
            gc.unfreeze()
        else:
            gc.set_threshold(*THRESHOLDS)
        _next_full = now + FULL_EVERY_S
        busy = False
    gc.collect(0 if busy else 2)
    gc.freeze()
    if not busy:
        memory_release.RELEASE.quiet(now)
    else:
        memory_release.RELEASE.busy(rate)
    # (not gc.get_freeze_count(): it walks the whole frozen heap)
    LOGGER.debug("gc: collected (%s) and frozen in %.1f ms", "young" if busy else "all",
                 (time.perf_counter() - started) * 1000)
