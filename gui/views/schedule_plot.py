"""The day's composite schedule as the pole itself computes it (GetCompositeSchedule).

What the pole will allow over the next 24 h is a step line; a technician checks at a
glance that the 17:00–21:00 peak limit is really in place. It is asked again on every
(re)connection and every few minutes, never on a timer faster than that.

Times are drawn and written in the pole's zone (the tender profile's, Europe/Amsterdam),
as the Capacity profile view does, and the axis says so: the laptop's own zone may be
anything, and a peak drawn at 11:00 because the laptop is set to New York would look
like a pole that is wrong.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from gui.plot.zone_axis import ZoneDateAxis
from pole_link.profiles.tender import TenderProfileSettings
from pole_link.timeutil import parse_time

REFRESH_S = 300
POLE_ZONE = TenderProfileSettings().timezone
"""The zone of the pole's day: the one its capacity profile's peak is set in."""


def schedule_steps(answer: dict[str, Any]) -> tuple[list[float], list[float]]:
    """OCPP ``GetCompositeSchedule`` → step edges (epoch s) and limits for ``stepMode``.

    Returns ``len(limits) + 1`` edges: each period runs to the next one's start and the
    last to the end of the schedule's duration.
    """
    schedule = answer.get("chargingSchedule") or {}
    start = parse_time(str(answer.get("scheduleStart") or schedule.get("startSchedule")))
    duration = float(schedule.get("duration") or 86_400)
    periods = sorted(schedule.get("chargingSchedulePeriod") or [],
                     key=lambda period: float(period["startPeriod"]))
    edges = [start.timestamp() + float(period["startPeriod"]) for period in periods]
    limits = [float(period["limit"]) for period in periods]
    if edges:
        edges.append(max(edges[-1], start.timestamp() + duration))
    return edges, limits


class SchedulePlot(QWidget):
    """A step plot of one composite schedule, with a "now" marker."""

    def __init__(self, parent: QWidget | None = None, zone: str = POLE_ZONE) -> None:
        super().__init__(parent)
        self.zone = ZoneInfo(zone)
        self.note = QLabel(self.tr("The pole's schedule appears once it is connected."))
        self.plot = pg.PlotWidget(axisItems={"bottom": ZoneDateAxis(self.zone)})
        self.plot.setBackground("w")
        self.plot.showGrid(x=True, y=True, alpha=0.3)
        self.plot.setLabel("left", self.tr("Limit per phase"), units="A")
        self.plot.setLabel("bottom", self.tr("local time (%1)").replace("%1", zone))
        self.curve = self.plot.plot([0, 1], [0], stepMode="center", fillLevel=0,
                                    brush=(31, 79, 209, 60), pen=pg.mkPen("#1f4fd1", width=3))
        self.now_line = pg.InfiniteLine(angle=90, pen=pg.mkPen("#c62828", width=2),
                                        label=self.tr("now"),
                                        labelOpts={"position": 0.9, "color": "#c62828"})
        self.plot.addItem(self.now_line)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.plot, 1)
        self.limits: list[float] = []

    def show_schedule(self, answer: dict[str, Any], now: datetime | None = None) -> None:
        if answer.get("status") != "Accepted":
            self.note.setText(self.tr("The pole has no schedule to show (%1).").replace(
                "%1", str(answer.get("status"))))
            return
        edges, limits = schedule_steps(answer)
        if not limits:
            self.note.setText(self.tr("The pole reports no limit: it charges at full power."))
            return
        self.limits = limits
        self.curve.setData(edges, limits)
        moment = now or parse_time(str(answer.get("scheduleStart")))
        self.now_line.setValue(moment.timestamp())
        self.plot.setYRange(0, max(limits) * 1.15)
        lowest = min(limits)
        since = f"{first_time_of(edges, limits, lowest, self.zone)} ({self.zone.key})"
        self.note.setText(self.tr("Next 24 h as the pole computes it: %1–%2 A per phase, "
                                  "lowest from %3").replace("%1", f"{lowest:g}").replace(
            "%2", f"{max(limits):g}").replace("%3", since))


def first_time_of(edges: list[float], limits: list[float], value: float,
                  zone: ZoneInfo) -> str:
    """When the schedule first reaches `value`, on the zone's wall clock ("17:00")."""
    index = limits.index(value)
    return datetime.fromtimestamp(edges[index], zone).strftime("%H:%M")
