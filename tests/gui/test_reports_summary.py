"""The Reports page's state without widgets (eis 25, 48): which year is offered and where a
running one ends (from an injected clock), and the fleet "most at risk first"."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from gui.reports.summary import (
    ReportsState,
    fleet_summary,
    offered_years,
    risk_key,
    year_period,
)
from pole_link.service_reports import SubperiodRecord, UptimeRecord
from service.reports.compliance import AMSTERDAM

NOW = datetime(2027, 3, 10, 9, 30, tzinfo=UTC)
START = datetime(2026, 1, 1, tzinfo=AMSTERDAM)
END = datetime(2027, 1, 1, tzinfo=AMSTERDAM)


def up(pole: str, percent: float) -> UptimeRecord:
    return UptimeRecord(pole, START, END, 100.0, percent, 100.0, 100.0, 0.0, percent,
                        percent >= 98)


def sub(pole: str, peak: int, overruled: int, target: int | None = 50) -> SubperiodRecord:
    share = 100 * overruled / peak if peak else None
    met = None if target is None or share is None else overruled * 100 <= target * peak
    return SubperiodRecord(pole, "subperiod 2" if target == 50 else "baseline", START, END,
                           False, peak, overruled, share, target, 20, met)


def test_eis48_a_year_ends_at_new_year_or_at_now_while_it_runs() -> None:
    assert offered_years(NOW) == [2027, 2026, 2025, 2024]
    running = year_period(2027, NOW)
    assert (running.start, running.end, running.complete) == (
        datetime(2027, 1, 1, tzinfo=AMSTERDAM), NOW.astimezone(AMSTERDAM), False)
    assert running.label == "2027 (until 2027-03-10 10:30)"
    done = year_period(2026, NOW)
    assert (done.start, done.end, done.complete, done.label) == (START, END, True, "2026")
    with pytest.raises(ValueError, match="2028 has not begun"):
        year_period(2028, NOW)


def test_eis25_eis48_the_fleet_comes_most_at_risk_first() -> None:
    rows = fleet_summary(
        [up("PW-OK", 99.9), up("PW-CLOSE-UP", 98.3), up("PW-DOWN", 91.0),
         up("PW-SLIGHTLY-DOWN", 97.5), up("PW-NEW", 100.0), up("PW-OVER", 100.0)],
        [sub("PW-OK", 50, 6), sub("PW-CLOSE-UP", 50, 6), sub("PW-DOWN", 10, 1),
         sub("PW-SLIGHTLY-DOWN", 10, 1), sub("PW-OVER", 10, 6), sub("PW-NEW", 0, 0),
         sub("PW-BASELINE", 8, 5, target=None)])
    assert [row.pole_id for row in rows] == [
        "PW-OVER",          # 60 % overruled against 50 %: 10 points over the limit
        "PW-DOWN",          # 91 % uptime: 7 points under 98
        "PW-SLIGHTLY-DOWN",  # 97.5 %: 0.5 points under
        "PW-CLOSE-UP",      # meets both, 0.3 points of uptime left
        "PW-OK",            # 1.9 points of uptime left
        "PW-NEW",           # 2 points of uptime; no peak transaction to judge yet
        "PW-BASELINE",      # baseline only: nothing to judge
    ]
    assert rows[0].missed and rows[0].headroom == pytest.approx(-10)
    assert rows[3].headroom == pytest.approx(0.3)
    assert risk_key(rows[-1])[0] == 2


def test_eis25_an_answer_for_a_year_no_longer_chosen_is_dropped() -> None:
    state = ReportsState(lambda: NOW)
    seen: list[int] = []
    state.subscribe(lambda: seen.append(len(state.rows)))
    old = state.period
    assert old.year == 2027
    state.choose_year(2026)
    assert not state.show_fleet(old, [up("PW-1", 99)], [])
    assert state.rows == []
    assert state.show_fleet(state.period, [up("PW-1", 99)], [])
    assert [row.pole_id for row in state.rows] == ["PW-1"] and seen[-1] == 1
