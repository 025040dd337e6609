"""The Reports page's state without widgets: the chosen year, the fleet summary sorted by
what is at risk, and the chosen pole's detail (issue 19; eis 25, 30, 48).

Qt-free, like `gui.audit.trail`: tested alone, and the PDF export reads the same rows.
The clock is injected (``now``), so which years are offered and where a running year ends
never depend on the machine's date.

**At risk** means: closest to costing the operator compensation (eis 25) or failing the
98 % uptime of eis 48. The fleet summary is ordered so the pole needing attention first is
on top:

1. poles that do **not** meet a target (uptime below 98 % over the chosen period, or the
   current subperiod's overruled share above its limit), the furthest below first;
2. then poles that meet them, by their **headroom**: the smaller of (uptime % − 98) and
   (overrule limit % − overruled %), in percentage points, smallest first. 98.3 % uptime
   (0.3 points left) comes before 12 % overruled against a 50 % limit (38 points left);
3. then poles with nothing to judge yet (no uptime, baseline only, no peak transactions),
   by pole id.

Ties go by pole id, so the order is stable between refreshes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from pole_link.service_reports import SubperiodRecord, UptimeRecord

REPORT_ZONE = ZoneInfo("Europe/Amsterdam")
"""The tender's periods are Dutch calendar years and months (SPEC "Decisions: Time")."""
UPTIME_TARGET = 98.0
"""eis 48: connected and available at least 98 % of the year."""
YEARS_OFFERED = 4
"""The current year and the three before it: a programme runs three years (eis 24)."""


@dataclass(frozen=True, slots=True)
class ReportPeriod:
    """One calendar year in local time, cut at ``now`` while it runs."""

    year: int
    start: datetime
    end: datetime
    """Exclusive: 1 January of the next year, or ``now`` for the running year."""
    complete: bool

    @property
    def label(self) -> str:
        return self.label_in()

    def label_in(self, running: str = "%1 (until %2)") -> str:
        """The period in words; ``running`` words a year still running (``%1`` the year,
        ``%2`` how far it reaches), so the page and the PDF say it in their language."""
        if self.complete:
            return str(self.year)
        return running.replace("%1", str(self.year)).replace(
            "%2", self.end.strftime("%Y-%m-%d %H:%M"))


def year_period(year: int, now: datetime, zone: ZoneInfo = REPORT_ZONE) -> ReportPeriod:
    """The year ``year`` as far as it has happened at ``now``; `ValueError` for a year that
    has not begun (there is nothing to report)."""
    start = datetime(year, 1, 1, tzinfo=zone)
    full_end = datetime(year + 1, 1, 1, tzinfo=zone)
    now = now.astimezone(zone)
    if now <= start:
        raise ValueError(f"{year} has not begun yet")
    return ReportPeriod(year, start, min(full_end, now), now >= full_end)


def offered_years(now: datetime, zone: ZoneInfo = REPORT_ZONE) -> list[int]:
    """The years the chooser offers, newest first."""
    current = now.astimezone(zone).year
    return [current - back for back in range(YEARS_OFFERED)]


@dataclass(frozen=True, slots=True)
class PoleSummary:
    """One pole's line in the fleet summary."""

    pole_id: str
    uptime: UptimeRecord | None
    subperiod: SubperiodRecord | None
    """The latest subperiod begun by the end of the period: the one being judged."""

    @property
    def uptime_margin(self) -> float | None:
        """Percentage points above 98 % (negative: below)."""
        return None if self.uptime is None else self.uptime.percent - UPTIME_TARGET

    @property
    def overrule_margin(self) -> float | None:
        """Percentage points below the subperiod's overrule limit (negative: above)."""
        sub = self.subperiod
        if sub is None or sub.target_percent is None or sub.overruled_percent is None:
            return None
        return sub.target_percent - sub.overruled_percent

    @property
    def missed(self) -> bool:
        """A target is not met: uptime below 98 %, or overruled above the limit."""
        return ((self.uptime is not None and not self.uptime.meets_98)
                or (self.subperiod is not None and self.subperiod.target_met is False))

    @property
    def headroom(self) -> float | None:
        """The smaller margin, the one that decides how close the pole is to failing."""
        margins = [m for m in (self.uptime_margin, self.overrule_margin) if m is not None]
        return min(margins) if margins else None


def risk_key(row: PoleSummary) -> tuple[int, float, str]:
    """Sort key of the "at risk" order (module docstring)."""
    headroom = row.headroom
    if row.missed:
        return 0, headroom if headroom is not None else 0.0, row.pole_id
    if headroom is not None:
        return 1, headroom, row.pole_id
    return 2, 0.0, row.pole_id


def current_subperiods(subperiods: Iterable[SubperiodRecord]) -> dict[str, SubperiodRecord]:
    """Per pole, the subperiod that started last (the service sends them in order)."""
    latest: dict[str, SubperiodRecord] = {}
    for sub in subperiods:
        known = latest.get(sub.pole_id)
        if known is None or sub.start >= known.start:
            latest[sub.pole_id] = sub
    return latest


def fleet_summary(uptimes: Sequence[UptimeRecord], subperiods: Sequence[SubperiodRecord]
                  ) -> list[PoleSummary]:
    """Every pole that has an uptime or a compliance report, most at risk first."""
    by_uptime = {record.pole_id: record for record in uptimes}
    by_subperiod = current_subperiods(subperiods)
    rows = [PoleSummary(pole_id, by_uptime.get(pole_id), by_subperiod.get(pole_id))
            for pole_id in set(by_uptime) | set(by_subperiod)]
    return sorted(rows, key=risk_key)


@dataclass(frozen=True, slots=True)
class PoleDetail:
    """Everything the page and the pole's PDF show of one pole."""

    pole_id: str
    period: ReportPeriod
    subperiods: tuple[SubperiodRecord, ...]
    uptime: UptimeRecord | None
    compliance_note: str = ""
    """Why there are no subperiods (e.g. the pole has no programme start), in words."""


class ReportsState:
    """The chosen period, the fleet summary and the chosen pole; listeners redraw."""

    def __init__(self, now: Callable[[], datetime], zone: ZoneInfo = REPORT_ZONE) -> None:
        self.now = now
        self.zone = zone
        self.period = year_period(offered_years(now(), zone)[0], now(), zone)
        self.rows: list[PoleSummary] = []
        self.detail: PoleDetail | None = None
        self._listeners: list[Callable[[], None]] = []

    def subscribe(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def choose_year(self, year: int) -> ReportPeriod:
        """A new period; what was shown belongs to the old one and is cleared."""
        self.period = year_period(year, self.now(), self.zone)
        self.rows = []
        self.detail = None
        self._changed()
        return self.period

    def show_fleet(self, period: ReportPeriod, uptimes: Sequence[UptimeRecord],
                   subperiods: Sequence[SubperiodRecord]) -> bool:
        """The service's answer for ``period``; an answer for an older choice is dropped."""
        if period != self.period:
            return False
        self.rows = fleet_summary(uptimes, subperiods)
        self._changed()
        return True

    def show_detail(self, detail: PoleDetail) -> bool:
        if detail.period != self.period:
            return False
        self.detail = detail
        self._changed()
        return True

    def counts(self) -> tuple[int, int]:
        """(poles missing a target, poles shown)."""
        return sum(1 for row in self.rows if row.missed), len(self.rows)

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()
