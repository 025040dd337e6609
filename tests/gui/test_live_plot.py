"""The live current plot: what it draws for a window, pausing, the limit step, the legend
beside it (hiding curves, offset phases), the cursor readout, pole time, CSV export."""

from __future__ import annotations

import csv
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QColor, QMouseEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget
from pytestqt.qtbot import QtBot

from gui.plot.export_name import export_file_name
from gui.plot.live_plot import (
    COLUMNS,
    LABELS,
    LIMIT,
    MAX_EXTRAPOLATION_S,
    MIN_OFFSET_PX,
    OFFSET_STEPS_A,
    LivePlot,
    offset_step,
    steps,
)
from gui.plot.pens import PHASE_COLOURS
from tests.gui.qt_support import pumped
from tests.support import until

REPO = Path(__file__).resolve().parents[2]
T0 = 1_764_090_000.0  # 2025-11-25T17:00:00Z
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def plot(qtbot: QtBot) -> Iterator[LivePlot]:
    widget = LivePlot()
    qtbot.addWidget(widget)
    widget.resize(900, 400)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget


def feed(plot: LivePlot, start: float, seconds: float, *, rate: float = 10.0,
         limit: float = 30.0, level: float = 10.0) -> float:
    """Append ``seconds`` of samples from ``start``; return the time of the last one."""
    t = start
    for i in range(int(seconds * rate)):
        t = start + i / rate
        plot.append(t, [level, level + 1, level + 2, level / 2, 0.0, 0.0], limit)
    return t


def test_appended_samples_are_drawn_within_the_window(plot: LivePlot) -> None:
    last = feed(plot, T0, 120)
    plot.redraw()
    x0, x1 = plot.visible_range()
    assert x1 - x0 == pytest.approx(60)
    assert last <= x1 <= last + 0.5  # glides on with the clock, never far
    x, y = plot.curves()[1].getData()
    assert x[0] >= x0 - 0.1 and x[-1] == last
    assert set(np.unique(y)) == {11.0}
    assert plot.curves()[4].getData()[1].max() == 0.0


def test_a_longer_window_gets_decimated_data_and_keeps_peaks(plot: LivePlot) -> None:
    last = feed(plot, T0, 1800, level=10.0)
    plot.append(last + 0.1, [31.5, 11, 12, 5, 0, 0], 30.0)  # a one-sample spike
    feed(plot, last + 0.2, 1800)
    plot.set_window(3600)
    plot.redraw()
    x0, x1 = plot.visible_range()
    assert x1 - x0 == pytest.approx(3600)
    x, y = plot.curves()[0].getData()
    assert len(x) <= 2 * plot.plot_widget.getPlotItem().getViewBox().width() + 4
    assert y.max() == pytest.approx(31.5)
    plot.set_window(60)
    plot.redraw()
    assert plot.visible_range()[1] - plot.visible_range()[0] == pytest.approx(60)
    assert plot.curves()[0].getData()[1].max() == 10.0


def test_unknown_window_is_refused(plot: LivePlot) -> None:
    with pytest.raises(ValueError, match="no window of 42"):
        plot.set_window(42)


def test_pause_keeps_the_view_while_samples_keep_being_recorded(
        plot: LivePlot, qtbot: QtBot) -> None:
    last = feed(plot, T0, 30)
    plot.redraw()
    plot.set_paused(True)
    frozen_range = plot.visible_range()
    frozen_x, frozen_y = (a.copy() for a in plot.curves()[0].getData())
    total = plot.history.total

    feed(plot, last + 0.1, 30, level=20.0)
    plot.redraw()
    qtbot.wait(100)  # let the frame timer tick too
    assert plot.history.total == total + 300
    assert plot.visible_range() == frozen_range
    np.testing.assert_array_equal(plot.curves()[0].getData()[0], frozen_x)
    np.testing.assert_array_equal(plot.curves()[0].getData()[1], frozen_y)

    plot.set_paused(False)
    plot.redraw()
    assert plot.visible_range()[1] > frozen_range[1]
    assert plot.curves()[0].getData()[1].max() == 20.0


