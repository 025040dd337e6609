"""The two-socket load balancer: how much current each socket may offer (eis 20/31/67/64/30).

The pole shares one grid connection between two sockets. What must never happen is that
the *actual* currents of the vehicles, summed per phase, exceed the limit in force (the
capacity profile, the overrule, the connection's `GridConnectionMaxCurrent`). The pole
does not control currents, only offers: a vehicle follows a lower PWM offer only after a
response delay (IEC 61851-1 allows up to 5 s). So the balancer reasons about what each
vehicle *may* still draw, not about what it draws now:

* **Envelope.** After an offer is lowered at t0, the vehicle may keep drawing the old
  offer until t0 + delay. A socket's *bound* is therefore the highest offer it held in
  the last `response_delay_s`. Lowerings take effect at once; a raise is granted only if
  the bounds of all sockets, with the raise, fit under the limit. That gives "lower one
  socket before raising the other" for free, also for demand-based moves and for the
  hand-over between paused sockets. A raise that does not fit yet stays pending (the
  target is recomputed every call) and `next_review_at` says when an envelope expires.
* **Look-ahead.** Offers are planned against the lowest limit in force during the next
  `response_delay_s` (the current limit and every announced `LimitStep` in that window).
  A step down at T is thus applied at T - delay, and a step up only at T.
* **No offer in (0, 6 A).** When the limit cannot give every socket `min_offer_a`, only
  as many sockets as fit run; the others are paused (offer 0, PWM off) and take turns
  every `rotation_s`, the longest-waiting first.
* **Overrule (SPEC "Decisions / Overrule").** An overruled transaction (or an eis 30
  low-current vehicle) lifts the pole's limit to `overrule_limit_a`. The other sockets
  get exactly what the split would have given them without the overrule; the overruled
  ones share the rest. When the overrule ends, the raised limit stays reported
  (`Allocation.limit_a`) for one response delay, while the overruled vehicle ramps down.
* **eis 64 start-up grace.** A new transaction ignores its TxProfile/TxDefaultProfile
  limit (`SocketDemand.tx_limit_a`) for `startup_grace_s` from its first non-zero offer,
  so the driver sees the car charge; it is never exempt from the pole limit, which
  already contains ChargePointMaxProfile and the connection limit.
* **Phases.** Both sockets are wired L1-L2-L3 without phase rotation, so a one-phase
  vehicle loads L1 and every three-phase vehicle loads L1 too: L1 always carries the
  sum of all sockets and is the binding phase. Keeping the sum of offers under the
  limit therefore keeps every phase under it; `SocketDemand.phases` is informational.

Time is plain float seconds on one monotonic timeline (the pole's simulated clock): the
balancer never reads a clock, so a day of profile steps can be replayed in milliseconds
and every decision is reproducible. The caller (the virtual pole's scheduler) calls
`LoadBalancer.allocate` on every change (plug, unplug, authorisation, stop, profile or
configuration change, overrule, measured current in "demand" mode) and again at
`Allocation.next_review_at`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "Allocation",
    "BalancerConfig",
    "LimitStep",
    "LoadBalancer",
    "SocketDemand",
]

_EPS = 1e-9
_TOLERANCE_A = 1e-6  # float noise allowed when comparing sums of currents with a limit


@dataclass(frozen=True)
class SocketDemand:
    """What the pole knows about one socket at the moment it asks for offers.

    `active` means the socket may charge: an authorised transaction, a vehicle on the
    cable (state B/C/D), not Faulted/Unavailable. `vehicle_present` is False once the
    cable is out: the current is then gone at once, so the balancer may hand that
    capacity on without waiting for the response delay.

    `started_at` identifies the transaction: a different value than before means a new
    transaction on this socket (its grace, rotation and demand history start afresh).
    None lets the balancer detect new transactions by `active` going False -> True.

    `tx_limit_a` is the TxProfile/TxDefaultProfile limit for this socket now (None: no
    such profile). `overruled` is the driver's overrule of this transaction;
    `low_current_vehicle` the eis 30 treatment (see `pole_link.model.lowcurrent`); both
    get the overrule limit. `actual_a` (the highest of the vehicle's phase currents) is
    only used by the "demand" split.
    """

    connector_id: int
    active: bool
    phases: int = 3
    actual_a: float = 0.0
    max_a: float = 32.0
    tx_limit_a: float | None = None
    overruled: bool = False
    low_current_vehicle: bool = False
    started_at: float | None = None
    vehicle_present: bool = True

    def __post_init__(self) -> None:
        if self.phases not in (1, 2, 3):
            raise ValueError(f"phases must be 1, 2 or 3, got {self.phases}")
        if self.max_a < 0 or self.actual_a < 0:
            raise ValueError("currents must not be negative")


@dataclass(frozen=True)
class LimitStep:
    """An announced change of the pole limit (ChargePointMaxProfile period, peak start).

    `limit_a` is the un-overruled pole limit from `at` on; the balancer applies the
    overrule and the connection limit itself, as for `pole_limit_a`.
    """

    at: float
    limit_a: float


@dataclass(frozen=True)
class BalancerConfig:
    """Tuning of the balancer; replace `LoadBalancer.config` when a key changes.

    `grid_limit_a` is `GridConnectionMaxCurrent` (the hard ceiling beneath everything,
    eis 20/31) and `overrule_limit_a` is `PeakLimitOverrule`. `response_delay_s` is the
    delay the pole assumes a vehicle needs to follow a lower offer: 5 s is the IEC
    61851-1 worst case; a virtual pole whose vehicles answer in 2 s may pass 2 s.
    `resolution_a` is the PWM step the pole can offer; offers are rounded down to it,
    so rounding never adds current. In the "demand" split a vehicle drawing more than
    `demand_headroom_a` below its offer is capped at its draw plus that headroom (never
    below `min_offer_a`) and the rest goes to the other socket; it gets its full share
    back once it draws within `demand_saturation_a` of the capped offer.
    """

    min_offer_a: float = 6.0
    response_delay_s: float = 5.0
    rotation_s: float = 900.0
    startup_grace_s: float = 30.0
    grid_limit_a: float = 30.0
    overrule_limit_a: float = 25.0
    split: Literal["equal", "demand"] = "equal"
    resolution_a: float = 0.1
    demand_headroom_a: float = 1.0
    demand_saturation_a: float = 0.5

    def __post_init__(self) -> None:
        if self.min_offer_a < 6.0:
            raise ValueError("IEC 61851-1 offers no less than 6 A")
        if self.response_delay_s < 0 or self.rotation_s <= 0:
            raise ValueError("response_delay_s must be >= 0 and rotation_s > 0")
        if not 0 <= self.startup_grace_s <= 30.0:
            raise ValueError("eis 64 allows at most 30 s of standard charging")
        if self.resolution_a <= 0:
            raise ValueError("resolution_a must be positive")
        if self.grid_limit_a < 0 or self.overrule_limit_a < 0:
            raise ValueError("limits must not be negative")
        if self.split not in ("equal", "demand"):
            raise ValueError(f"unknown split {self.split!r}")
        if not 0 <= self.demand_saturation_a < self.demand_headroom_a:
            raise ValueError("need 0 <= demand_saturation_a < demand_headroom_a")


@dataclass(frozen=True)
class Allocation:
    """The balancer's answer.

    `offers_a` holds one offer per socket passed in: 0 means PWM off (paused, or no
    transaction), anything else is at least `min_offer_a`. `limit_a` is the pole's
    total limit per phase in force now (profile, overrule and connection combined: the
    Live `limitA`). `next_review_at` is when `allocate` must be called again even if
    nothing changes (a pending raise, a limit step minus the response delay, a limit
    step up, a rotation, the end of a start-up grace); None when nothing is planned.
    """

    offers_a: dict[int, float]
    next_review_at: float | None
    limit_a: float


@dataclass
class _SocketState:
    """What the balancer remembers of one socket between calls."""

    offer: float = 0.0
    # (until, level): offers lowered less than one response delay ago, still drawable.
    envelope: list[tuple[float, float]] = field(default_factory=list)
    active: bool = False
    session_key: float | None = None
    flagged: bool = False  # overruled or low-current vehicle, while active
    first_offer_at: float | None = None  # eis 64 grace runs from here
    changed_at: float = -math.inf
    turn_start: float | None = None  # rotation: running in a contended split since
    waiting_since: float | None = None  # rotation: paused in a contended split since
    demand_cap: float | None = None

    def expire(self, now: float) -> None:
        self.envelope = [(until, level) for until, level in self.envelope if until > now]

    def envelope_a(self) -> float:
        return max((level for _, level in self.envelope), default=0.0)

    def bound(self) -> float:
        """The most this socket's vehicle may draw from now until the next change."""
        return max(self.offer, self.envelope_a())

    def new_session(self) -> None:
        self.first_offer_at = None
        self.turn_start = None
        self.waiting_since = None
        self.demand_cap = None


class LoadBalancer:
    """Splits the pole limit over its sockets; holds the little state that needs.

    One instance per pole. Deterministic: the same calls give the same answers.
    """

    def __init__(self, config: BalancerConfig | None = None) -> None:
        self.config = config if config is not None else BalancerConfig()
        self._sockets: dict[int, _SocketState] = {}
        self._now: float | None = None
        self._overrule_hold_until = -math.inf
        self._rotation_due: float | None = None

    def reset(self) -> None:
        """Forget everything, e.g. after a power cut: no vehicle draws any more."""
        self._sockets.clear()
        self._now = None
        self._overrule_hold_until = -math.inf
        self._rotation_due = None

    def offers(self) -> Mapping[int, float]:
        """The offers currently in force, per connector id."""
        return {cid: st.offer for cid, st in self._sockets.items()}

    def allocate(
        self,
        now: float,
        sockets: Sequence[SocketDemand],
        pole_limit_a: float,
        upcoming: Sequence[LimitStep] = (),
        *,
        overrule_limit_a: float | None = None,
    ) -> Allocation:
        """Decide every socket's offer at `now`.

        `pole_limit_a` is the un-overruled limit in force at `now` (the composite
        ChargePointMaxProfile, including a step at exactly `now`); the balancer caps it
        at `config.grid_limit_a` and raises it to the overrule limit
        (`overrule_limit_a`, default `config.overrule_limit_a`) while an overruled or
        low-current transaction runs. `upcoming` lists announced changes of that limit;
        steps more than one response delay ahead are only used to schedule the review.
        A socket left out of `sockets` is treated as inactive with its vehicle perhaps
        still ramping down.

        `now` must not go backwards. A limit that drops without announcement cannot be
        met before the vehicles respond: offers are lowered at once and actual currents
        follow within the response delay.
        """
        cfg = self.config
        if self._now is not None and now < self._now - _EPS:
            raise ValueError(f"time went backwards: {now} < {self._now}")
        self._now = now
        delay = cfg.response_delay_s
        demands: dict[int, SocketDemand] = {}
        for demand in sockets:
            if demand.connector_id in demands:
                raise ValueError(f"connector {demand.connector_id} given twice")
            demands[demand.connector_id] = demand
            self._sockets.setdefault(demand.connector_id, _SocketState())

        self._track_sessions(now, demands)

        # Limits: now (reported) and the lowest in the coming response delay (planned).
        overrule_a = cfg.overrule_limit_a if overrule_limit_a is None else overrule_limit_a
        flagged_any = any(st.flagged for st in self._sockets.values())
        window = [pole_limit_a] + [
            step.limit_a for step in upcoming if now < step.at <= now + delay + _EPS
        ]
        base_plan = min(self._base_limit(limit) for limit in window)
        plan = (
            min(self._raised_limit(limit, overrule_a) for limit in window)
            if flagged_any
            else base_plan
        )
        overrule_now = flagged_any or now < self._overrule_hold_until
        limit_now = (
            self._raised_limit(pole_limit_a, overrule_a)
            if overrule_now
            else self._base_limit(pole_limit_a)
        )

        if cfg.split == "demand":
            self._update_demand_caps(now, demands)
        targets = self._targets(now, demands, base_plan, plan)
        blocked = self._apply(now, demands, targets, plan)

        return Allocation(
            offers_a={cid: self._sockets[cid].offer for cid in demands},
            next_review_at=self._next_review(now, demands, upcoming, blocked),
            limit_a=limit_now,
        )

    # -- limits ---------------------------------------------------------------------

    def _base_limit(self, limit_a: float) -> float:
        return max(0.0, min(self.config.grid_limit_a, limit_a))

    def _raised_limit(self, limit_a: float, overrule_a: float) -> float:
        return max(0.0, min(self.config.grid_limit_a, max(limit_a, overrule_a)))

    # -- state ----------------------------------------------------------------------

    def _track_sessions(self, now: float, demands: Mapping[int, SocketDemand]) -> None:
        """Notice new and ended transactions, unplugged vehicles and ended overrules."""
        delay = self.config.response_delay_s
        for cid, st in self._sockets.items():
            st.expire(now)
            demand = demands.get(cid)
            present = demand is None or demand.vehicle_present
            active = demand is not None and demand.active and demand.vehicle_present
            flagged = (
                active and demand is not None and (demand.overruled or demand.low_current_vehicle)
            )
            if st.flagged and not flagged and present:
                # The overruled vehicle may draw its offer for one more response delay.
                self._overrule_hold_until = max(self._overrule_hold_until, now + delay)
            st.flagged = flagged
            if not present:
                st.envelope.clear()  # cable out: its current is gone now
            if active and demand is not None:
                key = demand.started_at
                if not st.active or (key is not None and key != st.session_key):
                    st.new_session()
                st.session_key = key
            elif st.active:
                st.new_session()
            st.active = active

    def _update_demand_caps(self, now: float, demands: Mapping[int, SocketDemand]) -> None:
        """Demand split: cap a vehicle that leaves part of its offer unused.

        Only judged once the offer has been stable for a response delay, so a vehicle
        still ramping up to a raise is not mistaken for one that wants less.
        """
        cfg = self.config
        for cid, demand in demands.items():
            st = self._sockets[cid]
            if not st.active or st.offer <= 0 or now - st.changed_at < cfg.response_delay_s - _EPS:
                continue
            if demand.actual_a >= st.offer - cfg.demand_saturation_a:
                st.demand_cap = None
            elif demand.actual_a < st.offer - cfg.demand_headroom_a:
                st.demand_cap = max(
                    cfg.min_offer_a, self._ceil(demand.actual_a + cfg.demand_headroom_a)
                )

    # -- targets --------------------------------------------------------------------

    def _targets(
        self,
        now: float,
        demands: Mapping[int, SocketDemand],
        base_plan: float,
        plan: float,
    ) -> dict[int, float]:
        """The offers the balancer wants once every pending raise is possible."""
        cfg = self.config
        caps: dict[int, float] = {}
        for cid, demand in demands.items():
            st = self._sockets[cid]
            if not st.active:
                continue
            cap = demand.max_a
            in_grace = (
                st.first_offer_at is None or now < st.first_offer_at + cfg.startup_grace_s - _EPS
            )
            if demand.tx_limit_a is not None and not in_grace:
                cap = min(cap, demand.tx_limit_a)
            caps[cid] = self._floor(max(0.0, cap))

        base_caps = dict(caps)
        if cfg.split == "demand":
            for cid in base_caps:
                demand_cap = self._sockets[cid].demand_cap
                if demand_cap is not None:
                    base_caps[cid] = min(base_caps[cid], demand_cap)
        targets = self._share(now, base_caps, base_plan, rotate=True)

        flagged = [cid for cid in caps if self._sockets[cid].flagged]
        if flagged:
            # Overrule: the others keep what they would have had; the overruled share the rest.
            for cid in flagged:
                del targets[cid]
            rest = plan - sum(targets.values())
            targets.update(self._share(now, {cid: caps[cid] for cid in flagged}, rest))
        return targets

    def _share(
        self, now: float, caps: Mapping[int, float], total: float, *, rotate: bool = False
    ) -> dict[int, float]:
        """Max-min fair split of `total` under per-socket caps; no offer in (0, min)."""
        cfg = self.config
        result = dict.fromkeys(caps, 0.0)
        eligible = {cid: cap for cid, cap in caps.items() if cap >= cfg.min_offer_a - _EPS}
        fits = math.floor(max(0.0, total) / cfg.min_offer_a + _EPS)
        contended = len(eligible) > fits
        if contended:
            ranked = sorted(eligible, key=lambda cid: self._rank(now, cid))
            runners = ranked[:fits]
        else:
            runners = list(eligible)

        remaining = max(0.0, total)
        by_cap = sorted(runners, key=lambda cid: (eligible[cid], cid))
        for index, cid in enumerate(by_cap):
            give = self._floor(min(eligible[cid], remaining / (len(by_cap) - index)))
            if give < cfg.min_offer_a - _EPS:
                give = 0.0  # only float noise can get here; never offer below the minimum
            result[cid] = give
            remaining -= give

        if rotate:
            self._book_rotation(now, caps, eligible, runners, contended)
        return result

    def _rank(self, now: float, cid: int) -> tuple[int, float, int]:
        """Who runs when not all fit: running turns, longest waiting, fresh, expired turns."""
        st = self._sockets[cid]
        if st.turn_start is not None and now < st.turn_start + self.config.rotation_s - _EPS:
            return (0, st.turn_start, cid)
        if st.waiting_since is not None:
            return (1, st.waiting_since, cid)
        if st.turn_start is None:
            # New to the contention: keep whoever is charging now, avoid a needless swap.
            return (2, 0.0 if st.offer > 0 else 1.0, cid)
        return (3, st.turn_start, cid)

    def _book_rotation(
        self,
        now: float,
        caps: Mapping[int, float],
        eligible: Mapping[int, float],
        runners: Sequence[int],
        contended: bool,
    ) -> None:
        rotation_s = self.config.rotation_s
        self._rotation_due = None
        for cid in caps:
            st = self._sockets[cid]
            if cid not in eligible or not contended:
                st.turn_start = None
                st.waiting_since = None
            elif cid in runners:
                st.waiting_since = None
                if st.turn_start is None or now >= st.turn_start + rotation_s - _EPS:
                    st.turn_start = now
                due = st.turn_start + rotation_s
                self._rotation_due = (
                    due if self._rotation_due is None else min(self._rotation_due, due)
                )
            else:
                st.turn_start = None
                if st.waiting_since is None:
                    st.waiting_since = now
        if contended and not runners:
            self._rotation_due = None  # nobody fits at all: nothing to rotate

    # -- applying -------------------------------------------------------------------

    def _apply(
        self,
        now: float,
        demands: Mapping[int, SocketDemand],
        targets: Mapping[int, float],
        plan: float,
    ) -> bool:
        """Lower at once, raise only where the bounds fit; True if a raise is pending."""
        cfg = self.config
        delay = cfg.response_delay_s
        for cid, st in self._sockets.items():
            target = targets.get(cid, 0.0)
            if target < st.offer - _EPS:
                demand = demands.get(cid)
                if delay > 0 and (demand is None or demand.vehicle_present):
                    st.envelope.append((now + delay, st.offer))
                st.offer = target
                st.changed_at = now

        blocked = False
        order = sorted(targets, key=lambda cid: (self._sockets[cid].offer > 0, cid))
        for cid in order:
            st = self._sockets[cid]
            want = targets[cid]
            if want <= st.offer + _EPS:
                continue
            others = sum(o.bound() for ocid, o in self._sockets.items() if ocid != cid)
            new = min(want, self._floor(plan - others))
            fits = max(new, st.envelope_a()) + others <= plan + _TOLERANCE_A
            if fits and new > st.offer + _EPS and new >= cfg.min_offer_a - _EPS:
                st.offer = new
                st.changed_at = now
                if st.first_offer_at is None:
                    st.first_offer_at = now
            if st.offer < want - _EPS:
                blocked = True
        return blocked

    def _next_review(
        self,
        now: float,
        demands: Mapping[int, SocketDemand],
        upcoming: Sequence[LimitStep],
        blocked: bool,
    ) -> float | None:
        cfg = self.config
        times: list[float] = []
        if blocked:
            times += [until for st in self._sockets.values() for until, _ in st.envelope]
        for step in upcoming:
            times += [step.at - cfg.response_delay_s, step.at]
        if self._rotation_due is not None:
            times.append(self._rotation_due)
        times.append(self._overrule_hold_until)
        for cid, demand in demands.items():
            st = self._sockets[cid]
            if not st.active:
                continue
            if demand.tx_limit_a is not None and st.first_offer_at is not None:
                times.append(st.first_offer_at + cfg.startup_grace_s)
            if cfg.split == "demand" and st.offer > 0:
                times.append(st.changed_at + cfg.response_delay_s)
        future = [t for t in times if t > now + _EPS]
        return min(future) if future else None

    # -- rounding -------------------------------------------------------------------

    def _floor(self, amps: float) -> float:
        """Round down to the PWM resolution (a tiny slack absorbs float noise)."""
        res = self.config.resolution_a
        return round(math.floor(amps / res + 1e-6) * res, 6)

    def _ceil(self, amps: float) -> float:
        res = self.config.resolution_a
        return round(math.ceil(amps / res - 1e-6) * res, 6)
