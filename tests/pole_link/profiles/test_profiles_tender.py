"""The tender's capacity profile: 30 A / 7 A at 17:00-21:00 Europe/Amsterdam, and DST."""

from __future__ import annotations

import decimal
import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from ocpp.messages import get_validator
from ocpp.v16.enums import (
    ChargingProfileKindType,
    ChargingProfilePurposeType,
    ChargingRateUnitType,
    RecurrencyKind,
)

from pole_link.profiles import (
    ChargingProfile,
    ProfileError,
    ProfileStore,
    TenderProfileSettings,
    build_capacity_profile,
    composite_schedule,
    limit_at,
    next_redeploy_time,
    peak_window,
    redeploy_window,
)
from pole_link.profiles.tender import recurrence_origin

AMS = ZoneInfo("Europe/Amsterdam")
SPRING = date(2026, 3, 29)  # 02:00 CET -> 03:00 CEST, at 01:00 UTC
AUTUMN = date(2026, 10, 25)  # 03:00 CEST -> 02:00 CET, at 01:00 UTC
SPRING_CHANGE = datetime(2026, 3, 29, 1, tzinfo=UTC)
AUTUMN_CHANGE = datetime(2026, 10, 25, 1, tzinfo=UTC)
DEFAULT = TenderProfileSettings()


def local(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute, second), tzinfo=AMS)


def pole_with(profile: ChargingProfile) -> ProfileStore:
    store = ProfileStore()
    store.install(0, profile)
    return store


def peak_hours(store: ProfileStore, day: date) -> list[int]:
    """Local hours of `day` (sampled at :30) in which the pole limit is the 7 A peak."""
    return [h for h in range(24) if limit_at(store, 0, local(day, h, 30)) == 7.0]


def assert_peak_exactly_17_to_21(store: ProfileStore, day: date) -> None:
    one_second = timedelta(seconds=1)
    assert limit_at(store, 0, local(day, 17) - one_second) == 30.0
    assert limit_at(store, 0, local(day, 17)) == 7.0
    assert limit_at(store, 0, local(day, 21) - one_second) == 7.0
    assert limit_at(store, 0, local(day, 21)) == 30.0
    assert peak_hours(store, day) == [17, 18, 19, 20]


# --------------------------------------------------------------------------- settings


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"normal_limit_a": 31},
            r"normal_limit_a = 31 is out of range: must be between 0 and "
            r"30.0 A for a 3x35 A connection",
        ),
        ({"peak_limit_a": -1}, r"peak_limit_a = -1 is out of range"),
        (
            {"connection": "3x25"},
            r"normal_limit_a = 30.0 is out of range: must be between 0 "
            r"and 25.0 A for a 3x25 A connection",
        ),
        ({"connection": "3x40"}, r"connection = '3x40' is not one of: 3x35, 3x25"),
        ({"peak_limit_a": 7.25}, r"peak_limit_a = 7.25 has more than one decimal"),
        ({"overrule_limit_a": 6}, r"overrule_limit_a = 6 is below peak_limit_a = 7.0"),
        ({"peak_start": time(21), "peak_end": time(17)}, r"peak_start = 21:00:00 is not before"),
        ({"peak_end": time(17)}, r"peak_start = 17:00:00 is not before peak_end = 17:00:00"),
        ({"peak_start": time(17, tzinfo=UTC)}, r"peak_start = .* without tzinfo"),
        ({"timezone": "Europe/Nowhere"}, r"timezone = 'Europe/Nowhere' is not a known IANA"),
        ({"stack_level": -1}, r"stack_level = -1 must be an integer >= 0"),
    ],
)
def test_settings_are_validated(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ProfileError, match=message):
        TenderProfileSettings(**kwargs)


def test_eis33_a_3x25_connection_allows_at_most_25_a() -> None:
    settings = TenderProfileSettings(connection="3x25", normal_limit_a=25, overrule_limit_a=25)
    assert settings.connection_max_a == 25.0
    profile = build_capacity_profile(settings, date(2026, 6, 15))
    assert max(p.limit for p in profile.schedule.periods) == 25.0


