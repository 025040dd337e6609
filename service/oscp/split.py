"""Group load balancing (eis 32): one grid group's cap, in amperes per phase, split over
its poles so that the *sum* of what they may draw never exceeds it.

Pure and Qt/IO-free, so it is tested alone and benchmarked on 1,000 poles. The rules:

* No pole is offered less than `MIN_A` (6 A, IEC 61851's lowest PWM offer) unless it gets
  nothing: a pole at 0 pauses its sockets (the pole itself rotates its two sockets).
* Charging poles come first: as many as the cap can give `MIN_A` keep charging; when not
  all can, the ones paused are chosen by ``rotation`` (the caller turns it, e.g. each
  quarter-hour, so the same pole is not paused for ever).
* Idle poles then keep `MIN_A` each, as far as it goes, so a session can start.
* The rest is water-filled over the charging poles by demand (a pole drawing 10 A is not
  given 30 A while another wants more), then what is still left goes to them equally,
  up to each pole's own maximum, so vehicles can ramp up and be seen wanting more.
* Every offer is rounded *down* to 0.1 A (OCPP's resolution): rounding never adds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

MIN_A = 6.0


@dataclass(frozen=True, slots=True)
class PoleNeed:
    pole_id: str
    charging: bool
    demand_a: float
    """What its vehicles draw or want now, per phase (the pole total)."""
    max_a: float = 30.0
    """What the pole may take at most (its connection's software limit, eis 31)."""


@dataclass
class Split:
    offers: dict[str, float] = field(default_factory=dict)
    paused: list[str] = field(default_factory=list)
    """Charging poles given 0: the cap cannot give each of them the minimum."""
    starved: list[str] = field(default_factory=list)
    """Idle poles given 0: no session can start there until the cap rises."""

    @property
    def total(self) -> float:
        return sum(self.offers.values())


def _down(value: float) -> float:
    return math.floor(value * 10 + 1e-9) / 10


def split(cap_a: float, poles: Sequence[PoleNeed], rotation: int = 0) -> Split:
    result = Split()
    charging = sorted((p for p in poles if p.charging), key=lambda p: p.pole_id)
    idle = sorted((p for p in poles if not p.charging), key=lambda p: p.pole_id)
    budget = max(0.0, cap_a)
    served_n = min(len(charging), int(budget // MIN_A + 1e-9))
    if charging and served_n < len(charging):
        turn = rotation % len(charging)
        order = charging[turn:] + charging[:turn]
        served, paused = order[:served_n], order[served_n:]
        result.paused = [p.pole_id for p in paused]
        for pole in paused:
            result.offers[pole.pole_id] = 0.0
    else:
        served = charging
    budget -= MIN_A * len(served)
    for pole in idle:
        if budget >= MIN_A - 1e-9:
            result.offers[pole.pole_id] = MIN_A
            budget -= MIN_A
        else:
            result.offers[pole.pole_id] = 0.0
            result.starved.append(pole.pole_id)
    # Water-fill the rest above each served pole's minimum, smallest demand first.
    give = {p.pole_id: MIN_A for p in served}
    wanting = sorted(served, key=lambda p: min(p.demand_a, p.max_a))
    for index, pole in enumerate(wanting):
        share = budget / (len(wanting) - index)
        extra = min(max(0.0, min(pole.demand_a, pole.max_a) - MIN_A), share)
        give[pole.pole_id] += extra
        budget -= extra
    # Then what is left, equally, up to each pole's maximum (vehicles may want more).
    open_poles = sorted(served, key=lambda p: p.max_a - give[p.pole_id])
    for index, pole in enumerate(open_poles):
        share = budget / (len(open_poles) - index)
        extra = min(max(0.0, pole.max_a - give[pole.pole_id]), share)
        give[pole.pole_id] += extra
        budget -= extra
    for pole_id, amps in give.items():
        result.offers[pole_id] = _down(amps)
    return result
