"""Search, quick filters and order over the fleet, and the view that binds them."""

from __future__ import annotations

import random
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from gui.fleet.filter import FleetFilter, QuickFilter
from gui.fleet.model import AttentionRole, Column, FleetModel, PoleIdRole, Severity
from gui.fleet.view import FleetView
from tests.gui.test_fleet_model import NOW, at, pole, records, status, typed, typed_all
from tests.support import ManualClock

if TYPE_CHECKING:
    from pytestqt.modeltest import ModelTester

SCREENSHOT = Path(__file__).resolve().parents[2] / "test-output" / "fleet_view.png"


def filtered(*poles: dict[str, Any]) -> tuple[FleetModel, FleetFilter]:
    model = FleetModel(now=ManualClock(NOW).now)
    model.set_poles(records(list(poles)))
    return model, FleetFilter(model)


def shown(proxy: FleetFilter) -> list[str]:
    return [proxy.index(r, Column.POLE).data() for r in range(proxy.rowCount())]


def small_fleet() -> tuple[FleetModel, FleetFilter]:
    return filtered(
        pole("PW-0001", "Charging", operator="Enexis"),
        pole("PW-0002", "Faulted", error_1="GroundFailure", operator="Enexis"),
        pole("PW-0003", connected=False, operator="Liander"),
        pole("PW-0004", "Finishing", since_min=50, operator="Stedin"),
        pole("PW-0005", "Available", "Charging", operator="Liander"),
        pole("PW-0006", operator="Coteq"),
    )


def test_proxy_holds_up_under_qt_model_tester(qtmodeltester: ModelTester) -> None:
    model, proxy = small_fleet()
    qtmodeltester.check(proxy)
    proxy.set_search("pw")
    proxy.set_quick_filter(QuickFilter.ATTENTION)
    model.apply_events(typed_all([status("PW-0006", 1, "Faulted", "PowerMeterFailure"),
                        status("PW-0099", 1, "Charging")]))
    proxy.sort(Column.POLE, Qt.SortOrder.DescendingOrder)
    proxy.set_search("")
    proxy.set_quick_filter(QuickFilter.ALL)


def test_default_order_is_most_urgent_first_then_pole_id() -> None:
    _, proxy = small_fleet()
    assert shown(proxy) == ["PW-0002", "PW-0003", "PW-0004", "PW-0001", "PW-0005", "PW-0006"]
    assert proxy.sort_spec() == (Column.ATTENTION, Qt.SortOrder.DescendingOrder)


def test_search_matches_pole_id_and_operator_case_insensitively() -> None:
    _, proxy = small_fleet()
    proxy.set_search("pw-0005")
    assert shown(proxy) == ["PW-0005"]
    proxy.set_search("LIANDER")
    assert shown(proxy) == ["PW-0003", "PW-0005"]


def test_search_words_must_all_match() -> None:
    _, proxy = small_fleet()
    proxy.set_search("enexis charging")
    assert shown(proxy) == ["PW-0001"]
    proxy.set_search("  charging   enexis ")
    assert shown(proxy) == ["PW-0001"]
    proxy.set_search("enexis coteq")
    assert shown(proxy) == []


def test_search_finds_statuses_and_error_codes() -> None:
    _, proxy = small_fleet()
    proxy.set_search("groundfail")
    assert shown(proxy) == ["PW-0002"]
    proxy.set_search("finishing")
    assert shown(proxy) == ["PW-0004"]
    proxy.set_search("offline")
    assert shown(proxy) == ["PW-0003"]


@pytest.mark.parametrize(("quick", "expected"), [
    (QuickFilter.ALL, ["PW-0002", "PW-0003", "PW-0004", "PW-0001", "PW-0005", "PW-0006"]),
    (QuickFilter.ATTENTION, ["PW-0002", "PW-0003", "PW-0004"]),
    (QuickFilter.OFFLINE, ["PW-0003"]),
    (QuickFilter.FAULTED, ["PW-0002"]),
    (QuickFilter.CHARGING, ["PW-0001", "PW-0005"]),
])
def test_quick_filter_shows_the_poles_it_names(quick: QuickFilter, expected: list[str]) -> None:
    _, proxy = small_fleet()
    proxy.set_quick_filter(quick)
    assert shown(proxy) == expected