# --------------------------------------------------------------------------- the profile


def test_capacity_profile_shape_on_an_ordinary_day() -> None:
    profile = build_capacity_profile(DEFAULT, date(2026, 6, 15))
    assert profile.purpose is ChargingProfilePurposeType.charge_point_max_profile
    assert profile.kind is ChargingProfileKindType.recurring
    assert profile.recurrency_kind is RecurrencyKind.daily
    assert profile.schedule.charging_rate_unit is ChargingRateUnitType.amps
    # Repeating from the first whole day of summer time, not from the day it is built for.
    first_summer_day = SPRING + timedelta(days=1)
    assert profile.schedule.start_schedule == local(first_summer_day, 0) == datetime(
        2026, 3, 29, 22, tzinfo=UTC)
    assert [(p.start_period_s, p.limit) for p in profile.schedule.periods] == [
        (0, 30.0),
        (17 * 3600, 7.0),
        (21 * 3600, 30.0),
    ]
    assert (profile.profile_id, profile.stack_level) == (1, 0)


@pytest.mark.parametrize("behind_days", [0, 1, 9, 30, 38])
def test_eis24_a_pole_whose_clock_is_days_behind_still_limits_the_peak(
        behind_days: int) -> None:
    """Built on 2026-12-04: a pole still in the winter period limits 17:00-21:00 its time."""
    store = pole_with(build_capacity_profile(DEFAULT, date(2026, 12, 4)))
    pole_day = date(2026, 12, 4) - timedelta(days=behind_days)  # 38 days: 2026-10-27
    assert_peak_exactly_17_to_21(store, pole_day)


def test_a_pole_clock_before_the_last_change_is_not_limited_by_todays_profile() -> None:
    """Before its start a recurring profile does nothing: verification must catch that."""
    store = pole_with(build_capacity_profile(DEFAULT, date(2026, 12, 4)))
    assert limit_at(store, 0, local(AUTUMN, 17, 30)) is None
    assert limit_at(store, 0, local(AUTUMN + timedelta(days=1), 17, 30)) == 7.0


def test_recurrence_origin_is_the_first_day_after_the_last_change() -> None:
    after_autumn = AUTUMN + timedelta(days=1)
    assert recurrence_origin(AMS, date(2026, 12, 4)) == after_autumn
    assert recurrence_origin(AMS, after_autumn) == after_autumn
    assert recurrence_origin(AMS, AUTUMN) == AUTUMN  # built on the change day: that day
    assert recurrence_origin(AMS, AUTUMN - timedelta(days=1)) == SPRING + timedelta(days=1)
    assert recurrence_origin(ZoneInfo("UTC"), date(2026, 12, 4)) == date(2025, 12, 3)


def test_capacity_profile_is_schema_valid_for_connector_0() -> None:
    payload = {
        "connectorId": 0,
        "csChargingProfiles": build_capacity_profile(DEFAULT, SPRING).to_ocpp(),
    }
    wire = json.loads(json.dumps(payload), parse_float=decimal.Decimal)
    validator = get_validator(2, "SetChargingProfile", "1.6", parse_float=decimal.Decimal)
    assert list(validator.iter_errors(wire)) == []
    assert ChargingProfile.from_ocpp(wire["csChargingProfiles"]) == build_capacity_profile(
        DEFAULT, SPRING
    )


def test_peak_is_exactly_17_to_21_amsterdam_on_an_ordinary_day_and_the_days_after() -> None:
    day = date(2026, 6, 15)
    store = pole_with(build_capacity_profile(DEFAULT, day))
    for later in range(4):
        assert_peak_exactly_17_to_21(store, day + timedelta(days=later))


def test_peak_in_winter_is_17_to_21_local_which_is_16_to_20_utc() -> None:
    store = pole_with(build_capacity_profile(DEFAULT, date(2026, 1, 12)))
    assert limit_at(store, 0, datetime(2026, 1, 12, 16, tzinfo=UTC)) == 7.0
    assert limit_at(store, 0, datetime(2026, 1, 12, 15, 59, 59, tzinfo=UTC)) == 30.0
    assert limit_at(store, 0, datetime(2026, 1, 12, 20, tzinfo=UTC)) == 30.0


