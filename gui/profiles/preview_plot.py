"""The 24 h plot of a profile: the expected step line, the peak shaded, the pole's answer on top.

Why wall-clock hours on the x axis: a technician thinks "from five to nine in the
evening", not "61 200 s after startSchedule". Both lines are drawn against local
clock time (Europe/Amsterdam), so the pole's answer — which runs from *its* now for
24 h — folds onto the same day: the part after midnight lands at the left.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QWidget

from gui.profiles.preview import PoleSchedule, Preview, Step, format_amps

__all__ = ["PreviewPlot", "wall_hours"]

EXPECTED_COLOUR = "#1f5fbf"
POLE_COLOUR = "#d9480f"
PEAK_BRUSH = QColor(255, 170, 0, 60)
_MAX_LABELS = 12
"""More step labels than this would cover the line; the axis must do then."""


def wall_hours(moment: datetime, day_start: datetime) -> float:
    """Hours on the local clock face; midnight at the end of `day_start`'s day is 24."""
    local = moment.astimezone(day_start.tzinfo)
    hours = local.hour + local.minute / 60 + local.second / 3600
    if hours == 0 and local.date() > day_start.date():
        return 24.0
    return hours


def _step_line(steps: Sequence[Step], end: datetime, day_start: datetime
               ) -> tuple[list[float], list[float]]:
    """x/y points of a step line on the clock face, broken (NaN) where it wraps midnight."""
    xs: list[float] = []
    ys: list[float] = []
    for index, step in enumerate(steps):
        finish = steps[index + 1].start if index + 1 < len(steps) else end
        start = step.start
        while start < finish:
            local = start.astimezone(day_start.tzinfo)
            midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(),
                                        tzinfo=day_start.tzinfo)
            piece_end = min(finish, midnight)
            x0 = wall_hours(start, start)  # a piece starting at midnight starts at 0
            x1 = 24.0 if piece_end == midnight else wall_hours(piece_end, day_start)
            if xs and not math.isnan(xs[-1]) and abs(xs[-1] - x0) > 1e-9:
                xs.append(math.nan)
                ys.append(math.nan)
            xs += [x0, x1]
            ys += [step.limit_a, step.limit_a]
            start = piece_end
    return xs, ys


