"""Charging profile values, their OCPP 1.6 JSON form, configuration limits and the store."""

from __future__ import annotations

import decimal
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from ocpp.messages import get_validator
from ocpp.v16.enums import (
    ChargingProfileKindType,
    ChargingProfilePurposeType,
    ChargingRateUnitType,
    RecurrencyKind,
)

from pole_link.errors import PoleLinkError
from pole_link.profiles import (
    ChargingProfile,
    ChargingSchedule,
    ProfileError,
    ProfileStore,
    SchedulePeriod,
    check_limits,
)

CP_MAX = ChargingProfilePurposeType.charge_point_max_profile
TX_DEFAULT = ChargingProfilePurposeType.tx_default_profile
TX = ChargingProfilePurposeType.tx_profile
ABSOLUTE = ChargingProfileKindType.absolute
RECURRING = ChargingProfileKindType.recurring
RELATIVE = ChargingProfileKindType.relative
AMPS = ChargingRateUnitType.amps
WATTS = ChargingRateUnitType.watts
T0 = datetime(2026, 6, 1, tzinfo=UTC)


def schema_errors(connector_id: int, profile: ChargingProfile) -> list[str]:
    """Validate a SetChargingProfile payload exactly as the ocpp library does on the wire."""
    payload = {"connectorId": connector_id, "csChargingProfiles": profile.to_ocpp()}
    wire = json.loads(json.dumps(payload), parse_float=decimal.Decimal)
    validator = get_validator(2, "SetChargingProfile", "1.6", parse_float=decimal.Decimal)
    return [error.message for error in validator.iter_errors(wire)]


def schedule(*steps: tuple[int, float], **kwargs: Any) -> ChargingSchedule:
    kwargs.setdefault("charging_rate_unit", AMPS)
    periods = tuple(SchedulePeriod(s, limit) for s, limit in steps)
    return ChargingSchedule(periods=periods, **kwargs)


def absolute(
    profile_id: int, stack_level: int = 0, purpose: ChargingProfilePurposeType = TX_DEFAULT
) -> ChargingProfile:
    return ChargingProfile(
        profile_id=profile_id,
        stack_level=stack_level,
        purpose=purpose,
        kind=ABSOLUTE,
        schedule=schedule((0, 16.0), start_schedule=T0),
    )


def full_ocpp_profile() -> dict[str, Any]:
    return {
        "chargingProfileId": 12,
        "transactionId": 345,
        "stackLevel": 3,
        "chargingProfilePurpose": "TxProfile",
        "chargingProfileKind": "Absolute",
        "validFrom": "2026-06-01T00:00:00Z",
        "validTo": "2026-06-02T00:00:00+02:00",
        "chargingSchedule": {
            "duration": 7200,
            "startSchedule": "2026-06-01T08:00:00Z",
            "chargingRateUnit": "A",
            "chargingSchedulePeriod": [
                {"startPeriod": 0, "limit": 16.5, "numberPhases": 3},
                {"startPeriod": 1800, "limit": 10},
                {"startPeriod": 3600, "limit": 6.1, "numberPhases": 1},
            ],
            "minChargingRate": 6.0,
        },
    }


# --------------------------------------------------------------------------- JSON


def test_from_ocpp_reads_every_field() -> None:
    profile = ChargingProfile.from_ocpp(full_ocpp_profile())
    assert profile.profile_id == 12
    assert profile.transaction_id == 345
    assert profile.purpose is TX
    assert profile.kind is ABSOLUTE
    assert profile.valid_from == T0
    assert profile.valid_to == datetime(2026, 6, 1, 22, tzinfo=UTC)
    assert profile.schedule.start_schedule == datetime(2026, 6, 1, 8, tzinfo=UTC)
    assert profile.schedule.duration_s == 7200
    assert profile.schedule.min_charging_rate == 6.0
    assert profile.schedule.periods == (
        SchedulePeriod(0, 16.5, 3),
        SchedulePeriod(1800, 10.0),
        SchedulePeriod(3600, 6.1, 1),
    )


def test_round_trip_is_identity_and_schema_valid() -> None:
    data = full_ocpp_profile()
    profile = ChargingProfile.from_ocpp(data)
    out = profile.to_ocpp()
    assert ChargingProfile.from_ocpp(out) == profile
    assert out["validTo"] == "2026-06-01T22:00:00Z"  # normalised to UTC
    assert schema_errors(1, profile) == []