def test_pause_button_toggles_and_says_what_it_will_do(plot: LivePlot) -> None:
    button = plot._pause_button
    button.click()
    assert plot.paused and button.text() == "Resume"
    button.click()
    assert not plot.paused and button.text() == "Pause"


def test_changing_window_while_paused_stays_at_the_frozen_moment(plot: LivePlot) -> None:
    last = feed(plot, T0, 600)
    plot.redraw()
    plot.set_paused(True)
    end = plot.visible_range()[1]
    feed(plot, last + 0.1, 60, level=25.0)
    plot.set_window(300)
    x0, x1 = plot.visible_range()
    assert x1 == pytest.approx(end)
    assert x1 - x0 == pytest.approx(300)
    assert plot.curves()[0].getData()[1].max() == 10.0


def test_the_limit_is_a_step_line_that_shows_the_drop(plot: LivePlot) -> None:
    last = feed(plot, T0 - 30, 30, limit=30.0)
    feed(plot, last + 0.1, 20, limit=16.0)
    plot.redraw()
    limit = plot.curves()[-1]
    assert limit.opts["stepMode"] == "right"
    x, y = limit.getData()
    assert list(y) == [30.0, 16.0, 16.0]  # only where it changes, and the newest
    assert x[1] == pytest.approx(last + 0.1)
    assert limit.name() == "Limit"


def test_steps_keep_changes_first_and_last() -> None:
    times = np.arange(6.0)
    values = np.array([1, 1, 2, 2, np.nan, np.nan], dtype=np.float32)
    t, v = steps(times, values)
    np.testing.assert_array_equal(t, [0, 2, 4, 5])
    np.testing.assert_array_equal(v, [1, 2, np.nan, np.nan])


def global_rect(widget: QWidget, rect: QRect | None = None) -> QRect:
    rect = widget.rect() if rect is None else rect
    return QRect(widget.mapToGlobal(rect.topLeft()), rect.size())


def test_every_curve_has_a_legend_entry_beside_the_plot_not_over_it(plot: LivePlot) -> None:
    feed(plot, T0, 60)
    plot.redraw()
    assert [curve.name() for curve in plot.curves()] == list(LABELS)
    legend = plot.legend
    assert [legend.label(i) for i in range(len(COLUMNS))] == ["L1", "L2", "L3"] * 2 + ["Limit"]
    assert legend.isVisible()
    view_box = plot.plot_widget.getPlotItem().getViewBox()
    in_view = plot.plot_widget.mapFromScene(view_box.sceneBoundingRect()).boundingRect()
    data_area = global_rect(plot.plot_widget.viewport(), in_view)
    assert data_area.width() > 600 and data_area.height() > 250
    for widget in (legend, *(legend.box(i) for i in range(len(COLUMNS))), legend.offset_box):
        assert not global_rect(widget).intersects(data_area), widget
    assert not plot.plot_widget.getPlotItem().legend, "no legend inside the plot"


def colour_pixels(plot: LivePlot, colour: str) -> int:
    """How many pixels of the plot (not its legend) are exactly ``colour``."""
    image = plot.plot_widget.grab().toImage()
    rgb = QColor(colour).rgb()
    return sum(image.pixel(x, y) == rgb for y in range(0, image.height())
               for x in range(0, image.width(), 3))