class PreviewPlot(pg.PlotWidget):  # type: ignore[misc]
    """Shows one `Preview` and optionally the pole's `PoleSchedule` over it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, background="w")
        self.setMenuEnabled(False)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        plot = self.getPlotItem()
        plot.showGrid(x=True, y=True, alpha=0.25)
        bottom, left = plot.getAxis("bottom"), plot.getAxis("left")
        major = [(h, f"{h:02d}:00") for h in range(0, 25, 3)]
        minor = [(h, "") for h in range(25) if h % 3]
        bottom.setTicks([major, minor])
        for axis in (bottom, left):
            axis.setPen(pg.mkPen("#444"))
            axis.setTextPen(pg.mkPen("#222"))
        plot.setLabel("left", self.tr("A per phase"))
        plot.setLabel("bottom", self.tr("local time (Europe/Amsterdam)"))
        plot.setXRange(-0.4, 24.4, padding=0)
        self._legend = plot.addLegend(offset=(10, 8), labelTextColor="#222",
                                      brush=pg.mkBrush(255, 255, 255, 220))
        self._peak = pg.LinearRegionItem(movable=False, brush=PEAK_BRUSH,
                                         pen=pg.mkPen(None))
        self._peak.setZValue(-10)
        self._peak_label = pg.TextItem(color="#8a5a00", anchor=(0.5, 0))
        self._peak_label.setFont(_bold())
        self._expected = plot.plot(name=self.tr("Profile as previewed"),
                                   pen=pg.mkPen(EXPECTED_COLOUR, width=3))
        self._pole = plot.plot(name=self.tr("Pole's own schedule"), connect="finite",
                               pen=pg.mkPen(POLE_COLOUR, width=2,
                                            style=Qt.PenStyle.DashLine))
        self._legend.removeItem(self._pole)
        self._overrule = plot.plot(pen=pg.mkPen("#8a5a00", width=2, style=Qt.PenStyle.DotLine))
        self._labels: list[pg.TextItem] = []
        self._preview: Preview | None = None
        self._pole_shown = False

    def set_preview(self, preview: Preview | None, overrule_a: float | None = None) -> None:
        """Draw `preview` (None: clear the line, e.g. while the inputs are wrong).

        `overrule_a` draws the tender's overrule limit dotted across the peak: what an
        overruled transaction gets instead of the peak limit.
        """
        self._preview = preview
        plot = self.getPlotItem()
        for label in self._labels:
            plot.removeItem(label)
        self._labels = []
        self._overrule.setData([], [])
        if preview is None:
            self._expected.setData([], [])
            self._show_peak(None)
            return
        xs, ys = _step_line(preview.steps, preview.end, preview.start)
        self._expected.setData(xs, ys)
        top = max([s.limit_a for s in preview.steps] + [preview.grid_limit_a])
        plot.setYRange(-0.5, top * 1.35 + 1, padding=0)
        self._show_peak(preview.peak)
        if overrule_a is not None and preview.peak is not None:
            x0, x1 = (wall_hours(t, preview.start) for t in preview.peak)
            self._overrule.setData([x0, x1], [overrule_a, overrule_a])
            label = pg.TextItem(self.tr("overrule %1").replace("%1", format_amps(overrule_a)),
                                color="#8a5a00",
                                anchor=(0.5, 1.0))
            label.setPos((x0 + x1) / 2, overrule_a)
            plot.addItem(label)
            self._labels.append(label)
        if len(preview.steps) <= _MAX_LABELS:
            for index, step in enumerate(preview.steps):
                finish = preview.steps[index + 1].start if index + 1 < len(preview.steps) \
                    else preview.end
                x0, x1 = wall_hours(step.start, preview.start), wall_hours(finish, preview.start)
                label = pg.TextItem(format_amps(step.limit_a), color=EXPECTED_COLOUR,
                                    anchor=(0.5, 1.0))
                label.setFont(_bold())
                label.setPos((x0 + x1) / 2, step.limit_a)
                plot.addItem(label)
                self._labels.append(label)

    def set_pole(self, pole: PoleSchedule | None) -> None:
        """Overlay the pole's own schedule (None: remove it)."""
        if pole is None or self._preview is None:
            self._pole.setData([], [])
            if self._pole_shown:
                self._legend.removeItem(self._pole)
                self._pole_shown = False
            return
        xs, ys = _step_line(pole.steps, pole.end, self._preview.start)
        self._pole.setData(xs, ys)
        if not self._pole_shown:
            self._legend.addItem(self._pole, self.tr("Pole's own schedule"))
            self._pole_shown = True

    def pole_points(self) -> tuple[list[float], list[float]]:
        """The overlaid pole line's points (for tests: is it drawn?)."""
        xs, ys = self._pole.getData()
        return ([] if xs is None else list(xs)), ([] if ys is None else list(ys))

    def _show_peak(self, peak: tuple[datetime, datetime] | None) -> None:
        plot = self.getPlotItem()
        if peak is None or self._preview is None:
            if self._peak.scene() is not None:
                plot.removeItem(self._peak)
                plot.removeItem(self._peak_label)
            return
        x0, x1 = (wall_hours(t, self._preview.start) for t in peak)
        self._peak.setRegion((x0, x1))
        self._peak_label.setText(self.tr("Peak %1–%2").replace("%1", f"{peak[0]:%H:%M}")
                                 .replace("%2", f"{peak[1]:%H:%M}"))
        top = plot.viewRange()[1][1]
        self._peak_label.setPos((x0 + x1) / 2, top - 0.5)
        if self._peak.scene() is None:
            plot.addItem(self._peak)
            plot.addItem(self._peak_label)


def _bold() -> QFont:
    font = QFont()
    font.setBold(True)
    return font
