"""The outage board as the Outages page shows it, without Qt (tested alone).

Holds the service's last `OutageBoard`, the area filter, and when to ask again: the live
feed reports connection and status changes by the hundred when a street loses power, and
each should not cost a fleet-wide read, so a change schedules one refresh
`SETTLE_S` later (further changes meanwhile join it), and none comes sooner than
`MIN_INTERVAL_S` after the last; with no change the board is still read every
`IDLE_REFRESH_S`, because "hours left" and "since" move with time alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from gui.outages.evidence_words import evidence_text
from gui.outages.step_words import step_text
from pole_link.service_outages import OutageBoard, OutageRecord

SETTLE_S = 3.0
"""Wait this long after a change for the rest of its burst."""
MIN_INTERVAL_S = 10.0
"""Never read the board more often than this (it is a fleet-wide read)."""
IDLE_REFRESH_S = 300.0
CAUSE_ORDER = ("grid", "telecom", "hardware", "firmware", "capacity", "security")

Translate = Callable[[str, str], str]
CONTEXT = "OutageBoard"


def cause_title(cause: str, translate: Translate) -> str:
    """The group heading of a cause, in words."""
    titles = {
        "grid": translate("OutageBoard", "Grid or area power outage"),
        "telecom": translate("OutageBoard", "Telecom (modem, network)"),
        "hardware": translate("OutageBoard", "Hardware fault"),
        "firmware": translate("OutageBoard", "Firmware"),
        "capacity": translate("OutageBoard", "Capacity profile: no charge in the peak"),
        "security": translate("OutageBoard", "Security"),
    }
    return titles.get(cause, cause)


@dataclass(frozen=True)
class Group:
    cause: str
    entries: tuple[OutageRecord, ...]


class OutageBoardModel:
    """The page's state; ``subscribe`` to hear when it changed."""

    def __init__(self, zone: ZoneInfo | None = None, *, settle_s: float = SETTLE_S,
                 min_interval_s: float = MIN_INTERVAL_S,
                 idle_refresh_s: float = IDLE_REFRESH_S) -> None:
        self.zone = zone or ZoneInfo("Europe/Amsterdam")
        self.settle_s, self.min_interval_s, self.idle_refresh_s = (
            settle_s, min_interval_s, idle_refresh_s)
        self.board: OutageBoard | None = None
        self.area: str | None = None
        self.error: str | None = None
        self._listeners: list[Callable[[], None]] = []
        self.last_read: float | None = None
        """Monotonic seconds of the last request (the view's clock)."""
        self.changed_at: float | None = None
        """The first change since the last request, or None."""

    def subscribe(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def _notify(self) -> None:
        for listener in self._listeners:
            listener()

    # -- content ------------------------------------------------------------------------------
    def set_board(self, board: OutageBoard) -> None:
        self.board, self.error = board, None
        self._notify()

    def set_error(self, text: str) -> None:
        """The last read failed: the old board stays (marked stale by the page)."""
        self.error = text
        self._notify()

    def clear(self) -> None:
        self.board, self.error, self.area = None, None, None
        self.last_read = self.changed_at = None
        self._notify()

    def set_area(self, area: str | None) -> None:
        self.area = area or None
        self._notify()

    def areas(self) -> list[str]:
        """The areas on the board, for the filter."""
        if self.board is None:
            return []
        return sorted({e.area for e in self.board.entries if e.area})

    def entries(self) -> list[OutageRecord]:
        if self.board is None:
            return []
        return [e for e in self.board.entries if self.area is None or e.area == self.area]

    def groups(self) -> list[Group]:
        """The shown entries by cause, widest cause first, each longest down first."""
        found: dict[str, list[OutageRecord]] = {}
        for entry in self.entries():
            found.setdefault(entry.cause, []).append(entry)
        order = [c for c in CAUSE_ORDER if c in found] + sorted(set(found) - set(CAUSE_ORDER))
        return [Group(c, tuple(sorted(found[c], key=lambda e: (e.since, e.pole_id))))
                for c in order]

    # -- words ---------------------------------------------------------------------------------
    def local(self, at: datetime) -> str:
        return at.astimezone(self.zone).strftime("%Y-%m-%d %H:%M")

    def summary(self, translate: Translate) -> str:
        """One line over the board: how many poles, or clearly that none is down."""
        if self.board is None:
            return translate("OutageBoard", "Connect to a service to see its outage board.")
        shown = self.entries()
        if not shown:
            return (translate("OutageBoard", "No outages in area %1.").replace("%1", self.area)
                    if self.area else translate("OutageBoard", "No outages: every pole is online, "
                                                  "available and charging as it should."))
        poles = len({e.pole_id for e in shown})
        return translate("OutageBoard", "%1 poles need attention (board of %2).").replace(
            "%1", str(poles)).replace("%2", self.local(self.board.generated_at))

    @staticmethod
    def sockets_text(entry: OutageRecord, translate: Translate) -> str:
        if not entry.sockets:
            return "–"
        return ", ".join(str(s) for s in entry.sockets)

    @staticmethod
    def uptime_text(entry: OutageRecord, translate: Translate) -> str:
        """eis 48: ``99.12 %, 150 h left`` or ``97.50 %, missed by 20 h``."""
        if entry.uptime_percent is None or entry.hours_left is None:
            return translate("OutageBoard", "unknown")
        percent = f"{entry.uptime_percent:.2f} %"
        if entry.hours_left >= 0:
            return translate("OutageBoard", "%1, %2 h left of 98 %").replace("%1", percent).replace(
                "%2", f"{entry.hours_left:.0f}")
        return translate("OutageBoard", "%1, 98 % missed by %2 h").replace("%1", percent).replace(
            "%2", f"{-entry.hours_left:.0f}")

    def evidence_text(self, entry: OutageRecord, translate: Translate) -> str:
        """The entry's evidence and next step, for the detail pane (plain lines)."""
        lines = [f"{entry.pole_id} — {cause_title(entry.cause, translate)}"]
        if entry.location:
            lines.append(entry.location + (f" ({entry.area})" if entry.area else ""))
        lines.append(translate("OutageBoard", "Since %1").replace("%1", self.local(entry.since)))
        lines += [f"• {line}" for line in self.evidence_lines(entry, translate)]
        lines.append(translate("OutageBoard", "Next step: %1").replace(
            "%1", step_text(entry.next_step, translate)))
        return "\n".join(lines)

    def evidence_lines(self, entry: OutageRecord, translate: Translate) -> list[str]:
        """Each finding in the app's language, times on the pole's wall clock."""
        return [evidence_text(e, translate, self.local) for e in entry.evidence]

    # -- when to read again --------------------------------------------------------------------
    def note_change(self, now: float) -> None:
        """The live feed reported a connection or status change."""
        if self.changed_at is None:
            self.changed_at = now

    def read_started(self, now: float) -> None:
        self.last_read, self.changed_at = now, None

    def next_read_in(self, now: float) -> float:
        """Seconds until the board should be read again (0: now)."""
        if self.last_read is None:
            return 0.0
        soonest = self.last_read + self.min_interval_s
        if self.changed_at is not None:
            return max(0.0, max(self.changed_at + self.settle_s, soonest) - now)
        return max(0.0, self.last_read + self.idle_refresh_s - now)