def test_unticking_a_curve_hides_it_and_stops_feeding_it(plot: LivePlot) -> None:
    last = feed(plot, T0, 60, level=20.0)
    plot.redraw()
    green = PHASE_COLOURS[2]
    assert colour_pixels(plot, green) > 100
    plot.legend.box(2).click()  # socket 1 L3
    plot.set_curve_shown(5, False)  # socket 2 L3
    assert not plot.curve_shown(2) and not plot.legend.is_shown(5)
    assert not plot.curves()[2].isVisible() and not plot.curves()[5].isVisible()
    before = plot.curves()[2].getData()[1].copy()
    feed(plot, last + 0.1, 10, level=25.0)
    plot.redraw()
    assert colour_pixels(plot, green) == 0, "an unticked phase leaves no trace"
    np.testing.assert_array_equal(plot.curves()[2].getData()[1], before)  # not even fed
    assert plot.curves()[0].getData()[1].max() == 25.0

    plot.legend.box(2).click()
    plot.redraw()
    assert plot.curves()[2].isVisible()
    assert plot.curves()[2].getData()[1].max() == 27.0
    assert colour_pixels(plot, green) > 100


def test_the_limit_can_be_hidden_too(plot: LivePlot) -> None:
    feed(plot, T0, 30)
    plot.legend.box(LIMIT).click()
    plot.redraw()
    assert not plot.curves()[LIMIT].isVisible()
    assert len(plot.curves()[LIMIT].getData()[0]) == 0  # never handed data while hidden


def y_pixel(plot: LivePlot, column: int, t: float, value: float) -> float:
    """Where on screen the curve of ``column`` draws ``value`` at ``t``."""
    scene = plot.curves()[column].mapToScene(QPointF(t, value))
    return float(plot.plot_widget.mapFromScene(scene).y())


def test_equal_phases_are_drawn_as_three_lines_and_the_legend_says_how(plot: LivePlot) -> None:
    last = T0 + 60
    for i in range(600):  # all three phases at exactly the 30 A limit, as the issue has it
        plot.append(T0 + i / 10, [30.0, 30.0, 30.0, 0.0, 0.0, 0.0], 30.0)
    plot.redraw()
    assert plot.phase_offset, "on by default: equal phases must show from the start"
    step = plot.offset_a
    assert step in OFFSET_STEPS_A
    rows = [y_pixel(plot, column, last, 30.0) for column in range(3)]
    assert rows[0] < rows[1] < rows[2], "L2 and L3 below L1, never above the limit"
    assert min(np.diff(rows)) >= MIN_OFFSET_PX - 0.5
    assert y_pixel(plot, LIMIT, last, 30.0) == pytest.approx(rows[0])
    assert plot.legend.note(0) == ""
    assert plot.legend.note(1) == f"−{step:g} A"
    assert plot.legend.note(2) == f"−{2 * step:g} A"
    assert plot.legend.note(4) == plot.legend.note(1)

    plot.legend.offset_box.click()
    plot.redraw()
    assert not plot.phase_offset and plot.offset_a == 0
    rows = [y_pixel(plot, column, last, 30.0) for column in range(3)]
    assert rows[0] == rows[1] == rows[2]
    assert [plot.legend.note(i) for i in range(len(COLUMNS))] == [""] * len(COLUMNS)


def test_the_offset_is_a_round_step_a_few_pixels_tall() -> None:
    assert offset_step(18.0) == 0.5  # a tall plot: 0.2 A would be under four pixels
    assert offset_step(5.0) == 1.0  # the Pole view on a small laptop
    assert offset_step(100.0) == 0.1
    assert offset_step(0.01) == OFFSET_STEPS_A[-1]
    for pixels_per_amp in (0.8, 3.0, 7.7, 40.0):
        assert offset_step(pixels_per_amp) * pixels_per_amp >= MIN_OFFSET_PX


