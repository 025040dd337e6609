"""The expected day of a capacity profile, and how the pole's own answer differs from it.

Why compute locally: a technician must see what a profile does over the day *before*
sending it, and after sending it the only proof that the pole understood it is the
pole's own GetCompositeSchedule. The preview uses `pole_link.profiles.composite`, the
same rules the pole runs. The pole's answer is checked against what the profile is
*for* (`pole_link.profiles.intent`: 17:00-21:00 Amsterdam time, whatever the pole's
clock), in real time, by the same function the back office verifies with — so a
profile that is not in force on a pole whose clock is behind is never "verified".
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ocpp.v16.enums import ChargingRateUnitType

from pole_link.profiles.charging_profile import (
    ChargingProfile,
    ProfileStore,
)
from pole_link.profiles.composite import WATTS_PER_AMP, composite_schedule, parse_composite_answer
from pole_link.profiles.intent import (
    TOLERANCE_A,
    IntentCheck,
    LimitIntent,
    check_against_intent,
)
from pole_link.profiles.tender import TenderProfileSettings

__all__ = [
    "TOLERANCE_A",
    "Difference",
    "Preview",
    "Step",
    "check",
    "format_amps",
    "pole_steps",
    "verify",
]


@dataclass(frozen=True)
class Step:
    """From `start` (aware, local zone) the limit is `limit_a` amps per phase."""

    start: datetime
    limit_a: float


@dataclass(frozen=True)
class Preview:
    """One local day of the composite schedule a profile gives, plus what it was built from.

    `steps` cover ``[start, end)``, the local day (23 or 25 h on a daylight-saving
    day). `intent` is what the profile is for, the expectation `verify` holds the
    pole's answer to over *any* window; `redeploy` is set for the tender template,
    which the back office re-deploys before each daylight-saving change (so a check
    stops there). `peak` is the tender's peak window, for shading; None for a custom
    profile.
    """

    start: datetime
    end: datetime
    steps: tuple[Step, ...]
    profile: ChargingProfile
    connector_id: int
    grid_limit_a: float
    zone: ZoneInfo
    intent: LimitIntent
    peak: tuple[datetime, datetime] | None = None
    redeploy: TenderProfileSettings | None = None

    def limit_at(self, when: datetime) -> float | None:
        """The previewed limit at `when`; None outside the previewed day."""
        if not self.start <= when < self.end:
            return None
        found: float | None = None
        for step in self.steps:
            if step.start <= when:
                found = step.limit_a
        return found


def build_preview(profile: ChargingProfile, *, connector_id: int, grid_limit_a: float,
                  day_start: datetime, day_end: datetime, zone: ZoneInfo,
                  intent: LimitIntent, peak: tuple[datetime, datetime] | None = None,
                  redeploy: TenderProfileSettings | None = None) -> Preview:
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
                   connector_id, grid_limit_a, zone, intent, peak, redeploy)


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
    """The pole's GetCompositeSchedule answer, in the local zone and in amps.

    Placed in real time: a step ``s`` seconds into the answer happens ``s`` seconds
    after it arrived, whatever the pole's clock says (`pole_clock` is that clock).
    """

    start: datetime
    end: datetime
    steps: tuple[Step, ...]
    pole_clock: datetime

    def until(self, moment: datetime) -> PoleSchedule:
        """Only what was checked: the schedule cut at `moment` (if it ends later)."""
        if moment >= self.end:
            return self
        end = moment.astimezone(self.end.tzinfo)
        return replace(self, end=end, steps=tuple(s for s in self.steps if s.start < end))


def pole_steps(pole_composite_json: dict[str, Any], zone: ZoneInfo,
               received: datetime | None = None) -> PoleSchedule:
    """Parse the pole's answer, placed at `received` (default: the pole's own clock);
    `ProfileError` if it refused or the answer is malformed."""
    pole_clock, schedule = parse_composite_answer(pole_composite_json)
    start = pole_clock if received is None else received
    factor = 1 / WATTS_PER_AMP if schedule.charging_rate_unit is ChargingRateUnitType.watts \
        else 1.0
    duration = schedule.duration_s or 86_400
    steps = tuple(Step((start + timedelta(seconds=p.start_period_s)).astimezone(zone),
                       p.limit * factor) for p in schedule.periods)
    return PoleSchedule(start.astimezone(zone),
                        (start + timedelta(seconds=duration)).astimezone(zone), steps,
                        pole_clock.astimezone(zone))


def check(expected_preview: Preview, pole_composite_json: dict[str, Any],
          received: datetime | None = None) -> IntentCheck:
    """The pole's answer against the profile's intent (`check_against_intent`).

    `received` is our clock when the answer arrived; None trusts the pole's clock
    (its scheduleStart), for answers that were not just received.
    """
    pole_clock, schedule = parse_composite_answer(pole_composite_json)
    return check_against_intent(expected_preview.intent, schedule, pole_clock,
                                now=received or pole_clock,
                                redeploy=expected_preview.redeploy)


def differences_of(result: IntentCheck, zone: ZoneInfo) -> list[Difference]:
    """The check's differences for the screen (local time, later days named)."""
    first = result.checked_from.astimezone(zone)
    return [Difference(d.start.astimezone(zone), d.end.astimezone(zone), d.pole_a,
                       d.expected_a, first) for d in result.differences]


def verify(expected_preview: Preview, pole_composite_json: dict[str, Any],
           received: datetime | None = None) -> list[Difference]:
    """Where the pole's own composite schedule differs from what the profile is for.

    Checked over the whole window the pole answers for (a day from now, cut at a
    daylight-saving re-deployment for the tender template); neighbouring differing
    stretches with the same two values are merged; an empty list means the pole does
    what the profile intends.
    """
    return differences_of(check(expected_preview, pole_composite_json, received),
                          expected_preview.zone)
