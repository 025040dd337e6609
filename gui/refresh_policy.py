"""When a page that follows the service reads it again, without Qt (tested alone).

A followed page (Grid, Outages, …) is read on its own every so often, because what it
shows moves with time alone (forecast blocks begin and end, "hours left" shrinks); and,
where the live feed says something changed, soon after — but a street losing power
brings hundreds of feed events, and each must not cost a fleet-wide read. So a change
schedules one read ``settle_s`` later (further changes meanwhile join it), no read comes
sooner than ``min_interval_s`` after the last, and with no change the page is still read
every ``every_s``. The clock is the caller's (monotonic seconds), so tests need no timer.
"""

from __future__ import annotations


class RefreshPolicy:
    """One page's reading schedule; the Qt side (`gui.service_page.ServicePage`) asks
    `next_read_in` and tells `read_started`, `note_change` and `forget`."""

    def __init__(self, *, every_s: float, min_interval_s: float = 0.0,
                 settle_s: float = 0.0) -> None:
        if every_s <= 0 or min_interval_s < 0 or settle_s < 0:
            raise ValueError("every_s must be positive, the other intervals not negative")
        self.every_s, self.min_interval_s, self.settle_s = every_s, min_interval_s, settle_s
        self.last_read: float | None = None
        """When the last read began (the caller's clock), or None: none yet."""
        self.changed_at: float | None = None
        """The first change since the last read began, or None."""

    def note_change(self, now: float) -> None:
        """The live feed reported a change the page shows."""
        if self.changed_at is None:
            self.changed_at = now

    def read_started(self, now: float) -> None:
        self.last_read, self.changed_at = now, None

    def forget(self) -> None:
        """Another service (or none): its first read is due at once."""
        self.last_read = self.changed_at = None

    def next_read_in(self, now: float) -> float:
        """Seconds until the page should be read again (0: now)."""
        if self.last_read is None:
            return 0.0
        soonest = self.last_read + self.min_interval_s
        if self.changed_at is not None:
            due = max(self.changed_at + self.settle_s, soonest)
        else:
            due = max(self.last_read + self.every_s, soonest)
        return max(0.0, due - now)