def test_peak_window_is_local_and_aware() -> None:
    start, end = peak_window(DEFAULT, AUTUMN)
    assert (start.tzinfo, start.hour, end.hour) == (AMS, 17, 21)
    assert start == datetime(2026, 10, 25, 16, tzinfo=UTC)
    assert end - start == timedelta(hours=4)


def test_configured_peak_and_limits_are_used() -> None:
    settings = TenderProfileSettings(
        peak_start=time(16, 30),
        peak_end=time(22),
        peak_limit_a=10.5,
        normal_limit_a=24,
        profile_id=9,
        stack_level=2,
    )
    profile = build_capacity_profile(settings, date(2026, 6, 15))
    store = pole_with(profile)
    assert limit_at(store, 0, local(date(2026, 6, 15), 16, 29)) == 24.0
    assert limit_at(store, 0, local(date(2026, 6, 15), 16, 30)) == 10.5
    assert limit_at(store, 0, local(date(2026, 6, 15), 22)) == 24.0
    assert (profile.profile_id, profile.stack_level) == (9, 2)


# --------------------------------------------------------------------------- DST


@pytest.mark.parametrize("dst_day", [SPRING, AUTUMN], ids=["spring", "autumn"])
def test_eis24_profile_built_for_a_dst_day_keeps_the_peak_at_17_to_21_local(dst_day: date) -> None:
    store = pole_with(build_capacity_profile(DEFAULT, dst_day))
    for later in range(3):
        assert_peak_exactly_17_to_21(store, dst_day + timedelta(days=later))


@pytest.mark.parametrize(
    ("dst_day", "wrong_hours"),
    [(SPRING, [18, 19, 20, 21]), (AUTUMN, [16, 17, 18, 19])],
    ids=["spring-an-hour-late", "autumn-an-hour-early"],
)
def test_eis24_profile_from_the_day_before_is_an_hour_off_after_the_change(
    dst_day: date, wrong_hours: list[int]
) -> None:
    """Why the CSMS must re-deploy: OCPP repeats every 24 h of absolute time."""
    day_before = dst_day - timedelta(days=1)
    store = pole_with(build_capacity_profile(DEFAULT, day_before))
    assert_peak_exactly_17_to_21(store, day_before)  # right until the change...
    assert peak_hours(store, dst_day) == wrong_hours  # ...an hour off after it
    assert peak_hours(store, dst_day + timedelta(days=1)) == wrong_hours


def test_spring_day_periods_count_real_seconds_from_midnight() -> None:
    periods = build_capacity_profile(DEFAULT, SPRING).schedule.periods
    assert [p.start_period_s for p in periods] == [0, 16 * 3600, 20 * 3600]
    periods = build_capacity_profile(DEFAULT, AUTUMN).schedule.periods
    assert [p.start_period_s for p in periods] == [0, 18 * 3600, 22 * 3600]


def test_next_redeploy_time_lands_before_each_change() -> None:
    first = next_redeploy_time(DEFAULT, datetime(2026, 1, 1, tzinfo=UTC))
    assert first == local(SPRING, 0) == datetime(2026, 3, 28, 23, tzinfo=UTC)
    assert first < SPRING_CHANGE
    second = next_redeploy_time(DEFAULT, first)  # strictly after: feed back the deploy time
    assert second == local(AUTUMN, 0) == datetime(2026, 10, 24, 22, tzinfo=UTC)
    assert second < AUTUMN_CHANGE
    third = next_redeploy_time(DEFAULT, second)
    assert third == local(date(2027, 3, 28), 0)
    assert next_redeploy_time(DEFAULT, SPRING_CHANGE) == second  # past this change: next one


def test_redeploy_window_ends_at_the_peak_start_of_the_change_day() -> None:
    window = redeploy_window(DEFAULT, datetime(2026, 9, 1, tzinfo=UTC))
    assert window == (local(AUTUMN, 0), local(AUTUMN, 17))


