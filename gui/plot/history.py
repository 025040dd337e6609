"""A day of live samples in memory, and any window of it in about two points per pixel.

A pole reports about ten times a second and a technician wants to look at the last
minute as readily as at the whole day. Handing pyqtgraph 864,000 points per curve makes it
crawl (its own peak downsampling still walks every point in view), so the ring keeps min/max
levels beside the raw samples: level k holds the min and max of every aligned block of
``base**k`` samples, filled in as blocks complete. A view takes the coarsest level that still
gives one bucket per pixel; its cost follows the pixel width, not the window.

No Qt here: the history is a model, tested on its own and written to CSV from any thread
once copied out.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal, NamedTuple

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
ValueArray = npt.NDArray[np.float32]
IndexArray = npt.NDArray[np.int64]

SAMPLES_PER_DAY_AT_10_HZ = 864_000
"""24 h at the highest rate a pole streams ``Live`` data."""

_TOP_LEVEL_BLOCKS = 32
"""At least this many blocks in the coarsest level: a whole-day view gathers few rows."""


@dataclass(frozen=True)
class Envelope:
    """One window as a plot should draw it.

    With ``bucket == 1`` the points are the raw samples. Otherwise every bucket of
    ``bucket`` samples (aligned to the sample count since the start, so buckets do not
    shimmer as the window scrolls) gives two points at the time of its first sample in the
    window: its min and max, the one nearer that first sample first, so a step down is
    drawn as a step down. Buckets cut by the window's edges hold only the samples inside.
    """

    times: FloatArray
    """Shape ``(points,)``, seconds since the epoch."""
    values: ValueArray
    """Shape ``(columns, points)``; NaN where a column had no value."""
    bucket: int

    @property
    def points(self) -> int:
        return int(self.times.shape[0])


class Sample(NamedTuple):
    """One stored row: its time (seconds since the epoch) and a copy of its values."""

    time: float
    values: ValueArray


class _Level:
    """The min and max of every aligned block of ``block`` samples, in a ring of its own."""

    def __init__(self, block: int, slots: int, columns: int) -> None:
        self.block = block
        self.slots = slots
        self.mins: ValueArray = np.full((slots, columns), np.nan, dtype=np.float32)
        self.maxs: ValueArray = np.full((slots, columns), np.nan, dtype=np.float32)


class SampleHistory:
    """Timestamped rows of ``len(names)`` values in a fixed ring, with min/max levels.

    Samples must arrive in time order; one that does not (or has no finite time) is
    dropped and counted in ``dropped`` rather than corrupting the search by time.
    Values may be NaN (no socket, no reading): levels use ``fmin``/``fmax`` so a gap in one
    column does not blank the others.
    """

    def __init__(self, names: Sequence[str], capacity: int = SAMPLES_PER_DAY_AT_10_HZ, *,
                 base: int = 4, levels: int | None = None) -> None:
        """``capacity`` is a minimum: it is rounded up to whole top-level blocks so that
        every level wraps exactly with the ring."""
        if not names:
            raise ValueError("a history needs at least one column")
        if capacity < 1:
            raise ValueError("capacity must be positive")
        if base < 2:
            raise ValueError("base must be at least 2")
        if levels is None:
            levels = 0
            while base ** (levels + 1) * _TOP_LEVEL_BLOCKS <= capacity:
                levels += 1
        if levels < 0:
            raise ValueError("levels must not be negative")
        top = base**levels
        # Two top blocks at least: an extend chunk (half the ring) then never overwrites
        # the rows a block completed in that chunk is computed from.
        self._capacity = max(math.ceil(capacity / top), 2) * top if levels else capacity
        self._names = tuple(names)
        self._base = base
        columns = len(self._names)
        self._times: FloatArray = np.zeros(self._capacity, dtype=np.float64)
        self._values: ValueArray = np.full((self._capacity, columns), np.nan, dtype=np.float32)
        self._levels = [_Level(base**k, self._capacity // base**k, columns)
                        for k in range(1, levels + 1)]
        self._count = 0
        self._t_last = -math.inf
        self.dropped = 0
        """Samples refused for arriving out of time order or without a finite time."""

    # -- what it holds -----------------------------------------------------------------

    @property
    def names(self) -> tuple[str, ...]:
        return self._names

    @property
    def capacity(self) -> int:
        return self._capacity

    @property
    def total(self) -> int:
        """Samples accepted since creation; the global index of the next one."""
        return self._count

    @property
    def first_index(self) -> int:
        """Global index of the oldest sample still held."""
        return max(0, self._count - self._capacity)

    def __len__(self) -> int:
        return self._count - self.first_index

    @property
    def t_first(self) -> float | None:
        return None if not self._count else float(self._times[self.first_index % self._capacity])

    @property
    def t_last(self) -> float | None:
        return None if not self._count else self._t_last

    # -- appending ---------------------------------------------------------------------

    def append(self, t: float, values: Sequence[float] | ValueArray) -> bool:
        """Store one sample; False if it was dropped for its time. Cheap: called per sample."""
        row = np.asarray(values, dtype=np.float32)
        if row.shape != (len(self._names),):
            raise ValueError(f"expected {len(self._names)} values, got shape {row.shape}")
        if not (t >= self._t_last and math.isfinite(t)):
            self.dropped += 1
            return False
        slot = self._count % self._capacity
        self._times[slot] = t
        self._values[slot] = row
        self._count += 1
        self._t_last = t
        count = self._count
        below_min = below_max = self._values
        below_slots = self._capacity
        base = self._base
        for level in self._levels:
            if count % level.block:
                break
            block = count // level.block - 1
            start = block * base % below_slots
            level.mins[block % level.slots] = np.fmin.reduce(below_min[start:start + base])
            level.maxs[block % level.slots] = np.fmax.reduce(below_max[start:start + base])
            below_min, below_max, below_slots = level.mins, level.maxs, level.slots
        return True

    def extend(self, times: Sequence[float] | FloatArray,
               values: Sequence[Sequence[float]] | ValueArray) -> int:
        """Store many samples at once (loading, benchmarks); return how many were kept."""
        t = np.asarray(times, dtype=np.float64).reshape(-1)
        v = np.asarray(values, dtype=np.float32)
        if v.shape != (t.shape[0], len(self._names)):
            raise ValueError(f"expected values of shape ({t.shape[0]}, {len(self._names)}), "
                             f"got {v.shape}")
        finite = np.isfinite(t)
        before = np.maximum.accumulate(
            np.concatenate(([self._t_last], np.where(finite, t, -math.inf))))[:-1]
        keep = finite & (t >= before)
        self.dropped += int(t.shape[0] - np.count_nonzero(keep))
        t, v = t[keep], v[keep]
        chunk = self._capacity // 2 if self._levels else self._capacity
        for start in range(0, t.shape[0], chunk):
            self._extend_chunk(t[start:start + chunk], v[start:start + chunk])
        return int(t.shape[0])

    def _extend_chunk(self, t: FloatArray, v: ValueArray) -> None:
        n0 = self._count
        n1 = n0 + t.shape[0]
        if n1 == n0:
            return
        first = n0 % self._capacity
        head = min(t.shape[0], self._capacity - first)
        self._times[first:first + head] = t[:head]
        self._values[first:first + head] = v[:head]
        self._times[:t.shape[0] - head] = t[head:]
        self._values[:t.shape[0] - head] = v[head:]
        self._count = n1
        self._t_last = float(t[-1])
        below_min = below_max = self._values
        below_slots = self._capacity
        base = self._base
        for level in self._levels:
            lo, hi = n0 // level.block, n1 // level.block
            if hi == lo:
                break
            rows = np.arange(lo * base, hi * base) % below_slots
            shape = (hi - lo, base, len(self._names))
            slots = np.arange(lo, hi) % level.slots
            level.mins[slots] = np.fmin.reduce(below_min[rows].reshape(shape), axis=1)
            level.maxs[slots] = np.fmax.reduce(below_max[rows].reshape(shape), axis=1)
            below_min, below_max, below_slots = level.mins, level.maxs, level.slots

    # -- reading -----------------------------------------------------------------------

    def index_at(self, t: float, side: Literal["left", "right"] = "left") -> int:
        """Global index where a sample at ``t`` would go among those held (binary search)."""
        lo = self.first_index
        held = self._count - lo
        start = lo % self._capacity
        if start + held <= self._capacity:
            return lo + int(np.searchsorted(self._times[start:start + held], t, side))
        older = self._times[start:]
        i = int(np.searchsorted(older, t, side))
        if i < len(older):
            return lo + i
        newer = self._times[:start + held - self._capacity]
        return lo + len(older) + int(np.searchsorted(newer, t, side))

    def at(self, t: float) -> Sample | None:
        """The held sample nearest to ``t``, the oldest of those as near; None when empty.

        For a cursor readout: a few binary searches and one row copied, whatever the window,
        so it may run on every mouse move. The sample's own time comes back with it: in a
        gap in the data the nearest sample can be far from ``t``, and the reader must see so.
        """
        if not self._count:
            return None
        g = self.index_at(t, "left")
        if g >= self._count or (g > self.first_index
                                and t - self._time_of(g - 1) <= self._time_of(g) - t):
            g = self.index_at(self._time_of(g - 1), "left")  # the first of equal times
        slot = g % self._capacity
        return Sample(float(self._times[slot]), self._values[slot].copy())

    def _time_of(self, g: int) -> float:
        return float(self._times[g % self._capacity])

    def samples(self, t_start: float | None = None, t_end: float | None = None,
                ) -> tuple[FloatArray, ValueArray]:
        """Copies of the raw samples with ``t_start <= t <= t_end``, oldest first."""
        g0 = self.first_index if t_start is None else self.index_at(t_start, "left")
        g1 = self._count if t_end is None else self.index_at(t_end, "right")
        rows = np.arange(g0, max(g0, g1)) % self._capacity
        return self._times[rows], self._values[rows]

    def view(self, t_start: float, t_end: float, max_points: int) -> Envelope:
        """The window ``t_start <= t <= t_end`` in at most ``2 * max_points`` points per column.

        Raw samples when they fit; otherwise min/max pairs over buckets of at least
        ``samples / (max_points - 1)`` samples, read from the coarsest level that serves.
        """
        columns = len(self._names)
        g0 = self.index_at(t_start, "left")
        g1 = self.index_at(t_end, "right")
        width = g1 - g0
        points = max(2, max_points)
        if width <= 0:
            return Envelope(np.empty(0), np.empty((columns, 0), dtype=np.float32), 1)
        if width <= 2 * points:
            rows = np.arange(g0, g1) % self._capacity
            return Envelope(self._times[rows], self._values[rows].T.copy(), 1)
        level, factor = self._choose(width / (points - 1))
        bucket = (1 if level is None else level.block) * factor
        mins, maxs, starts = self._buckets(g0, g1, level, factor, bucket)
        slots = starts % self._capacity
        firsts = self._values[slots]
        swap = (firsts - mins) > (maxs - firsts)
        values = np.empty((columns, 2 * starts.shape[0]), dtype=np.float32)
        values[:, 0::2] = np.where(swap, maxs, mins).T
        values[:, 1::2] = np.where(swap, mins, maxs).T
        return Envelope(np.repeat(self._times[slots], 2), values, bucket)

    def _choose(self, ideal: float) -> tuple[_Level | None, int]:
        """The coarsest level whose blocks fit in ``ideal`` samples, and how many to merge."""
        chosen: _Level | None = None
        for level in self._levels:
            if level.block > ideal:
                break
            chosen = level
        block = 1 if chosen is None else chosen.block
        return chosen, max(1, math.ceil(ideal / block))

    def _buckets(self, g0: int, g1: int, level: _Level | None, factor: int, bucket: int,
                 ) -> tuple[ValueArray, ValueArray, IndexArray]:
        """Min, max and first global index of each bucket cut to ``[g0, g1)``."""
        first_full = -(-g0 // bucket) * bucket
        last_full = g1 // bucket * bucket
        mins: list[ValueArray] = []
        maxs: list[ValueArray] = []
        starts: list[IndexArray] = []

        def partial(a: int, b: int) -> None:
            low, high = self._range_minmax(a, b)
            mins.append(low[np.newaxis])
            maxs.append(high[np.newaxis])
            starts.append(np.array([a], dtype=np.int64))

        left_end = min(first_full, g1)
        if g0 < left_end:
            partial(g0, left_end)
        if first_full < last_full:
            full = (last_full - first_full) // bucket
            block = 1 if level is None else level.block
            rows = np.arange(first_full // block, last_full // block)
            shape = (full, factor, len(self._names))
            if level is None:
                chunk = self._values[rows % self._capacity].reshape(shape)
                mins.append(np.fmin.reduce(chunk, axis=1))
                maxs.append(np.fmax.reduce(chunk, axis=1))
            else:
                rows %= level.slots
                mins.append(np.fmin.reduce(level.mins[rows].reshape(shape), axis=1))
                maxs.append(np.fmax.reduce(level.maxs[rows].reshape(shape), axis=1))
            starts.append(np.arange(first_full, last_full, bucket, dtype=np.int64))
        right_start = max(first_full, last_full)
        if right_start < g1:
            partial(right_start, g1)
        return np.concatenate(mins), np.concatenate(maxs), np.concatenate(starts)

    def _range_minmax(self, a: int, b: int) -> tuple[ValueArray, ValueArray]:
        """Min and max over global indices ``[a, b)`` from the largest aligned blocks that fit.

        At most ``2 * (base - 1)`` blocks per level, so the cost is independent of ``b - a``.
        """
        lows: list[ValueArray] = []
        highs: list[ValueArray] = []
        while a < b:
            chosen: _Level | None = None
            for level in self._levels:
                if a % level.block or a + level.block > b:
                    break
                chosen = level
            if chosen is None:
                step = self._levels[0].block if self._levels else b - a
                end = min(b, (a // step + 1) * step)
                start = a % self._capacity
                if start + (end - a) <= self._capacity:
                    rows = self._values[start:start + end - a]
                else:
                    rows = self._values[np.arange(a, end) % self._capacity]
                lows.append(np.fmin.reduce(rows))
                highs.append(np.fmax.reduce(rows))
                a = end
            else:
                slot = a // chosen.block % chosen.slots
                lows.append(chosen.mins[slot])
                highs.append(chosen.maxs[slot])
                a += chosen.block
        return np.fmin.reduce(np.stack(lows)), np.fmax.reduce(np.stack(highs))

    # -- export ------------------------------------------------------------------------

    def to_csv(self, dest: str | os.PathLike[str] | IO[str],
               t_start: float | None = None, t_end: float | None = None) -> int:
        """Write the raw samples in ``[t_start, t_end]``; return the number of rows."""
        times, values = self.samples(t_start, t_end)
        return write_csv(dest, times, values, self._names)


def iso_times(times: FloatArray) -> list[str]:
    """UTC with a ``Z`` and milliseconds, as on the wire (``pole_link.timeutil``)."""
    stamps = np.round(times * 1000.0).astype("datetime64[ms]")
    return [f"{text}Z" for text in np.datetime_as_string(stamps, unit="ms")]


def write_csv(dest: str | os.PathLike[str] | IO[str], times: FloatArray, values: ValueArray,
              names: Sequence[str]) -> int:
    """Plain CSV a spreadsheet opens: ISO-8601 time, then one column per name; blank = NaN.

    A free function over copied arrays so that the GUI can run it off its own thread.
    """
    if isinstance(dest, (str, os.PathLike)):
        with Path(dest).open("w", encoding="utf-8", newline="") as stream:
            return write_csv(stream, times, values, names)
    dest.write(",".join(["time", *names]) + "\n")
    row_format = "%s" + ",%.6g" * values.shape[1] + "\n"
    missing = [bool(gap) for gap in np.asarray(np.isnan(values).any(axis=1))]
    labels = iso_times(times)
    rows = values.astype(np.float64).tolist()
    batch: list[str] = []
    for label, row, gap in zip(labels, rows, missing, strict=True):
        if gap:
            cells = ("" if math.isnan(v) else f"{v:.6g}" for v in row)
            batch.append(label + "," + ",".join(cells) + "\n")
        else:
            batch.append(row_format % (label, *row))
        if len(batch) >= 10_000:
            dest.write("".join(batch))
            batch.clear()
    dest.write("".join(batch))
    return len(labels)
