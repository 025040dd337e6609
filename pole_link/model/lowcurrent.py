"""Spotting eis 30 low-current vehicles (e.g. an older Renault Zoe) during a transaction.

Some vehicles do not charge at all below 12.5 A per phase. During the evening peak such
a vehicle would sit idle all night, so the tender says it must not be hindered. SPEC.md
"Decisions / Low-current vehicles": a vehicle that draws < 1 A for 60 s while offered
between 6 A and 12.5 A, but draws when offered >= 13 A, is a low-current vehicle; its
transaction then gets the overrule automatically, flagged `lowCurrentVehicle`.

Drawing nothing at a low offer is not proof on its own: a full battery or a vehicle on a
departure timer does the same. So the detector works in two steps:

1. WATCHING -> SUSPECTED after 60 s of < 1 A at an offer of at least 6 A and below
   12.5 A. The caller then passes `SocketDemand.low_current_vehicle=True` (see
   `treat_as_overrule`), so the load balancer gives the socket the overrule share. With
   two sockets that is never below 12.5 A: the other socket keeps at most half of a
   base limit that is at most the 25 A overrule limit, or the base limit is above it
   and both shares are above 12.5 A anyway.
2. SUSPECTED -> CONFIRMED as soon as the vehicle draws >= 1 A at an offer of 12.5 A or
   more: the caller reports `DataTransfer LowCurrentVehicle` once (`confirmed_at`) and
   keeps the treatment for the rest of the transaction. SPEC names ">= 13 A" as the
   trial offer; a draw at 12.5 A is already proof, since the class is defined as
   vehicles that "do not charge below 12.5 A" (and two suspects sharing the 25 A
   overrule get exactly 12.5 A each).
   SUSPECTED -> REJECTED if it still draws < 1 A after 60 s at >= 12.5 A: it simply does
   not want energy; the treatment ends and the detector stays quiet until `reset()`, so
   an idle car does not keep raising the pole limit. If a suspect draws >= 1 A at an
   offer below 12.5 A after all, it is an ordinary vehicle (back to WATCHING).

The timers run on the pole clock (float seconds, like the balancer). Conditions are
assumed to hold between two `update` calls, so the caller must call `update` on every
change of offer or measured current, and at `next_check_at`.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["LowCurrentDetector", "LowCurrentState"]

_EPS = 1e-9


class LowCurrentState(StrEnum):
    """Where the detector is for the current transaction."""

    WATCHING = "watching"
    SUSPECTED = "suspected"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class LowCurrentDetector:
    """The eis 30 detector for one socket; `reset()` at every new transaction."""

    def __init__(
        self,
        *,
        window_s: float = 60.0,
        idle_a: float = 1.0,
        low_offer_min_a: float = 6.0,
        threshold_a: float = 12.5,
    ) -> None:
        if window_s <= 0 or idle_a <= 0:
            raise ValueError("window_s and idle_a must be positive")
        if not 0 < low_offer_min_a < threshold_a:
            raise ValueError("need 0 < low_offer_min_a < threshold_a")
        self.window_s = window_s
        self.idle_a = idle_a
        self.low_offer_min_a = low_offer_min_a
        self.threshold_a = threshold_a
        self.reset()

    def reset(self) -> None:
        """Start afresh for a new transaction."""
        self.state = LowCurrentState.WATCHING
        self.confirmed_at: float | None = None
        self._since: float | None = None  # start of the current idle stretch

    @property
    def treat_as_overrule(self) -> bool:
        """Pass as `SocketDemand.low_current_vehicle`: a suspect is tried at the overrule."""
        return self.state in (LowCurrentState.SUSPECTED, LowCurrentState.CONFIRMED)

    @property
    def next_check_at(self) -> float | None:
        """When the running 60 s stretch ends, if one runs (call `update` then)."""
        if self._since is None:
            return None
        return self._since + self.window_s

    def update(self, now: float, offered_a: float, actual_a: float) -> LowCurrentState:
        """Feed one observation of this socket's offer and measured current."""
        idle = actual_a < self.idle_a
        low_offer = self.low_offer_min_a <= offered_a < self.threshold_a
        high_offer = offered_a >= self.threshold_a
        if self.state == LowCurrentState.WATCHING:
            self._track(now, idle and low_offer)
            if self._elapsed(now):
                self.state = LowCurrentState.SUSPECTED
                self._since = None
        elif self.state == LowCurrentState.SUSPECTED:
            if high_offer and not idle:
                self.state = LowCurrentState.CONFIRMED
                self.confirmed_at = now
                self._since = None
            elif low_offer and not idle:
                self.state = LowCurrentState.WATCHING
                self._since = None
            else:
                self._track(now, idle and high_offer)
                if self._elapsed(now):
                    self.state = LowCurrentState.REJECTED
                    self._since = None
        return self.state

    def _track(self, now: float, condition: bool) -> None:
        if not condition:
            self._since = None
        elif self._since is None:
            self._since = now

    def _elapsed(self, now: float) -> bool:
        return self._since is not None and now - self._since >= self.window_s - _EPS
