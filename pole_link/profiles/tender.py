"""The tender's capacity profile: 30 A, except 7 A during the 17:00-21:00 local peak.

OCPP 1.6 cannot say "17:00 Amsterdam time every day": a Recurring Daily profile
repeats every 24 h of absolute time from its startSchedule. A profile with the
peak periods at the real number of seconds from one local midnight to 17:00 and
21:00 local is right on that day and on every following day with the same UTC
offset at 17:00 and 21:00 — until the next daylight-saving change, after which
it is an hour off. Hence SPEC.md's decision: the CSMS re-deploys the profile
before each change; `next_redeploy_time` says when.

**Where the repetition starts** (`recurrence_origin`). startSchedule is *not*
the day of deployment but the local midnight of the first whole day of the
current daylight-saving period (the day after the last change): a pole does
nothing with a Recurring profile before its startSchedule, so a profile starting
"today" is not in force at all on a pole whose clock is a few days behind, and
it would charge at 30 A through the peak. Starting at the last change, the
profile lands the peak on 17:00-21:00 local for every pole clock within the
current period, and no earlier start can (before the change the same repetition
is an hour off). Only a profile built *on* a change day starts that day (it is
deployed at its midnight, before the change): its periods count that day's 23
or 25 real hours, which keeps every step after the change hour right on the days
that follow.

**Re-deploy choice.** The re-deployed profile is built for the day of the change
and is deployed at that day's local midnight (its own startSchedule, 2-3 h
before the change at 02:00/03:00 in Europe/Amsterdam). Deploying exactly at its
start means the pole never depends on how it treats a Recurring profile before
startSchedule (we treat it as not yet limiting; see composite.py). The same
chargingProfileId and stackLevel make it replace the old profile. If the pole
is unreachable then, the deployment is still in time up to that day's peak
start (`redeploy_window`), and an offline pole gets it at reconnection.

**Connection limits (eis 20, 24, 31, 33).** On a 3x35 A connection (fused 3x32 A
gG in the pole) the software limit is 30 A per phase (eis 31). After three
years the operator may reduce the connection to 3x25 A (eis 24) and the
configured connection must match (eis 33); then the ceiling is the nominal 25 A
itself, because eis 20 only demands that the total never *exceeds* the
connection's nominal current. No limit of this profile may exceed that ceiling.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ocpp.v16.enums import (
    ChargingProfileKindType,
    ChargingProfilePurposeType,
    ChargingRateUnitType,
    RecurrencyKind,
)

from pole_link.profiles.charging_profile import (
    ChargingProfile,
    ChargingSchedule,
    ProfileError,
    SchedulePeriod,
    require_aware,
)

__all__ = [
    "CONNECTION_MAX_A",
    "TenderProfileSettings",
    "build_capacity_profile",
    "local_midnight",
    "next_redeploy_time",
    "peak_window",
    "recurrence_origin",
    "redeploy_window",
    "seconds_into_day",
]

#: Highest software limit per phase for each connection size (see module docstring).
CONNECTION_MAX_A: dict[str, float] = {"3x35": 30.0, "3x25": 25.0}

#: How far ahead `next_redeploy_time` looks for a daylight-saving change.
_SEARCH_DAYS = 2 * 366
#: How far back `recurrence_origin` looks for the last daylight-saving change.
_ORIGIN_SEARCH_DAYS = 366


@dataclass(frozen=True)
class TenderProfileSettings:
    """Configuration of the capacity profile; validated on construction.

    Times are local wall-clock times in `timezone` (no tzinfo, whole seconds).
    Limits are amps per phase, at most one decimal (OCPP's 0.1 resolution), at
    most the connection's ceiling (`CONNECTION_MAX_A`), and the overrule limit is
    never below the peak limit (an overrule lifts the peak limit, never lowers it).
    """

    normal_limit_a: float = 30.0
    peak_start: time = time(17, 0)
    peak_end: time = time(21, 0)
    peak_limit_a: float = 7.0
    overrule_limit_a: float = 25.0
    connection: Literal["3x35", "3x25"] = "3x35"
    timezone: str = "Europe/Amsterdam"
    profile_id: int = 1
    stack_level: int = 0

    def __post_init__(self) -> None:
        if self.connection not in CONNECTION_MAX_A:
            raise ProfileError(
                f"connection = {self.connection!r} is not one of: {', '.join(CONNECTION_MAX_A)}"
            )
        ceiling = CONNECTION_MAX_A[self.connection]
        for name in ("normal_limit_a", "peak_limit_a", "overrule_limit_a"):
            _check_limit(name, getattr(self, name), ceiling, self.connection)
        if self.overrule_limit_a < self.peak_limit_a:
            raise ProfileError(
                f"overrule_limit_a = {self.overrule_limit_a} is below peak_limit_a = "
                f"{self.peak_limit_a}: an overrule must not lower the peak limit"
            )
        for name in ("peak_start", "peak_end"):
            value = getattr(self, name)
            if not isinstance(value, time) or value.tzinfo is not None or value.microsecond:
                raise ProfileError(
                    f"{name} = {value!r} must be a local wall-clock time without tzinfo, "
                    "in whole seconds"
                )
        if self.peak_start >= self.peak_end:
            raise ProfileError(
                f"peak_start = {self.peak_start} is not before peak_end = {self.peak_end}"
            )
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ProfileError(f"timezone = {self.timezone!r} is not a known IANA zone") from None
        for name in ("profile_id", "stack_level"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ProfileError(f"{name} = {value!r} must be an integer >= 0")

    @property
    def zone(self) -> ZoneInfo:
        """The local time zone of the peak."""
        return ZoneInfo(self.timezone)

    @property
    def connection_max_a(self) -> float:
        """The software ceiling per phase for the configured connection."""
        return CONNECTION_MAX_A[self.connection]


def _check_limit(name: str, value: object, ceiling: float, connection: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProfileError(f"{name} must be a number, got {value!r}")
    if not 0 <= value <= ceiling:
        raise ProfileError(
            f"{name} = {value} is out of range: must be between 0 and {ceiling} A "
            f"for a {connection} A connection"
        )
    if Decimal(repr(float(value))) % Decimal("0.1"):
        raise ProfileError(
            f"{name} = {value} has more than one decimal: OCPP limits are 0.1 A steps"
        )


def _local(settings: TenderProfileSettings, local_day: date, at: time) -> datetime:
    # datetime.combine with a ZoneInfo resolves a non-existent or repeated local
    # time with fold=0, i.e. the offset in force before the change.
    return datetime.combine(local_day, at, tzinfo=settings.zone)


def _seconds_between(earlier: datetime, later: datetime) -> int:
    # Subtracting two datetimes with the *same* tzinfo ignores their UTC offsets
    # (wall-clock difference); convert to UTC first to get the real elapsed time.
    return int((later.astimezone(UTC) - earlier.astimezone(UTC)).total_seconds())


def peak_window(settings: TenderProfileSettings, local_day: date) -> tuple[datetime, datetime]:
    """Start and end of the peak on `local_day`, as aware datetimes in the local zone."""
    return (
        _local(settings, local_day, settings.peak_start),
        _local(settings, local_day, settings.peak_end),
    )


@functools.lru_cache(maxsize=1024)
def recurrence_origin(zone: ZoneInfo, local_day: date) -> date:
    """Where a daily profile that holds on `local_day` starts repeating (module docstring).

    The first whole day after the last daylight-saving change on or before `local_day`
    (`local_day` itself if the change happens during it); in a zone without changes in
    the past year, a year back. Remembered per zone and day: the search walks back a day
    at a time (0.1 ms in December), for every profile built and every boot's check.
    """
    def offset(day: date) -> timedelta | None:
        return datetime.combine(day, time(0), tzinfo=zone).utcoffset()

    for back in range(_ORIGIN_SEARCH_DAYS):
        day = local_day - timedelta(days=back)
        if offset(day) != offset(day + timedelta(days=1)):
            return day if back == 0 else day + timedelta(days=1)
    return local_day - timedelta(days=_ORIGIN_SEARCH_DAYS)


def local_midnight(zone: ZoneInfo, local_day: date) -> datetime:
    """The start of `local_day` in `zone`, as a UTC instant."""
    return datetime.combine(local_day, time(0), tzinfo=zone).astimezone(UTC)


def seconds_into_day(zone: ZoneInfo, local_day: date, at: time) -> int:
    """Real seconds from the local midnight of `local_day` to wall-clock `at` that day
    (one hour fewer or more than the clock says after a daylight-saving change)."""
    return _seconds_between(datetime.combine(local_day, time(0), tzinfo=zone),
                            datetime.combine(local_day, at, tzinfo=zone))


def build_capacity_profile(settings: TenderProfileSettings, local_day: date) -> ChargingProfile:
    """The pole's ChargePointMaxProfile (connector 0) that holds on `local_day`.

    Recurring Daily from the local midnight of `recurrence_origin` (as a UTC
    instant); periods normal → peak → normal at the real elapsed seconds from that
    midnight to the peak on that day, so the peak lands on 17:00-21:00 local on
    every day from the origin until the next daylight-saving change, `local_day`
    included. Unit A; a duration of 24 h, as some poles require one.
    """
    zone = settings.zone
    origin = recurrence_origin(zone, local_day)
    steps = [
        (0, settings.normal_limit_a),
        (seconds_into_day(zone, origin, settings.peak_start), settings.peak_limit_a),
        (seconds_into_day(zone, origin, settings.peak_end), settings.normal_limit_a),
    ]
    if steps[1][0] == 0:  # the peak starts at midnight: no normal period before it
        del steps[0]
    return ChargingProfile(
        profile_id=settings.profile_id,
        stack_level=settings.stack_level,
        purpose=ChargingProfilePurposeType.charge_point_max_profile,
        kind=ChargingProfileKindType.recurring,
        recurrency_kind=RecurrencyKind.daily,
        schedule=ChargingSchedule(
            periods=tuple(SchedulePeriod(start_period_s=s, limit=a) for s, a in steps),
            charging_rate_unit=ChargingRateUnitType.amps,
            duration_s=86_400,
            start_schedule=local_midnight(zone, origin),
        ),
    )


def _misplaced(zone: ZoneInfo, peak_start: time, peak_end: time, local_day: date) -> bool:
    """True if a profile built for the day before puts the peak at the wrong time on
    `local_day` (a daylight-saving change between the two days' peaks)."""
    previous = local_day - timedelta(days=1)
    return any(
        datetime.combine(local_day, at, tzinfo=zone).utcoffset()
        != datetime.combine(previous, at, tzinfo=zone).utcoffset()
        for at in (peak_start, peak_end)
    )


@functools.lru_cache(maxsize=1024)
def _change_days(timezone: str, peak_start: time, peak_end: time, today: date
                 ) -> tuple[date, ...]:
    """The first two days from `today` on (within `_SEARCH_DAYS`) whose peak a profile
    from the day before misplaces (`_misplaced`).

    Two, because the first may be `today` with its midnight already past. Remembered:
    the search walks up to two years a day at a time (0.5 ms from December to March),
    and the policy asks it for every connected pole at least once an hour — 10,000 poles
    stalled the event loop about 5 s each time (issue 20). The answer depends only on the
    zone, the peak and the day, which most poles share."""
    zone = ZoneInfo(timezone)
    found: list[date] = []
    for days in range(_SEARCH_DAYS):
        day = today + timedelta(days=days)
        if _misplaced(zone, peak_start, peak_end, day):
            found.append(day)
            if len(found) == 2:
                break
    return tuple(found)


def redeploy_window(
    settings: TenderProfileSettings, after: datetime
) -> tuple[datetime, datetime] | None:
    """``(deploy_at, deadline)`` of the next re-deployment whose `deploy_at` is after `after`.

    `deploy_at` is the local midnight (in UTC) of the day whose peak a profile
    from the day before would misplace; the profile to deploy is
    ``build_capacity_profile(settings, <that day>)``. `deadline` is that day's
    peak start: until then the old and new profiles agree. None if the zone has
    no change within two years.
    """
    after = require_aware(after, "after")
    today = after.astimezone(settings.zone).date()
    for day in _change_days(settings.timezone, settings.peak_start, settings.peak_end, today):
        deploy_at = _local(settings, day, time(0)).astimezone(UTC)
        if deploy_at > after:
            return deploy_at, peak_window(settings, day)[0].astimezone(UTC)
    return None


def next_redeploy_time(settings: TenderProfileSettings, after: datetime) -> datetime | None:
    """The next instant after `after` at which the CSMS must re-deploy the capacity profile.

    The local midnight that starts the day of the next daylight-saving change
    (before the change itself); deploy ``build_capacity_profile`` for that day.
    Strictly after `after`, so a scheduler can feed back the time it deployed.
    """
    window = redeploy_window(settings, after)
    return None if window is None else window[0]
