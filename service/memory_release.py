"""Giving the C heap's free memory back to the operating system after a burst (issue 20).

A reconnect storm allocates far more than the connections keep: parsed frames, queued
rows, the storage writer's batches, pending answers. CPython hands large and short-lived
blocks to glibc's malloc, and glibc keeps what is freed in its arenas: it returns memory
to the kernel only from the top of the main heap, and only once more than
``M_TRIM_THRESHOLD`` (128 KB, raised dynamically up to 32 MB as larger blocks are freed)
is free there. What a storm freed in the middle of the heap, or in a thread's arena (the
storage writer and the executor threads each get one), stays resident: just after the
boots of a 3,000-pole storm glibc held 83–88 MB, 13–17 MB of it free
(`benchmarks/heap_parts.py`). That is not what makes our memory per connection twice the
plain example's (live Python objects are; docs/reconnect-storm.md), but after a day's
backlog is flushed it is memory a quiet service need not keep.

``malloc_trim(0)`` walks every arena and gives back each whole free page (since glibc 2.8
also inside the heap, with ``MADV_DONTNEED``). It costs a walk of the free chunks, so
`MemoryRelease` calls it only when a burst is over, at most once per `MIN_INTERVAL_S`: on
the gc policy's quiet ticks (`service.ocpp.gc_policy`: few messages since the last one)
and, since a fleet of thousands at tender traffic is never quiet by that measure, at a
reconnect storm's end: once the boots of at least `STORM_POLES` poles have settled
(`Admission.on_settled`), a trim follows `AFTER_STORM_S` later, when the boots'
StatusNotifications and the storage writer's batches are behind it too. At 10,000 poles
that gave back what made our memory per connection exceed the plain example's
(docs/reconnect-storm.md). A day's backlog is flushed minutes after the boots settle, so
the third occasion is a busy spell's ebb: the message rate of a busy tick falling below
`EBB_SHARE` of its height (`MemoryRelease.busy`): 10,000 poles with a day's backlog kept
about 20 MB less (2 KB per connection) at the window after their flush. Only glibc has
it; on macOS, Windows and musl the symbol is missing and everything here does nothing.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import os
import sys
import time
from collections.abc import Callable

LOGGER = logging.getLogger(__name__)

MIN_INTERVAL_S = 10.0
"""Least time between two trims: a trim walks the free chunks of every arena (a few
milliseconds after a large storm), so a fleet that goes quiet for a moment every second
does not pay for it every second."""

STORM_POLES = 100
"""Poles admitted between two settlings of the boots that make a storm worth a trim: a few
poles reconnecting free little, and the trim walks every arena's free chunks."""
AFTER_STORM_S = 1.0
"""From the boots settling to the trim: the last poles' StatusNotifications and the storage
writer's batches are freed by then."""

Trim = Callable[[int], int]
"""``malloc_trim``'s signature: the padding to keep at the top of the heap; 1 if any
memory was given back."""


def glibc_trim() -> Trim | None:
    """glibc's ``malloc_trim`` through ctypes, or None where the C library has none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None)  # the process's own symbols: the C library it runs on
        trim = libc.malloc_trim
    except (OSError, AttributeError):  # musl and others: no malloc_trim
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


EBB_SHARE = 0.5
"""A busy spell has ebbed once a tick's message rate falls below this share of the highest
rate since the last trim: a storm's backlog flushed, while the fleet's steady traffic goes
on and no tick is ever quiet."""


class MemoryRelease:
    """Returns freed C heap to the OS once a burst is over, rate-limited.

    ``trim`` is glibc's ``malloc_trim`` (`glibc_trim`), or None where there is none: then
    every call is a no-op.
    """

    def __init__(self, trim: Trim | None, min_interval_s: float = MIN_INTERVAL_S) -> None:
        self._trim = trim
        self.min_interval_s = min_interval_s
        self._next = 0.0
        self.trims = 0
        """How many times the C heap was trimmed (counted for tests and benchmarks)."""
        self.released = 0
        """How many of those gave memory back."""
        self.seconds = 0.0
        """Time spent trimming, all told (what it cost the event loop)."""
        self._peak = 0.0
        """The highest busy tick's message rate since the last quiet tick or trim (`busy`)."""

    @property
    def available(self) -> bool:
        """Whether this process's C library can give memory back (glibc)."""
        return self._trim is not None

    def quiet(self, now: float | None = None) -> bool:
        """The burst is over (a quiet tick): trim if the last trim is long enough ago.
        Returns whether a trim ran."""
        if self._trim is None:
            return False
        now = time.monotonic() if now is None else now
        self._peak = 0.0
        if now < self._next:
            return False
        self._next = now + self.min_interval_s
        return self.trim_now()

    def busy(self, rate: float) -> bool:
        """A busy tick (the gc policy's) at ``rate`` messages a second. Once the rate has
        fallen below `EBB_SHARE` of the highest since the last trim, the burst has ebbed:
        a rate-limited trim follows `AFTER_STORM_S` later on the running loop, when the
        storage writer's last batches and the answers are freed too. Returns whether one
        was planned.

        A storm's boots settling (`after_storm`) comes long before its backlog is flushed
        (10,000 poles with a day's backlog: about 15 s against 130 s), and a fleet at
        tender traffic never has a quiet tick after it."""
        if self._trim is None:
            return False
        if rate >= self._peak * EBB_SHARE:
            self._peak = max(self._peak, rate)
            return False
        self._peak = rate
        asyncio.get_running_loop().call_later(AFTER_STORM_S, self.quiet)
        return True

    def after_storm(self, admitted: int) -> None:
        """The boots of ``admitted`` poles have settled (`Admission.on_settled`): after a
        storm (`STORM_POLES` or more), a rate-limited trim `AFTER_STORM_S` later on the
        running loop."""
        if self._trim is None or admitted < STORM_POLES:
            return
        asyncio.get_running_loop().call_later(AFTER_STORM_S, self.quiet)

    def trim_now(self) -> bool:
        """Trim at once (no rate limit); False where the C library cannot."""
        if self._trim is None:
            return False
        started = time.perf_counter()
        gave_back = bool(self._trim(0))
        spent = time.perf_counter() - started
        self.seconds += spent
        self.trims += 1
        self.released += gave_back
        LOGGER.debug("malloc_trim: %s in %.1f ms", "memory returned" if gave_back
                     else "nothing to return", spent * 1000)
        return True


RELEASE = MemoryRelease(glibc_trim() if os.environ.get("PAALWERK_MALLOC_TRIM", "1") != "0"
                        else None)
"""The process's one: the gc policy's quiet tick calls it (``PAALWERK_MALLOC_TRIM=0``: never,
for comparing)."""
