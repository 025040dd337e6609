"""The Roaming page's Tariffs tab (issue 21): an admin sets the fleet-wide tariff (per
kWh, per hour, per session, VAT) with a decimal comma, sees it in the table, and a slipped
decimal point is named in a sentence before anything reaches the service — against the
real service; the state object is also tested without widgets."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from gui.i18n import switch_language
from gui.roaming.tariffs import TariffBook, TypedTariff, amount, checked, euros, figure
from gui.views.main_window import MainWindow, Page
from pole_link.service_api import ServiceEndpoint
from pole_link.service_tariffs import TariffRecord
from tests.gui.qt_support import shown
from tests.support import running_service

SHOTS = Path(os.environ.get("PAALWERK_SHOTS", Path(__file__).resolve().parents[2]
                            / "test-output"))


@pytest.fixture
def english(qapp: QApplication) -> Iterator[None]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    switch_language("en")
    yield
    switch_language("en")


def test_eis60_typed_prices_are_read_with_a_comma_and_out_of_range_ones_named() -> None:
    tariff, problems = checked(TypedTariff("FLEET", "", "0,35", "€ 0,50", "0.25", "21"))
    assert problems == [] and tariff == TariffRecord("FLEET", None, flat=0.25, per_kwh=0.35,
                                                     per_hour=0.5, vat=21.0)
    tariff, problems = checked(TypedTariff("FLEET", "", "35", "", "", "210"))
    assert tariff is None
    assert [problem.text() for problem in problems] == [
        "The price per kWh must be between € 0.00 and € 2.00 excl. VAT; 35 is not (a "
        "decimal point slipped?).",
        "VAT must be between 0 and 27 % (the Netherlands: 21 %); 210 is not."]
    _, problems = checked(TypedTariff("", "PW 1", "twee", "", "", ""))
    assert [problem.text() for problem in problems] == [
        "Give the tariff a name: letters, digits, '-', '_' or '.', at most 36.",
        "The pole ID has spaces or odd characters: PW 1",
        "The price per kWh is not a number: twee"]

    book = TariffBook()
    book.show([TariffRecord("PW-0001-DAY", "PW-0001", per_kwh=0.29),
               TariffRecord("FLEET", None, per_kwh=0.35, vat=21.0)])
    first, second = book.rows()
    assert (first.name, first.applies_to.text(), first.per_kwh, first.vat) == (
        "FLEET", "every pole (fleet-wide)", "€ 0.35", "21 %")
    assert (second.applies_to.text(), second.vat) == ("pole PW-0001", "—")


def test_eis60_in_dutch_prices_are_shown_and_refused_with_a_decimal_comma() -> None:
    book = TariffBook()
    book.show([TariffRecord("FLEET", None, per_kwh=0.35, per_hour=1.2, flat=0.5, vat=20.5)])
    [row] = book.rows(",")
    assert (row.per_kwh, row.per_hour, row.flat, row.vat) == (
        "€ 0,35", "€ 1,20", "€ 0,50", "20,5 %")
    assert (euros(0.35), euros(0.35, ","), amount(2, ","), figure(2.5, ",")) == (
        "€ 0.35", "€ 0,35", "2,00", "2,5")
    # Either separator is read, whatever the language; the sentence uses the language's.
    tariff, problems = checked(TypedTariff("FLEET", "", "2,5", "0.50", "", "27,5"), ",")
    assert tariff is None
    assert [problem.text() for problem in problems] == [
        "The price per kWh must be between € 0.00 and € 2,00 excl. VAT; 2,5 is not (a "
        "decimal point slipped?).",
        "VAT must be between 0 and 27 % (the Netherlands: 21 %); 27,5 is not."]
    tariff, problems = checked(TypedTariff("FLEET", "", "0.35", "1,20", "€ 0,50", "21"), ",")
    assert problems == [] and tariff is not None
    assert (tariff.per_kwh, tariff.per_hour, tariff.flat) == (0.35, 1.2, 0.5)


async def test_eis60_an_admin_sets_the_fleet_tariff_on_the_roaming_page(
        qtbot: QtBot, tmp_path: Path, english: None) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    try:
        async with running_service(tmp_path) as api:
            window.connect_view.service_chosen.emit(ServiceEndpoint(api.url, api.token))
            window.show_page(Page.ROAMING)
            view = window.roaming_view.tariffs
            window.roaming_view.tabs.setCurrentWidget(view)
            await shown(lambda: view.save_button.isEnabled())
            view.name.setText("FLEET")
            view.per_kwh.setText("0,35")
            view.per_hour.setText("0,50")
            view.flat.setText("0,25")
            view.vat.setText("21")
            view.save_button.click()
            await shown(lambda: view.table.rowCount() == 1
                        and view.table.item(0, 2).text() == "€ 0.35")
            assert view.table.item(0, 1).text() == "every pole (fleet-wide)"
            assert view.table.item(0, 5).text() == "21 %"

            view.per_kwh.setText("35")  # 0,35 with the comma lost
            view.save_button.click()
            assert "The price per kWh must be between € 0.00 and € 2.00 excl. VAT; 35 is " \
                "not" in view.status.text()
            assert window.grab().save(str(SHOTS / "roaming_tariffs_en_1366x768.png"))
            stored = await api.client.get("/api/v1/ocpi/tariffs")
            assert [item["perKwh"] for item in stored.json()] == [0.35]  # nothing sent

            # The same in Dutch (the language is chosen before the window is built).
            switch_language("nl")
            dutch = MainWindow()
            qtbot.addWidget(dutch)
            dutch.resize(1366, 768)
            dutch.show()
            try:
                dutch.connect_view.service_chosen.emit(ServiceEndpoint(api.url, api.token))
                dutch.show_page(Page.ROAMING)
                tab = dutch.roaming_view.tariffs
                dutch.roaming_view.tabs.setCurrentWidget(tab)
                await shown(lambda: tab.table.rowCount() == 1 and tab.save_button.isEnabled())
                assert tab.table.item(0, 2).text() == "€ 0,35"  # a decimal comma
                tab.table.selectRow(0)
                await shown(lambda: tab.name.text() == "FLEET")
                assert (tab.per_kwh.text(), tab.per_hour.text()) == ("0,35", "0,50")
                tab.per_kwh.setText("35")
                tab.save_button.click()
                assert "tussen € 0,00 en € 2,00 excl. btw liggen; 35 valt" in \
                    tab.status.text()
                assert dutch.grab().save(str(SHOTS / "roaming_tariffs_nl_1366x768.png"))
            finally:
                await dutch.shutdown()
    finally:
        await window.shutdown()
