"""Setting where poles stand, from the GUI: a Location dialog for the pole selected in
the Fleet, and "Import locations from CSV…" (Poles menu; issue 19).

Requests run in the background (`ask_service`); a refused location (outside the
Netherlands, swapped coordinates, a role that may not) is said in the dialog, which stays
open so nothing typed is lost. An import keeps every good row and lists each bad one
with its row number.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from gui.outages.location_form import FIELDS, FormError, form_texts, location_from_form
from gui.service_request import ask_service, failure_text
from gui.tasks import TaskRunner
from pole_link.service_api import ServiceEndpoint
from pole_link.service_outages import ImportResult, LocationRecord


class LocationDialog(QDialog):
    """The fields of one pole's location; ``submitted`` when the user saves."""

    submitted = Signal(object)
    """A checked `LocationRecord`."""

    def __init__(self, location: LocationRecord, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pole_id = location.pole_id
        self.setWindowTitle(self.tr("Location of %1").replace("%1", location.pole_id))
        labels = {"address": self.tr("Address"), "postcode": self.tr("Postcode"),
                  "city": self.tr("City"), "latitude": self.tr("Latitude"),
                  "longitude": self.tr("Longitude"),
                  "grid_operator": self.tr("Grid operator"),
                  "area_code": self.tr("Grid area code")}
        texts = form_texts(location)
        self.fields: dict[str, QLineEdit] = {}
        form = QFormLayout()
        for name in FIELDS:
            field = QLineEdit(texts[name])
            self.fields[name] = field
            form.addRow(labels[name], field)
        self.fields["latitude"].setPlaceholderText(self.tr("degrees north, e.g. 52.2551"))
        self.fields["longitude"].setPlaceholderText(self.tr("degrees east, e.g. 6.1639"))
        self.fields["grid_operator"].setPlaceholderText(self.tr("e.g. Enexis, Liander"))
        self.fields["area_code"].setPlaceholderText(
            self.tr("the grid operator's area: poles there lose power together"))
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #c62828;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def accept(self) -> None:
        """Check the form; the dialog closes only once the service stored it (`saved`)."""
        try:
            location = location_from_form(
                self.pole_id, {name: field.text() for name, field in self.fields.items()},
                QCoreApplication.translate)
        except FormError as error:
            self.problem.setText(str(error))
            return
        self.problem.setText(self.tr("Saving…"))
        self.submitted.emit(location)

    def saved(self) -> None:
        super().accept()

    def refused(self, text: str) -> None:
        self.problem.setText(text)


class LocationActions(QObject):
    """The Poles menu's two location actions, over one service."""

    changed = Signal(str)
    """A location was stored (the pole id; "" after an import)."""

    def __init__(self, parent: QWidget, tasks: TaskRunner,
                 selected: Callable[[], list[str]]) -> None:
        super().__init__(parent)
        self.window = parent
        self.tasks = tasks
        self.selected = selected
        self.service: ServiceEndpoint | None = None
        self.dialog: LocationDialog | None = None
        self.edit_action = QAction(self.tr("Location of the selected pole…"), self)
        self.edit_action.setToolTip(self.tr(
            "Address, coordinates and grid operator area of the pole selected in Fleet"))
        self.edit_action.triggered.connect(self.edit_selected)
        self.import_action = QAction(self.tr("Import locations from CSV…"), self)
        self.import_action.triggered.connect(self.import_csv)
        self.ask_path: Callable[[], str] = self._ask_path
        self.show_result: Callable[[str], None] = self._show_result
        self.follow(None)

    def follow(self, service: ServiceEndpoint | None) -> None:
        self.service = service
        for action in (self.edit_action, self.import_action):
            action.setEnabled(service is not None)

    # ------------------------------------------------------------ one pole
    def edit_selected(self) -> None:
        poles = self.selected()
        if len(poles) != 1:
            self.show_result(self.tr("Select one pole in the Fleet first."))
            return
        self.edit(poles[0])

    def edit(self, pole_id: str) -> None:
        what = self.tr("Reading the location of %1").replace("%1", pole_id)

        def read(answer: Any) -> None:
            if isinstance(answer, BaseException):
                self.show_result(failure_text(what, answer))
                return
            self.dialog = LocationDialog(answer, self.window)
            self.dialog.submitted.connect(self._save)
            self.dialog.open()

        ask_service(self.tasks, self.service, what,
                    lambda client: client.pole_location(pole_id), read, timeout=30)

    def _save(self, location: LocationRecord) -> None:
        dialog = self.dialog
        what = self.tr("Saving the location of %1").replace("%1", location.pole_id)

        def stored(answer: Any) -> None:
            if dialog is None:
                return
            if isinstance(answer, BaseException):
                dialog.refused(failure_text(what, answer))
            else:
                dialog.saved()
                self.changed.emit(location.pole_id)

        ask_service(self.tasks, self.service, what,
                    lambda client: client.set_pole_location(location), stored, timeout=30)

    # ------------------------------------------------------------ a file
    def import_csv(self) -> None:
        path = self.ask_path()
        if path:
            self.import_file(path)

    def import_file(self, path: str) -> None:
        what = self.tr("Importing locations from %1").replace("%1", Path(path).name)

        async def send(client: Any) -> ImportResult:
            try:
                text = await asyncio.to_thread(Path(path).read_text, encoding="utf-8-sig")
            except UnicodeDecodeError:
                raise ValueError(self.tr("the file is not UTF-8 text: save it as "
                                         "'CSV UTF-8'")) from None
            result: ImportResult = await client.import_locations(text)
            return result

        def done(answer: Any) -> None:
            if isinstance(answer, BaseException):
                self.show_result(failure_text(what, answer))
                return
            lines = [self.tr("%1 locations imported.").replace("%1", str(answer.imported))]
            if answer.errors:
                lines.append(self.tr("Not imported:"))
                lines += [f"• {error}" for error in answer.errors]
            self.show_result("\n".join(lines))
            self.changed.emit("")

        ask_service(self.tasks, self.service, what, send, done, timeout=120)

    def _ask_path(self) -> str:
        path, _ = QFileDialog.getOpenFileName(self.window, self.tr("Import locations"), "",
                                              self.tr("CSV files (*.csv);;All files (*)"))
        return path

    def _show_result(self, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("Locations"), text,
                          QMessageBox.StandardButton.Ok, self.window)
        box.open()
