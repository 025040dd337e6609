"""The expected day of a capacity profile, and how the pole's own answer differs from it.

Why compute locally: a technician must see what a profile does over the day *before*
sending it, and after sending it the only proof that the pole understood it is the
pole's own GetCompositeSchedule. Both sides use `pole_link.profiles.composite`, the
same rules the pole runs, so any difference is a real one (another profile stacked
above ours, a different grid limit, a pole clock in another day), never a rounding
artefact of the GUI.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from ocpp.v16.enums import ChargingRateUnitType

from pole_link.profiles.charging_profile import (
    ChargingProfile,
    ChargingSchedule,
    ProfileError,
    ProfileStore,
)
from pole_link.profiles.composite import WATTS_PER_AMP, composite_schedule

__all__ = [
    "TOLERANCE_A",
    "Difference",
    "Preview",
    "Step",
    "format_amps",
    "pole_steps",
    "verify",
]

TOLERANCE_A = 0.1
"""OCPP limits travel in 0.1 A steps, rounded down: closer than this is the same limit."""


@dataclass(frozen=True)
class Step:
    """From `start` (aware, local zone) the limit is `limit_a` amps per phase."""

    start: datetime
    limit_a: float


@dataclass(frozen=True)
class Preview:
    """One local day of the composite schedule a profile gives, plus what it was built from.

    `steps` cover ``[start, end)``, the local day (23 or 25 h on a daylight-saving
    day). `profile`, `connector_id` and `grid_limit_a` let `verify` compute the
    expectation for *any* window the pole answers for (it answers from its own now).
    `peak` is the tender's peak window, for shading; None for a custom profile.
    """

    start: datetime
    end: datetime
    steps: tuple[Step, ...]
    profile: ChargingProfile
    connector_id: int
    grid_limit_a: float
    zone: ZoneInfo
    peak: tuple[datetime, datetime] | None = None

    def limit_at(self, when: datetime) -> float | None:
        """The previewed limit at `when`; None outside the previewed day."""
        if not self.start <= when < self.end:
            return None
        found: float | None = None
        for step in self.steps:
            if step.start <= when:
                found = step.limit_a
        return found

    def expected(self, start: datetime, duration_s: int) -> ChargingSchedule:
        """What the pole should answer to GetCompositeSchedule from `start` for `duration_s`."""
        store = ProfileStore()
        store.install(self.connector_id, self.profile)
        return composite_schedule(store, self.connector_id, start, duration_s,
                                  grid_limit_a=self.grid_limit_a)


def build_preview(profile: ChargingProfile, *, connector_id: int, grid_limit_a: float,
                  day_start: datetime, day_end: datetime, zone: ZoneInfo,
                  peak: tuple[datetime, datetime] | None = None) -> Preview:
    """The local day ``[day_start, day_end)`` of `profile`, computed as the pole would."""
    store = ProfileStore()
    store.install(connector_id, profile)
    duration_s = int((day_end - day_start).total_seconds())
    schedule = composite_schedule(store, connector_id, day_start, duration_s,
                                  grid_limit_a=grid_limit_a)
    steps = tuple(
        Step((day_start + timedelta(seconds=p.start_period_s)).astimezone(zone), p.limit)
        for p in schedule.periods
    )
    return Preview(day_start.astimezone(zone), day_end.astimezone(zone), steps, profile,
                   connector_id, grid_limit_a, zone, peak)


@dataclass(frozen=True)
class Difference:
    """Between `start` and `end` the pole allows `pole_a` where `expected_a` was expected."""

    start: datetime
    end: datetime
    pole_a: float
    expected_a: float
    first_day: datetime
    """The local start of the pole's answer: intervals on a later day name their date."""

    @property
    def span(self) -> str:
        """``17:00–21:00`` in the pole's local time (a later day is named)."""
        return f"{_clock(self.start, self.first_day)}–{_clock(self.end, self.first_day)}"

    def __str__(self) -> str:
        pole, expected = format_amps(self.pole_a), format_amps(self.expected_a)
        return f"{self.span}: pole {pole}, expected {expected}"


