"""The Profiles screen: edit a capacity profile, see its day, deploy it, and prove it landed.

Why it looks like this: at the pole, in the rain, a technician needs three answers
at a glance — what will this profile do over the day (the plot, with the peak
shaded and the amps written on the line), did the pole take it (green or red
panel, in words), and if not, where does the pole differ (listed per time span,
and its own schedule drawn over the preview). The widgets only bind to
`ProfileEditorModel`; the conversation with the pole is `gui.profiles.deploy`,
run through a `TaskRunner` so the GUI thread never waits on the pole.
"""

from __future__ import annotations

import asyncio
import traceback
from collections.abc import Callable
from datetime import time
from typing import Any

from ocpp.v16.enums import ChargingProfilePurposeType
from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gui.access import Access, Action
from gui.access_widgets import gate
from gui.error_words import explain
from gui.profiles.deploy import (
    Clock,
    DeployPlan,
    PoleLimits,
    VerifyOutcome,
    deploy_and_verify,
    read_pole_limits,
    verify_on_pole,
    wall_clock,
)
from gui.profiles.editor_model import (
    ClockError,
    FieldError,
    Mode,
    ProfileEditorModel,
    ScheduleKind,
    parse_clock,
)
from gui.profiles.periods_table import PeriodsTableModel
from gui.profiles.preview import Preview, format_amps
from gui.profiles.preview_plot import PreviewPlot
from gui.tasks import TaskRunner
from pole_link.profiles.charging_profile import ProfileError
from pole_link.profiles.intent import describe_offset
from pole_link.profiles.tender import CONNECTION_MAX_A
from pole_link.session import PoleSession

__all__ = ["ProfileView", "ResultState"]

_GOOD = "background:#d4edda; color:#155724; border:1px solid #9fd3ab; border-radius:4px;"
_BAD = "background:#f8d7da; color:#721c24; border:1px solid #e5a1a8; border-radius:4px;"
_NEUTRAL = "background:#eef1f5; color:#333; border:1px solid #cfd6df; border-radius:4px;"
_FIELD_ERROR = "border: 2px solid #c0392b;"


class ResultState:
    """What the result panel says (strings, so tests and screenshots read alike)."""

    NONE = "none"
    MATCH = "match"
    DIFFERENT = "different"


