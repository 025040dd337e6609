"""What people would rather see than read: the poles most at risk, left to right in the
"at risk" order, as bars against their target line — uptime against eis 48's 98 %,
overruled share against the subperiod's limit.

Only the first `CHART_POLES` rows of the "at risk" order are drawn: bars for 10,000 poles
say nothing, and the table holds the rest. Bars that miss the target are red.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QWidget

from gui.reports.summary import UPTIME_TARGET, PoleSummary
from gui.reports.table import MET_COLOUR, MISSED_COLOUR

CHART_POLES = 12
"""Bars per chart: the pole ids still fit under them at 1366 × 768."""
_NO_DATA_COLOUR = "#9e9e9e"


def _plot(title: str, unit: str) -> pg.PlotWidget:
    plot = pg.PlotWidget(background="w")
    plot.setTitle(title, color="#222222", size="10pt")
    plot.setMenuEnabled(False)
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()
    plot.setMinimumWidth(160)  # the page's splitter, not the chart, decides the width
    plot.getAxis("left").setLabel(unit)
    for axis in ("left", "bottom"):
        plot.getAxis(axis).setPen(pg.mkPen("#444444"))
        plot.getAxis(axis).setTextPen(pg.mkPen("#222222"))
    return plot


def _ticks(rows: Sequence[PoleSummary]) -> list[list[tuple[float, str]]]:
    # The number part of an id is what tells poles apart (PW-0012 → 0012).
    return [[(float(n), row.pole_id.rsplit("-", 1)[-1]) for n, row in enumerate(rows)]]


class ReportCharts(QWidget):
    """Two bar charts side by side; `show_rows` redraws them from the at-risk order."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        translate = QCoreApplication.translate
        self.uptime_plot = _plot(translate("ReportCharts", "Uptime (eis 48)"),
                                 "%")
        self.overrule_plot = _plot(translate(
            "ReportCharts", "Overruled in the peak (eis 25)"), "%")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.uptime_plot)
        layout.addWidget(self.overrule_plot)
        self.shown: list[str] = []
        """Pole ids drawn, left to right (for tests and the tooltips)."""

    def show_rows(self, rows: Sequence[PoleSummary]) -> None:
        top = list(rows[:CHART_POLES])
        self.shown = [row.pole_id for row in top]
        self._uptime(top)
        self._overrule(top)

    def _bars(self, plot: pg.PlotWidget, values: list[float], colours: list[str]) -> None:
        plot.clear()
        if values:
            plot.addItem(pg.BarGraphItem(x=list(range(len(values))), height=values, width=0.65,
                                         brushes=[QColor(c) for c in colours],
                                         pens=[pg.mkPen(None)] * len(values)))
        plot.setXRange(-0.6, max(len(values), 1) - 0.4, padding=0)

    def _uptime(self, rows: list[PoleSummary]) -> None:
        plot = self.uptime_plot
        values = [row.uptime.percent if row.uptime else 0.0 for row in rows]
        colours = [_NO_DATA_COLOUR if row.uptime is None
                   else MET_COLOUR if row.uptime.meets_98 else MISSED_COLOUR for row in rows]
        self._bars(plot, values, colours)
        plot.addItem(pg.InfiniteLine(UPTIME_TARGET, angle=0, pen=pg.mkPen(
            "#222222", width=1.5, style=Qt.PenStyle.DashLine), label="98 %",
            labelOpts={"position": 0.96, "color": "#222222", "anchors": [(1, 1), (1, 1)]}))
        low = min([*values, UPTIME_TARGET]) if values else UPTIME_TARGET
        plot.setYRange(max(0.0, low - 2.0), 100.5, padding=0)
        plot.getAxis("bottom").setTicks(_ticks(rows))

    def _overrule(self, rows: list[PoleSummary]) -> None:
        plot = self.overrule_plot
        values, colours = [], []
        for row in rows:
            sub = row.subperiod
            values.append(sub.overruled_percent or 0.0 if sub else 0.0)
            colours.append(_NO_DATA_COLOUR if sub is None or sub.target_met is None
                           else MET_COLOUR if sub.target_met else MISSED_COLOUR)
        self._bars(plot, values, colours)
        limits = sorted({row.subperiod.target_percent for row in rows
                         if row.subperiod is not None
                         and row.subperiod.target_percent is not None})
        for limit in limits:  # 50 % in subperiod 2, 20 % in subperiod 3
            plot.addItem(pg.InfiniteLine(limit, angle=0, pen=pg.mkPen(
                "#222222", width=1.5, style=Qt.PenStyle.DashLine), label=f"≤ {limit} %",
                labelOpts={"position": 0.96, "color": "#222222",
                           "anchors": [(1, 1), (1, 1)]}))
        plot.setYRange(0, max([*values, *limits, 10.0]) * 1.1, padding=0)
        plot.getAxis("bottom").setTicks(_ticks(rows))
