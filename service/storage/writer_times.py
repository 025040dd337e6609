"""Where the group-committing writer's time goes (`BatchWriter`), for the storm benchmark.

A pole's call waits for the writer twice over: until the batch it joined starts (the batch
before it still running), then for that batch to execute and commit. In a reconnect storm
(issue 20) which of these dominates decides what to change: Python work per row, the
database's work, or the commit's fsync. Kept per batch, a few floats, bounded.
"""

from __future__ import annotations

import collections
import itertools
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

PROFILE_ENV = "PAALWERK_WRITER_PROFILE"
"""Names a file prefix: each run of the writer thread is profiled (cProfile) into
``prefix.<pid>.<n>`` (merge them with ``pstats.Stats(*files)``). The benchmark's own
``CSMS_LOAD_PROFILE`` profiles only the event loop's thread; the writer's Python work,
which holds the same interpreter lock, is only seen from inside its thread."""

_RUNS = itertools.count()

KEPT = 100_000
"""Batches remembered (a storm of 2,000 poles commits a few thousand)."""


@dataclass(frozen=True)
class BatchTime:
    waited_s: float
    """From the oldest caller's submit to the batch's start."""
    executed_s: float
    """Executing the batch's statements (and work), before the commit."""
    committed_s: float
    """The commit itself (on SQLite with ``synchronous=FULL``: the WAL's fsync)."""
    callers: int
    executed_cpu_s: float = 0.0
    """The writer thread's own CPU time while executing (``time.thread_time``): its Python
    and the database library's work, without the waits for the GIL or the disk that
    `executed_s` also holds, so it compares across runs on a busy machine."""
    started_at: float = 0.0
    """Wall-clock time (``time.time``) the batch started: set beside the load generators'
    times of each call, it shows which batch a slow call waited for."""
    writes: int = 0
    """Rows written through the grouped statements (``executemany``/``COPY``)."""
    works: int = 0
    """Callers whose work ran on its own (a transaction's start or stop, a returning
    insert): per caller, not grouped, so these are a batch's expensive part."""


class WriterTimes:
    """The newest `KEPT` batches' times, and a summary in words."""

    def __init__(self) -> None:
        self.batches: collections.deque[BatchTime] = collections.deque(maxlen=KEPT)

    def add(self, batch: BatchTime) -> None:
        self.batches.append(batch)  # deque appends are atomic: no lock needed
        if _PROFILES:
            _checkpoint()

    def summary(self) -> str:
        """p50/p99/max of each phase, in milliseconds, and callers per batch."""
        batches = list(self.batches)
        if not batches:
            return "writer: no batches"

        def spread(values: list[float], scale: float = 1000.0, unit: str = " ms") -> str:
            ordered = sorted(values)
            pick = [ordered[int(q * (len(ordered) - 1))] for q in (0.5, 0.99)] + [ordered[-1]]
            return "/".join(f"{v * scale:.0f}" for v in pick) + unit

        return (f"writer: {len(batches)} batches, p50/p99/max: oldest caller waited "
                f"{spread([b.waited_s for b in batches])}, executed "
                f"{spread([b.executed_s for b in batches])}, committed "
                f"{spread([b.committed_s for b in batches])}, callers "
                f"{spread([float(b.callers) for b in batches], 1.0, '')}; total executing "
                f"{sum(b.executed_s for b in batches):.1f} s (CPU "
                f"{sum(b.executed_cpu_s for b in batches):.1f} s), committing "
                f"{sum(b.committed_s for b in batches):.1f} s")


def profiled(run: Callable[[], None]) -> Callable[[], None]:
    """``run`` (the writer thread's loop), under cProfile when `PROFILE_ENV` is set.

    The service's process may end without the thread returning (a daemon thread; the
    benchmark's server process leaves through ``os._exit``), so the profile is also written
    out every `PROFILE_EVERY_S` after a batch (`WriterTimes.add`)."""
    prefix = os.environ.get(PROFILE_ENV)
    if not prefix:
        return run

    def run_profiled() -> None:
        import cProfile  # diagnosis only (issue 20): where the writer's own time goes
        profiler = cProfile.Profile()
        path = f"{prefix}.{os.getpid()}.{next(_RUNS)}"
        _PROFILES[threading.get_ident()] = _Profile(profiler, path)
        profiler.enable()
        try:
            run()
        finally:
            profiler.disable()
            profiler.dump_stats(path)
            del _PROFILES[threading.get_ident()]
    return run_profiled


PROFILE_EVERY_S = 5.0


@dataclass
class _Profile:
    profiler: Any
    path: str
    written: float = 0.0


_PROFILES: dict[int, _Profile] = {}


def _checkpoint() -> None:
    """Write the calling writer thread's profile out if it is due (see `profiled`)."""
    profile = _PROFILES.get(threading.get_ident())
    if profile is None or time.monotonic() - profile.written < PROFILE_EVERY_S:
        return
    profile.profiler.disable()
    profile.profiler.dump_stats(profile.path)
    profile.written = time.monotonic()
    profile.profiler.enable()
