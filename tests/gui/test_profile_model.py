"""The capacity-profile editor model, without Qt: JSON, checks, preview and verification."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from gui.profiles.editor_model import (
    FieldError,
    Mode,
    Period,
    ProfileEditorModel,
    ScheduleKind,
    format_offset,
    parse_clock,
    parse_offset,
    verify,
)
from gui.profiles.preview import check, differences_of
from pole_link.profiles.charging_profile import ChargingProfile, ProfileError, ProfileStore
from pole_link.profiles.composite import composite_schedule
from pole_link.profiles.tender import TenderProfileSettings, build_capacity_profile

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DAY = date(2026, 11, 25)


def pole_answer(profile_json: dict[str, Any], connector_id: int, start: datetime,
                grid_limit_a: float = 30.0) -> dict[str, Any]:
    """What a pole holding exactly this profile answers to GetCompositeSchedule."""
    store = ProfileStore()
    store.install(connector_id, ChargingProfile.from_ocpp(profile_json))
    schedule = composite_schedule(store, connector_id, start, 86_400, grid_limit_a=grid_limit_a)
    body = schedule.to_ocpp()
    body.pop("startSchedule")
    return {"status": "Accepted", "connectorId": connector_id,
            "scheduleStart": start.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "chargingSchedule": body}


def test_tender_template_json_is_build_capacity_profile() -> None:
    model = ProfileEditorModel(day=DAY)
    model.set_tender(peak_limit_a=8.0, overrule_limit_a=20.0)
    expected = build_capacity_profile(
        TenderProfileSettings(peak_limit_a=8.0, overrule_limit_a=20.0), DAY).to_ocpp()
    assert model.profile_json() == expected
    assert model.connector_id == 0
    assert model.configuration() == [("GridConnectionMaxCurrent", "30"),
                                     ("PeakLimitOverrule", "20")]


def test_tender_on_a_3x25_connection_caps_at_25_a() -> None:
    model = ProfileEditorModel(day=DAY)
    model.set_tender(connection="3x25", normal_limit_a=25.0)
    assert model.configuration()[0] == ("GridConnectionMaxCurrent", "25")
    assert model.preview().grid_limit_a == 25.0


def test_tender_preview_is_the_local_day_with_the_peak() -> None:
    preview = ProfileEditorModel(day=DAY).preview()
    assert [(f"{s.start:%H:%M}", s.limit_a) for s in preview.steps] == [
        ("00:00", 30.0), ("17:00", 7.0), ("21:00", 30.0)]
    assert preview.peak is not None
    assert [f"{t:%H:%M}" for t in preview.peak] == ["17:00", "21:00"]
    assert preview.limit_at(datetime(2026, 11, 25, 18, 30, tzinfo=AMSTERDAM)) == 7.0


def test_preview_keeps_the_peak_at_17_local_on_a_daylight_saving_day() -> None:
    preview = ProfileEditorModel(day=date(2026, 3, 29)).preview()  # 23 h day
    assert [f"{s.start:%H:%M}" for s in preview.steps] == ["00:00", "17:00", "21:00"]
    assert preview.end.astimezone(UTC) - preview.start.astimezone(UTC) == timedelta(hours=23)


def test_out_of_range_peak_limit_names_the_field() -> None:
    model = ProfileEditorModel(day=DAY)
    model.set_tender(peak_limit_a=40.0)
    error = model.validation_error()
    assert error is not None
    assert error.field == "peak_limit_a"
    assert str(error).startswith("Peak limit = 40")
    assert "between 0 and 30" in str(error)
    with pytest.raises(FieldError):
        model.profile_json()


def test_overrule_below_peak_is_refused_with_both_labels() -> None:
    model = ProfileEditorModel(day=DAY)
    model.set_tender(overrule_limit_a=6.5)
    error = model.validation_error()
    assert error is not None and error.field == "overrule_limit_a"
    assert str(error).startswith("Overrule limit = 6.5") and "Peak limit = 7" in str(error)


@pytest.mark.parametrize("field", ["peak_limit_a", "normal_limit_a"])
def test_a_limit_under_6_a_is_refused_because_mode3_charges_nothing_there(field: str) -> None:
    model = ProfileEditorModel(day=DAY)
    model.set_tender(**{field: 3.0})
    error = model.validation_error()
    assert error is not None and error.field == field
    assert "3 A is below 6 A: a Mode 3 offer under 6 A charges nothing" in str(error)
    model.set_tender(**{field: 0.0, "overrule_limit_a": 25.0})  # 0 A pauses on purpose
    assert model.validation_error() is None


def test_a_custom_period_under_6_a_is_refused_and_named() -> None:
    model = ProfileEditorModel(day=DAY)
    model.set_mode(Mode.CUSTOM)
    model.set_period(1, limit_a=4.5)
    error = model.validation_error()
    assert error is not None and error.field == "periods[1].limit_a"
    assert str(error).startswith("Period 2 limit = 4.5 A is below 6 A")


@pytest.mark.parametrize(("typed", "meant"), [
    ("17:00", time(17)), ("2200", time(22)), ("22", time(22)), ("7.30", time(7, 30)),
    (" 05:45 ", time(5, 45))])
def test_typed_clock_times_are_understood(typed: str, meant: time) -> None:
    assert parse_clock(typed) == meant


@pytest.mark.parametrize(("typed", "why"), [
    ("25:00", "hours go from 00 to 23"), ("17:75", "minutes from 00 to 59"),
    ("five", "type hours and minutes"), ("", "type hours and minutes")])
def test_a_typed_time_that_is_no_time_says_what_to_type(typed: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        parse_clock(typed)


def test_eis66_twenty_periods_in_a_custom_profile() -> None:
    model = ProfileEditorModel(day=DAY)
    model.set_mode(Mode.CUSTOM)
    model.set_periods([Period(hour * 3600, 6.0 + hour) for hour in range(24)])
    assert model.validation_error() is None
    data = model.profile_json()
    periods = data["chargingSchedule"]["chargingSchedulePeriod"]
    assert len(periods) == 24
    assert periods[23] == {"startPeriod": 23 * 3600, "limit": 29.0}
    assert data["chargingProfileKind"] == "Recurring"
    assert data["recurrencyKind"] == "Daily"
    assert len(model.preview().steps) == 24


def test_custom_profile_header_goes_into_the_json() -> None:
    model = ProfileEditorModel(day=DAY)
    model.set_mode(Mode.CUSTOM)
    model.set_custom(purpose="TxDefaultProfile", connector_id=2, stack_level=5,
                     kind=ScheduleKind.ABSOLUTE, profile_id=42)
    data = model.profile_json()
    assert data["chargingProfileId"] == 42
    assert data["stackLevel"] == 5
    assert data["chargingProfilePurpose"] == "TxDefaultProfile"
    assert data["chargingProfileKind"] == "Absolute"
    assert "recurrencyKind" not in data
    assert data["chargingSchedule"]["startSchedule"] == "2026-11-24T23:00:00Z"  # absolute
    assert model.connector_id == 2


def test_out_of_range_period_limit_names_the_row_and_field() -> None:
    model = ProfileEditorModel(day=DAY)
    model.set_mode(Mode.CUSTOM)
    model.set_period(1, limit_a=45.0)
    error = model.validation_error()
    assert error is not None
    assert error.field == "periods[1].limit_a"
    assert str(error) == ("Period 2 limit = 45 A is out of range: must be between 0 and 30 A "
                          "(the pole's grid connection limit)")


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"stack_level": 9}, "stack_level", "Stack level = 9 is out of range"),
    ({"connector_id": 1}, "connector_id", "goes on connector 0"),
])
def test_custom_header_errors_name_the_field(change: dict[str, Any], field: str,
                                             words: str) -> None:
    model = ProfileEditorModel(day=DAY)
    model.set_mode(Mode.CUSTOM)
    model.set_custom(**change)
    error = model.validation_error()
    assert error is not None and error.field == field and words in str(error)


def test_periods_out_of_order_are_named_in_clock_times() -> None:
    model = ProfileEditorModel(day=DAY)
    model.set_mode(Mode.CUSTOM)
    model.set_period(2, start_s=16 * 3600)
    error = model.validation_error()
    assert error is not None and error.field == "periods[2].start_s"
    assert "Period 3 start = 16:00 is not after period 2 start = 17:00" in str(error)


def test_add_period_lands_between_its_neighbours_without_changing_the_day() -> None:
    model = ProfileEditorModel(day=DAY)
    model.set_mode(Mode.CUSTOM)
    before = model.preview().steps
    row = model.add_period(after=0)
    assert row == 1
    assert model.periods[1] == Period(8 * 3600 + 30 * 60, 30.0)
    assert model.validation_error() is None
    assert [s.limit_a for s in model.preview().steps] == [s.limit_a for s in before]


def test_offsets_read_and_write_as_clock_times() -> None:
    assert parse_offset("17:00") == 61_200
    assert parse_offset("7") == 25_200
    assert parse_offset("17:00:30") == 61_230
    assert format_offset(61_230) == "17:00:30"
    with pytest.raises(ValueError, match="17:00"):
        parse_offset("five pm")


def test_verify_finds_no_difference_when_the_pole_does_the_same() -> None:
    model = ProfileEditorModel(day=DAY)
    start = datetime(2026, 11, 25, 14, 5, tzinfo=AMSTERDAM)
    assert verify(model.preview(), pole_answer(model.profile_json(), 0, start)) == []


def test_verify_reports_the_peak_difference_in_local_time() -> None:
    model = ProfileEditorModel(day=DAY)
    other = ProfileEditorModel(day=DAY)
    other.set_tender(peak_limit_a=16.0)
    start = datetime(2026, 11, 25, 14, 5, tzinfo=AMSTERDAM)
    differences = verify(model.preview(), pole_answer(other.profile_json(), 0, start))
    assert [str(d) for d in differences] == ["17:00–21:00: pole 16 A, expected 7 A"]


def test_verify_names_the_next_day_when_the_pole_answers_from_the_evening() -> None:
    model = ProfileEditorModel(day=DAY)
    cleared = ProfileEditorModel(day=DAY)
    cleared.set_tender(peak_limit_a=30.0, overrule_limit_a=30.0)
    start = datetime(2026, 11, 25, 19, 0, tzinfo=AMSTERDAM)
    differences = verify(model.preview(), pole_answer(cleared.profile_json(), 0, start))
    assert [str(d) for d in differences] == ["19:00–21:00: pole 30 A, expected 7 A",
                                             "Thu 17:00–Thu 19:00: pole 30 A, expected 7 A"]


def test_verify_tolerates_a_tenth_of_an_amp() -> None:
    model = ProfileEditorModel(day=DAY)
    start = datetime(2026, 11, 25, 9, 0, tzinfo=AMSTERDAM)
    answer = pole_answer(model.profile_json(), 0, start)
    for period in answer["chargingSchedule"]["chargingSchedulePeriod"]:
        period["limit"] -= 0.1
    assert verify(model.preview(), answer) == []
    answer["chargingSchedule"]["chargingSchedulePeriod"][0]["limit"] -= 0.2
    assert len(verify(model.preview(), answer)) == 1


def test_eis24_verify_checks_the_intent_not_the_profile_on_a_pole_whose_clock_is_behind(
) -> None:
    """The pole's clock is a month behind, before the autumn change: the profile we send is
    not in force there, so the pole would charge at 30 A — never call that verified."""
    model = ProfileEditorModel(day=DAY)
    now = datetime(2026, 11, 25, 14, 0, tzinfo=AMSTERDAM)
    pole_clock = now - timedelta(days=31)  # 25 October: before the profile's first day
    answer = pole_answer(model.profile_json(), 0, pole_clock)
    result = check(model.preview(), answer, received=now)
    assert [str(d) for d in differences_of(result, AMSTERDAM)] == [
        "17:00–21:00: pole 30 A, expected 7 A"]
    assert result.clock_off and result.clock_offset_s == pytest.approx(-31 * 86_400)
    # Trusting the pole's clock instead would see the same: its own day is unlimited too.
    assert verify(model.preview(), answer) != []


def test_verify_places_a_pole_that_is_hours_off_in_real_time() -> None:
    model = ProfileEditorModel(day=DAY)
    now = datetime(2026, 11, 25, 9, 0, tzinfo=AMSTERDAM)
    answer = pole_answer(model.profile_json(), 0, now - timedelta(hours=3))
    # Its 17:00–21:00 is our 20:00–24:00.
    assert [str(d) for d in verify(model.preview(), answer, now)] == [
        "17:00–20:00: pole 30 A, expected 7 A", "21:00–24:00: pole 7 A, expected 30 A"]


def test_a_custom_daily_profile_means_its_clock_times_every_day() -> None:
    model = ProfileEditorModel(day=DAY)
    model.set_mode(Mode.CUSTOM)
    model.set_periods([Period(0, 20.0), Period(6 * 3600 + 30 * 60, 10.0), Period(22 * 3600, 20.0)])
    later = datetime(2026, 12, 10, 3, 0, tzinfo=AMSTERDAM)  # another day, same season
    assert verify(model.preview(), pole_answer(model.profile_json(), 0, later)) == []
    assert model.preview().redeploy is None  # nobody re-deploys a custom profile


def test_on_the_dst_eve_the_tender_check_stops_at_the_redeployment() -> None:
    eve = date(2027, 3, 27)
    model = ProfileEditorModel(day=eve)
    now = datetime(2027, 3, 27, 21, 30, tzinfo=AMSTERDAM)
    result = check(model.preview(), pole_answer(model.profile_json(), 0, now), now)
    assert result.matches
    assert result.cut_by_change == datetime(2027, 3, 28, 0, 0, tzinfo=AMSTERDAM)


def test_verify_refuses_a_rejected_answer() -> None:
    model = ProfileEditorModel(day=DAY)
    with pytest.raises(ProfileError, match="Rejected"):
        verify(model.preview(), {"status": "Rejected"})


def test_model_tells_subscribers_about_every_change() -> None:
    model = ProfileEditorModel(day=DAY)
    seen: list[str] = []
    model.subscribe(lambda: seen.append(model.mode))
    model.set_tender(peak_start=time(16, 0))
    model.set_mode(Mode.CUSTOM)
    model.add_period()
    assert seen == ["tender", "custom", "custom"]
