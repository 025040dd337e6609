"""A time axis in one named zone, whatever zone the laptop is set to.

pyqtgraph's `DateAxisItem` places and labels its ticks in the machine's local time (or
at one fixed offset). A pole's day is Europe/Amsterdam wall-clock time — its peak is
17:00–21:00 there — and a technician's laptop may be set to anything: a tick labelled
17:00 must be 17:00 at the pole. So this axis lays its ticks out on the zone's wall
clock (through `DateAxisItem`'s own zoom levels, so it zooms as any date axis does) and
writes each tick in the zone, daylight-saving changes included.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pyqtgraph as pg


def utc_offset_s(zone: ZoneInfo, epoch_s: float) -> float:
    """Seconds the zone's wall clock is ahead of UTC at ``epoch_s``."""
    offset = datetime.fromtimestamp(epoch_s, zone).utcoffset()
    return 0.0 if offset is None else offset.total_seconds()


def zone_text(epoch_s: float, zone: ZoneInfo, pattern: str) -> str:
    """``strftime(pattern)`` of the instant as the zone's wall clock shows it."""
    text = datetime.fromtimestamp(epoch_s, zone).strftime(pattern)
    if "%f" in pattern:
        return text[:-3]  # milliseconds, as DateAxisItem shows them
    return text.lstrip("0") if "%Y" in pattern else text


def wall_ticks_to_epochs(walls: Sequence[float], zone: ZoneInfo, shift_s: float) -> list[float]:
    """Ticks computed on the zone's wall clock (as if it were UTC) back to instants.

    `shift_s` is the offset the ticks were computed with (one for the whole range); each
    tick is then corrected with the offset in force at its own moment, so a tick at
    06:00 after a daylight-saving change is at 06:00 of the new offset.
    """
    instants = (wall - utc_offset_s(zone, wall - shift_s) for wall in walls)
    return sorted(set(instants))


class ZoneDateAxis(pg.DateAxisItem):  # type: ignore[misc]
    """A `DateAxisItem` whose ticks sit and read in `zone`."""

    def __init__(self, zone: ZoneInfo, orientation: str = "bottom", **kwargs: Any) -> None:
        super().__init__(orientation, **kwargs)
        self.zone = zone

    def tickValues(self, minVal: float, maxVal: float,  # noqa: N802, N803 (pyqtgraph's names)
                   size: float) -> list[tuple[float, list[float]]]:
        """`DateAxisItem`'s zoom levels, stepped on the zone's wall clock, not the machine's."""
        self.setZoomLevelForDensity((maxVal - minVal) / size)
        shift = utc_offset_s(self.zone, (minVal + maxVal) / 2)
        seen: list[float] = []
        levels: list[tuple[float, list[float]]] = []
        for spec in self.zoomLevel.tickSpecs:
            walls, skip = spec.makeTicks(minVal + shift, maxVal + shift, self.minSpacing)
            ticks = [tick for tick in wall_ticks_to_epochs(walls.tolist(), self.zone, shift)
                     if not np.isclose(seen, tick, rtol=0, atol=self.minSpacing * 0.01).any()]
            seen += ticks
            levels.append((spec.spacing, ticks))
            if skip > 1:  # as DateAxisItem: no finer level once this one skips
                break
        return levels

    def tickStrings(self, values: list[float], scale: float,  # noqa: N802 (pyqtgraph's name)
                    spacing: float) -> list[str]:
        spec = next((s for s in self.zoomLevel.tickSpecs if s.spacing == spacing), None)
        pattern = "%H:%M" if spec is None else spec.format
        return [zone_text(value, self.zone, pattern) for value in values]