def test_recurring_weekly_watts_round_trip_is_schema_valid() -> None:
    profile = ChargingProfile(
        profile_id=4,
        stack_level=2,
        purpose=TX_DEFAULT,
        kind=RECURRING,
        recurrency_kind=RecurrencyKind.weekly,
        schedule=schedule(
            (0, 11040),
            (5 * 86400, 4140.0),
            charging_rate_unit=WATTS,
            start_schedule=datetime(2026, 6, 1, 0, tzinfo=timezone(timedelta(hours=2))),
        ),
    )
    out = profile.to_ocpp()
    assert out["recurrencyKind"] == "Weekly"
    assert out["chargingSchedule"]["startSchedule"] == "2026-05-31T22:00:00Z"
    assert ChargingProfile.from_ocpp(out) == profile
    assert schema_errors(0, profile) == []


def test_to_ocpp_rounds_limits_down_to_one_decimal_for_the_schema() -> None:
    profile = ChargingProfile(
        profile_id=1,
        stack_level=0,
        purpose=TX_DEFAULT,
        kind=RELATIVE,
        schedule=schedule(
            (0, 13.3333333), (60, 7.29999999999), (120, 16.07), min_charging_rate=6.05
        ),
    )
    wire = profile.to_ocpp()["chargingSchedule"]
    assert [p["limit"] for p in wire["chargingSchedulePeriod"]] == [13.3, 7.3, 16.0]
    assert wire["minChargingRate"] == 6.0
    assert schema_errors(1, profile) == []


def test_unrounded_limit_would_fail_the_schema() -> None:
    """Guards the schema check above: the validator really rejects a 0.05 step."""
    validator = get_validator(2, "SetChargingProfile", "1.6", parse_float=decimal.Decimal)
    profile = absolute(1).to_ocpp()
    profile["chargingSchedule"]["chargingSchedulePeriod"][0]["limit"] = 7.25
    payload = {"connectorId": 0, "csChargingProfiles": profile}
    wire = json.loads(json.dumps(payload), parse_float=decimal.Decimal)
    assert list(validator.iter_errors(wire))


def _with(path: str, value: Any) -> dict[str, Any]:
    """full_ocpp_profile() with one field (dotted path, list index as a number) changed;
    value ``...`` deletes the field."""
    data = full_ocpp_profile()
    *parents, last = path.split(".")
    node: Any = data
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    if value is ...:
        del node[last]
    else:
        node[last] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (
            "chargingSchedule.chargingSchedulePeriod.1.limit",
            -1,
            r"chargingSchedulePeriod\[1\]\.limit = -1 is negative: must be >= 0",
        ),
        (
            "chargingSchedule.chargingSchedulePeriod.1.startPeriod",
            4000,
            r"chargingSchedulePeriod\[2\]\.startPeriod = 3600 comes before "
            r"chargingSchedulePeriod\[1\]\.startPeriod = 4000",
        ),
        (
            "chargingSchedule.chargingSchedulePeriod.2.startPeriod",
            1800,
            r"chargingSchedulePeriod\[2\]\.startPeriod = 1800 duplicates",
        ),
        (
            "chargingSchedule.chargingSchedulePeriod.0.startPeriod",
            60,
            r"chargingSchedulePeriod\[0\]\.startPeriod = 60: the first period must start at 0",
        ),
        ("chargingSchedule.chargingSchedulePeriod", [], r"chargingSchedulePeriod is empty"),
        (
            "chargingSchedule.chargingSchedulePeriod.0.numberPhases",
            4,
            r"numberPhases = 4 is out of range: must be <= 3",
        ),
        (
            "chargingSchedule.chargingSchedulePeriod.0.limit",
            "16",
            r"limit must be a number, got '16'",
        ),
        (
            "chargingSchedule.startSchedule",
            "2026-06-01T08:00:00",
            r"startSchedule = '2026-06-01T08:00:00' has no UTC offset",
        ),
        ("validFrom", "yesterday", r"validFrom = 'yesterday' is not an ISO 8601 date-time"),
        ("validTo", "2026-05-31T00:00:00Z", r"validFrom = .* is not before validTo"),
        ("chargingSchedule.chargingRateUnit", "kW", r"chargingRateUnit = 'kW' is not one of: W, A"),
        (
            "chargingSchedule.chargingRateUnit",
            ...,
            r"chargingSchedule\.chargingRateUnit is missing",
        ),
        ("chargingSchedule.duration", 0, r"duration = 0 is out of range: must be >= 1"),
        ("chargingProfilePurpose", "Tx", r"chargingProfilePurpose = 'Tx' is not one of"),
        ("chargingProfileId", True, r"chargingProfileId must be an integer, got True"),
        ("stackLevel", -1, r"stackLevel = -1 is out of range: must be >= 0"),
        ("stackLevel", ..., r"csChargingProfiles\.stackLevel is missing"),
        ("colour", "red", r"unknown field\(s\) colour"),
        ("chargingProfileKind", "Relative", r"startSchedule = .* is not allowed on a Relative"),
        ("chargingProfileKind", "Recurring", r"recurrencyKind is missing"),
        ("recurrencyKind", "Daily", r"recurrencyKind = Daily is only allowed on a Recurring"),
        (
            "chargingProfilePurpose",
            "TxDefaultProfile",
            r"transactionId = 345 is only allowed on a TxProfile",
        ),
    ],
)
def test_from_ocpp_rejects_bad_input_with_a_clear_message(
    path: str, value: Any, message: str
) -> None:
    with pytest.raises(ProfileError, match=message):
        ChargingProfile.from_ocpp(_with(path, value))