def test_quick_filter_and_search_combine() -> None:
    _, proxy = small_fleet()
    proxy.set_quick_filter(QuickFilter.CHARGING)
    proxy.set_search("liander")
    assert shown(proxy) == ["PW-0005"]


def test_attention_filter_follows_live_events() -> None:
    model, proxy = small_fleet()
    proxy.set_quick_filter(QuickFilter.ATTENTION)
    model.apply_event(typed(status("PW-0006", 2, "Faulted", "ConnectorLockFailure")))
    assert shown(proxy) == ["PW-0002", "PW-0006", "PW-0003", "PW-0004"]
    model.apply_event(typed(status("PW-0002", 1, "Available")))
    assert "PW-0002" not in shown(proxy)
    model.apply_event(typed(status("PW-0777", 1, "Faulted", "GroundFailure")))
    assert "PW-0777" in shown(proxy)


def test_header_sort_goes_through_the_source_and_breaks_ties_by_pole_id() -> None:
    _, proxy = small_fleet()
    proxy.sort(Column.CONNECTION, Qt.SortOrder.AscendingOrder)
    assert shown(proxy) == ["PW-0003", "PW-0001", "PW-0002", "PW-0004", "PW-0005", "PW-0006"]
    proxy.sort(Column.POLE, Qt.SortOrder.DescendingOrder)
    assert shown(proxy)[0] == "PW-0006"


def test_filter_over_10000_poles_gives_the_right_count() -> None:
    poles = [pole(f"PW-{n:05d}", "Charging" if n % 4 == 0 else "Available",
                  connected=n % 10 != 0, operator=("Enexis", "Liander", "Stedin")[n % 3])
             for n in range(10_000)]
    _, proxy = filtered(*poles)
    assert proxy.rowCount() == 10_000
    proxy.set_search("pw-012")  # PW-01200 … PW-01299
    assert proxy.rowCount() == 100
    proxy.set_search("stedin")
    assert proxy.rowCount() == sum(1 for n in range(10_000) if n % 3 == 2)
    proxy.set_quick_filter(QuickFilter.OFFLINE)
    assert proxy.rowCount() == sum(1 for n in range(10_000) if n % 3 == 2 and n % 10 == 0)
    proxy.set_search("")
    proxy.set_quick_filter(QuickFilter.CHARGING)  # offline poles: not known to charge
    assert proxy.rowCount() == sum(1 for n in range(10_000) if n % 4 == 0 and n % 10 != 0)


# -- the view ----------------------------------------------------------------------


def realistic_fleet(count: int = 40, seed: int = 47) -> list[dict[str, Any]]:
    """A street's worth of poles: mostly fine, some charging, a few faulted or offline."""
    chance = random.Random(seed)
    operators = ("Enexis", "Liander", "Stedin", "Coteq", "Rendo")
    faults = ("GroundFailure", "OverCurrentFailure", "ConnectorLockFailure", "PowerMeterFailure")
    poles = []
    for n in range(1, count + 1):
        sockets = [chance.choices(
            ("Available", "Charging", "SuspendedEV", "Preparing", "Finishing", "SuspendedEVSE"),
            weights=(50, 30, 8, 4, 4, 4))[0] for _ in range(2)]
        item = pole(f"PW-{n:04d}", *sockets, operator=chance.choice(operators),
                    last_seen_min=chance.uniform(0, 14), since_min=chance.uniform(1, 25),
                    uptime=round(chance.uniform(98.6, 100.0), 1) if n % 9 else None)
        if n in (7, 23, 31):
            item["connectors"][1].update(status="Faulted", error_code=faults[n % 3])
        if n in (12, 19):
            item["uptime_percent"] = round(chance.uniform(95.0, 97.9), 1)
        if n in (12, 28):
            item["connected"] = False
            item["last_seen"] = at(chance.uniform(60, 60 * 30))
        poles.append(item)
    return poles


