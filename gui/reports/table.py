"""The fleet summary as a Qt table: a thin adapter over `ReportsState.rows`.

The rows arrive whole (one answer per chosen year), already in the "at risk" order
(`gui.reports.summary.risk_key`), so the model resets on each answer and only formats cells;
10,000 poles stay a list of small dataclasses, never 80,000 item widgets.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from gui.fleet.rows import QT_TRANSLATE_NOOP
from gui.reports.summary import PoleSummary, ReportsState

CONTEXT = "ReportsTable"
HEADERS = (
    QT_TRANSLATE_NOOP("ReportsTable", "Pole"),
    QT_TRANSLATE_NOOP("ReportsTable", "Uptime"),
    QT_TRANSLATE_NOOP("ReportsTable", "eis 48"),
    QT_TRANSLATE_NOOP("ReportsTable", "Subperiod"),
    QT_TRANSLATE_NOOP("ReportsTable", "Peak tx"),
    QT_TRANSLATE_NOOP("ReportsTable", "Overruled"),
    QT_TRANSLATE_NOOP("ReportsTable", "Limit"),
    QT_TRANSLATE_NOOP("ReportsTable", "eis 25"),
)
MET = QT_TRANSLATE_NOOP("ReportsTable", "met")
NOT_MET = QT_TRANSLATE_NOOP("ReportsTable", "NOT MET")
SUBPERIOD_WORDS = {
    "baseline": QT_TRANSLATE_NOOP("ReportsTable", "baseline"),
    "subperiod 2": QT_TRANSLATE_NOOP("ReportsTable", "subperiod 2"),
    "subperiod 3": QT_TRANSLATE_NOOP("ReportsTable", "subperiod 3"),
}
MISSED_COLOUR = "#c62828"
MET_COLOUR = "#1b7a2e"
DASH = "—"


def verdict_word(met: bool | None) -> str:
    if met is None:
        return DASH
    return QCoreApplication.translate(CONTEXT, MET if met else NOT_MET)


def subperiod_word(name: str) -> str:
    words = SUBPERIOD_WORDS.get(name)
    return QCoreApplication.translate(CONTEXT, words) if words else name


def percent_text(value: float | None, decimals: int = 1) -> str:
    return DASH if value is None else f"{value:.{decimals}f} %"


def cells(row: PoleSummary) -> tuple[str, ...]:
    up, sub = row.uptime, row.subperiod
    return (row.pole_id,
            DASH if up is None else percent_text(up.percent, 2),
            verdict_word(None if up is None else up.meets_98),
            DASH if sub is None else subperiod_word(sub.subperiod),
            DASH if sub is None else str(sub.peak_transactions),
            percent_text(None if sub is None else sub.overruled_percent),
            DASH if sub is None or sub.target_percent is None
            else f"≤ {sub.target_percent} %",
            verdict_word(None if sub is None else sub.target_met))


class ReportsTableModel(QAbstractTableModel):
    """Rows of ``state``; resets when the state changes its rows."""

    def __init__(self, state: ReportsState) -> None:
        super().__init__()
        self.state = state
        self._rows: list[PoleSummary] = []
        state.subscribe(self._refresh)

    def _refresh(self) -> None:
        if self._rows is not self.state.rows:
            self.beginResetModel()
            self._rows = self.state.rows
            self.endResetModel()

    def row(self, number: int) -> PoleSummary:
        return self._rows[number]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008,N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008,N802
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return QCoreApplication.translate(CONTEXT, HEADERS[section])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return cells(row)[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and index.column() in (2, 7):
            met = (row.uptime.meets_98 if index.column() == 2 and row.uptime is not None
                   else row.subperiod.target_met if index.column() == 7
                   and row.subperiod is not None else None)
            if met is not None:
                return QBrush(QColor(MET_COLOUR if met else MISSED_COLOUR))
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (1, 4, 5, 6):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
