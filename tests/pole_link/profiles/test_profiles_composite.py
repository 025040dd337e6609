"""The limit in force at an instant, the next step, and the composite schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ocpp.v16.enums import (
    ChargingProfileKindType,
    ChargingProfilePurposeType,
    ChargingRateUnitType,
    RecurrencyKind,
)

from pole_link.profiles import (
    ChargingProfile,
    ChargingSchedule,
    ProfileError,
    ProfileStore,
    SchedulePeriod,
    composite_schedule,
    limit_at,
    next_change_after,
    profile_limit_at,
)

CP_MAX = ChargingProfilePurposeType.charge_point_max_profile
TX_DEFAULT = ChargingProfilePurposeType.tx_default_profile
TX = ChargingProfilePurposeType.tx_profile
ABSOLUTE = ChargingProfileKindType.absolute
RECURRING = ChargingProfileKindType.recurring
RELATIVE = ChargingProfileKindType.relative
AMPS = ChargingRateUnitType.amps
WATTS = ChargingRateUnitType.watts
DAY = timedelta(days=1)
T0 = datetime(2026, 6, 1, tzinfo=UTC)


def at(seconds: float, base: datetime = T0) -> datetime:
    return base + timedelta(seconds=seconds)


def make(
    profile_id: int,
    *steps: tuple[int, float],
    stack_level: int = 0,
    purpose: ChargingProfilePurposeType = TX_DEFAULT,
    kind: ChargingProfileKindType = ABSOLUTE,
    start: datetime | None = T0,
    duration_s: int | None = None,
    unit: ChargingRateUnitType = AMPS,
    recurrency: RecurrencyKind | None = None,
    **kwargs: Any,
) -> ChargingProfile:
    if kind is RELATIVE:
        start = None
    if kind is RECURRING and recurrency is None:
        recurrency = RecurrencyKind.daily
    return ChargingProfile(
        profile_id=profile_id,
        stack_level=stack_level,
        purpose=purpose,
        kind=kind,
        recurrency_kind=recurrency,
        schedule=ChargingSchedule(
            periods=tuple(SchedulePeriod(s, limit) for s, limit in steps),
            charging_rate_unit=unit,
            duration_s=duration_s,
            start_schedule=start,
        ),
        **kwargs,
    )


# --------------------------------------------------------------------------- stacking


def test_eis65_six_stacked_max_profiles_highest_wins() -> None:
    store = ProfileStore()
    # levels 1..6; the higher the level, the shorter it lasts and the lower its limit
    for level in range(1, 7):
        store.install(
            0,
            make(
                level,
                (0, 32.0 - level),
                stack_level=level,
                purpose=CP_MAX,
                duration_s=(7 - level) * 3600,
            ),
        )
    assert len(store.profiles(0)) == 6
    for hour, expected in enumerate([26.0, 27.0, 28.0, 29.0, 30.0, 31.0]):
        assert limit_at(store, 0, at(hour * 3600 + 1800)) == expected
        assert limit_at(store, 1, at(hour * 3600 + 1800)) == expected  # caps the sockets too
    assert limit_at(store, 0, at(6 * 3600)) is None


def test_eis65_six_stacked_tx_default_profiles_highest_wins() -> None:
    store = ProfileStore()
    for level in range(6):
        store.install(
            1, make(level + 1, (0, 10.0 + level), stack_level=level, valid_to=at((6 - level) * 60))
        )
    for minute, expected in enumerate([15.0, 14.0, 13.0, 12.0, 11.0, 10.0]):
        assert limit_at(store, 1, at(minute * 60)) == expected
    assert limit_at(store, 2, at(0)) is None  # another socket's profiles do not count


def test_tx_profile_overrides_tx_default_even_when_higher_or_lower_stacked() -> None:
    store = ProfileStore()
    store.install(1, make(1, (0, 10.0), stack_level=5))
    store.install(1, make(2, (0, 20.0), stack_level=0, purpose=TX), transaction_id=42)
    assert limit_at(store, 1, at(60), transaction_id=42) == 20.0
    assert limit_at(store, 1, at(60), transaction_start=at(0)) == 20.0
    # without a running transaction (or for another one) only the TxDefault counts
    assert limit_at(store, 1, at(60)) == 10.0
    assert limit_at(store, 1, at(60), transaction_id=43) == 20.0  # profile names no id


def test_tx_profile_for_another_transaction_does_not_count() -> None:
    store = ProfileStore()
    store.install(1, make(1, (0, 10.0)))
    store.install(1, make(2, (0, 20.0), purpose=TX, transaction_id=42), transaction_id=42)
    assert limit_at(store, 1, at(60), transaction_id=42) == 20.0
    assert limit_at(store, 1, at(60), transaction_id=43) == 10.0


def test_tx_default_takes_over_when_the_tx_profile_ends() -> None:
    store = ProfileStore()
    store.install(1, make(1, (0, 10.0)))
    store.install(1, make(2, (0, 20.0), purpose=TX, duration_s=600), transaction_id=1)
    assert limit_at(store, 1, at(599), transaction_id=1) == 20.0
    assert limit_at(store, 1, at(600), transaction_id=1) == 10.0
    store.drop_transaction_profiles(1)
    assert limit_at(store, 1, at(0), transaction_id=1) == 10.0


def test_charge_point_max_caps_a_socket() -> None:
    store = ProfileStore()
    store.install(0, make(1, (0, 16.0), (3600, 32.0), purpose=CP_MAX))
    store.install(1, make(2, (0, 25.0)))
    assert limit_at(store, 1, at(0)) == 16.0  # pole max lower
    assert limit_at(store, 1, at(3600)) == 25.0  # socket profile lower
    assert limit_at(store, 2, at(0)) == 16.0  # no socket profile: pole max alone
    assert limit_at(store, 0, at(3600)) == 32.0  # connector 0: ChargePointMax only


def test_tx_default_on_connector_0_applies_to_all_sockets_but_not_to_the_pole_total() -> None:
    store = ProfileStore()
    store.install(0, make(1, (0, 13.0), stack_level=1))
    assert limit_at(store, 1, at(0)) == 13.0
    assert limit_at(store, 2, at(0)) == 13.0
    assert limit_at(store, 0, at(0)) is None
    store.install(2, make(2, (0, 9.0), stack_level=1))  # same level on the socket: socket wins
    store.install(1, make(3, (0, 9.0), stack_level=0))  # lower level on the socket: loses
    assert limit_at(store, 2, at(0)) == 9.0
    assert limit_at(store, 1, at(0)) == 13.0


# --------------------------------------------------------------------------- kinds


def test_absolute_applies_from_start_until_its_duration() -> None:
    store = ProfileStore()
    store.install(1, make(1, (0, 16.0), (600, 8.0), duration_s=1200))
    assert limit_at(store, 1, at(-1)) is None
    assert limit_at(store, 1, at(0)) == 16.0
    assert limit_at(store, 1, at(599.999)) == 16.0
    assert limit_at(store, 1, at(600)) == 8.0
    assert limit_at(store, 1, at(1199)) == 8.0
    assert limit_at(store, 1, at(1200)) is None


def test_recurring_daily_repeats_every_24_hours_over_several_days() -> None:
    store = ProfileStore()
    start = datetime(2026, 6, 1, 6, tzinfo=UTC)
    store.install(
        0,
        make(
            1,
            (0, 30.0),
            (11 * 3600, 7.0),
            (15 * 3600, 30.0),
            purpose=CP_MAX,
            kind=RECURRING,
            start=start,
        ),
    )
    assert limit_at(store, 0, start - timedelta(seconds=1)) is None  # not before its start
    for day in range(5):
        base = start + day * DAY
        assert limit_at(store, 0, base) == 30.0
        assert limit_at(store, 0, base + timedelta(hours=11) - timedelta(seconds=1)) == 30.0
        assert limit_at(store, 0, base + timedelta(hours=11)) == 7.0
        assert limit_at(store, 0, base + timedelta(hours=14, minutes=59)) == 7.0
        assert limit_at(store, 0, base + timedelta(hours=15)) == 30.0
        assert limit_at(store, 0, base + timedelta(hours=23, minutes=59)) == 30.0


def test_recurring_with_duration_is_off_between_repetitions() -> None:
    store = ProfileStore()
    store.install(1, make(1, (0, 6.0), kind=RECURRING, duration_s=3600))
    for day in range(3):
        assert limit_at(store, 1, T0 + day * DAY + timedelta(minutes=59)) == 6.0
        assert limit_at(store, 1, T0 + day * DAY + timedelta(hours=1)) is None


def test_recurring_weekly_repeats_every_seven_days() -> None:
    store = ProfileStore()
    store.install(
        1, make(1, (0, 16.0), (86400, 10.0), kind=RECURRING, recurrency=RecurrencyKind.weekly)
    )
    assert limit_at(store, 1, T0 + timedelta(hours=12)) == 16.0
    assert limit_at(store, 1, T0 + timedelta(days=3)) == 10.0
    assert limit_at(store, 1, T0 + timedelta(days=7, hours=12)) == 16.0
    assert limit_at(store, 1, T0 + timedelta(days=15)) == 10.0


def test_relative_profile_starts_with_the_transaction() -> None:
    store = ProfileStore()
    store.install(1, make(1, (0, 6.0), (30, 16.0), kind=RELATIVE, duration_s=3600))
    tx_start = at(5000)
    assert limit_at(store, 1, at(5010)) is None  # no transaction: relative does not apply
    assert limit_at(store, 1, at(4999), transaction_start=tx_start) is None
    assert limit_at(store, 1, at(5029), transaction_start=tx_start) == 6.0
    assert limit_at(store, 1, at(5030), transaction_start=tx_start) == 16.0
    assert limit_at(store, 1, at(5000 + 3600), transaction_start=tx_start) is None


def test_valid_from_and_valid_to_are_respected() -> None:
    store = ProfileStore()
    store.install(
        1, make(1, (0, 16.0), kind=RECURRING, valid_from=at(86400 * 2), valid_to=at(86400 * 3 + 60))
    )
    assert limit_at(store, 1, at(86400 * 2 - 1)) is None
    assert limit_at(store, 1, at(86400 * 2)) == 16.0
    assert limit_at(store, 1, at(86400 * 3 + 59)) == 16.0
    assert limit_at(store, 1, at(86400 * 3 + 60)) is None


def test_watts_are_converted_at_230_v_times_3_phases() -> None:
    store = ProfileStore()
    store.install(0, make(1, (0, 6900.0), purpose=CP_MAX, unit=WATTS))
    assert limit_at(store, 1, at(0)) == pytest.approx(10.0)
    assert profile_limit_at(store.profiles(0)[0][1], at(0)) == pytest.approx(10.0)


def test_naive_instants_are_rejected() -> None:
    store = ProfileStore()
    with pytest.raises(ValueError, match="naive"):
        limit_at(store, 1, datetime(2026, 6, 1))
    with pytest.raises(ValueError, match=r"transaction_start .* naive"):
        limit_at(store, 1, T0, transaction_start=datetime(2026, 6, 1))


# --------------------------------------------------------------------------- next change


def test_next_change_after_finds_steps_ends_and_repetitions() -> None:
    store = ProfileStore()
    store.install(
        0, make(1, (0, 30.0), (61200, 7.0), (75600, 30.0), purpose=CP_MAX, kind=RECURRING)
    )
    store.install(1, make(2, (0, 16.0), duration_s=600, start=at(1000)))
    assert next_change_after(store, 1, at(0)) == at(1000)
    assert next_change_after(store, 1, at(1000)) == at(1600)
    assert next_change_after(store, 1, at(1600)) == at(61200)
    assert next_change_after(store, 0, at(0)) == at(61200)  # socket profile ignored on 0
    assert next_change_after(store, 0, at(75600)) == at(86400)
    assert next_change_after(store, 0, at(86400 * 4 + 61199)) == at(86400 * 4 + 61200)


def test_next_change_after_none_when_nothing_will_change() -> None:
    store = ProfileStore()
    assert next_change_after(store, 1, T0) is None
    store.install(1, make(1, (0, 16.0), (60, 8.0)))
    assert next_change_after(store, 1, at(60)) is None
    store.install(2, make(2, (0, 6.0), kind=RELATIVE))
    assert next_change_after(store, 2, at(0)) is None
    assert next_change_after(store, 2, at(0), transaction_start=at(10)) == at(10)


# --------------------------------------------------------------------------- composite


def tender_like_store() -> ProfileStore:
    store = ProfileStore()
    store.install(
        0, make(1, (0, 30.0), (61200, 7.0), (75600, 30.0), purpose=CP_MAX, kind=RECURRING)
    )
    return store


def steps(schedule: ChargingSchedule) -> list[tuple[int, float]]:
    return [(p.start_period_s, p.limit) for p in schedule.periods]


def test_composite_over_24_hours() -> None:
    result = composite_schedule(tender_like_store(), 1, T0, 86400)
    assert steps(result) == [(0, 30.0), (61200, 7.0), (75600, 30.0)]
    assert result.duration_s == 86400
    assert result.start_schedule == T0
    assert result.charging_rate_unit is AMPS


def test_composite_from_mid_day_wraps_into_the_next_repetition() -> None:
    result = composite_schedule(tender_like_store(), 0, at(70000), 86400)
    assert steps(result) == [(0, 7.0), (5600, 30.0), (5600 + 72000, 7.0)]


def test_composite_merges_equal_neighbours() -> None:
    store = tender_like_store()
    # a socket profile that steps 30 -> 25 -> 30 at 1h/2h and 7 at the peak: under the
    # pole max these give equal neighbours that must merge
    store.install(1, make(2, (0, 32.0), (3600, 32.0), (7200, 7.0), (10800, 32.0), kind=RECURRING))
    result = composite_schedule(store, 1, T0, 86400)
    assert steps(result) == [(0, 30.0), (7200, 7.0), (10800, 30.0), (61200, 7.0), (75600, 30.0)]


def test_composite_eis66_twenty_four_periods_survive() -> None:
    store = ProfileStore()
    limits = [6.0 + (i % 2) * 10 + i / 10 for i in range(24)]
    store.install(1, make(1, *[(i * 3600, lim) for i, lim in enumerate(limits)], kind=RECURRING))
    result = composite_schedule(store, 1, T0, 86400)
    assert steps(result) == [(i * 3600, lim) for i, lim in enumerate(limits)]


def test_grid_limit_caps_every_period_and_fills_gaps() -> None:
    store = ProfileStore()
    store.install(1, make(1, (0, 32.0), (600, 10.0), duration_s=1200, start=at(300)))
    result = composite_schedule(store, 1, T0, 3600, grid_limit_a=25.0)
    assert steps(result) == [(0, 25.0), (900, 10.0), (1500, 25.0)]


def test_no_profile_gives_the_grid_limit_as_the_single_period() -> None:
    result = composite_schedule(ProfileStore(), 2, T0, 86400, grid_limit_a=30.0)
    assert steps(result) == [(0, 30.0)]


def test_no_profile_and_no_grid_limit_is_an_error() -> None:
    with pytest.raises(ProfileError, match=r"nothing limits connector 1 .* pass grid_limit_a"):
        composite_schedule(ProfileStore(), 1, T0, 60)


def test_composite_in_watts() -> None:
    result = composite_schedule(tender_like_store(), 1, T0, 86400, unit=WATTS)
    assert result.charging_rate_unit is WATTS
    assert steps(result) == [(0, 20700.0), (61200, 4830.0), (75600, 20700.0)]


def test_composite_with_a_fractional_step_gives_that_second_the_lower_limit() -> None:
    store = ProfileStore()
    store.install(1, make(1, (0, 16.0), (60, 6.0), (120, 16.0)))
    result = composite_schedule(store, 1, at(0.5), 200)
    # true steps at 59.5 s (down) and 119.5 s (up): the second holding each gets 6 A
    assert steps(result) == [(0, 16.0), (59, 6.0), (120, 16.0)]


def test_composite_relative_needs_the_transaction_start() -> None:
    store = ProfileStore()
    store.install(1, make(1, (0, 6.0), (30, 16.0), kind=RELATIVE))
    result = composite_schedule(store, 1, T0, 120, grid_limit_a=32.0, transaction_start=at(60))
    assert steps(result) == [(0, 32.0), (60, 6.0), (90, 16.0)]
    assert steps(composite_schedule(store, 1, T0, 120, grid_limit_a=32.0)) == [(0, 32.0)]


def test_composite_rejects_bad_arguments() -> None:
    with pytest.raises(ProfileError, match="duration = 0 is out of range"):
        composite_schedule(tender_like_store(), 1, T0, 0)
    with pytest.raises(ProfileError, match="grid_limit_a = -1"):
        composite_schedule(tender_like_store(), 1, T0, 60, grid_limit_a=-1)
    with pytest.raises(ProfileError, match="connectorId = 3 is out of range"):
        composite_schedule(tender_like_store(), 3, T0, 60)


# --------------------------------------------------------------------------- property

BASE = datetime(2026, 1, 10, tzinfo=UTC)
LIMITS = st.integers(min_value=0, max_value=64).map(lambda n: n / 2)


@st.composite
def random_profile(draw: st.DrawFn, profile_id: int) -> tuple[int, ChargingProfile]:
    purpose = draw(st.sampled_from([CP_MAX, TX_DEFAULT, TX]))
    kinds = [ABSOLUTE, RECURRING] + ([] if purpose is CP_MAX else [RELATIVE])
    kind = draw(st.sampled_from(kinds))
    span = 86400 if kind is RECURRING else 3 * 86400
    starts = draw(st.lists(st.integers(1, span - 1), max_size=8, unique=True))
    periods = [(s, draw(LIMITS)) for s in [0, *sorted(starts)]]
    connector = {CP_MAX: 0, TX: 1}.get(purpose, draw(st.sampled_from([0, 1])))
    offset = draw(st.integers(-2 * 86400, 2 * 86400))
    valid_from = draw(st.none() | st.integers(-86400, 3 * 86400))
    valid_for = draw(st.none() | st.integers(1, 2 * 86400))
    return connector, make(
        profile_id,
        *periods,
        stack_level=draw(st.integers(0, 4)),
        purpose=purpose,
        kind=kind,
        start=at(offset, BASE),
        duration_s=draw(st.none() | st.integers(1, 2 * span)),
        unit=draw(st.sampled_from([AMPS, AMPS, WATTS])),
        valid_from=None if valid_from is None else at(valid_from, BASE),
        valid_to=None
        if valid_for is None
        else at((-2 * 86400 if valid_from is None else valid_from) + valid_for, BASE),
    )


@st.composite
def scenario(draw: st.DrawFn) -> dict[str, Any]:
    store = ProfileStore()
    for profile_id in range(draw(st.integers(0, 6))):
        connector, profile = draw(random_profile(profile_id))
        store.install(connector, profile, transaction_id=7)
    tx_start = draw(st.none() | st.integers(-86400, 2 * 86400).map(lambda s: at(s, BASE)))
    return {
        "store": store,
        "connector_id": draw(st.sampled_from([0, 1, 1])),
        "start": at(draw(st.integers(0, 2 * 86400)), BASE),
        "duration_s": draw(st.integers(1, 2 * 86400)),
        "grid": draw(st.sampled_from([32.0, 25.0, 16.0])),
        "tx": {"transaction_start": tx_start, "transaction_id": None if tx_start is None else 7},
    }


def whole_us(seconds: float) -> float:
    """`seconds` truncated to whole microseconds, so `at()` cannot round it up into the
    next period (or past the window's end)."""
    return int(seconds * 1_000_000) / 1_000_000


def limit_in(schedule: ChargingSchedule, offset_s: float) -> float:
    for period in reversed(schedule.periods):
        if period.start_period_s <= offset_s:
            return period.limit
    raise AssertionError("no period covers offset 0")


@settings(max_examples=300, deadline=None)
@given(case=scenario(), samples=st.lists(st.floats(0, 1, exclude_max=True), max_size=30))
def test_composite_agrees_with_limit_at_at_period_starts_and_random_instants(
    case: dict[str, Any], samples: list[float]
) -> None:
    store, connector, start = case["store"], case["connector_id"], case["start"]
    grid: float = case["grid"]
    result = composite_schedule(
        store, connector, start, case["duration_s"], grid_limit_a=grid, **case["tx"]
    )

    def expected(offset_s: float) -> float:
        limit = limit_at(store, connector, at(offset_s, start), **case["tx"])
        return grid if limit is None else min(limit, grid)

    starts = [p.start_period_s for p in result.periods]
    assert starts[0] == 0
    assert all(a < b for a, b in pairwise(starts))
    limits = [p.limit for p in result.periods]
    assert all(a != b for a, b in pairwise(limits))  # merged
    for period in result.periods:
        assert period.limit == pytest.approx(expected(period.start_period_s))
    for fraction in samples:
        offset = whole_us(fraction * case["duration_s"])
        assert limit_in(result, offset) == pytest.approx(expected(offset))


@settings(max_examples=200, deadline=None)
@given(
    case=scenario(),
    start_us=st.integers(1, 999_999),
    samples=st.lists(st.floats(0, 1, exclude_max=True), max_size=30),
)
def test_composite_never_promises_more_than_limit_at_when_steps_fall_between_seconds(
    case: dict[str, Any], start_us: int, samples: list[float]
) -> None:
    store, connector, grid = case["store"], case["connector_id"], case["grid"]
    start = case["start"] + timedelta(microseconds=start_us)
    result = composite_schedule(
        store, connector, start, case["duration_s"], grid_limit_a=grid, **case["tx"]
    )
    for fraction in samples:
        offset = whole_us(fraction * case["duration_s"])
        limit = limit_at(store, connector, at(offset, start), **case["tx"])
        allowed = grid if limit is None else min(limit, grid)
        assert limit_in(result, offset) <= allowed + 1e-9


def test_one_reading_of_a_get_composite_schedule_answer() -> None:
    """The CSMS's verification and the app's Verify read the pole's answer alike."""
    from pole_link.profiles.composite import parse_composite_answer

    schedule = {"chargingRateUnit": "A", "duration": 86400,
                "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 16.0}]}
    start, parsed = parse_composite_answer({"status": "Accepted",
                                            "scheduleStart": "2026-12-04T15:00:00+01:00",
                                            "chargingSchedule": schedule})
    assert start.utcoffset() is not None and start.hour == 15
    assert [p.limit for p in parsed.periods] == [16.0]
    for answer, why in (
            ({"status": "Rejected"}, "not Accepted"),
            ({"status": "Accepted", "chargingSchedule": schedule}, "scheduleStart is missing"),
            ({"status": "Accepted", "scheduleStart": "tomorrow",
              "chargingSchedule": schedule}, "not an ISO 8601"),
            ({"status": "Accepted", "scheduleStart": "2026-12-04T15:00:00",
              "chargingSchedule": schedule}, "has no UTC offset")):
        with pytest.raises(ProfileError, match=why):
            parse_composite_answer(answer)
