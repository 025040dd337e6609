"""The Commissioning page: a checklist run over the open pole, step by step.

The run is a `CommissioningRun` (pole_link): it stores every result the moment it exists,
so this view keeps nothing of its own that a closed laptop could lose. It shows the
checklist's steps with their outcome (symbol + words), the selected step in a
`StepPanel`, and hands the technician's answers to the run. Automatic steps run by
themselves until a step needs the technician; a failure is explained in words on the
step. An unfinished run of this pole is offered for resuming.

The view never blocks: pole calls are coroutines on the qasync loop (`TaskRunner`), and a
lost link ends the automatic steps without recording anything (the run resumes at the
same step once the pole is back).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gui.commissioning.step_panel import StepPanel, check_words
from gui.commissioning.words import CONTEXT, OUTCOME_LOOK, run_summary
from gui.error_words import explain
from gui.i18n import active_language
from gui.pole_controller import PoleController
from gui.pole_state import LinkState
from gui.settings import remember_technician, remembered_technician
from gui.tasks import TaskRunner
from pole_link.commissioning.checklist import (
    DEFAULT_CHECKLIST,
    Checklist,
    ChecklistError,
    available_checklists,
    find_checklist,
)
from pole_link.commissioning.record import Outcome, RunRecord
from pole_link.commissioning.runner import AnswerError, CommissioningRun, RunEvent, system_clock
from pole_link.commissioning.store import RunStore
from pole_link.service_api import ServiceClient, ServiceEndpoint

Clock = Callable[[], Any]


def _tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


class CommissioningView(QWidget):
    """Start or resume a run on the controller's pole, answer its steps, finish it."""

    def __init__(self, controller: PoleController, tasks: TaskRunner, *,
                 store: RunStore | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.tasks = tasks
        self.store = store or RunStore()
        self.clock: Clock = system_clock
        self.service: ServiceEndpoint | None = None
        self.run: CommissioningRun | None = None
        self.on_finished: Callable[[RunRecord], None] | None = None
        """Called with the finished record (the report is written from it)."""
        self._selected: str | None = None
        self._running = False
        self._said = ""
        """What the running check asks of the technician now, in their language."""

        self.note = QLabel()
        self.note.setWordWrap(True)
        self.checklist_box = QComboBox()
        self.technician = QLineEdit(remembered_technician())
        self.technician.setPlaceholderText(self.tr("your name, as on the report"))
        self.start_button = QPushButton(self.tr("Start commissioning"))
        self.resume_box = QComboBox()
        self.resume_button = QPushButton(self.tr("Resume"))
        self.resume_button.setToolTip(self.tr("Go on with a run that was interrupted, "
                                              "at the first step without a result"))
        self.start_button.clicked.connect(self.start)
        self.resume_button.clicked.connect(self.resume)

        self.progress = QProgressBar()
        self.progress.setFormat(self.tr("%v of %m steps"))
        self.steps = QListWidget()
        self.steps.setMinimumWidth(380)
        self.steps.setWordWrap(True)
        self.steps.setStyleSheet("font-size: 11pt;")
        self.steps.currentRowChanged.connect(self._row_chosen)
        self.panel = StepPanel()
        self.panel.answered.connect(self._answer)
        self.panel.run_check.connect(lambda: self._act(self.tr("Check"), self._advance()))
        self.panel.skip_requested.connect(self._skip)
        self.panel.run_again.connect(self._run_again)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.finish_button = QPushButton(self.tr("Finish and sign the report"))
        self.finish_button.clicked.connect(self.finish)
        self.report_state = QLabel()
        self.report_state.setWordWrap(True)
        self.report_state.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_report_button = QPushButton(self.tr("Open the report (PDF)"))
        self._report_done = False
        self._report_busy = False
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e;")

        start = QHBoxLayout()
        start.addWidget(QLabel(self.tr("Checklist")))
        start.addWidget(self.checklist_box, 1)
        start.addWidget(QLabel(self.tr("Technician")))
        start.addWidget(self.technician, 1)
        start.addWidget(self.start_button)
        self.resume_row = QWidget()
        resume = QHBoxLayout(self.resume_row)
        resume.setContentsMargins(0, 0, 0, 0)
        resume.addWidget(QLabel(self.tr("Interrupted run")))
        resume.addWidget(self.resume_box, 1)
        resume.addWidget(self.resume_button)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.steps)
        split.addWidget(self.panel)
        split.setStretchFactor(1, 1)
        split.setSizes([420, 900])
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(self.finish_button)
        report = QHBoxLayout()
        report.addWidget(self.report_state, 1)
        report.addWidget(self.open_report_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addLayout(start)
        layout.addWidget(self.resume_row)
        layout.addWidget(self.progress)
        layout.addWidget(split, 1)
        layout.addWidget(self.error)
        layout.addLayout(bottom)
        layout.addLayout(report)

        controller.state_changed.connect(lambda *_: self.refresh())
        controller.identity_changed.connect(lambda *_: self.refresh())
        self.load_checklists()
        self.refresh()

    # ------------------------------------------------------------ setup
    def follow(self, service: ServiceEndpoint | None) -> None:
        """The service the app is logged in to (checks read the pole's record there)."""
        self.service = service

    def load_checklists(self) -> None:
        """Offer the shipped and the operator's checklists; a broken operator file is said,
        the others stay usable."""
        self.checklist_box.clear()
        for name in sorted(available_checklists()):
            self.checklist_box.addItem(name, name)
        index = self.checklist_box.findData(DEFAULT_CHECKLIST)
        self.checklist_box.setCurrentIndex(max(index, 0))

    def _pole_id(self) -> str | None:
        identity = self.controller.identity
        connected = self.controller.state == LinkState.CONNECTED
        return identity.pole_id if identity is not None and connected else None

    def refresh(self) -> None:
        """Enable what can be done now and show the run's state."""
        pole_id = self._pole_id()
        run = self.run
        if pole_id is None:
            self.note.setText(self.tr("Connect to the pole first (Connect page): over the "
                                      "service cable, Bluetooth or the service."))
        elif run is None:
            self.note.setText(self.tr("Pole %1: choose the checklist and start. Every "
                                      "answer is saved at once, also without network.")
                              .replace("%1", pole_id))
        else:
            self.note.setText(self.tr("Pole %1 · %2 · started %3").replace(
                "%1", run.record.pole.pole_id).replace("%2", run.checklist.title).replace(
                "%3", run.record.started.strftime("%Y-%m-%d %H:%M")))
        idle = run is None or run.finished
        self.start_button.setEnabled(pole_id is not None and idle)
        unfinished = self.store.unfinished(pole_id) if pole_id is not None and idle else []
        self.resume_box.clear()
        for record in unfinished:
            done = len(record.steps)
            self.resume_box.addItem(self.tr("%1, started %2 (%3 steps done)").replace(
                "%1", record.checklist).replace(
                "%2", record.started.strftime("%Y-%m-%d %H:%M")).replace("%3", str(done)),
                record.run_id)
        self.resume_box.setEnabled(bool(unfinished))
        self.resume_button.setEnabled(bool(unfinished))
        self.resume_row.setVisible(bool(unfinished))
        self._show_run()

    # ------------------------------------------------------------ start / resume
    def _checklist(self, name: str) -> Checklist | None:
        """The checklist in the window's language (same steps and version in any)."""
        try:
            return find_checklist(name).in_language(active_language())
        except (ChecklistError, KeyError, OSError) as error:
            self.error.setText(self.tr("The checklist cannot be used: %1").replace(
                "%1", str(error)))
            return None

    def start(self) -> None:
        session = self.controller.session
        name = str(self.checklist_box.currentData() or DEFAULT_CHECKLIST)
        technician = self.technician.text().strip()
        if session is None:
            return
        if not technician:
            self.error.setText(self.tr("Type your name first: the report is signed with it."))
            self.technician.setFocus()
            return
        checklist = self._checklist(name)
        if checklist is None:
            return
        remember_technician(technician)
        transport = self.controller.address.transport if self.controller.address else ""
        link = {"csms": "service"}.get(transport, transport or "serial")
        self._begin(CommissioningRun.begin(checklist, session, self.store,
                                           technician=technician, link=link,
                                           clock=self.clock))

    def resume(self) -> None:
        session = self.controller.session
        run_id = self.resume_box.currentData()
        if session is None or not run_id:
            return
        record = self.store.load(str(run_id))
        checklist = self._checklist(record.checklist)
        if checklist is None:
            return
        try:
            run = CommissioningRun.resume(checklist, session, self.store, str(run_id),
                                          clock=self.clock)
        except ChecklistError as error:
            self.error.setText(str(error))
            return
        self._begin(run)

    def _begin(self, run: CommissioningRun) -> None:
        self.run = run
        self.error.clear()
        self.show_report_state("")
        run.subscribe(self._event)
        self._selected = None
        self.refresh()
        self._act(self.tr("Automatic checks"), self._advance())

    # ------------------------------------------------------------ driving the run
    async def _advance(self) -> None:
        """Run automatic steps until one needs the technician (with the service's client
        open, when the app is logged in to one)."""
        run = self.run
        if run is None:
            return
        self._running = True
        try:
            if self.service is not None:
                async with ServiceClient(self.service) as client:
                    run.service = client
                    try:
                        await run.advance()
                    finally:
                        run.service = None
            else:
                await run.advance()
        finally:
            self._running = False
            self._show_run()

    def _act(self, what: str, coroutine: Any) -> None:
        self.error.clear()

        def failed(error: BaseException) -> None:
            if isinstance(error, AnswerError):
                self.error.setText(str(error))
            else:
                words = explain(error).sentence.text(QCoreApplication.translate)
                self.error.setText(self.tr("%1 did not finish: %2 Nothing was recorded for "
                                           "this step; try again once the pole answers.")
                                   .replace("%1", what).replace("%2", words))
            self._running = False
            self._show_run()

        async def guarded() -> None:
            try:
                await coroutine
            except Exception as error:  # shown on the page, not in a log
                failed(error)

        self.tasks.run(what, guarded())

    def _answer(self, answer: dict[str, Any]) -> None:
        run = self.run
        if run is None:
            return
        notes = self.panel.note_text()
        if notes and run.current is not None:
            run.set_notes(notes)

        async def answer_then_go_on() -> None:
            await run.answer(**answer)
            await self._advance()

        self._act(self.tr("Your answer"), answer_then_go_on())

    def _skip(self, reason: str) -> None:
        run = self.run
        if run is None:
            return

        async def skip_then_go_on() -> None:
            await run.skip(reason)
            await self._advance()

        self._act(self.tr("Skipping"), skip_then_go_on())

    def _run_again(self, step_id: str) -> None:
        run = self.run
        if run is None or run.finished:
            return
        run.reopen(step_id)
        self._selected = None
        # Only this step runs again: the steps after it keep their results.
        self._act(self.tr("Check"), self._again(step_id))

    async def _again(self, step_id: str) -> None:
        run = self.run
        if run is None:
            return
        step = run.checklist.step(step_id)
        if not step.needs_technician:
            self._running = True
            self._show_run()
            try:
                await run.run_automatic()
            finally:
                self._running = False
                self._show_run()

    def _event(self, event: RunEvent) -> None:
        if event.kind == "step-started":
            self._running = True
        if event.kind == "message":  # a running check asks something of the technician
            self._said = event.words.text(check_words) if event.words else event.text
        elif event.kind in ("step-started", "step-finished"):
            self._said = ""
        self._show_run()

    def finish(self) -> None:
        """Close the run and hand its record on to be signed (again, after a failed
        signing: the finished record is the same)."""
        run = self.run
        if run is None or run.current is not None:
            return
        record = run.finish()
        if self.on_finished is not None:
            self.on_finished(record)
        self.refresh()

    def show_report_state(self, text: str, *, done: bool = False,
                          failed: bool = False) -> None:
        """What became of the report: being signed, signed and where, or why not."""
        self._report_done = done
        self._report_busy = bool(text) and not done and not failed
        self.report_state.setText(text)
        self.report_state.setVisible(bool(text))
        self.report_state.setStyleSheet("color: #b3261e;" if failed else "")
        self.open_report_button.setVisible(done)
        self._show_run()
    # ------------------------------------------------------------ showing
    def _show_run(self) -> None:
        run = self.run
        visible = run is not None
        for widget in (self.progress, self.steps, self.panel, self.summary,
                       self.finish_button):
            widget.setVisible(visible)
        if run is None:
            return
        done, total = run.progress
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        current = run.current
        self._fill_steps(run)
        selected = self._selected or (current.id if current else None)
        if selected is not None:
            step = run.checklist.step(selected)
            self.panel.show_step(step, run.result(selected),
                                 current=current is not None and step.id == current.id
                                 and not run.finished,
                                 running=self._running and current is not None
                                 and step.id == current.id, said=self._said)
        self.finish_button.setEnabled(current is None and not self._running
                                      and not self._report_done and not self._report_busy)
        if current is None:
            counts: dict[Outcome, int] = {}
            for result in run.record.steps:
                counts[result.outcome] = counts.get(result.outcome, 0) + 1
            verdict, parts = run_summary(run.record.passed, counts)
            said = ", ".join(f"{n} {_tr(words).lower()}" for words, n in parts)
            self.summary.setText(f"{_tr(verdict)}: {said}")
            self.summary.setStyleSheet("font-size: 13pt; font-weight: bold; color: "
                                       + ("#1b7f3b;" if run.record.passed else "#b3261e;"))
        else:
            self.summary.setText(self.tr("Step %1 of %2: %3").replace(
                "%1", str(done + 1)).replace("%2", str(total)).replace("%3", current.title))
            self.summary.setStyleSheet("font-size: 13pt; font-weight: bold;")

    def _fill_steps(self, run: CommissioningRun) -> None:
        blocked = self.steps.blockSignals(True)
        row = self.steps.currentRow()
        self.steps.clear()
        current = run.current
        for step in run.checklist.steps:
            result = run.result(step.id)
            look = OUTCOME_LOOK[None if result is None else result.outcome]
            text = f"{look.symbol}  {step.title}"
            if result is not None and result.outcome is not Outcome.PASSED:
                text += f" — {_tr(look.words)}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, step.id)
            item.setForeground(QColor(look.colour))
            if current is not None and step.id == current.id:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            self.steps.addItem(item)
        wanted = self._selected or (current.id if current else None)
        ids = [s.id for s in run.checklist.steps]
        self.steps.setCurrentRow(ids.index(wanted) if wanted in ids else row)
        self.steps.blockSignals(blocked)

    def _row_chosen(self, row: int) -> None:
        run = self.run
        if run is None or row < 0:
            return
        step_id = run.checklist.steps[row].id
        current = run.current
        self._selected = None if current is not None and step_id == current.id else step_id
        self._show_run()

    def run_folder(self) -> Path | None:
        return None if self.run is None else self.store.folder(self.run.record.run_id)

    async def aclose(self) -> None:
        """Nothing to save: the run store has every result already."""