def hover(widget: QWidget, position: QPoint) -> None:
    """The mouse moves (no button) to ``position`` in ``widget``. A plain event: QTest's
    mouseMove only moves the cursor, which the offscreen platform reports once at most."""
    global_position = QPointF(widget.mapToGlobal(position))
    event = QMouseEvent(QEvent.Type.MouseMove, QPointF(position), global_position,
                        Qt.MouseButton.NoButton, Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


@pytest.fixture
def every_mouse_move() -> Iterator[None]:
    """pyqtgraph passes on at most one mouse move per 10 ms; a test moves faster than that."""
    limit = pg.getConfigOption("mouseRateLimit")
    pg.setConfigOption("mouseRateLimit", -1)
    yield
    pg.setConfigOption("mouseRateLimit", limit)


def move_mouse_to(plot: LivePlot, t: float, value: float) -> None:
    # Let the plot paint and lay out first: its axes take their width from the tick
    # labels they painted, which moves the data area a few pixels.
    plot.plot_widget.viewport().repaint()
    QApplication.processEvents()
    view_box = plot.plot_widget.getPlotItem().getViewBox()
    scene = view_box.mapViewToScene(QPointF(t, value))
    hover(plot.plot_widget.viewport(), plot.plot_widget.mapFromScene(scene))


def test_the_readout_shows_the_values_stored_under_the_mouse(
        plot: LivePlot, every_mouse_move: None) -> None:
    last = feed(plot, T0, 40, rate=1.0, level=10.0)  # a sample a second: ~10 px apart
    target = last + 1.0
    plot.append(target, [16.0, 16.5, 17.25, 8.0, 0.0, 0.0], 20.0)
    feed(plot, target + 1.0, 20, rate=1.0, level=20.0, limit=32.0)
    plot.redraw()
    plot.set_paused(True)  # the readout works the same on a frozen picture
    assert plot.legend.readout_time() == ""
    move_mouse_to(plot, target + 0.3, 5.0)  # nearest stored sample: the one at target
    expected = datetime.fromtimestamp(target, AMSTERDAM).strftime("%Y-%m-%d %H:%M:%S.%f")[:21]
    assert plot.legend.readout_time() == expected
    assert [plot.legend.readout_value(i) for i in range(len(COLUMNS))] == [
        "16.0 A", "16.5 A", "17.2 A", "8.0 A", "0.0 A", "0.0 A", "20.0 A"]
    line = plot._cursor_line
    assert line.isVisible() and line.value() == pytest.approx(target)
    view_box = plot.plot_widget.getPlotItem().getViewBox()
    assert view_box.viewRange()[0][0] <= line.value() <= view_box.viewRange()[0][1]

    plot.set_curve_shown(3, False)
    assert plot.legend.readout_value(3) == "", "a hidden curve is not read out"
    assert plot.legend.readout_value(2) == "17.2 A"

    left_axis = plot.plot_widget.getPlotItem().getAxis("left")
    axis_point = plot.plot_widget.mapFromScene(left_axis.sceneBoundingRect().center())
    hover(plot.plot_widget.viewport(), axis_point)
    assert plot.legend.readout_time() == "" and not line.isVisible()
    assert plot.legend.readout_value(0) == ""


def test_readout_in_a_gap_names_the_time_of_the_sample_it_shows(plot: LivePlot) -> None:
    plot.append(T0, [1, 2, 3, 4, 5, 6], 16.0)
    plot.append(T0 + 50, [7, 8, 9, 10, 11, 12], 16.0)
    plot.show_readout_at(T0 + 20)
    assert plot.legend.readout_time().endswith(
        datetime.fromtimestamp(T0, AMSTERDAM).strftime("%H:%M:%S.0"))
    assert plot.legend.readout_value(0) == "1.0 A"


def test_samples_stamped_by_a_pole_clock_years_away_are_in_view(plot: LivePlot) -> None:
    pole_now = datetime(2031, 6, 1, 12, tzinfo=UTC).timestamp()
    assert abs(pole_now - time.time()) > 365 * 86400
    last = feed(plot, pole_now - 30, 30, level=12.0)
    plot.redraw()
    x0, x1 = plot.visible_range()
    assert x0 < last <= x1 <= last + MAX_EXTRAPOLATION_S
    x, y = plot.curves()[0].getData()
    assert x0 <= x[0] and x[-1] == last and set(np.unique(y)) == {12.0}


def test_a_pole_clock_set_back_starts_the_plot_again(plot: LivePlot) -> None:
    wrong = datetime(2031, 6, 1, 12, tzinfo=UTC).timestamp()
    feed(plot, wrong, 10)
    right = datetime(2026, 12, 4, 15, 30, tzinfo=UTC).timestamp()
    last = feed(plot, right, 5, level=7.0)
    assert len(plot.history) == 50 and plot.history.t_last == last
    assert "clock went back" in plot.status_text()
    plot.redraw()
    x0, x1 = plot.visible_range()
    assert x0 < last <= x1
    plot.append(last - 1.0, [0.0] * 6, 16.0)  # jitter, not a clock set back: dropped
    assert len(plot.history) == 50 and plot.history.dropped == 1


def test_wrong_number_of_currents_is_refused(plot: LivePlot) -> None:
    with pytest.raises(ValueError, match="expected 6 currents"):
        plot.append(T0, [1.0, 2.0, 3.0], 16.0)


def test_frames_are_drawn_by_the_timer_while_shown(plot: LivePlot, qtbot: QtBot) -> None:
    feed(plot, T0, 5)
    qtbot.waitUntil(lambda: plot.frames > 0)


def test_export_csv_writes_the_raw_samples_of_the_window(plot: LivePlot,
                                                          tmp_path: Path) -> None:
    feed(plot, T0, 120, limit=16.0)
    plot.redraw()
    path = tmp_path / "currents.csv"
    rows = plot.export_csv(path)
    assert 599 <= rows <= 601  # the last minute at 10 Hz
    with path.open(newline="") as stream:
        table = list(csv.reader(stream))
    assert table[0] == ["time", *COLUMNS]
    assert len(table) == rows + 1
    assert table[-1][1:] == ["10", "11", "12", "5", "0", "0", "16"]
    assert datetime.fromisoformat(table[-1][0]).timestamp() == pytest.approx(T0 + 119.9)


def test_export_csv_of_a_chosen_range(plot: LivePlot, tmp_path: Path) -> None:
    feed(plot, T0, 10)
    assert plot.export_csv(tmp_path / "a.csv", T0 + 1, T0 + 2) == 11


async def test_export_button_writes_off_the_gui_thread_and_reports(
        plot: LivePlot, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plot.set_pole("PW-001")
    last = feed(plot, T0, 120)
    plot.redraw()
    path = tmp_path / "button.csv"
    proposed: list[str] = []

    def save_dialog(parent: QWidget, caption: str, name: str, filters: str) -> tuple[str, str]:
        proposed.append(name)
        return str(path), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_dialog))
    exported: list[tuple[str, int]] = []
    plot.exported.connect(lambda where, rows: exported.append((where, rows)))
    plot._export_button.click()
    assert not plot._export_button.isEnabled()  # the click returned before the file exists
    await until(pumped(lambda: bool(exported)))
    [(where, rows)] = exported
    assert proposed == [export_file_name("PW-001", last)]  # the pole's id and time
    assert proposed[0].startswith("PW-001_2025-11-2")
    assert where == str(path)
    assert len(path.read_text().splitlines()) == rows + 1
    assert "Exported" in plot.status_text()
    assert plot._export_button.isEnabled()