def test_profile_error_is_a_value_error_and_a_pole_link_error() -> None:
    with pytest.raises(ValueError, match="negative"):
        SchedulePeriod(0, -0.1)
    assert issubclass(ProfileError, PoleLinkError)


def test_naive_datetime_is_rejected() -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        schedule((0, 16), start_schedule=datetime(2026, 6, 1, 8))
    with pytest.raises(ProfileError, match=r"validTo = .* naive"):
        ChargingProfile(
            1, 0, TX_DEFAULT, RELATIVE, schedule((0, 16)), valid_to=datetime(2026, 6, 1)
        )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": ABSOLUTE}, r"startSchedule is missing: a Absolute profile needs one"),
        (
            {"kind": RECURRING, "recurrency_kind": RecurrencyKind.daily},
            r"startSchedule is missing: a Recurring profile needs one",
        ),
        ({"purpose": CP_MAX}, r"Relative is not allowed for a ChargePointMaxProfile"),
    ],
)
def test_kind_rules(kwargs: dict[str, Any], message: str) -> None:
    base: dict[str, Any] = {
        "profile_id": 1,
        "stack_level": 0,
        "purpose": TX_DEFAULT,
        "kind": RELATIVE,
        "schedule": schedule((0, 16)),
    }
    with pytest.raises(ProfileError, match=message):
        ChargingProfile(**(base | kwargs))


def test_daily_profile_period_beyond_one_day_is_rejected() -> None:
    with pytest.raises(ProfileError, match=r"startPeriod = 86400 is out of range for a Daily"):
        ChargingProfile(
            1,
            0,
            CP_MAX,
            RECURRING,
            schedule((0, 16), (86400, 8), start_schedule=T0),
            recurrency_kind=RecurrencyKind.daily,
        )


def test_values_are_normalised() -> None:
    s = ChargingSchedule(
        periods=[SchedulePeriod(0, 16)],  # type: ignore[arg-type]  # a list is accepted too
        charging_rate_unit="A",
        start_schedule=datetime(2026, 6, 1, 2, tzinfo=timezone(timedelta(hours=2))),
    )
    assert s.periods == (SchedulePeriod(0, 16.0),)
    assert s.charging_rate_unit is AMPS
    assert s.start_schedule is not None and s.start_schedule.tzinfo is UTC
    assert s.start_schedule == T0


# --------------------------------------------------------------------------- limits


LIMITS: dict[str, Any] = {"max_stack_level": 8, "max_periods": 20, "allowed_units": {AMPS, WATTS}}


def test_eis65_stack_levels_up_to_the_configured_maximum_are_accepted() -> None:
    for level in range(9):
        check_limits(absolute(level, level), **LIMITS)
    with pytest.raises(
        ProfileError,
        match=r"stackLevel = 9 is out of range: must be <= 8 "
        r"\(ChargeProfileMaxStackLevel\)",
    ):
        check_limits(absolute(9, 9), **LIMITS)


def test_eis66_twenty_periods_accepted_twenty_one_rejected() -> None:
    def with_periods(n: int) -> ChargingProfile:
        steps = [(i * 600, float(6 + i)) for i in range(n)]
        return ChargingProfile(1, 0, TX_DEFAULT, RELATIVE, schedule(*steps))

    check_limits(with_periods(20), **LIMITS)
    assert schema_errors(1, with_periods(20)) == []
    with pytest.raises(
        ProfileError,
        match=r"has 21 periods, more than 20 "
        r"\(ChargingScheduleMaxPeriods\)",
    ):
        check_limits(with_periods(21), **LIMITS)


def test_unit_not_allowed_is_rejected() -> None:
    watts = ChargingProfile(
        1, 0, TX_DEFAULT, RELATIVE, schedule((0, 11000), charging_rate_unit=WATTS)
    )
    check_limits(watts, **LIMITS)
    with pytest.raises(ProfileError, match=r"chargingRateUnit = W is not supported: allowed A"):
        check_limits(watts, **(LIMITS | {"allowed_units": {AMPS}}))


# --------------------------------------------------------------------------- store


def ids(store: ProfileStore, connector_id: int | None = None) -> list[tuple[int, int]]:
    return [(c, p.profile_id) for c, p in store.profiles(connector_id)]


def test_install_same_id_replaces_anywhere_on_the_pole() -> None:
    store = ProfileStore()
    store.install(1, absolute(7, 0))
    store.install(2, absolute(7, 3))
    assert ids(store) == [(2, 7)]
    assert store.profiles()[0][1].stack_level == 3


