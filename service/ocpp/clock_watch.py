"""How far a pole's clock is off, from the timestamps it sends.

Why it matters: a pole runs its capacity profile, its quarter-hour meter reads
(eis 27, 56) and the timestamps the eis 25 peak classification rests on by its
own clock; eis 59 only promises 7 days of time-keeping without power. OCPP 1.6
lets the CSMS *set* the time only through the ``currentTime`` of its Boot and
Heartbeat answers, so a service must notice a wrong clock to do anything about it.

OCPP 1.6 Boot and Heartbeat requests carry no time; StatusNotification,
MeterValues and transaction messages do. Each gives ``pole time - receipt
time``: the offset plus the message's delay. A message a pole queued while
offline arrives late and looks *behind* by its queueing time; nothing makes a
message look ahead. So the estimate is the largest of the recent samples (the
freshest message wins), over a sliding window restarted at each boot.

The service itself can be the delay: in a reconnect storm it reads a pole's frame seconds
after the pole sent it, and a right clock then looks 2–3 s behind (issue 20: 3,975 of
10,000 poles were "corrected", each a warning, a TriggerMessage and a Heartbeat, and a
helpdesk read the wrong offsets afterwards). So each sample says whether it can be trusted
(the service was calm when it read it, `CallBudget.calm`). An untrusted sample is still a
lower bound of the offset (a delay only subtracts): one that shows the clock *ahead* is
believed at once, but an estimate that only says "behind" waits for a trusted sample; the
pole's next message once the service is calm (or a direct measurement) gives one.
"""

from __future__ import annotations

from datetime import datetime

from pole_link.profiles.intent import CLOCK_TOLERANCE_S

__all__ = ["WINDOW_S", "ClockWatch"]

WINDOW_S = 900.0
"""Samples older than this (by receipt) no longer count: a clock that was corrected
is believed after one heartbeat interval at the latest."""

_REWRITE_S = 1.0
"""An estimate this much different from the stored one is stored again."""

_AGREE_S = 1.0
"""A trusted sample this close to the estimate confirms it."""

_REFRESH_S = 3600.0
"""An unchanged estimate is stored again this often (so its age says it is current)."""


class ClockWatch:
    """One connection's estimate of its pole's clock offset (pole minus service, seconds)."""

    __slots__ = ("_samples", "_stored")  # one per connected pole: no dict (issue 20)

    def __init__(self) -> None:
        self._samples: list[tuple[datetime, float, bool]] = []
        """(received, offset, trusted) of each recent sample, oldest first. A list, not a
        deque: an empty deque is 760 B, an empty list 56 (every pole's connection has one,
        issue 20), and `observe` reads every sample anyway."""
        self._stored: tuple[datetime, float] | None = None

    def restart(self) -> None:
        """A boot: the pole may have a new clock (a power cut, a battery, a time sync)."""
        self._samples.clear()

    def observe(self, pole_time: datetime, received: datetime, *,
                trusted: bool = True) -> float | None:
        """Add one message's timestamp; return the estimate when it is worth storing.

        ``trusted``: the message was read without delay on the service's side. Unless the
        estimate shows the clock ahead beyond `CLOCK_TOLERANCE_S` (a delay cannot make it
        so), it is returned only when a trusted sample agrees with it: one far below it was
        queued by the pole, and says nothing of how far behind the larger ones were read."""
        offset = (pole_time - received).total_seconds()
        self._drop_outdone(received, offset, trusted)
        self._samples.append((received, offset, trusted))
        stale = 0
        for at, _, _ in self._samples:
            if (received - at).total_seconds() <= WINDOW_S:
                break
            stale += 1
        if stale:
            del self._samples[:stale]
        estimate = max(offset for _, offset, _ in self._samples)
        sure = max((offset for _, offset, trusted in self._samples if trusted), default=None)
        if estimate <= CLOCK_TOLERANCE_S and (sure is None or sure < estimate - _AGREE_S):
            return None
        if self._stored is not None:
            at, stored = self._stored
            if abs(estimate - stored) < _REWRITE_S and (received - at).total_seconds() < \
                    _REFRESH_S:
                return None
        self._stored = (received, estimate)
        return estimate

    def _drop_outdone(self, received: datetime, offset: float, trusted: bool) -> None:
        """Forget the newest samples a new one outdoes: not older, at least as large, and
        trusted if they were. Neither maximum `observe` takes can be one of them again
        while the new sample lasts, and it lasts as long. Without this a pole flushing a
        day's backlog kept every message of the window, each read again at every next one
        (issue 20: a million steps of the two maxima in a 2,000-pole storm); its queued
        messages come oldest first, each outdoing the one before, so a handful are kept."""
        samples = self._samples
        while samples:
            at, kept, was_trusted = samples[-1]
            if at > received or kept > offset or (was_trusted and not trusted):
                return
            samples.pop()

    def measured(self, offset_s: float, at: datetime) -> None:
        """A direct measurement (the pole's own now in a GetCompositeSchedule answer)."""
        self._drop_outdone(at, offset_s, True)
        self._samples.append((at, offset_s, True))
        self._stored = (at, offset_s)

    @property
    def offset_s(self) -> float | None:
        return self._stored[1] if self._stored is not None else None
