"""What the Grid groups page shows, without Qt: the groups as the service last told, the
chosen group's forecast as steps, its actual current over time, and per pole its share.

The service answers with the current state only; the history of the group's actual
current is collected here, one point per refresh, bounded (a day at one per 5 s).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from pole_link.service_oscp import GridGroupRecord

HISTORY_POINTS = 17_280


@dataclass(frozen=True)
class PoleRow:
    pole_id: str
    share_a: float | None
    """Its offer in force (None: the group is not capped now)."""
    actual_a: float
    paused: bool


class GridGroupsModel:
    def __init__(self) -> None:
        self.groups: dict[str, GridGroupRecord] = {}
        self.chosen: str | None = None
        self.history: dict[str, deque[tuple[float, float]]] = {}
        self._listeners: list[Callable[[], None]] = []

    def subscribe(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    def update(self, records: list[GridGroupRecord], at: datetime) -> None:
        """The service's answer at ``at``: groups replaced, one history point each."""
        self.groups = {r.group: r for r in records}
        for record in records:
            points = self.history.setdefault(record.group, deque(maxlen=HISTORY_POINTS))
            points.append((at.timestamp(), record.total_actual_a))
        if self.chosen not in self.groups:
            self.chosen = next(iter(sorted(self.groups)), None)
        self._changed()

    def choose(self, group: str) -> None:
        if group in self.groups and group != self.chosen:
            self.chosen = group
            self._changed()

    def clear(self) -> None:
        self.groups, self.chosen = {}, None
        self.history.clear()
        self._changed()

    @property
    def record(self) -> GridGroupRecord | None:
        return None if self.chosen is None else self.groups.get(self.chosen)

    def rows(self) -> list[PoleRow]:
        record = self.record
        if record is None:
            return []
        capped = record.limit_a is not None
        return [PoleRow(p, record.offers.get(p) if capped else None,
                        record.actual_a.get(p, 0.0), p in record.paused)
                for p in record.poles]

    def forecast_steps(self) -> tuple[list[float], list[float]]:
        """The forecast blocks as a step line (x: epoch seconds, y: amps); gaps between
        blocks drop to nothing drawn (NaN)."""
        record = self.record
        xs: list[float] = []
        ys: list[float] = []
        if record is None:
            return xs, ys
        for block in record.blocks:
            start, end = block.start.timestamp(), block.end.timestamp()
            if xs and xs[-1] < start:
                xs.append(xs[-1])
                ys.append(float("nan"))
            xs += [start, end]
            ys += [block.amps, block.amps]
        return xs, ys

    def actual_series(self) -> tuple[list[float], list[float]]:
        points = self.history.get(self.chosen or "", deque())
        return [t for t, _a in points], [a for _t, a in points]

    def nothing_to_plot(self) -> bool:
        """No forecast block and no pole of the chosen group with a measured current (or
        no group at all): the plot then says so instead of drawing a flat line at 0 A."""
        record = self.record
        return record is None or (not record.blocks and not record.actual_a)

    def summary(self) -> tuple[float | None, float]:
        """(the cap in force, the group's actual current)."""
        record = self.record
        if record is None:
            return None, 0.0
        return record.limit_a, record.total_actual_a
