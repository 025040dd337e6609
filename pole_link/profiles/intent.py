"""What a capacity profile is *for*, and whether a pole's own schedule does it.

Why not compare the pole with the profile we sent: a profile that is not in force
yet (its startSchedule lies in the future of a pole whose clock is behind) or
that repeats at the wrong hour (a daylight-saving change since it was built)
"matches" its own evaluation while the pole charges at 30 A through the peak.
The tender does not ask for a profile; it asks for 7 A between 17:00 and 21:00
Amsterdam time. So the expectation here is the *intent* — a limit per local
wall-clock time, the same every day (`DailyIntent`), or, for an absolute
one-off profile a technician writes, the profile as written (`ProfileIntent`) —
capped by the pole's GridConnectionMaxCurrent, and a pole's GetCompositeSchedule
is compared with it in *real* time: a pole whose clock is three hours off limits
three hours off, whatever its own schedule says.

One function (`check_against_intent`) serves the CSMS's policy and the desktop
app's Verify, so both give the same verdict for the same pole.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from ocpp.v16.enums import ChargingRateUnitType

from pole_link.profiles.charging_profile import (
    ChargingProfile,
    ChargingSchedule,
    ProfileError,
    ProfileStore,
    require_aware,
)
from pole_link.profiles.composite import WATTS_PER_AMP, composite_schedule
from pole_link.profiles.tender import TenderProfileSettings, next_redeploy_time

__all__ = [
    "CLOCK_TOLERANCE_S",
    "OFFSET_WORDS",
    "STEP_TOLERANCE_S",
    "TOLERANCE_A",
    "DailyIntent",
    "IntentCheck",
    "LimitDifference",
    "LimitIntent",
    "ProfileIntent",
    "check_against_intent",
    "describe_offset",
    "tender_intent",
]

TOLERANCE_A = 0.1
"""OCPP limits travel in 0.1 A steps, rounded down: closer than this is the same limit."""

STEP_TOLERANCE_S = 60.0
"""A step that lands within a minute of its time is on time. The pole's clock is
read through a round trip (its scheduleStart against our clock at the answer), so
every step is a fraction of a second off even on a pole with a perfect clock."""

CLOCK_TOLERANCE_S = 2.0
"""A pole clock further off than this is worth an operator's attention (the
tender's meter reads and eis 25 peak classification run on it)."""

Step = tuple[datetime, float]
"""From this instant (aware) the limit is this many amps per phase."""


class LimitIntent(Protocol):
    """The limit the operator means at every instant, as a step function of real time."""

    def steps(self, start: datetime, end: datetime) -> list[Step]:
        """Steps covering ``[start, end)``, the first at `start`, in time order."""


@dataclass(frozen=True)
class DailyIntent:
    """Limits by local wall-clock time, the same every day, capped by the grid limit.

    `steps` are ``(local time, amps)``, the first at 00:00, times increasing. On a
    daylight-saving day a wall-clock time that does not exist (02:30 in spring) is
    taken as 03:30, like a clock moved forward, and one that exists twice (autumn)
    as its first occurrence: the same as `build_capacity_profile`.
    """

    zone: ZoneInfo
    steps_local: tuple[tuple[time, float], ...]
    grid_limit_a: float | None = None

    def __post_init__(self) -> None:
        if not self.steps_local or self.steps_local[0][0] != time(0):
            raise ProfileError("a daily intent starts at 00:00")
        times = [at for at, _ in self.steps_local]
        if times != sorted(set(times)):
            raise ProfileError("the times of a daily intent must increase")

    def _capped(self, amps: float) -> float:
        return amps if self.grid_limit_a is None else min(amps, self.grid_limit_a)

    def steps(self, start: datetime, end: datetime) -> list[Step]:
        start, end = require_aware(start, "start"), require_aware(end, "end")
        first_day = start.astimezone(self.zone).date() - timedelta(days=1)
        found: list[Step] = []
        day = first_day
        while datetime.combine(day, time(0), tzinfo=self.zone) < end:
            for at, amps in self.steps_local:
                found.append((_wall(day, at, self.zone), self._capped(amps)))
            day += timedelta(days=1)
        before = [step for step in found if step[0] <= start]
        result: list[Step] = [(start, before[-1][1])] if before else []
        result += [step for step in found if start < step[0] < end]
        return _merged(result)


def _wall(day: date, at: time, zone: ZoneInfo) -> datetime:
    # fold=0: the offset in force before a change (see DailyIntent).
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


@dataclass(frozen=True)
class ProfileIntent:
    """One profile as written (an absolute one-off profile), capped by the grid limit.

    A profile whose times are absolute means nothing but itself. Where it sets no
    limit (before its start, after its duration) the pole's grid limit is expected.
    """

    profile: ChargingProfile
    connector_id: int
    grid_limit_a: float

    def steps(self, start: datetime, end: datetime) -> list[Step]:
        store = ProfileStore()
        store.install(self.connector_id, self.profile)
        duration = max(1, int((end - start).total_seconds()))
        schedule = composite_schedule(store, self.connector_id, start, duration,
                                      grid_limit_a=self.grid_limit_a)
        return [(start + timedelta(seconds=p.start_period_s), p.limit)
                for p in schedule.periods]


