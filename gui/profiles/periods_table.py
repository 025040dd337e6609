"""The custom profile's periods as a Qt table model over `ProfileEditorModel`.

Why an adapter: the editor model stays plain Python (testable without Qt); this
class only translates its rows into Qt's model/view calls, parses what is typed
(``17:00``, ``7,5`` with a Dutch decimal comma) and paints the cell that is wrong.
"""

from __future__ import annotations

import re
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor

from gui.profiles.editor_model import FieldError, ProfileEditorModel, format_offset, parse_offset

__all__ = ["PeriodColumn", "PeriodsTableModel"]

_Index = QModelIndex | QPersistentModelIndex
_ERROR_BACKGROUND = QColor("#f8d7da")
_FIELD = re.compile(r"^periods\[(\d+)\]\.(\w+)$")


class PeriodColumn(IntEnum):
    START = 0
    LIMIT = 1
    PHASES = 2


_ATTRIBUTES = {PeriodColumn.START: "start_s", PeriodColumn.LIMIT: "limit_a",
               PeriodColumn.PHASES: "phases"}


class PeriodsTableModel(QAbstractTableModel):
    """Rows are `Period`s; edits go straight into the editor model."""

    inputRejected = Signal(str)  # noqa: N815 - Qt signal naming
    """Typed text that is not a time or a number; the message says what to type."""

    def __init__(self, editor: ProfileEditorModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._editor = editor
        self._rows = len(editor.periods)
        self._ours = False
        self._error: tuple[int, int] | None = None
        editor.subscribe(self._editor_changed)

    # ---------------------------------------------------------------- Qt model
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._editor.periods)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(PeriodColumn)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return (self.tr("Starts at (hh:mm)"), self.tr("Limit (A per phase)"),
                self.tr("Phases"))[section]

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable \
            | Qt.ItemFlag.ItemIsEditable

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._editor.periods[index.row()]
        column = PeriodColumn(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column is PeriodColumn.START:
                return format_offset(row.start_s)
            if column is PeriodColumn.LIMIT:
                return f"{row.limit_a:g}"
            if row.phases is None:
                return "" if role == Qt.ItemDataRole.EditRole else self.tr("all")
            return str(row.phases)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and self._error == (index.row(), column):
            return _ERROR_BACKGROUND
        return None

    def setData(self, index: _Index, value: Any,  # noqa: N802
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        column = PeriodColumn(index.column())
        try:
            parsed = _parse(column, str(value))
        except ValueError as error:
            self.inputRejected.emit(str(error))
            return False
        self._ours = True
        try:
            self._editor.set_period(index.row(), **{_ATTRIBUTES[column]: parsed})
        finally:
            self._ours = False
        self.dataChanged.emit(index, index)
        return True

    # ---------------------------------------------------------------- rows
    def add_row(self, after: int | None = None) -> int:
        """Insert a period after row `after` (default: at the end); return its row."""
        position = len(self._editor.periods) if after is None else after + 1
        position = max(0, min(position, len(self._editor.periods)))
        self.beginInsertRows(QModelIndex(), position, position)
        self._ours = True
        try:
            row = self._editor.add_period(position - 1 if position > 0 else -1)
        finally:
            self._ours = False
            self._rows = len(self._editor.periods)
            self.endInsertRows()
        return row

    def remove_rows(self, rows: list[int]) -> None:
        """Remove the given rows (any order)."""
        for row in sorted(set(rows), reverse=True):
            if not 0 <= row < len(self._editor.periods):
                continue
            self.beginRemoveRows(QModelIndex(), row, row)
            self._ours = True
            try:
                self._editor.remove_period(row)
            finally:
                self._ours = False
                self._rows = len(self._editor.periods)
                self.endRemoveRows()

    # ---------------------------------------------------------------- errors
    def set_error(self, error: FieldError | None) -> None:
        """Paint the cell `error` names (if it names a period cell)."""
        cell = None
        match = _FIELD.match(error.field) if error is not None else None
        if match is not None:
            attribute = match.group(2)
            columns = [c for c, a in _ATTRIBUTES.items() if a == attribute]
            if columns:
                cell = (int(match.group(1)), int(columns[0]))
        if cell != self._error:
            self._error = cell
            self._all_changed()

    def error_cell(self) -> tuple[int, int] | None:
        return self._error

    def _editor_changed(self) -> None:
        if self._ours:
            return
        if len(self._editor.periods) != self._rows:
            self.beginResetModel()
            self._rows = len(self._editor.periods)
            self.endResetModel()
        else:
            self._all_changed()

    def _all_changed(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(self._rows - 1, len(PeriodColumn) - 1))


def _parse(column: PeriodColumn, text: str) -> int | float | None:
    text = text.strip()
    if column is PeriodColumn.START:
        return parse_offset(text)
    if column is PeriodColumn.LIMIT:
        try:
            return float(text.replace(",", "."))
        except ValueError:
            raise ValueError(f"{text!r} is not a number of amps, e.g. 7 or 12.5") from None
    if text in ("", "all", "-"):
        return None
    if text.isdigit():
        return int(text)
    raise ValueError(f"{text!r}: phases are 1, 2 or 3, or empty for all")