def fleet_view(qtbot: QtBot, poles: list[dict[str, Any]]) -> tuple[FleetView, FleetModel]:
    model = FleetModel(now=ManualClock(NOW).now)
    model.set_poles(records(poles))
    view = FleetView(model)
    qtbot.addWidget(view)
    return view, model


def test_count_label_and_quick_filter_buttons_show_numbers(qtbot: QtBot) -> None:
    view, model = fleet_view(qtbot, realistic_fleet())
    assert view.count_text() == "40 of 40 poles"
    view.search_field.setText("PW-000")
    qtbot.waitUntil(lambda: view.count_text() == "9 of 40 poles")
    view.search_field.clear()
    view.quick_buttons[QuickFilter.FAULTED].click()
    qtbot.waitUntil(lambda: view.count_text() == "3 of 40 poles")
    assert view.quick_buttons[QuickFilter.FAULTED].text() == "Faulted (3)"
    assert view.quick_buttons[QuickFilter.OFFLINE].text() == "Offline (2)"
    model.apply_event(typed(status("PW-0001", 2, "Faulted", "GroundFailure")))
    qtbot.waitUntil(lambda: view.count_text() == "4 of 40 poles")
    assert view.quick_buttons[QuickFilter.FAULTED].text() == "Faulted (4)"


def test_ctrl_f_focuses_the_search_field(qtbot: QtBot) -> None:
    view, _ = fleet_view(qtbot, realistic_fleet(5))
    view.show()
    view.activateWindow()
    qtbot.waitExposed(view)
    view.table.setFocus()
    qtbot.waitUntil(view.table.hasFocus)
    qtbot.keyClick(view.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(view.search_field.hasFocus)


def test_enter_and_double_click_emit_pole_activated(qtbot: QtBot) -> None:
    view, _ = fleet_view(qtbot, realistic_fleet(5))
    view.show()
    qtbot.waitExposed(view)
    table = view.table
    first = table.model().index(0, Column.POLE)
    table.setCurrentIndex(first)
    with qtbot.waitSignal(view.pole_activated) as enter:
        qtbot.keyClick(table, Qt.Key.Key_Return)
    assert enter.args == [first.data()]
    second = table.model().index(1, Column.SOCKET_1)
    where = table.visualRect(second).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)  # as a hand does
    with qtbot.waitSignal(view.pole_activated) as double:
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert double.args == [second.data(PoleIdRole)]


def test_fleet_view_screenshot_puts_the_poles_that_need_attention_on_top(qtbot: QtBot) -> None:
    poles = realistic_fleet()
    view, model = fleet_view(qtbot, poles)
    model.apply_events(typed_all([
        {"type": "transaction", "event": "started", "poleId": "PW-0015",
         "meterWh": 0, "connectorId": 1,
         "transactionId": 915, "at": at(27 * 60)},
        status("PW-0015", 1, "Charging", minutes_ago=0),
        *({"type": "meterValues", "poleId": item["id"], "connectorId": connector["connector_id"],
           "transactionId": 1, "at": at(1), "powerW": 11040.0 if n % 3 else 7360.0,
           "energyWh": 5e3}
          for n, item in enumerate(poles) for connector in item["connectors"]
          if connector["status"] == "Charging" and item["connected"]),
    ]))
    view.resize(1280, 900)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.quick_buttons[QuickFilter.ATTENTION].text()
                    == "Needs attention (6)")
    top = [view.table.model().index(r, Column.POLE).data(AttentionRole) for r in range(6)]
    assert top == [Severity.FAULT] * 3 + [Severity.OFFLINE] * 2 + [Severity.STUCK]
    SCREENSHOT.parent.mkdir(exist_ok=True)
    assert view.grab().save(str(SCREENSHOT))
