"""The Tariffs tab of the Roaming page: a thin view of `TariffBook` (issue 21).

Everyone sees what partners are charged — fleet-wide and per pole: per kWh, per hour, per
session, VAT; admins set (create or change) and delete a tariff. What was typed is checked
first (`gui.roaming.tariffs.checked`), so a slipped decimal point is named in a sentence
before anything is sent; the service checks again and its refusal is shown the same way.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.access import Action
from gui.access_widgets import gate
from gui.i18n import decimal_point
from gui.roaming.tariffs import TariffBook, TypedTariff, amount, checked, figure
from gui.service_page import ServicePage
from gui.tasks import TaskRunner

PROBLEM_STYLE = "color: #c62828; font-size: 12pt;"


class TariffsView(ServicePage):
    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None, *,
                 book: TariffBook | None = None) -> None:
        super().__init__(tasks, parent)
        self.book = book or TariffBook()
        self.book.subscribe(self._redraw)

        self.note = QLabel(self.tr(
            "What roaming partners' drivers pay at our poles. Prices are in euros excluding "
            "VAT. A pole's own tariff wins over the fleet-wide one."))
        self.note.setWordWrap(True)
        self.note.setStyleSheet("font-size: 12pt;")
        self.table = QTableWidget(0, 7)
        self.table.setHorizontalHeaderLabels([
            self.tr("Tariff"), self.tr("Applies to"), self.tr("Per kWh"),
            self.tr("Per hour"), self.tr("Per session"), self.tr("VAT"),
            self.tr("Changed (local)")])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.itemSelectionChanged.connect(self._selection_changed)

        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("e.g. FLEET or PW-0001-DAY"))
        self.pole = QLineEdit()
        self.pole.setPlaceholderText(self.tr("empty: every pole"))
        self.per_kwh, self.per_hour, self.flat = QLineEdit(), QLineEdit(), QLineEdit()
        for field in (self.per_kwh, self.per_hour, self.flat):
            field.setPlaceholderText("0,00")
        self.vat = QLineEdit()
        self.vat.setPlaceholderText("21")
        form = QFormLayout()
        form.addRow(self.tr("Tariff name"), self.name)
        form.addRow(self.tr("For pole"), self.pole)
        form.addRow(self.tr("Per kWh (€)"), self.per_kwh)
        form.addRow(self.tr("Per hour (€)"), self.per_hour)
        form.addRow(self.tr("Per session (€)"), self.flat)
        form.addRow(self.tr("VAT (%)"), self.vat)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        self.save_button = QPushButton(self.tr("Save tariff"))
        self.save_button.clicked.connect(self.save)
        self.delete_button = QPushButton(self.tr("Delete tariff"))
        self.delete_button.clicked.connect(self.delete)
        buttons = QHBoxLayout()
        buttons.addWidget(self.refresh_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.delete_button)
        editor = QHBoxLayout()
        editor.addLayout(form, 1)
        editor.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        layout.addLayout(editor)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.follow(None)

    # ------------------------------------------------------------ wiring
    def forget(self) -> None:
        self.book.show([])
        self._say("" if self.service is not None else
                  self.tr("Connect to a service to see its tariffs."))

    def _say(self, text: str, problem: bool = False) -> None:
        self.status.setStyleSheet(PROBLEM_STYLE if problem else "font-size: 12pt;")
        self.status.setText(text)

    def say_failure(self, sentence: str) -> None:
        self._say(sentence, problem=True)

    # ------------------------------------------------------------ intents
    def refresh(self) -> None:
        self.ask(self.tr("Reading the tariffs"), lambda client: client.ocpi_tariffs(),
                 self.book.show)

    def typed(self) -> TypedTariff:
        return TypedTariff(self.name.text(), self.pole.text(), self.per_kwh.text(),
                           self.per_hour.text(), self.flat.text(), self.vat.text())

    def save(self) -> None:
        tariff, problems = checked(self.typed(), decimal_point())
        if tariff is None:
            translate = QCoreApplication.translate
            self._say(" ".join(problem.text(translate) for problem in problems),
                      problem=True)
            return
        chosen = tariff

        def done(_answer: Any) -> None:
            self._say(self.tr("Tariff %1 saved; partners see it at their next read.")
                      .replace("%1", chosen.id))
            self.book.selected = chosen.id
            self.refresh()

        self.ask(self.tr("Saving tariff %1").replace("%1", chosen.id),
                 lambda client: client.set_ocpi_tariff(chosen), done)

    def delete(self) -> None:
        tariff = self.book.chosen
        if tariff is None:
            return
        self.ask(self.tr("Deleting tariff %1").replace("%1", tariff.id),
                 lambda client: client.delete_ocpi_tariff(tariff.id),
                 lambda _answer: self.refresh())

    def _selection_changed(self) -> None:
        rows = {index.row() for index in self.table.selectedIndexes()}
        self.book.select(min(rows) if rows else None)
        tariff = self.book.chosen
        if tariff is not None:  # the form shows it, ready to change
            self.name.setText(tariff.id)
            self.pole.setText(tariff.location_id or "")
            for field, value in ((self.per_kwh, tariff.per_kwh),
                                 (self.per_hour, tariff.per_hour), (self.flat, tariff.flat)):
                field.setText(amount(value, decimal_point()))
            self.vat.setText("" if tariff.vat is None else figure(tariff.vat, decimal_point()))

    # ------------------------------------------------------------ drawing
    def _redraw(self) -> None:
        translate = QCoreApplication.translate
        idle = self.service is not None and not self.busy
        self.refresh_button.setEnabled(idle)
        gate(self.save_button, self.access, Action.SET_TARIFFS, idle)
        gate(self.delete_button, self.access, Action.SET_TARIFFS,
             idle and self.book.chosen is not None)
        rows = self.book.rows(decimal_point())  # € 0,35 in Dutch
        self.table.blockSignals(True)
        self.table.setRowCount(len(rows))
        for number, row in enumerate(rows):
            cells = (row.name, row.applies_to.text(translate), row.per_kwh, row.per_hour,
                     row.flat, row.vat, row.updated)
            for column, value in enumerate(cells):
                self.table.setItem(number, column, QTableWidgetItem(value))
        selected = next((index for index, tariff in enumerate(self.book.tariffs)
                         if tariff.id == self.book.selected), None)
        if selected is not None:
            self.table.selectRow(selected)
        self.table.blockSignals(False)
        self.table.resizeColumnsToContents()