def tender_intent(settings: TenderProfileSettings,
                  grid_limit_a: float | None = None) -> DailyIntent:
    """The tender's day: the normal limit, the peak limit from peak start to peak end."""
    steps = [(time(0), settings.normal_limit_a), (settings.peak_start, settings.peak_limit_a),
             (settings.peak_end, settings.normal_limit_a)]
    if settings.peak_start == time(0):
        del steps[0]
    return DailyIntent(settings.zone, tuple(steps), grid_limit_a)


@dataclass(frozen=True)
class LimitDifference:
    """Between `start` and `end` (real time) the pole allows `pole_a` where `expected_a`
    was meant."""

    start: datetime
    end: datetime
    pole_a: float
    expected_a: float


@dataclass(frozen=True)
class IntentCheck:
    """The verdict on one GetCompositeSchedule answer.

    `checked_from`/`checked_until` are real time; `clock_offset_s` is the pole's
    clock minus ours (negative: behind). `cut_by_change` is set when the window
    was shortened at a daylight-saving re-deployment (the instant it stops): a
    recurring profile repeats every 24 h of absolute time and cannot follow the
    change, so what the pole does after it is the next deployment's to verify.
    """

    differences: tuple[LimitDifference, ...]
    checked_from: datetime
    checked_until: datetime
    clock_offset_s: float
    cut_by_change: datetime | None = None

    @property
    def matches(self) -> bool:
        return not self.differences

    @property
    def clock_off(self) -> bool:
        """The pole's clock is further off than `CLOCK_TOLERANCE_S`."""
        return abs(self.clock_offset_s) > CLOCK_TOLERANCE_S


def _value_at(steps: Sequence[Step], when: datetime) -> float:
    value = steps[0][1]
    for moment, amps in steps:
        if moment > when:
            break
        value = amps
    return value


def _merged(steps: list[Step]) -> list[Step]:
    merged: list[Step] = []
    for moment, amps in steps:
        if merged and merged[-1][1] == amps:
            continue
        merged.append((moment, amps))
    return merged


def check_against_intent(intent: LimitIntent, composite: ChargingSchedule,
                         pole_start: datetime, *, now: datetime,
                         redeploy: TenderProfileSettings | None = None) -> IntentCheck:
    """Compare a pole's GetCompositeSchedule answer with `intent`, in real time.

    The answer's periods are seconds from the pole's own now, so a step ``s`` seconds
    into it happens at real time ``now + s`` (`now`: our clock when the answer
    arrived), whatever the pole's clock says; `pole_start` (its scheduleStart)
    minus `now` is only reported, as the pole's clock offset. Steps within
    `STEP_TOLERANCE_S` of their time and limits within `TOLERANCE_A` count as
    equal. With `redeploy` (the tender settings a service re-deploys by), the
    check stops at the next daylight-saving re-deployment (`next_redeploy_time`).
    """
    pole_start, now = require_aware(pole_start, "pole_start"), require_aware(now, "now")
    offset = pole_start - now
    factor = 1 / WATTS_PER_AMP if composite.charging_rate_unit is ChargingRateUnitType.watts \
        else 1.0
    duration = composite.duration_s or 86_400
    begin, end = now, now + timedelta(seconds=duration)
    cut = None
    if redeploy is not None:
        change = next_redeploy_time(redeploy, begin)
        if change is not None and change < end:
            end = cut = change
    pole = [(now + timedelta(seconds=p.start_period_s), p.limit * factor)
            for p in composite.periods]
    expected = intent.steps(begin, end)
    edges = sorted({begin, *(m for m, _ in pole if begin < m < end),
                    *(m for m, _ in expected if begin < m < end)})
    spans: list[LimitDifference] = []
    for index, moment in enumerate(edges):
        until = edges[index + 1] if index + 1 < len(edges) else end
        pole_a, expected_a = _value_at(pole, moment), _value_at(expected, moment)
        if abs(pole_a - expected_a) <= TOLERANCE_A + 1e-9:
            continue
        last = spans[-1] if spans else None
        if last is not None and last.end == moment and (last.pole_a, last.expected_a) == (
                pole_a, expected_a):
            spans[-1] = LimitDifference(last.start, until, pole_a, expected_a)
        else:
            spans.append(LimitDifference(moment, until, pole_a, expected_a))
    kept = tuple(span for span in spans
                 if (span.end - span.start).total_seconds() > STEP_TOLERANCE_S)
    return IntentCheck(kept, begin, end, offset.total_seconds(), cut)


OFFSET_WORDS: Mapping[str, str] = {
    "day": "day", "days": "days", "h": "h", "min": "min", "s": "s",
    "behind": "%1 behind", "ahead": "%1 ahead"}
"""The words of `describe_offset`; an app passes its own translation of each."""


def describe_offset(offset_s: float, words: Mapping[str, str] = OFFSET_WORDS) -> str:
    """``9 days behind``, ``3 h 5 min ahead``, ``40 s behind``: a clock offset in words."""
    seconds = round(abs(offset_s))
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        parts = [f"{days} {words['day'] if days == 1 else words['days']}"]
        if hours:
            parts.append(f"{hours} {words['h']}")
    elif hours:
        parts = [f"{hours} {words['h']}"] + ([f"{minutes} {words['min']}"] if minutes else [])
    elif minutes:
        parts = [f"{minutes} {words['min']}"]
    else:
        parts = [f"{secs} {words['s']}"]
    template = words["behind"] if offset_s < 0 else words["ahead"]
    return template.replace("%1", " ".join(parts))