async def test_export_failure_reaches_the_user(plot: LivePlot, tmp_path: Path) -> None:
    feed(plot, T0, 10)
    plot.redraw()
    failed: list[str] = []
    plot.export_failed.connect(lambda where, reason: failed.append(reason))
    plot.export_csv_in_background(tmp_path / "missing" / "x.csv")
    await until(pumped(lambda: bool(failed)))
    assert "No such file" in failed[0]
    assert "failed" in plot.status_text()


def realistic_hour(peak: float, rate: float = 10.0) -> tuple[np.ndarray, np.ndarray]:
    """16:20–17:20 local: socket 1 a three-phase car, socket 2 a Zoe plugged in at 16:35;
    the limit drops from 30 A to 16 A at 17:00 and the Zoe, offered 8 A, stops drawing."""
    rng = np.random.default_rng(1)
    t = peak - 40 * 60 + np.arange(int(3600 * rate)) / rate
    limit = np.where(t < peak, 30.0, 16.0)
    plugged = t >= peak - 25 * 60
    offer = np.where(plugged, limit / 2, limit)
    lag = int(3 * rate)  # cars follow a new offer within seconds

    def delayed(values: np.ndarray) -> np.ndarray:
        return np.concatenate([np.full(lag, values[0]), values[:-lag]])

    first = delayed(offer) * 0.97
    phases = [first + rng.normal(0, 0.08, t.size) + d for d in (0.0, -0.5, 0.4)]
    zoe_offer = delayed(np.where(plugged, offer, 0.0))
    zoe = np.where(zoe_offer >= 12.5, zoe_offer * 0.88, 0.0)
    zoe_phases = [np.where(zoe > 0, zoe + rng.normal(0, 0.08, t.size) + d, 0.0)
                  for d in (0.0, 0.3, -0.3)]
    currents = np.clip(np.stack(phases + zoe_phases, axis=1), 0, None)
    return t, np.concatenate([currents, limit[:, None]], axis=1)


