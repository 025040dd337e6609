"""Where the group-committing writer's time goes (`BatchWriter`), for the storm benchmark.

A pole's call waits for the writer twice over: until the batch it joined starts (the batch
before it still running), then for that batch to execute and commit. In a reconnect storm
(issue 20) which of these dominates decides what to change: Python work per row, the
database's work, or the commit's fsync. Kept per batch, a few floats, bounded.
"""

from __future__ import annotations

import collections
from dataclasses import dataclass

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


class WriterTimes:
    """The newest `KEPT` batches' times, and a summary in words."""

    def __init__(self) -> None:
        self.batches: collections.deque[BatchTime] = collections.deque(maxlen=KEPT)

    def add(self, batch: BatchTime) -> None:
        self.batches.append(batch)  # deque appends are atomic: no lock needed

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
                f"{sum(b.executed_s for b in batches):.1f} s, committing "
                f"{sum(b.committed_s for b in batches):.1f} s")
