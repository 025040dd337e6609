"""Bytes, rate and time left of a firmware upload, as a technician reads them.

A serial upload of a few megabytes takes minutes; "how long still" decides whether the
technician waits in the rain or fetches a coffee. The rate is measured over the last
few seconds, not since the start: after a resume, or when a BLE link slows as the laptop
moves, the estimate follows what the link does now. Qt-free and driven by the clock the
caller passes, so it is tested without waiting.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

WINDOW_S = 5.0
"""The rate is the bytes acknowledged over about this many recent seconds."""


@dataclass
class TransferProgress:
    """Feed `update(done, at)` on every acknowledgement; read `rate`, `left_s`, `text`."""

    total: int
    start_offset: int = 0
    """Bytes the pole already held (a resume): they count as done, not as speed."""
    _samples: deque[tuple[float, int]] = field(default_factory=deque)
    done: int = 0

    def __post_init__(self) -> None:
        self.done = self.start_offset

    def update(self, done: int, at: float) -> None:
        self.done = max(self.done, min(done, self.total))
        self._samples.append((at, self.done))
        while len(self._samples) > 2 and at - self._samples[1][0] >= WINDOW_S:
            self._samples.popleft()

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 1.0

    @property
    def rate(self) -> float | None:
        """Bytes per second lately; None until two acknowledgements are apart in time."""
        if len(self._samples) < 2:
            return None
        (t0, b0), (t1, b1) = self._samples[0], self._samples[-1]
        return (b1 - b0) / (t1 - t0) if t1 > t0 else None

    @property
    def left_s(self) -> float | None:
        rate = self.rate
        if rate is None or rate <= 0:
            return None
        return (self.total - self.done) / rate


def size_text(count: float) -> str:
    """"1.4 MB", "812 kB", "96 B": decimal units, as a file manager shows them."""
    for unit, scale in (("MB", 1e6), ("kB", 1e3)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count:.0f} B"


def time_left_text(seconds: float | None) -> str:
    """"2 min 05 s", "40 s", or "—" while unknown."""
    if seconds is None:
        return "—"
    whole = round(seconds)
    minutes, secs = divmod(whole, 60)
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"
