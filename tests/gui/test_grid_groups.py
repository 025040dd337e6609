"""The Grid groups page (issue 22; eis 32, 63): a group's forecast against its actual
current, and per pole what it got — the model alone, then the view at 1366×768."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pytestqt.qtbot import QtBot

from gui.grid.model import GridGroupsModel, PoleRow
from gui.grid.view import GridGroupsView
from gui.tasks import TaskRunner
from pole_link.service_api import ServiceEndpoint
from pole_link.service_oscp import ForecastBlockRecord, GridGroupRecord
from tests.gui.test_small_screen import language  # noqa: F401 (the en/nl fixture)

OUTPUT = Path(__file__).resolve().parents[2] / "test-output"
T0 = datetime(2026, 11, 25, 16, tzinfo=UTC)
"""17:00 in Amsterdam (winter time): a test reading UTC or the machine's zone shows."""


def cable(actual: dict[str, float], *, capped: bool = True) -> GridGroupRecord:
    return GridGroupRecord(
        "cable-7", ("PW-0001", "PW-0002", "PW-0003"), 40.0 if capped else None,
        T0 if capped else None, T0 + timedelta(hours=1) if capped else None,
        {"PW-0001": 13.3, "PW-0002": 13.3, "PW-0003": 13.3} if "PW-0003" in actual
        else {"PW-0001": 17.0, "PW-0002": 17.0, "PW-0003": 6.0}, (),
        ("pole PW-0009 is offline: it may draw up to 30 A without our profile",),
        (ForecastBlockRecord(T0, T0 + timedelta(hours=1), 40.0),
         ForecastBlockRecord(T0 + timedelta(hours=2), T0 + timedelta(hours=3), 25.0)),
        actual)


def test_eis32_model_keeps_the_groups_draw_and_each_poles_share() -> None:
    model = GridGroupsModel()
    seen: list[int] = []
    model.subscribe(lambda: seen.append(1))
    model.update([cable({"PW-0001": 16.9, "PW-0002": 16.8})], T0)
    model.update([cable({"PW-0001": 16.9, "PW-0002": 16.8, "PW-0003": 5.9})],
                 T0 + timedelta(seconds=5))
    assert model.chosen == "cable-7" and len(seen) == 2
    assert model.rows() == [PoleRow("PW-0001", 13.3, 16.9, False),
                            PoleRow("PW-0002", 13.3, 16.8, False),
                            PoleRow("PW-0003", 13.3, 5.9, False)]
    assert model.summary() == (40.0, 16.9 + 16.8 + 5.9)
    times, amps = model.actual_series()
    assert times == [T0.timestamp(), T0.timestamp() + 5] and amps[0] == 16.9 + 16.8
    xs, ys = model.forecast_steps()
    assert ys[:2] == [40.0, 40.0] and math.isnan(ys[2]) and ys[3:] == [25.0, 25.0]
    assert xs[3] == (T0 + timedelta(hours=2)).timestamp()
    model.update([cable({}, capped=False)], T0 + timedelta(seconds=10))
    assert model.rows()[0].share_a is None and model.summary()[0] is None


def test_eis32_grid_groups_page_at_1366x768(qtbot: QtBot) -> None:
    view = GridGroupsView(TaskRunner(), now=lambda: T0)
    qtbot.addWidget(view)
    view.service = ServiceEndpoint("http://127.0.0.1:9", "not-used")  # no refresh asked
    for second in range(0, 3600, 60):
        shares = {"PW-0001": 16.9, "PW-0002": 16.8}
        if second >= 1800:  # a third vehicle: the shares are re-split
            shares = {"PW-0001": 13.2, "PW-0002": 13.3, "PW-0003": 13.1}
        view.model.update([cable(shares)],
                          T0 + timedelta(seconds=second))
    view.resize(1366 - 170, 700)
    view.show()
    qtbot.waitExposed(view)
    assert view.chooser.currentText() == "cable-7"
    assert view.table.rowCount() == 3 and view.table.item(2, 1).text() == "13.3"
    assert "Capped at 40.0 A" in view.summary.text()
    assert "PW-0009 is offline" in view.problems.text() and view.problems.isVisible()
    assert not view.note.isVisible()
    OUTPUT.mkdir(exist_ok=True)
    assert view.grab().save(str(OUTPUT / "grid_groups_1366x768.png"))


def quiet_cable() -> GridGroupRecord:
    """A group with no forecast from its grid operator and no pole that measured yet."""
    return GridGroupRecord("cable-7", ("PW-0001", "PW-0002"), None, None, None, {}, (), (),
                           (), {})


def test_an_empty_group_plots_a_time_axis_in_amsterdam_and_says_what_would_fill_it(
        qtbot: QtBot, language: str) -> None:  # noqa: F811
    view = GridGroupsView(TaskRunner(), now=lambda: T0)
    qtbot.addWidget(view)
    view.service = ServiceEndpoint("http://127.0.0.1:9", "not-used")  # no refresh asked
    view.model.update([quiet_cable()], T0)
    view.model.update([quiet_cable()], T0 + timedelta(seconds=5))
    view.resize(1366 - 170, 700)
    view.show()
    qtbot.waitExposed(view)
    OUTPUT.mkdir(exist_ok=True)
    assert view.grab().save(str(OUTPUT / f"grid-empty-{language}-1366x768.png"))
    assert view.model.nothing_to_plot()
    left, right = view.plot.getViewBox().viewRange()[0]
    assert (left, right) == ((T0 - timedelta(hours=6)).timestamp(),
                             (T0 + timedelta(hours=6)).timestamp()), "hours around now"
    axis = view.plot.getAxis("bottom")
    spacing, ticks = next((s, t) for s, t in axis.tickValues(left, right, 1000) if t)
    assert all(re.fullmatch(r"\d\d:\d\d", text)
                         for text in axis.tickStrings(ticks, 1, spacing))
    assert axis.tickStrings([T0.timestamp()], 1, spacing) == ["17:00"], "Amsterdam time"
    assert view.empty_text.isVisible()
    if language == "en":
        assert view.empty_text.textItem.toPlainText().startswith(
            "No forecast and no measured current yet. The forecast appears when the grid "
            "operator sends one over OSCP")
    view.model.update([cable({"PW-0001": 16.9})], T0 + timedelta(seconds=10))
    assert not view.empty_text.isVisible(), "a forecast arrived: the plot draws it"