def searched_window(settings: TenderProfileSettings, after: datetime
                    ) -> tuple[datetime, datetime] | None:
    """The re-deployment window by its definition: day by day from `after`'s local day,
    the first midnight after `after` whose day's peak the day before's profile misplaces."""
    zone = settings.zone
    today = after.astimezone(zone).date()
    for days in range(2 * 366):
        day = today + timedelta(days=days)
        offsets = [(datetime.combine(day, at, tzinfo=zone).utcoffset(),
                    datetime.combine(day - timedelta(days=1), at, tzinfo=zone).utcoffset())
                   for at in (settings.peak_start, settings.peak_end)]
        midnight = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
        if any(now != before for now, before in offsets) and midnight > after:
            start = datetime.combine(day, settings.peak_start, tzinfo=zone).astimezone(UTC)
            return midnight, start
    return None


@pytest.mark.parametrize("timezone", ["Europe/Amsterdam", "America/Santiago",
                                      "Australia/Lord_Howe", "Asia/Tokyo"])
def test_the_remembered_redeploy_window_is_the_searched_one_every_hour_of_a_year(
        timezone: str) -> None:
    """The window is remembered per zone, peak and day (the policy asks it for every
    connected pole each hour); it must be what the day-by-day search gives, on the change
    days themselves too (before and after their midnight), in zones with a southern
    summer, a half-hour change and none at all."""
    settings = TenderProfileSettings(timezone=timezone)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    # Every fifth hour: each hour of the day in turn (no change: the search walks two
    # years each time, so a few days suffice).
    step = 5 if timezone != "Asia/Tokyo" else 24 * 30 + 1
    for hours in range(0, 366 * 24, step):
        after = start + timedelta(hours=hours)
        assert redeploy_window(settings, after) == searched_window(settings, after), after
    if timezone == "Asia/Tokyo":
        assert redeploy_window(settings, start) is None


@pytest.mark.parametrize("dst_day", [SPRING, AUTUMN], ids=["spring", "autumn"])
def test_redeploying_at_next_redeploy_time_keeps_every_peak_right(dst_day: date) -> None:
    """The CSMS's procedure end to end: day-before profile, re-deploy at the given time."""
    day_before = dst_day - timedelta(days=1)
    store = pole_with(build_capacity_profile(DEFAULT, day_before))
    redeploy = next_redeploy_time(DEFAULT, local(day_before, 12))
    assert redeploy is not None
    assert local(day_before, 21) <= redeploy < local(dst_day, 17)
    before = limit_at(store, 0, redeploy)
    store.install(0, build_capacity_profile(DEFAULT, redeploy.astimezone(AMS).date()))
    assert len(store) == 1  # replaced, not stacked
    assert limit_at(store, 0, redeploy) == before == 30.0  # no jump at the switch
    assert_peak_exactly_17_to_21(store, dst_day)
    assert_peak_exactly_17_to_21(store, dst_day + timedelta(days=1))


def test_composite_over_the_spring_day_shows_the_local_peak() -> None:
    """What the CSMS's GetCompositeSchedule check after re-deployment sees (a 23 h day)."""
    store = pole_with(build_capacity_profile(DEFAULT, SPRING))
    start = local(SPRING, 0)
    result = composite_schedule(store, 0, start, 23 * 3600, grid_limit_a=30.0)
    assert [(p.start_period_s, p.limit) for p in result.periods] == [
        (0, 30.0),
        (16 * 3600, 7.0),
        (20 * 3600, 30.0),
    ]
    assert start.astimezone(UTC) + timedelta(seconds=16 * 3600) == local(SPRING, 17)


def test_no_dst_zone_needs_no_redeploy() -> None:
    settings = TenderProfileSettings(timezone="UTC")
    assert next_redeploy_time(settings, datetime(2026, 1, 1, tzinfo=UTC)) is None


def test_next_redeploy_time_rejects_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="naive"):
        next_redeploy_time(DEFAULT, datetime(2026, 1, 1))
