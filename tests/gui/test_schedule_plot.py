"""The Pole view's 24 h schedule reads in the pole's zone, Europe/Amsterdam, and says so,
whatever zone the laptop is set to: 17:00 at the pole is written 17:00."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from pytestqt.qtbot import QtBot

from gui.plot.zone_axis import ZoneDateAxis, utc_offset_s, wall_ticks_to_epochs
from gui.views.schedule_plot import SchedulePlot

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
WIDTH_PX = 800


def amsterdam(*when: int) -> float:
    return datetime(*when, tzinfo=AMSTERDAM).timestamp()  # type: ignore[misc]


def tender_day(start: str) -> dict[str, object]:
    """A pole's answer for a day from local midnight: 30 A, 7 A from 17:00, 30 A from 21:00."""
    return {"status": "Accepted", "connectorId": 0, "scheduleStart": start,
            "chargingSchedule": {"duration": 86400, "chargingRateUnit": "A",
                                 "chargingSchedulePeriod": [
                                     {"startPeriod": 0, "limit": 30.0},
                                     {"startPeriod": 17 * 3600, "limit": 7.0},
                                     {"startPeriod": 21 * 3600, "limit": 30.0}]}}


def drawn_plot(qtbot: QtBot) -> SchedulePlot:
    """A schedule plot painted once (the axis measures its labels while painting)."""
    plot = SchedulePlot()
    qtbot.addWidget(plot)
    plot.resize(WIDTH_PX + 100, 400)
    plot.show()
    plot.grab()
    return plot


def ticks(axis: ZoneDateAxis, start: float, end: float) -> list[tuple[float, str]]:
    """Every tick the axis draws over [start, end] at WIDTH_PX, with its text."""
    drawn = []
    for spacing, values in axis.tickValues(start, end, WIDTH_PX):
        drawn += zip(values, axis.tickStrings(values, 1.0, spacing), strict=True)
    return sorted(drawn)


def test_17_00_in_amsterdam_is_labelled_17_00_on_a_laptop_elsewhere(
        qtbot: QtBot, laptop_zone: str) -> None:
    assert datetime.fromtimestamp(amsterdam(2026, 11, 25, 17)).hour != 17, "the zone took"
    plot = drawn_plot(qtbot)
    plot.show_schedule(tender_day("2026-11-24T23:00:00Z"))  # 00:00 in Amsterdam

    assert "lowest from 17:00 (Europe/Amsterdam)" in plot.note.text()
    assert "Europe/Amsterdam" in plot.plot.getAxis("bottom").labelText
    axis = plot.plot.getAxis("bottom")
    start, end = amsterdam(2026, 11, 25), amsterdam(2026, 11, 26)
    assert ticks(axis, start, end) == [
        (amsterdam(2026, 11, 25, 6), "06:00"), (amsterdam(2026, 11, 25, 12), "12:00"),
        (amsterdam(2026, 11, 25, 18), "18:00"), (amsterdam(2026, 11, 26), "Thu 26")]
    zoomed = ticks(axis, amsterdam(2026, 11, 25, 16), amsterdam(2026, 11, 25, 22))
    assert (amsterdam(2026, 11, 25, 17), "17:00") in zoomed
    assert all(text.endswith(":00") for _, text in zoomed), "whole Amsterdam hours"


def test_the_ticks_follow_amsterdam_across_a_daylight_saving_change(
        qtbot: QtBot, laptop_zone: str) -> None:
    plot = drawn_plot(qtbot)
    axis = plot.plot.getAxis("bottom")
    for start in (amsterdam(2026, 3, 29), amsterdam(2026, 10, 25)):  # forward, back
        hours = [(value, text) for value, text in ticks(axis, start, start + 86400)
                 if ":" in text]
        assert [text for _, text in hours] == ["06:00", "12:00", "18:00"]
        assert [value for value, _ in hours] == [
            datetime.fromtimestamp(start, AMSTERDAM).replace(hour=hour).timestamp()
            for hour in (6, 12, 18)]


def wall(*when: int) -> float:
    """A wall-clock time counted as if it were UTC: how the axis steps its ticks."""
    return datetime(*when, tzinfo=UTC).timestamp()  # type: ignore[misc]


def test_wall_clock_ticks_come_back_as_amsterdam_instants() -> None:
    winter = utc_offset_s(AMSTERDAM, amsterdam(2026, 1, 1))
    assert (winter, utc_offset_s(AMSTERDAM, amsterdam(2026, 7, 1))) == (3600, 7200)
    # On 25 October 2026 ticks stepped at the winter offset: 00:00 is still summer time.
    walls = [wall(2026, 10, 25), wall(2026, 10, 25, 6)]
    assert wall_ticks_to_epochs(walls, AMSTERDAM, winter) == [
        amsterdam(2026, 10, 25), amsterdam(2026, 10, 25, 6)]
