"""One checklist step on screen: what to do, what the pole answered, and the technician's
answer — the input fitting the step's kind.

The panel holds no run: it shows a `Step` with its `StepResult` (if any) and turns the
technician's clicks into intents (`answered`, `skip_requested`, `run_again`), which the
Commissioning view hands to the `CommissioningRun`. So what is on screen is always what
the run recorded, also after a resume.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.commissioning.words import CONTEXT, KIND_WORDS, OUTCOME_LOOK
from gui.i18n import active_language
from pole_link.commissioning.checklist import Step
from pole_link.commissioning.record import Outcome, StepKind, StepResult
from pole_link.commissioning.words import dutch


def _tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def check_words(context: str, text: str) -> str:
    """A check's words in the window's language: Qt's translation, else — in Dutch — the
    catalogue's (the text the Dutch PDF prints), so a check word the .ts has not caught up
    with yet still reads Dutch rather than English."""
    translated = QCoreApplication.translate(context, text)
    if translated == text and active_language() == "nl":
        return dutch(context, text)
    return translated


class StepPanel(QWidget):
    """Shows one step; emits what the technician wants done with it."""

    answered = Signal(dict)
    """Keyword arguments for `CommissioningRun.answer` (value, confirmed, items, attachment)."""
    run_check = Signal()
    """Run the current automatic step (it has no input, or its input is in `answered`)."""
    skip_requested = Signal(str)
    """The reason the technician gave."""
    run_again = Signal(str)
    """The id of a finished step to run again."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.step: Step | None = None
        self.result: StepResult | None = None
        self.choose_file: Callable[[], str] = self._ask_for_file
        self.ask_reason: Callable[[], str | None] = self._ask_for_reason

        self.title = QLabel()
        self.title.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.title.setWordWrap(True)
        self.kind = QLabel()
        self.kind.setStyleSheet("color: #555;")
        self.instructions = QLabel()
        self.instructions.setWordWrap(True)
        self.outcome = QLabel()
        self.outcome.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.busy = QLabel(self.tr("Checking the pole…"))
        self.busy.setStyleSheet("font-style: italic;")
        self.evidence = QTableWidget(0, 2)
        self.evidence.setHorizontalHeaderLabels([self.tr("What"), self.tr("Value")])
        self.evidence.verticalHeader().hide()
        self.evidence.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.evidence.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents)
        self.evidence.horizontalHeader().setStretchLastSection(True)

        # The input area, rebuilt for each step.
        self.prompt = QLabel()
        self.prompt.setWordWrap(True)
        self.prompt.setStyleSheet("font-weight: bold;")
        self.text_input = QLineEdit()
        self.choice_input = QComboBox()
        self.unit = QLabel()
        self.items_box = QWidget()
        self.items_grid = QGridLayout(self.items_box)
        self.items_grid.setContentsMargins(0, 0, 0, 0)
        self.item_answers: dict[str, QButtonGroup] = {}
        self.submit_button = QPushButton()
        self.no_button = QPushButton(self.tr("No, not as described"))
        self.all_seen_button = QPushButton(self.tr("All seen"))
        self.file_button = QPushButton(self.tr("Choose photo or file…"))
        self.skip_button = QPushButton(self.tr("Skip…"))
        self.skip_button.setToolTip(self.tr("Skip this step; you say why, the report shows it"))
        self.again_button = QPushButton(self.tr("Run this step again"))
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText(self.tr("Notes for the report (optional)"))
        self.notes.setMaximumHeight(60)

        self.submit_button.clicked.connect(self._submit)
        self.no_button.clicked.connect(lambda: self.answered.emit({"confirmed": False}))
        self.all_seen_button.clicked.connect(lambda: self.answered.emit({"confirmed": True}))
        self.file_button.clicked.connect(self._attach)
        self.skip_button.clicked.connect(self._skip)
        self.again_button.clicked.connect(
            lambda: self.step is not None and self.run_again.emit(self.step.id))
        self.text_input.returnPressed.connect(self._submit)

        value_row = QHBoxLayout()
        value_row.addWidget(self.text_input, 1)
        value_row.addWidget(self.choice_input, 1)
        value_row.addWidget(self.unit)
        buttons = QHBoxLayout()
        for button in (self.submit_button, self.all_seen_button, self.no_button,
                       self.file_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.again_button)
        buttons.addWidget(self.skip_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.kind)
        layout.addWidget(self.instructions)
        layout.addWidget(self.outcome)
        layout.addWidget(self.message)
        layout.addWidget(self.busy)
        layout.addWidget(self.evidence)
        layout.addWidget(self.prompt)
        layout.addWidget(self.items_box)
        layout.addLayout(value_row)
        layout.addLayout(buttons)
        layout.addWidget(self.notes)
        layout.addStretch(1)
        self.show_step(None, None, current=False)

    # ------------------------------------------------------------ showing
    def show_step(self, step: Step | None, result: StepResult | None, *, current: bool,
                  running: bool = False, said: str = "") -> None:
        """Show `step` with its `result`; `current`: the step waits for the technician;
        `said`: what a running check asks of them now ("plug the test load in")."""
        self.step, self.result = step, result
        if step is None:
            for widget in self._parts():
                widget.setVisible(False)
            return
        self.title.setVisible(True)
        self.title.setText(step.title)
        self.kind.setVisible(True)
        self.kind.setText(_tr(KIND_WORDS[step.kind]) + ("" if step.required
                                                        else self.tr(" · optional")))
        self.instructions.setText(step.instructions)
        self.instructions.setVisible(bool(step.instructions))
        self.busy.setVisible(running)
        self.busy.setText(said or self.tr("Checking the pole…"))
        self.busy.setStyleSheet("font-weight: bold;" if said else "font-style: italic;")
        self._show_result(result)
        asks = current and not running
        self._show_input(step, asks)
        self.skip_button.setVisible(asks)
        self.again_button.setVisible(result is not None and not running)
        self.notes.setVisible(asks or (result is not None and bool(result.notes)))
        self.notes.setReadOnly(not asks)
        if result is not None:
            self.notes.setPlainText(result.notes)
        elif asks:
            self.notes.clear()

    def _parts(self) -> list[QWidget]:
        """The panel's own parts (not their insides: a table's viewport stays as it is)."""
        layout = self.layout()
        parts: list[QWidget] = []
        stack = [layout]
        while stack:
            current = stack.pop()
            if current is None:
                continue
            for index in range(current.count()):
                item = current.itemAt(index)
                widget = item.widget() if item is not None else None
                if widget is not None:
                    parts.append(widget)
                elif item is not None:
                    stack.append(item.layout())
        return parts

    def _show_result(self, result: StepResult | None) -> None:
        look = OUTCOME_LOOK[None if result is None else result.outcome]
        self.outcome.setVisible(result is not None)
        self.outcome.setText(f"{look.symbol} {_tr(look.words)}")
        self.outcome.setStyleSheet(f"font-size: 13pt; font-weight: bold; color: {look.colour};")
        text = ""
        if result is not None:
            text = result.shown_message(check_words)
            if result.outcome is Outcome.SKIPPED:
                text = self.tr("Skipped: %1").replace("%1", result.skip_reason)
        self.message.setText(text)
        self.message.setVisible(bool(text))
        failed = result is not None and result.outcome is Outcome.FAILED
        self.message.setStyleSheet(
            "background: #fdecea; border: 1px solid #b3261e; padding: 6px;" if failed else "")
        rows = result.shown_evidence(check_words) if result is not None else []
        self.evidence.setRowCount(len(rows))
        for row, (label, value) in enumerate(rows):
            self.evidence.setItem(row, 0, QTableWidgetItem(label))
            self.evidence.setItem(row, 1, QTableWidgetItem(value))
        self.evidence.setVisible(bool(rows))
        # As tall as its rows (up to a screenful): evidence is read, not scrolled.
        self.evidence.resizeRowsToContents()
        height = self.evidence.horizontalHeader().height() + 4 + sum(
            self.evidence.rowHeight(r) for r in range(len(rows)))
        self.evidence.setFixedHeight(min(height, 260))

    def _show_input(self, step: Step, asks: bool) -> None:
        for widget in (self.prompt, self.text_input, self.choice_input, self.unit,
                       self.items_box, self.submit_button, self.no_button, self.file_button,
                       self.all_seen_button):
            widget.setVisible(False)
        self._clear_items()
        if not asks:
            return
        self.prompt.setVisible(True)
        self.submit_button.setVisible(True)
        if step.kind is StepKind.AUTOMATIC:
            self.prompt.setText(step.input.prompt if step.input else
                                self.tr("The app checks this on the pole."))
            if step.input is not None and step.input.choices:
                self.choice_input.clear()
                self.choice_input.addItems(list(step.input.choices))
                self.choice_input.setVisible(True)
            elif step.input is not None:
                self.text_input.clear()
                self.text_input.setVisible(True)
                self.text_input.setFocus()
            self.submit_button.setText(self.tr("Check"))
        elif step.kind is StepKind.CONFIRM:
            self.prompt.setText(step.prompt)
            if step.items:
                self._build_items(step.items)
                self.submit_button.setText(self.tr("Record answers"))
                self.all_seen_button.setVisible(True)
            else:
                self.submit_button.setText(self.tr("Yes, as described"))
                self.no_button.setVisible(True)
        elif step.kind is StepKind.MEASURE:
            self.prompt.setText(step.prompt + self._range(step))
            self.text_input.clear()
            self.text_input.setPlaceholderText(self.tr("measured value"))
            self.text_input.setVisible(True)
            self.text_input.setFocus()
            self.unit.setText(step.unit)
            self.unit.setVisible(bool(step.unit))
            self.submit_button.setText(self.tr("Record value"))
        else:
            self.prompt.setText(step.prompt)
            self.submit_button.setVisible(False)
            self.file_button.setVisible(True)

    def _range(self, step: Step) -> str:
        unit = f" {step.unit}" if step.unit else ""
        low, high = step.minimum, step.maximum
        if low is not None and high is not None:
            return self.tr(" (allowed %1–%2%3)").replace("%1", f"{low:g}").replace(
                "%2", f"{high:g}").replace("%3", unit)
        if low is not None:
            return self.tr(" (at least %1%2)").replace("%1", f"{low:g}").replace("%2", unit)
        if high is not None:
            return self.tr(" (at most %1%2)").replace("%1", f"{high:g}").replace("%2", unit)
        return ""

    def _clear_items(self) -> None:
        while self.items_grid.count():
            item = self.items_grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.item_answers = {}

    def _build_items(self, items: tuple[str, ...]) -> None:
        self.items_box.setVisible(True)
        for row, item in enumerate(items):
            group = QButtonGroup(self.items_box)
            yes, no = QRadioButton(self.tr("seen")), QRadioButton(self.tr("not seen"))
            group.addButton(yes, 1)
            group.addButton(no, 0)
            self.items_grid.addWidget(QLabel(item), row, 0)
            self.items_grid.addWidget(yes, row, 1)
            self.items_grid.addWidget(no, row, 2)
            self.item_answers[item] = group
        self.items_grid.setColumnMinimumWidth(0, 160)
        self.items_grid.setColumnStretch(3, 1)

    # ------------------------------------------------------------ intents
    def note_text(self) -> str:
        return self.notes.toPlainText().strip()

    def set_item(self, item: str, seen: bool) -> None:
        """Tick one item's answer (what a click on its radio button does)."""
        button = self.item_answers[item].button(1 if seen else 0)
        button.setChecked(True)

    def _submit(self) -> None:
        step = self.step
        if step is None:
            return
        answer: dict[str, Any] = {}
        if step.kind is StepKind.AUTOMATIC:
            if step.input is None:
                self.run_check.emit()
                return
            answer["value"] = (self.choice_input.currentText() if step.input.choices
                               else self.text_input.text())
        elif step.kind is StepKind.CONFIRM:
            if step.items:
                answer["items"] = {item: group.checkedId() == 1
                                   for item, group in self.item_answers.items()
                                   if group.checkedId() != -1}
            else:
                answer["confirmed"] = True
        elif step.kind is StepKind.MEASURE:
            answer["value"] = self.text_input.text()
        self.answered.emit(answer)

    def _attach(self) -> None:
        path = self.choose_file()
        if path:
            self.answered.emit({"attachment": path})

    def _skip(self) -> None:
        reason = self.ask_reason()
        if reason and reason.strip():
            self.skip_requested.emit(reason.strip())

    def _ask_for_file(self) -> str:
        types = " ".join(f"*.{t.split('/')[-1]}" for t in (self.step.media_types
                                                            if self.step else ()))
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Photo or file for this step"), "",
            self.tr("Allowed files (%1)").replace("%1", types) if types else "")
        return path

    def _ask_for_reason(self) -> str | None:
        reason, ok = QInputDialog.getText(
            self, self.tr("Skip this step"),
            self.tr("Why is this step skipped? The report shows your reason."))
        return reason if ok else None