def test_screenshot_with_two_cars_and_the_evening_limit(qtbot: QtBot) -> None:
    """Not a check of pixels: a picture to look at (test-output/live_plot.png)."""
    widget = LivePlot()
    qtbot.addWidget(widget)
    peak = datetime(2026, 12, 4, 17, 0).timestamp()  # a fixed evening, not today
    times, values = realistic_hour(peak)
    widget.history.extend(times[:-1], values[:-1])
    widget.append(float(times[-1]), values[-1, :6].tolist(), float(values[-1, 6]))
    widget.resize(1200, 500)
    widget.set_window(3600)
    widget.show()
    qtbot.waitExposed(widget)
    widget.redraw()
    out = REPO / "test-output"
    out.mkdir(exist_ok=True)
    assert widget.grab().save(str(out / "live_plot.png"))
    assert widget.curves()[-1].getData()[1].tolist() == [30.0, 16.0, 16.0]


def test_clear_forgets_every_sample_for_the_next_pole(plot: LivePlot) -> None:
    feed(plot, T0, 30.0)
    assert len(plot.history) > 0
    plot.redraw()
    plot.clear()
    assert len(plot.history) == 0
    # Nothing of the previous pole stays drawn while the next one has sent nothing yet.
    assert all(curve.getData()[0] is None or len(curve.getData()[0]) == 0
               for curve in plot.curves())
    feed(plot, T0 + 100, 5.0)
    assert len(plot.history) == 50


def test_the_time_axis_and_readout_show_the_pole_s_clock_on_a_laptop_elsewhere(
        laptop_zone: str, plot: LivePlot) -> None:
    """A replay's banner says 18:00 (Europe/Amsterdam): the plot beneath must say 18:00 too,
    not the laptop's 12:00 or 22:30."""
    evening = datetime(2025, 11, 25, 18, tzinfo=AMSTERDAM).timestamp()
    assert datetime.fromtimestamp(evening).hour != 18, "the laptop's zone took"
    widget = plot
    feed(widget, evening - 1800, 3600, rate=0.2)
    widget.set_window(3600)
    widget.redraw()
    widget.grab()
    axis = widget.plot_widget.getPlotItem().getAxis("bottom")
    assert "Europe/Amsterdam" in axis.labelText
    drawn = []
    for spacing, values in axis.tickValues(evening - 1800, evening + 1800, 800):
        drawn += zip(values, axis.tickStrings(values, 1.0, spacing), strict=True)
    assert (evening, "18:00") in drawn
    assert all(datetime.fromtimestamp(value, AMSTERDAM).strftime("%H:%M") == text
               for value, text in drawn if len(text) == 5)
    widget.show_readout_at(evening)
    assert widget.legend.readout_time() == "2025-11-25 18:00:00.0"