def format_amps(value: float) -> str:
    """``7 A`` or ``7.5 A``: a technician reads whole amps without a trailing ``.0``."""
    return f"{value:.0f} A" if abs(value - round(value)) < 1e-9 else f"{value:.1f} A"


def _clock(moment: datetime, first: datetime) -> str:
    if moment.date() == first.date():
        return f"{moment:%H:%M}"
    if moment.time().hour == 0 and moment.time().minute == 0 and (
            moment.date() - first.date()).days == 1:
        return "24:00"
    return f"{moment:%a %H:%M}"


@dataclass(frozen=True)
class PoleSchedule:
    """The pole's GetCompositeSchedule answer, in the local zone and in amps."""

    start: datetime
    end: datetime
    steps: tuple[Step, ...]


def pole_steps(pole_composite_json: dict[str, Any], zone: ZoneInfo) -> PoleSchedule:
    """Parse the pole's answer; `ProfileError` if it refused or the answer is malformed."""
    status = pole_composite_json.get("status")
    if status != "Accepted":
        raise ProfileError(
            f"GetCompositeSchedule: the pole answered status = {status!r}, not Accepted: it "
            "could not compute its schedule (no profile and no grid limit, or a bad connector)")
    raw_start = pole_composite_json.get("scheduleStart")
    if not isinstance(raw_start, str):
        raise ProfileError(f"GetCompositeSchedule: scheduleStart is missing ({raw_start!r})")
    try:
        start = datetime.fromisoformat(raw_start)
    except ValueError:
        raise ProfileError(f"GetCompositeSchedule: scheduleStart = {raw_start!r} is not "
                           "an ISO 8601 date-time") from None
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    schedule = ChargingSchedule.from_ocpp(pole_composite_json.get("chargingSchedule"))
    factor = 1 / WATTS_PER_AMP if schedule.charging_rate_unit is ChargingRateUnitType.watts \
        else 1.0
    duration = schedule.duration_s or 86_400
    steps = tuple(Step((start + timedelta(seconds=p.start_period_s)).astimezone(zone),
                       p.limit * factor) for p in schedule.periods)
    return PoleSchedule(start.astimezone(zone),
                        (start + timedelta(seconds=duration)).astimezone(zone), steps)


def _value_at(steps: Sequence[Step], when: datetime) -> float:
    value = steps[0].limit_a
    for step in steps:
        if step.start <= when:
            value = step.limit_a
    return value


def verify(expected_preview: Preview, pole_composite_json: dict[str, Any],
           tolerance_a: float = TOLERANCE_A) -> list[Difference]:
    """Where the pole's own composite schedule differs from what `expected_preview` predicts.

    The expectation is computed for exactly the pole's window (it answers from its
    own clock's now), so a daily profile is checked over a full 24 h whatever the
    hour. Neighbouring differing stretches with the same two values are merged; an
    empty list means the pole does what the preview shows.
    """
    zone = expected_preview.zone
    pole = pole_steps(pole_composite_json, zone)
    duration_s = int((pole.end - pole.start).total_seconds())
    expected_schedule = expected_preview.expected(pole.start, duration_s)
    expected = [Step((pole.start + timedelta(seconds=p.start_period_s)).astimezone(zone),
                     p.limit) for p in expected_schedule.periods]
    edges = sorted({s.start for s in pole.steps} | {s.start for s in expected} | {pole.end})
    differences: list[Difference] = []
    for begin, finish in pairwise(edges):
        if begin >= pole.end:
            break
        pole_a, expected_a = _value_at(pole.steps, begin), _value_at(expected, begin)
        if abs(pole_a - expected_a) <= tolerance_a + 1e-9:
            continue
        last = differences[-1] if differences else None
        if last is not None and last.end == begin and last.pole_a == pole_a \
                and last.expected_a == expected_a:
            differences[-1] = Difference(last.start, finish, pole_a, expected_a, pole.start)
        else:
            differences.append(Difference(begin, finish, pole_a, expected_a, pole.start))
    return differences