def test_install_same_stack_level_and_purpose_replaces_on_the_same_connector_only() -> None:
    store = ProfileStore()
    store.install(1, absolute(1, 2))
    store.install(2, absolute(2, 2))
    store.install(1, absolute(3, 1))  # other level: added
    store.install(1, absolute(4, 5))
    assert ids(store) == [(1, 3), (1, 1), (1, 4), (2, 2)]
    store.install(1, absolute(5, 2))  # replaces id 1 (same level, purpose, connector)
    assert ids(store) == [(1, 3), (1, 5), (1, 4), (2, 2)]


def test_other_purpose_at_the_same_level_is_kept() -> None:
    store = ProfileStore()
    store.install(1, absolute(1, 2))
    store.install(1, absolute(2, 2, TX), transaction_id=10)
    assert ids(store) == [(1, 1), (1, 2)]


def test_charge_point_max_only_on_connector_0() -> None:
    store = ProfileStore()
    with pytest.raises(ProfileError, match="connectorId = 1: a ChargePointMaxProfile can only"):
        store.install(1, absolute(1, 0, CP_MAX))
    store.install(0, absolute(1, 0, CP_MAX))
    assert ids(store) == [(0, 1)]


def test_tx_profile_rules() -> None:
    store = ProfileStore()
    with pytest.raises(ProfileError, match="connectorId = 0: a TxProfile can only"):
        store.install(0, absolute(1, 0, TX), transaction_id=5)
    with pytest.raises(ProfileError, match="no transaction is running there"):
        store.install(1, absolute(1, 0, TX))
    named = ChargingProfile(2, 0, TX, RELATIVE, schedule((0, 10)), transaction_id=5)
    with pytest.raises(ProfileError, match=r"transactionId = 5 does not match .* \(6\)"):
        store.install(1, named, transaction_id=6)
    store.install(1, named, transaction_id=5)
    store.install(2, absolute(3, 0, TX), transaction_id=-1)  # a local, not yet confirmed id
    assert ids(store) == [(1, 2), (2, 3)]


def test_connector_must_exist() -> None:
    store = ProfileStore(connector_count=2)
    with pytest.raises(ProfileError, match=r"connectorId = 3 is out of range: must be <= 2"):
        store.install(3, absolute(1))
    with pytest.raises(ProfileError, match=r"connectorId = -1 is out of range"):
        store.profiles(-1)


def filled_store() -> ProfileStore:
    store = ProfileStore()
    store.install(0, absolute(1, 0, CP_MAX))
    store.install(0, absolute(2, 1, CP_MAX))
    store.install(0, absolute(3, 1))
    store.install(1, absolute(4, 1))
    store.install(1, absolute(5, 2, TX), transaction_id=9)
    store.install(2, absolute(6, 2))
    return store


def test_clear_by_id_ignores_other_criteria() -> None:
    store = filled_store()
    assert store.clear(profile_id=4, connector_id=2, purpose=CP_MAX) == 1
    assert [i for _, i in ids(store)] == [1, 2, 3, 5, 6]
    assert store.clear(profile_id=99) == 0


@pytest.mark.parametrize(
    ("criteria", "removed", "left"),
    [
        ({}, 6, []),
        ({"connector_id": 0}, 3, [4, 5, 6]),
        ({"purpose": TX_DEFAULT}, 3, [1, 2, 5]),
        ({"stack_level": 1}, 3, [1, 5, 6]),
        ({"connector_id": 0, "stack_level": 1}, 2, [1, 4, 5, 6]),
        ({"connector_id": 1, "purpose": TX_DEFAULT, "stack_level": 1}, 1, [1, 2, 3, 5, 6]),
        ({"connector_id": 2, "purpose": CP_MAX}, 0, [1, 2, 3, 4, 5, 6]),
    ],
)
def test_clear_by_criteria(criteria: dict[str, Any], removed: int, left: list[int]) -> None:
    store = filled_store()
    assert store.clear(**criteria) == removed
    assert sorted(i for _, i in ids(store)) == left
    assert len(store) == len(left)


def test_drop_transaction_profiles_only_removes_that_sockets_tx_profiles() -> None:
    store = filled_store()
    store.install(2, absolute(7, 0, TX), transaction_id=3)
    store.drop_transaction_profiles(1)
    assert sorted(i for _, i in ids(store)) == [1, 2, 3, 4, 6, 7]


def test_profiles_filtered_and_ordered() -> None:
    store = filled_store()
    assert ids(store, 0) == [(0, 1), (0, 2), (0, 3)]
    assert ids(store, 1) == [(1, 4), (1, 5)]
    assert ids(store) == [(0, 1), (0, 2), (0, 3), (1, 4), (1, 5), (2, 6)]
