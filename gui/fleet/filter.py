"""Search and quick filters over the fleet, fast enough to run on every keystroke.

A helpdesk types a pole id off a ticket or a word like "offline" and expects the table
to follow each key. Over 10,000 poles the proxy asks `filterAcceptsRow` 10,000 times
per keystroke, so each call reads the row's precomputed search text and flags straight
from the model's Qt-free `Fleet` (no ``data()`` round trip, no cell formatting).

Sorting is delegated to the source model (see `gui.fleet.fleet`): this proxy keeps its
own sort column at -1 and shows rows in the source's order.
"""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from gui.fleet.fleet import Fleet
from gui.fleet.model import ATTENTION_FLAGS, Column, FleetModel, PoleIdRole, RowFlag

__all__ = ["DEFAULT_SORT", "FleetFilter", "QuickFilter"]


class QuickFilter(StrEnum):
    """The one-click questions a helpdesk asks of the fleet."""

    ALL = "all"
    ATTENTION = "attention"
    OFFLINE = "offline"
    FAULTED = "faulted"
    CHARGING = "charging"


_MASKS = {
    QuickFilter.ALL: RowFlag.NONE,
    QuickFilter.ATTENTION: ATTENTION_FLAGS,
    QuickFilter.OFFLINE: RowFlag.OFFLINE,
    QuickFilter.FAULTED: RowFlag.FAULTED,
    QuickFilter.CHARGING: RowFlag.CHARGING,
}

DEFAULT_SORT = (Column.ATTENTION, Qt.SortOrder.DescendingOrder)
"""Most urgent first; within one severity by pole id (the model breaks ties by id)."""


class FleetFilter(QSortFilterProxyModel):
    """The fleet narrowed by search words and a quick filter, sorted by the source."""

    def __init__(self, source: FleetModel | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._fleet: FleetModel | None = None
        self._rows: Fleet | None = None
        self._text = ""
        self._words: tuple[str, ...] = ()
        self._quick = QuickFilter.ALL
        self._mask = RowFlag.NONE
        if source is not None:
            self.setSourceModel(source)

    def setSourceModel(self, source_model: QAbstractItemModel) -> None:  # noqa: N802
        """Only a `FleetModel`: the filter reads its rows directly, for speed."""
        if not isinstance(source_model, FleetModel):
            raise TypeError(f"FleetFilter filters a FleetModel, not {type(source_model).__name__}")
        self._fleet = source_model
        self._rows = source_model.fleet
        super().setSourceModel(source_model)
        if source_model.sort_spec()[0] < 0:
            source_model.sort(*DEFAULT_SORT)

    def fleet(self) -> FleetModel:
        if self._fleet is None:
            raise RuntimeError("FleetFilter has no source model yet")
        return self._fleet

    # -- what to show --------------------------------------------------------------

    def set_search(self, text: str) -> None:
        """Show rows whose pole id, operator, vendor or statuses contain every word.

        Case-insensitive substrings; several words must all match ("enexis fault").
        """
        words = tuple(dict.fromkeys(text.lower().split()))
        self._text = text
        if words == self._words:
            return
        self.beginFilterChange()
        self._words = words
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def search(self) -> str:
        return self._text

    def set_quick_filter(self, quick: QuickFilter) -> None:
        if quick == self._quick:
            return
        self.beginFilterChange()
        self._quick = quick
        self._mask = _MASKS[quick]
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def quick_filter(self) -> QuickFilter:
        return self._quick

    def filterAcceptsRow(self, source_row: int,  # noqa: N802
                         source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        fleet = self._rows
        if fleet is None:
            return False
        row = fleet.row_at(source_row)
        if self._mask and not row.flags & self._mask:
            return False
        text = row.search_text
        for word in self._words:  # noqa: SIM110 - a plain loop beats all(<genexpr>) per row
            if word not in text:
                return False
        return True

    # -- order ---------------------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by asking the source to reorder (a Python sort on keys, not Qt's lessThan)."""
        self.fleet().sort(column, order)

    def sort_spec(self) -> tuple[int, Qt.SortOrder]:
        """The column and order rows are shown in (the source's sort)."""
        return self.fleet().sort_spec()

    def pole_id(self, index: QModelIndex | QPersistentModelIndex) -> str | None:
        """The pole of a proxy index, e.g. the row a user activated."""
        value = index.data(PoleIdRole) if index.isValid() else None
        return value if isinstance(value, str) else None

    def shown_pole_ids(self) -> list[str]:
        """The poles the filters let through, in the order shown (a rollout's target)."""
        ids = (self.pole_id(self.index(row, 0)) for row in range(self.rowCount()))
        return [pole_id for pole_id in ids if pole_id is not None]
