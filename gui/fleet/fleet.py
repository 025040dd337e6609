"""The fleet without Qt: every pole's row, in order, and what each change did to them.

Why a plain object: the rules behind the helpdesk's table — which row a live event
changes, when an unknown pole joins, how the rows are ordered and stay ordered as they
change, that the feed is down — are the fleet's, not the table's. Kept free of Qt they
are tested without a widget, and `FleetModel` is left a thin adapter that translates the
`FleetChange`s returned here into Qt's ``beginInsertRows``/``dataChanged``/layout
signals (napari's way: state in plain objects, Qt classes adapt them).

Everything the filter and the sort read per row (attention, quick-filter flags, the
lowercase search text; see `gui.fleet.rows`) is derived once when the row changes, never
per keystroke: filtering 10,000 rows must stay under 50 ms. The fleet also sorts itself,
with a Python ``list.sort`` on those fields (a few milliseconds for 10,000 rows), rather
than leaving it to a Qt proxy that calls ``data()`` twice per comparison.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from gui.fleet.rows import (
    ATTENTION_FLAGS,
    FLEET_EVENTS,
    Column,
    PoleRow,
    RowFlag,
    Severity,
    apply_to_row,
    assess,
    row_from_record,
    search_text_of,
    sort_key,
)
from gui.security_words import attention_events, merge_events, security_reasons
from pole_link.service_api import (
    PoleRecord,
    SecurityEventRecord,
    SecurityEventReported,
    ServiceEvent,
)
from pole_link.timeutil import utc_now

__all__ = [
    "Changed",
    "Fleet",
    "FleetChange",
    "Inserted",
    "Reordered",
    "Reset",
    "StaleChanged",
]

_ALL_COLUMNS = frozenset(Column)
_ATTENTION_CELLS = frozenset((Column.POLE, Column.ATTENTION))
"""A row whose attention verdict changed: its tint spans the pole and attention cells."""
_SHOWN_EVENTS = (*FLEET_EVENTS, SecurityEventReported)


@dataclass(frozen=True, slots=True)
class Reset:
    """Every row was replaced (a new listing from the service)."""


@dataclass(frozen=True, slots=True)
class Inserted:
    """Poles not seen before were appended at positions ``first``..``last`` (inclusive)."""

    first: int
    last: int


@dataclass(frozen=True, slots=True)
class Changed:
    """Rows ``first``..``last`` (inclusive) changed in ``columns``."""

    first: int
    last: int
    columns: frozenset[Column]
    text_only: bool = False
    """Only the shown text moved on (an age such as "3 min ago"), no value the filter or
    the sort reads: an adapter may say so, so that nothing re-filters for it."""


@dataclass(frozen=True, slots=True)
class Reordered:
    """The rows moved: a sort, or a change in the sort column of a sorted fleet."""

    previous: Sequence[PoleRow] = field(repr=False, compare=False)
    """The rows in their order just before, so that whoever held a position (a selected
    row, a persistent index) can find where its pole went."""


@dataclass(frozen=True, slots=True)
class StaleChanged:
    """The live feed went down or came back (`Fleet.stale_since`, `Fleet.stale_reason`)."""


FleetChange = Reset | Inserted | Changed | Reordered | StaleChanged
"""What one change did. A change method returns them in the order an adapter announces
them; each describes the fleet as the ones before it left it (a `Changed` after a
`Reordered` gives positions in the new order)."""


class Fleet:
    """Every pole the service knows: `set_poles` with the API's list, then `apply_events`.

    `now` is the clock that ages, offline spans and stuck transactions are measured
    against; tests inject a fixed one. Call `refresh` now and then so those age without
    an event. Rows are read-only by convention: change them through the methods here,
    which return what they changed (`FleetChange`).
    """

    def __init__(self, *, now: Callable[[], datetime] = utc_now) -> None:
        self.now = now
        self.stale_since: datetime | None = None
        """Since when the live feed is down: every row is only the last known state."""
        self.stale_reason = ""
        self._rows: list[PoleRow] = []
        self._by_id: dict[str, PoleRow] = {}
        self._position: dict[str, int] = {}
        self._sort_column = -1
        self._descending = False

    # -- reading -------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._rows)

    @property
    def rows(self) -> Sequence[PoleRow]:
        """The rows in order (a new list after every reorder: do not keep it)."""
        return self._rows

    def row_at(self, position: int) -> PoleRow:
        return self._rows[position]

    def row_of(self, pole_id: str) -> int | None:
        """The position of a pole, O(1): how an event finds the row it changes."""
        return self._position.get(pole_id)

    def pole(self, pole_id: str) -> PoleRow | None:
        return self._by_id.get(pole_id)

    @property
    def sort_column(self) -> int:
        """The `Column` the rows are ordered by; -1: in the order they arrived."""
        return self._sort_column

    @property
    def descending(self) -> bool:
        return self._descending

    def counts(self) -> dict[RowFlag, int]:
        """How many poles carry each flag, and `RowFlag.NONE` for all of them."""
        totals = dict.fromkeys(RowFlag, 0)
        totals[RowFlag.NONE] = len(self._rows)
        attention = ATTENTION_FLAGS
        needing = 0
        for row in self._rows:
            flags = row.flags
            if flags:
                for flag in (RowFlag.OFFLINE, RowFlag.FAULTED, RowFlag.STUCK, RowFlag.CHARGING):
                    if flags & flag:
                        totals[flag] += 1
                if flags & attention:
                    needing += 1
        totals[attention] = needing
        return totals

    # -- changing ------------------------------------------------------------------

    def set_poles(self, poles: Iterable[PoleRecord]) -> list[FleetChange]:
        """Replace every row with the service's list (`ServiceClient.poles`)."""
        now = self.now()
        by_id: dict[str, PoleRow] = {}
        for record in poles:
            row = row_from_record(record)
            known = self._by_id.get(row.pole_id)
            if known is not None:  # a new listing knows no security events: keep them
                row.security_events = known.security_events
                row.security_acknowledged = known.security_acknowledged
            _derive(row, now)
            by_id[row.pole_id] = row  # a duplicate id: the later entry wins
        self._by_id = by_id
        self._rows = self._ordered(list(by_id.values()))
        self._index_positions()
        return [Reset()]

    def set_uptime(self, percents: Mapping[str, float | None]) -> list[FleetChange]:
        """Fill the uptime column (eis 48) for the poles in ``percents``; it arrives after
        the rows, since a month of a large fleet's history takes the service a while.
        Poles not in the fleet are ignored: uptime alone does not make a row."""
        for pole_id, percent in percents.items():
            row = self._by_id.get(pole_id)
            if row is not None:
                row.uptime_percent = percent
        if not self._rows:
            return []
        changes = self._resort() if self._sort_column == Column.UPTIME else []
        changes.append(Changed(0, len(self._rows) - 1, frozenset((Column.UPTIME,))))
        return changes

    def set_stale(self, since: datetime | None, reason: str = "") -> list[FleetChange]:
        """The live feed is down since `since` (None: live again). Every row is then only
        its last known state: a fleet that looks live while nothing arrives misleads the
        helpdesk. A feed that stays down keeps the moment it first went down."""
        if (since is None) == (self.stale_since is None) and reason == self.stale_reason:
            return []
        self.stale_since = since if self.stale_since is None or since is None \
            else self.stale_since
        self.stale_reason = reason if since is not None else ""
        changes: list[FleetChange] = []
        if self._rows:
            changes.append(Changed(0, len(self._rows) - 1, _ALL_COLUMNS))
        changes.append(StaleChanged())
        return changes

    def set_clock_offsets(self, offsets: Mapping[str, float | None]) -> list[FleetChange]:
        """The poles' clock offsets, as a later reading of the service measured them; a
        clock that is off (or no longer off) changes the row's attention."""
        for pole_id, offset in offsets.items():
            row = self._by_id.get(pole_id)
            if row is not None:
                row.clock_offset_s = offset
        return self.refresh()

    def set_security_events(self, events: Iterable[SecurityEventRecord]
                            ) -> list[FleetChange]:
        """Security events read from the service (``GET /api/v1/security-events`` since a
        day ago), merged with what the feed brought: poles with an alarming one need
        attention (`gui.security_words`). Events of poles not in the fleet are ignored."""
        now = self.now()
        by_pole: dict[str, list[SecurityEventRecord]] = {}
        for event in events:
            if event.pole_id in self._by_id:
                by_pole.setdefault(event.pole_id, []).append(event)
        for pole_id, new in by_pole.items():
            row = self._by_id[pole_id]
            row.security_events = merge_events(row.security_events, new, now)
        return self.refresh()

    def acknowledge_security(self, pole_id: str, at: datetime | None = None
                             ) -> list[FleetChange]:
        """The helpdesk has seen the pole's security events (up to ``at``, default now):
        they no longer put it under "Needs attention"; a later one does again."""
        row = self._by_id.get(pole_id)
        if row is None:
            return []
        row.security_acknowledged = at or self.now()
        return self.refresh()

    def apply_events(self, events: Iterable[ServiceEvent]) -> list[FleetChange]:
        """Live-feed events in arrival order, reported once per changed row.

        A pole the fleet does not know is appended (one `Inserted` for all new poles of
        the batch); if the batch moves rows under the current sort, one `Reordered`
        follows; then one `Changed` per known row that changed, over the columns that
        changed. Event types the fleet does not show (``live``…) are ignored.
        """
        now = self.now()
        by_id = self._by_id
        touched: dict[str, set[Column]] = {}
        new_rows: list[PoleRow] = []
        for event in events:
            if not isinstance(event, _SHOWN_EVENTS):
                continue
            pole_id = event.pole_id
            row = by_id.get(pole_id)
            if row is None:
                row = by_id[pole_id] = PoleRow(pole_id=pole_id)
                new_rows.append(row)
            if isinstance(event, SecurityEventReported):
                row.security_events = merge_events(row.security_events, (event.event,), now)
                columns: set[Column] | None = {Column.ATTENTION}
            else:
                columns = apply_to_row(row, event, now)
            if columns:
                touched.setdefault(pole_id, set()).update(columns)
        for pole_id, columns in touched.items():
            if _derive(by_id[pole_id], now):
                columns.update(_ATTENTION_CELLS)
        changes: list[FleetChange] = []
        if new_rows:
            first = len(self._rows)
            for offset, row in enumerate(new_rows):
                if row.pole_id not in touched:
                    _derive(row, now)
                self._rows.append(row)
                self._position[row.pole_id] = first + offset
            changes.append(Inserted(first, first + len(new_rows) - 1))
        if new_rows or any(self._sort_column in columns for columns in touched.values()):
            changes.extend(self._resort())
        fresh = {row.pole_id for row in new_rows}
        position = self._position
        for pole_id, columns in touched.items():
            if pole_id not in fresh:
                row_number = position[pole_id]
                changes.append(Changed(row_number, row_number, frozenset(columns)))
        return changes

    def refresh(self) -> list[FleetChange]:
        """Re-measure against the clock: ages shown, offline spans and stuck sessions grow.

        Reports the attention of rows whose verdict changed, and the whole Last seen
        column as `Changed` text only (its text is relative to now).
        """
        if not self._rows:
            return []
        now = self.now()
        changed = [row for row in self._rows if _derive(row, now)]
        changes: list[FleetChange] = []
        if changed and self._sort_column == Column.ATTENTION:
            changes.extend(self._resort())
        position = self._position
        for row in changed:
            row_number = position[row.pole_id]
            changes.append(Changed(row_number, row_number, _ATTENTION_CELLS))
        changes.append(Changed(0, len(self._rows) - 1, frozenset((Column.LAST_SEEN,)),
                               text_only=True))
        return changes

    def sort(self, column: int, *, descending: bool = False) -> list[FleetChange]:
        """Order rows by `column` (`rows.sort_key`), ties by pole id ascending.

        The order is kept as rows change: `apply_events`, `set_uptime` and `refresh`
        re-sort when a changed cell is in the sort column. ``column`` -1 keeps the
        current order.
        """
        self._sort_column = column
        self._descending = descending
        return self._resort()

    # -- internals -----------------------------------------------------------------

    def _ordered(self, rows: list[PoleRow]) -> list[PoleRow]:
        rows.sort(key=operator.attrgetter("pole_id"))
        column = self._sort_column
        if column >= 0 and column != Column.POLE:
            rows.sort(key=sort_key(column), reverse=self._descending)  # stable: ids stay up
        elif self._descending and column == Column.POLE:
            rows.reverse()
        return rows

    def _index_positions(self) -> None:
        self._position = {row.pole_id: position for position, row in enumerate(self._rows)}

    def _resort(self) -> list[FleetChange]:
        if self._sort_column < 0 or not self._rows:
            return []
        ordered = self._ordered(list(self._rows))
        if all(map(operator.is_, ordered, self._rows)):
            return []
        previous, self._rows = self._rows, ordered
        self._index_positions()
        return [Reordered(previous)]


def _derive(row: PoleRow, now: datetime) -> bool:
    """Recompute the row's derived fields; True if its attention verdict changed.

    Security events rank after faults and before everything else (`Severity.SECURITY`).
    """
    severity, reasons, flags = assess(row, now)
    counting = attention_events(row.security_events, now, row.security_acknowledged) \
        if row.security_events else []
    if counting:
        faults = sum(1 for socket in row.connectors.values() if socket.faulted)
        reasons = reasons[:faults] + security_reasons(counting) + reasons[faults:]
        flags |= RowFlag.SECURITY
        severity = max(severity, Severity.SECURITY)
    changed = (severity, reasons, flags) != (row.severity, row.reasons, row.flags)
    row.severity, row.reasons, row.flags = severity, reasons, flags
    row.search_text = search_text_of(row)
    return changed