class ProfileView(QWidget):
    """Capacity-profile editor with preview, deploy and verify against one pole."""

    resultChanged = Signal(str)  # noqa: N815 - Qt signal naming
    """Emitted with a `ResultState` when a verification has finished."""

    def __init__(self, model: ProfileEditorModel | None = None,
                 parent: QWidget | None = None, *, clock: Clock = wall_clock) -> None:
        super().__init__(parent)
        self.model = model or ProfileEditorModel()
        self.clock = clock
        """This laptop's time: a pole's schedule is checked against it, in real time."""
        self._session: PoleSession | None = None
        self.roles = Access()
        self.via_service = False
        """The session runs through the service (`gui.access`: the role counts)."""
        self._runner = TaskRunner(self._failed)
        self._operation: asyncio.Task[Any] | None = None
        self._deployed: Preview | None = None
        self._deployed_configuration: dict[str, str] = {}
        self._result_state = ResultState.NONE
        self._loading = True  # building fires change signals: none may reach the model
        self._input_errors: dict[str, FieldError] = {}
        """Typed text the model cannot take (a time that is no time), by field."""
        self.confirm: Callable[[str, str], bool] = self._ask
        """Asks before a deployment changes a pole (tests answer for the technician)."""
        self._build()
        self._load_from_model()
        self.model.subscribe(self._model_changed)
        self._model_changed()
        self.set_session(None)

    # ================================================================ public API
    def watch(self, roles: Access) -> None:
        """The signed-in operator at the service: may they deploy through it?"""
        self.roles = roles
        roles.subscribe(self._update_actions)
        self._update_actions()

    def set_session(self, session: PoleSession | None, *, via_service: bool = False) -> None:
        """Bind to a pole (None: no pole; Deploy and Verify are disabled).

        The view never opens or closes the link: whoever owns the session does.
        A running deployment to the previous pole is cancelled.
        """
        if self._operation is not None and not self._operation.done():
            self._operation.cancel()
        self._session = session
        self.via_service = via_service and session is not None
        self._deployed = None
        self._show_result(ResultState.NONE, "")
        self.plot.set_pole(None)
        identity = session.identity if session is not None else None
        if identity is not None:
            self.model.set_day(identity.time.astimezone(self.model.zone).date())
            self._pole_label.setText(self.tr("Pole %1").replace("%1", identity.pole_id))
        else:
            self._pole_label.setText(self.tr("No pole connected") if session is None
                                     else self.tr("Pole connected"))
        if session is not None:
            self._runner.run(self.tr("Reading the pole's limits"), read_pole_limits(session),
                             self._limits_read)
        self._update_actions()

    @property
    def session(self) -> PoleSession | None:
        return self._session

    @property
    def busy(self) -> bool:
        """True while anything runs for this view (deploy, verify, reading the pole's limits)."""
        return self._runner.busy

    def status_text(self) -> str:
        return self._status.text()

    def result_state(self) -> str:
        return self._result_state

    def result_text(self) -> str:
        return self._result.text()

    def error_text(self) -> str:
        """The inline error message ('' when none is shown)."""
        return self._error_message.text() if not self._error_box.isHidden() else ""

    def validation_text(self) -> str:
        return self._validation.text() if not self._validation.isHidden() else ""

    def deploy(self) -> None:
        """Deploy the profile on screen, then verify it (Ctrl+D)."""
        if self._session is None or self.busy:
            return
        error = self.model.validation_error()
        if error is not None:
            self._show_validation(error)
            return
        if self._input_errors:
            self._show_validation(next(iter(self._input_errors.values())))
            return
        pole = self._session.identity.pole_id if self._session.identity else self.tr("the pole")
        if not self.confirm(self.tr("Deploy the capacity profile?"), self.tr(
                "Send this profile to %1 now?\n\n%2\n\nThe pole limits charging by it "
                "from now on.").replace("%1", pole).replace("%2", self.model.summary())):
            self._status.setText(self.tr("Not deployed: nothing was sent to the pole."))
            return
        preview = self.model.preview()
        plan = DeployPlan(self.model.connector_id, self.model.profile_json(), preview,
                          self.model.configuration())
        self._deployed = preview
        self._deployed_configuration = dict(plan.configuration)
        self._start(self.tr("Deploying the profile"),
                    deploy_and_verify(self._session, plan, self._progress, self.clock),
                    deployed=True)

    def _ask(self, title: str, question: str) -> bool:
        answer = QMessageBox.question(self, title, question,
                                      QMessageBox.StandardButton.Yes
                                      | QMessageBox.StandardButton.Cancel,
                                      QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    def verify(self) -> None:
        """Compare the pole's own schedule with the last deployed profile, else the one on
        screen (Ctrl+R)."""
        if self._session is None or self.busy:
            return
        preview = self._deployed
        if preview is None:
            if self.model.validation_error() is not None:
                self._show_validation(self.model.validation_error())
                return
            preview = self.model.preview()
        self._start(self.tr("Verifying the profile"),
                    verify_on_pole(self._session, preview, self._progress, self.clock),
                    deployed=False)

    def cancel(self) -> None:
        """Stop the running deployment or verification (Esc)."""
        if self._operation is not None and not self._operation.done():
            self._operation.cancel()

    async def aclose(self) -> None:
        """Cancel and await everything this view started (before its loop or session ends)."""
        await self._runner.cancel_all()

    shutdown = aclose

    # ================================================================ building
    def _build(self) -> None:
        self.setWindowTitle(self.tr("Capacity profile"))
        outer = QVBoxLayout(self)

        top = QHBoxLayout()
        self._mode_group = QButtonGroup(self)
        self._tender_button = QPushButton(self.tr("Tender template"))
        self._custom_button = QPushButton(self.tr("Custom profile"))
        for index, button in enumerate((self._tender_button, self._custom_button)):
            button.setCheckable(True)
            self._mode_group.addButton(button, index)
            top.addWidget(button)
        self._tender_button.setChecked(True)
        self._mode_group.idClicked.connect(self._mode_clicked)
        top.addStretch(1)
        self._pole_label = QLabel()
        self._pole_label.setStyleSheet("font-weight:bold;")
        top.addWidget(self._pole_label)
        outer.addLayout(top)

        body = QHBoxLayout()
        left = QVBoxLayout()
        self._forms = QStackedWidget()
        self._forms.addWidget(self._build_tender_form())
        self._forms.addWidget(self._build_custom_form())
        self._forms.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        left.addWidget(self._forms, 1)
        self._validation = QLabel()
        self._validation.setWordWrap(True)
        self._validation.setStyleSheet(_BAD + "padding:6px;")
        self._validation.hide()
        left.addWidget(self._validation)
        left_box = QWidget()
        left_box.setLayout(left)
        left_box.setFixedWidth(450)
        body.addWidget(left_box)

        right = QVBoxLayout()
        self._summary = QLabel()
        self._summary.setWordWrap(True)
        self._summary.setStyleSheet("font-size:11pt; font-weight:bold;")
        right.addWidget(self._summary)
        self.plot = PreviewPlot()
        self.plot.setMinimumSize(520, 300)
        right.addWidget(self.plot, 1)
        self._result = QLabel()
        self._result.setWordWrap(True)
        self._result.setStyleSheet(_NEUTRAL + "padding:8px; font-size:11pt;")
        right.addWidget(self._result)
        body.addLayout(right, 1)
        outer.addLayout(body, 1)

        outer.addWidget(self._build_error_box())
        outer.addLayout(self._build_action_bar())
        self._build_shortcuts()

    def _build_tender_form(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self._peak_start = QLineEdit()
        self._peak_end = QLineEdit()
        for edit in (self._peak_start, self._peak_end):
            edit.setPlaceholderText(self.tr("hh:mm, e.g. 17:00"))
            edit.setToolTip(self.tr("Europe/Amsterdam time; type 17:00, 1700 or 17"))
            edit.editingFinished.connect(self._tender_edited)
        self._peak_limit = self._amps_box()
        self._overrule_limit = self._amps_box()
        self._normal_limit = self._amps_box()
        self._connection = QComboBox()
        for key, ceiling in CONNECTION_MAX_A.items():
            self._connection.addItem(
                self.tr("%1 A (limit %2 A per phase)").replace("%1", key)
                .replace("%2", f"{ceiling:g}"), key)
        self._connection.currentIndexChanged.connect(self._tender_edited)
        form.addRow(self.tr("Peak starts"), self._peak_start)
        form.addRow(self.tr("Peak ends"), self._peak_end)
        form.addRow(self.tr("Peak limit"), self._peak_limit)
        form.addRow(self.tr("Overrule limit"), self._overrule_limit)
        form.addRow(self.tr("Normal limit"), self._normal_limit)
        form.addRow(self.tr("Connection"), self._connection)
        self._tender_note = QLabel()
        self._tender_note.setWordWrap(True)
        self._tender_note.setStyleSheet("color:#555;")
        form.addRow(self._tender_note)
        self._tender_fields: dict[str, QWidget] = {
            "peak_start": self._peak_start, "peak_end": self._peak_end,
            "peak_limit_a": self._peak_limit, "overrule_limit_a": self._overrule_limit,
            "normal_limit_a": self._normal_limit, "connection": self._connection,
        }
        return page

    def _amps_box(self) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        # Far wider than allowed: a typed 99 stays 99 and the model says *why* it is wrong,
        # instead of the box quietly keeping 9.
        box.setRange(0, 999)
        box.setDecimals(1)
        box.setSingleStep(0.5)
        box.setSuffix(self.tr(" A per phase"))
        box.valueChanged.connect(self._tender_edited)
        return box

    def _build_custom_form(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        self._purpose = QComboBox()
        self._purpose.addItem(self.tr("ChargePointMaxProfile (whole pole)"),
                              ChargingProfilePurposeType.charge_point_max_profile)
        self._purpose.addItem(self.tr("TxDefaultProfile (per socket)"),
                              ChargingProfilePurposeType.tx_default_profile)
        self._stack_level = QSpinBox()
        self._stack_level.setRange(0, 100)
        self._connector = QSpinBox()
        self._connector.setRange(0, 9)
        self._connector.setSpecialValueText(self.tr("0 (whole pole)"))
        self._kind = QComboBox()
        self._kind.addItem(self.tr("Recurring daily"), ScheduleKind.RECURRING_DAILY)
        self._kind.addItem(self.tr("Absolute (this day only)"), ScheduleKind.ABSOLUTE)
        self._profile_id = QSpinBox()
        self._profile_id.setRange(0, 999_999)
        for combo in (self._purpose, self._kind):
            combo.currentIndexChanged.connect(self._custom_edited)
        for spin in (self._stack_level, self._connector, self._profile_id):
            spin.valueChanged.connect(self._custom_edited)
        form.addRow(self.tr("Purpose"), self._purpose)
        form.addRow(self.tr("Stack level"), self._stack_level)
        form.addRow(self.tr("Connector"), self._connector)
        form.addRow(self.tr("Kind"), self._kind)
        form.addRow(self.tr("Profile id"), self._profile_id)
        layout.addLayout(form)

        self.periods = PeriodsTableModel(self.model, self)
        self.periods.inputRejected.connect(self._input_rejected)
        self.table = QTableView()
        self.table.setModel(self.periods)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setDefaultSectionSize(24)
        layout.addWidget(self.table, 1)
        rows = QHBoxLayout()
        self._add_row = QPushButton(self.tr("Add period (Ctrl+N)"))
        self._add_row.clicked.connect(self.add_period)
        self._remove_row = QPushButton(self.tr("Remove (Del)"))
        self._remove_row.clicked.connect(self.remove_periods)
        self._copy_template = QPushButton(self.tr("Copy template"))
        self._copy_template.setToolTip(self.tr("Replace the periods with the tender template's"))
        self._copy_template.clicked.connect(self.model.copy_template_to_custom)
        for button in (self._add_row, self._remove_row, self._copy_template):
            rows.addWidget(button)
        layout.addLayout(rows)
        self._period_count = QLabel()
        self._period_count.setWordWrap(True)
        self._period_count.setStyleSheet("color:#555;")
        layout.addWidget(self._period_count)
        self._custom_fields: dict[str, QWidget] = {
            "purpose": self._purpose, "stack_level": self._stack_level,
            "connector_id": self._connector, "kind": self._kind, "profile_id": self._profile_id,
        }
        return page

    def _build_error_box(self) -> QWidget:
        self._error_box = QFrame()
        self._error_box.setStyleSheet("QFrame{" + _BAD + "}")
        box = QVBoxLayout(self._error_box)
        line = QHBoxLayout()
        self._error_message = QLabel()
        self._error_message.setWordWrap(True)
        self._error_message.setStyleSheet("border:none; font-weight:bold;")
        line.addWidget(self._error_message, 1)
        self._details_button = QToolButton()
        self._details_button.setText(self.tr("Details…"))
        self._details_button.setCheckable(True)
        self._details_button.toggled.connect(self._toggle_details)
        line.addWidget(self._details_button)
        dismiss = QToolButton()
        dismiss.setText(self.tr("Dismiss"))
        dismiss.clicked.connect(self._dismiss_error)
        line.addWidget(dismiss)
        box.addLayout(line)
        self._details = QPlainTextEdit()
        self._details.setReadOnly(True)
        self._details.setMaximumHeight(140)
        self._details.hide()
        box.addWidget(self._details)
        self._error_box.hide()
        return self._error_box

    def _build_action_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.deploy_button = QPushButton(self.tr("Deploy to pole (Ctrl+D)"))
        self.deploy_button.setStyleSheet("font-weight:bold; padding:6px 14px;")
        self.deploy_button.clicked.connect(self.deploy)
        self.verify_button = QPushButton(self.tr("Verify (Ctrl+R)"))
        self.verify_button.setToolTip(self.tr(
            "Compare the pole's own schedule with the last deployed profile"))
        self.verify_button.clicked.connect(self.verify)
        self._progress_bar = QProgressBar()
        self._progress_bar.setRange(0, 0)  # busy: the pole gives no percentage
        self._progress_bar.setMaximumWidth(160)
        self._progress_bar.hide()
        self._status = QLabel()
        self._status.setStyleSheet("color:#333;")
        self.cancel_button = QPushButton(self.tr("Cancel (Esc)"))
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        bar.addWidget(self.deploy_button)
        bar.addWidget(self.verify_button)
        bar.addWidget(self._progress_bar)
        bar.addWidget(self._status, 1)
        bar.addWidget(self.cancel_button)
        return bar

    def _build_shortcuts(self) -> None:
        QShortcut(QKeySequence("Ctrl+D"), self, self.deploy)
        QShortcut(QKeySequence("Ctrl+R"), self, self.verify)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Cancel), self, self.cancel)
        QShortcut(QKeySequence("Ctrl+N"), self, self.add_period)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table,
                           self.remove_periods)
        delete.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

    # ================================================================ model <-> widgets
    def _load_from_model(self) -> None:
        """Put the model's values into the widgets (once, and when the model is replaced)."""
        self._loading = True
        try:
            form, custom = self.model.tender, self.model.custom
            self._peak_start.setText(f"{form.peak_start:%H:%M}")
            self._peak_end.setText(f"{form.peak_end:%H:%M}")
            self._input_errors.clear()
            self._peak_limit.setValue(form.peak_limit_a)
            self._overrule_limit.setValue(form.overrule_limit_a)
            self._normal_limit.setValue(form.normal_limit_a)
            self._connection.setCurrentIndex(self._connection.findData(form.connection))
            self._purpose.setCurrentIndex(self._purpose.findData(custom.purpose))
            self._stack_level.setValue(custom.stack_level)
            self._connector.setValue(custom.connector_id)
            self._kind.setCurrentIndex(self._kind.findData(custom.kind))
            self._profile_id.setValue(custom.profile_id)
        finally:
            self._loading = False

    def _tender_edited(self) -> None:
        if self._loading:
            return
        times: dict[str, time] = {}
        for name, edit, label in (("peak_start", self._peak_start, self.tr("Peak starts")),
                                  ("peak_end", self._peak_end, self.tr("Peak ends"))):
            try:
                times[name] = parse_clock(edit.text())
            except ClockError as error:  # the typed text stays as typed, marked
                self._input_errors[name] = FieldError(
                    name, f"{label}: {error.reason.text(QCoreApplication.translate)}")
            else:
                self._input_errors.pop(name, None)
                edit.setText(f"{times[name]:%H:%M}")
        if self._input_errors:
            self._model_changed()
            return
        self.model.set_tender(
            peak_start=times["peak_start"], peak_end=times["peak_end"],
            peak_limit_a=round(self._peak_limit.value(), 1),
            overrule_limit_a=round(self._overrule_limit.value(), 1),
            normal_limit_a=round(self._normal_limit.value(), 1),
            connection=self._connection.currentData())

    def _custom_edited(self) -> None:
        if self._loading:
            return
        self.model.set_custom(
            purpose=self._purpose.currentData(), stack_level=self._stack_level.value(),
            connector_id=self._connector.value(), kind=self._kind.currentData(),
            profile_id=self._profile_id.value())

    def _mode_clicked(self, button_id: int) -> None:
        self.model.set_mode(Mode.TENDER if button_id == 0 else Mode.CUSTOM)

    def set_mode(self, mode: Mode) -> None:
        """Switch between the tender template and a custom profile."""
        (self._tender_button if mode is Mode.TENDER else self._custom_button).setChecked(True)
        self.model.set_mode(mode)

    def add_period(self) -> None:
        """Add a period after the selected one (Ctrl+N); switches to Custom if needed."""
        if self.model.mode is not Mode.CUSTOM:
            self.set_mode(Mode.CUSTOM)
        selected = [i.row() for i in self.table.selectionModel().selectedRows()]
        row = self.periods.add_row(max(selected) if selected else None)
        self.table.selectRow(row)
        self.table.scrollTo(self.periods.index(row, 0))

    def remove_periods(self) -> None:
        """Remove the selected periods (Delete)."""
        rows = [i.row() for i in self.table.selectionModel().selectedRows()]
        if not rows and self.table.currentIndex().isValid():
            rows = [self.table.currentIndex().row()]
        self.periods.remove_rows(rows)

    def _model_changed(self) -> None:
        """Recompute what depends on the inputs: summary, checks, preview, buttons."""
        model = self.model
        self._forms.setCurrentIndex(0 if model.mode is Mode.TENDER else 1)
        count = len(model.periods)
        self._period_count.setText(
            self.tr("%1 periods · recurring profiles repeat every 24 h from 00:00 on %2")
            .replace("%1", str(count)).replace("%2", f"{model.day:%a %d %b %Y}"))
        error = next(iter(self._input_errors.values()), None) or model.validation_error()
        self._show_validation(error)
        if self._result_state != ResultState.NONE and not self._loading:
            self._show_result(ResultState.NONE, self.tr(
                "The profile was changed after the last check: deploy or verify again."))
        if error is None:
            self._summary.setText(model.summary(QCoreApplication.translate))
            overrule = model.tender.overrule_limit_a if model.mode is Mode.TENDER else None
            self.plot.set_preview(model.preview(), overrule)
            if model.mode is Mode.TENDER:
                to_change = {key for key, _, _ in model.configuration_changes()}
                changes = ", ".join(f"{k} = {v} A" for k, v in model.configuration()
                                    if k in to_change)
                kept = ", ".join(f"{k} = {v} A" for k, v in model.configuration()
                                 if k not in to_change)
                note = self.tr("Recurring daily ChargePointMaxProfile on connector 0, built "
                               "for %1.").replace("%1", f"{model.day:%a %d %b %Y}")
                if changes:
                    note += " " + self.tr("Deploy also sets %1 on the pole.").replace(
                        "%1", changes)
                if kept:
                    note += " " + self.tr("The pole already has %1.").replace("%1", kept)
                self._tender_note.setText(note)
        else:
            self._summary.setText(self.tr("Fix the highlighted input to see the day."))
            self.plot.set_preview(None)
        self._update_actions()

    def _show_validation(self, error: FieldError | None) -> None:
        for widget in (*self._tender_fields.values(), *self._custom_fields.values()):
            widget.setStyleSheet("")
        self.periods.set_error(error)
        if error is None:
            self._validation.hide()
            return
        self._validation.setText(error.text(QCoreApplication.translate))
        self._validation.show()
        fields = {**self._tender_fields, **self._custom_fields}
        if error.field in fields:
            fields[error.field].setStyleSheet(_FIELD_ERROR)

    def _input_rejected(self, message: str) -> None:
        self._validation.setText(message)
        self._validation.show()

    def _update_actions(self) -> None:
        connected, busy = self._session is not None, self.busy
        valid = not self._input_errors and self.model.validation_error() is None
        self.verify_button.setEnabled(connected and not busy)
        tip = "" if connected else self.tr("Connect to a pole first (Connect screen)")
        # Through the service a profile goes to ``POST …/charging-profiles`` (technicians);
        # the tender template also sets two configuration keys, which engineers change —
        # but only where the pole does not have the template's values yet. A role that may
        # not sees why (issue 17); on site the service token decides.
        roles = self.roles if self.via_service else Access()
        changes = self.model.configuration_changes() if valid else []
        needs = Action.CONFIGURE if changes else Action.DEPLOY_PROFILE
        gate(self.deploy_button, roles, needs, connected and not busy and valid, tooltip=tip)
        if changes and roles.refusal(Action.CONFIGURE) is not None:
            self.deploy_button.setToolTip(self.tr(
                "The template changes %1: that is the pole's configuration, which an "
                "engineer changes. With the pole's own values the profile is yours to "
                "deploy.").replace("%1", ", ".join(
                    self.tr("%1 from %2 to %3 A").replace("%1", key)
                    .replace("%2", current if current is not None else "?")
                    .replace("%3", value) for key, value, current in changes)))
        not_connected = self.tr("Not connected: connect to a pole to deploy.")
        if not connected and not busy:
            self._status.setText(not_connected)
        elif self._status.text() == not_connected:
            self._status.setText(self.tr("Ready to deploy to the connected pole."))

    # ================================================================ running
    def _start(self, what: str, coroutine: Any, *, deployed: bool) -> None:
        self._dismiss_error()
        self._show_result(ResultState.NONE, "")
        self.plot.set_pole(None)
        self._operation = self._runner.run(
            what, coroutine, lambda outcome: self._verified(outcome, deployed))
        if self._operation is None:
            return  # the window is closing: nothing runs any more
        self._operation.add_done_callback(self._finished)
        self._progress_bar.show()
        self.cancel_button.show()
        self._status.setText(what + "…")
        self._update_actions()

    def _progress(self, text: str) -> None:
        self._status.setText(text)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._progress_bar.hide()
        self.cancel_button.hide()
        if task.cancelled():
            self._status.setText(self.tr(
                "Cancelled. The pole may already have the new profile: press Verify to check."))
        elif task.exception() is not None:
            self._status.setText("")
        self._update_actions()

    def _verified(self, outcome: VerifyOutcome, deployed: bool) -> None:
        if deployed and self.model.mode is Mode.TENDER:  # the deploy set the connection
            self.model.set_pole_limits(
                grid_limit_a=outcome.preview.grid_limit_a,
                configuration={**self.model.pole_configuration,
                               **self._deployed_configuration})
        self.plot.set_pole(outcome.pole)
        context, clock = self._checked_text(outcome)
        if outcome.matches:
            headline = (self.tr("✔ Deployed and verified: the pole's schedule matches.")
                        if deployed else self.tr("✔ Verified: the pole's schedule matches."))
            self._show_result(ResultState.MATCH, "\n".join(
                line for line in (headline, context, clock) if line))
            self._status.setText(self.tr("Done."))
        else:
            headline = (self.tr("✘ Deployed, but the pole's schedule differs:") if deployed
                        else self.tr("✘ The pole's schedule differs from the profile:"))
            lines = "\n".join(
                "  • " + self.tr("%1: pole %2, expected %3").replace("%1", difference.span)
                .replace("%2", format_amps(difference.pole_a))
                .replace("%3", format_amps(difference.expected_a))
                for difference in outcome.differences)
            self._show_result(ResultState.DIFFERENT, "\n".join(
                line for line in (headline, clock, lines, context) if line))
            self._status.setText(self.tr("Check the differences (dashed line on the plot)."))
        self.resultChanged.emit(self._result_state)

    def _checked_text(self, outcome: VerifyOutcome) -> tuple[str, str]:
        """What was checked, in words (the window, a daylight-saving cut), and a warning
        about the pole's clock when it is off ("" when it is not)."""
        zone = self.model.zone
        start = outcome.check.checked_from.astimezone(zone)
        cut = outcome.check.cut_by_change
        if cut is None:
            window = (self.tr("Checked the next 24 h from now (%1, Europe/Amsterdam time).")
                      .replace("%1", f"{start:%H:%M}"))
        else:
            local_cut = cut.astimezone(zone)
            window = (self.tr(
                "Checked until %1 (Europe/Amsterdam time): the clocks change that night. A "
                "daily profile repeats every 24 h and cannot follow the change, so the back "
                "office re-deploys it at %1, before the change; what the pole does after that "
                "is checked then.").replace("%1", f"{local_cut:%H:%M %d-%m}"))
        clock = ""
        if outcome.check.clock_off:
            offset = outcome.check.clock_offset_s
            pole_clock = outcome.pole.pole_clock
            clock = (self.tr(
                "⚠ The pole's clock is %1 (it says %2): its schedule and its meter readings "
                "run on that clock. The back office sets it when the pole connects.")
                .replace("%1", describe_offset(offset, self._offset_words()))
                .replace("%2", f"{pole_clock:%d-%m %H:%M}"))
        return window, clock

    def _offset_words(self) -> dict[str, str]:
        return {"day": self.tr("day"), "days": self.tr("days"), "h": self.tr("h"),
                "min": self.tr("min"), "s": self.tr("s"),
                "behind": self.tr("%1 behind"), "ahead": self.tr("%1 ahead")}

    def _show_result(self, state: str, text: str) -> None:
        self._result_state = state
        style = {ResultState.MATCH: _GOOD, ResultState.DIFFERENT: _BAD}.get(state, _NEUTRAL)
        self._result.setStyleSheet(style + "padding:8px; font-size:11pt; font-weight:bold;")
        self._result.setText(text or self.tr(
            "Not deployed yet. Deploy sends the profile, then reads the pole's own schedule "
            "back to check it."))

    def _limits_read(self, limits: PoleLimits) -> None:
        self.model.set_pole_limits(grid_limit_a=limits.grid_limit_a,
                                   max_stack_level=limits.max_stack_level,
                                   configuration=limits.values)

    # ================================================================ errors
    def _failed(self, what: str, error: BaseException) -> None:
        self._error_message.setText(f"{what} failed: {_explain(error)}")
        self._details.setPlainText("".join(traceback.format_exception(error)))
        self._details_button.setChecked(False)
        self._error_box.show()
        self._update_actions()

    def _toggle_details(self, shown: bool) -> None:
        self._details.setVisible(shown)

    def _dismiss_error(self) -> None:
        self._error_box.hide()
        self._details_button.setChecked(False)


def _explain(error: BaseException) -> str:
    """One sentence a technician can act on (the app's one wording of errors); a profile
    check's own message already is one. The details toggle holds the rest."""
    if isinstance(error, ProfileError):
        return str(error)
    return explain(error).sentence.text(QCoreApplication.translate)
