"""The "set a pole's grid group" dialog (issue 22): any pole of the service — also one in
no group yet — and a group chosen from those that exist or typed in new. Both lists are
editable with completion, so a technician can type a pole id read off its sticker.

Only asks: the answer is checked by `gui.grid.admin.checked_assignment` and sent by the
page through the typed client.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QWidget,
)

from gui.grid.admin import GroupQuestion


def _editable(items: list[str]) -> QComboBox:
    box = QComboBox()
    box.setEditable(True)
    box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    box.addItems(items)
    completer = QCompleter(items, box)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    box.setCompleter(completer)
    box.setMinimumWidth(260)
    return box


class GroupDialog(QDialog):
    def __init__(self, asked: GroupQuestion, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.asked = asked
        self.setWindowTitle(self.tr("Set a pole's grid group"))
        self.pole = _editable(asked.poles)
        self.group = _editable(asked.groups)
        self.now = QLabel()
        hint = QLabel(self.tr("Choose an existing grid group or type a new name (the cable "
                              "or transformer the grid operator's forecasts are for). "
                              "Leave it empty to take the pole out of its group."))
        hint.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(self.tr("Pole"), self.pole)
        form.addRow("", self.now)
        form.addRow(self.tr("Grid group"), self.group)
        form.addRow(hint)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        form.addRow(box)
        self.pole.currentTextChanged.connect(self._pole_changed)
        self.pole.setCurrentText(asked.pole or "")
        self._pole_changed(self.pole.currentText())

    def _pole_changed(self, pole_id: str) -> None:
        current = self.asked.current(pole_id)
        self.group.setCurrentText(current)
        self.now.setText(
            self.tr("Now in grid group {group}.").format(group=current) if current else
            self.tr("Now in no grid group.") if pole_id.strip() in self.asked.poles else "")

    def answer(self) -> tuple[str, str]:
        return self.pole.currentText(), self.group.currentText()
