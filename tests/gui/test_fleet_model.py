"""The fleet table model, without widgets: rows from the API, live events, attention, LEDs."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from gui.fleet.model import (
    LED_QCOLOUR,
    AttentionRole,
    Column,
    FleetModel,
    LedBlinkingRole,
    LedColourRole,
    PoleIdRole,
    RowFlag,
    SearchTextRole,
    Severity,
    SortKeyRole,
)
from pole_link.model.led import LedColour
from pole_link.service_api import PoleRecord, ServiceEvent, parse_event
from pole_link.timeutil import format_time
from tests.support import ManualClock

if TYPE_CHECKING:
    from pytestqt.modeltest import ModelTester

NOW = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)


def at(minutes_ago: float = 0.0) -> str:
    return format_time(NOW - timedelta(minutes=minutes_ago))


def pole(pole_id: str, socket_1: str = "Available", socket_2: str = "Available", *,
         connected: bool = True, error_1: str = "NoError", operator: str = "Enexis",
         last_seen_min: float = 3.0, since_min: float = 5.0,
         uptime: float | None = 99.2) -> dict[str, Any]:
    """One element of ``GET /api/v1/poles`` as the service sends it."""
    item: dict[str, Any] = {
        "id": pole_id, "vendor": "Paalwerk", "model": "PW2-22", "serial": f"S{pole_id}",
        "firmware": "1.0.0", "connected": connected, "last_seen": at(last_seen_min),
        "auto_registered": False, "grid_operator": operator, "connection_size": "3x25",
        "connectors": [
            {"connector_id": 0, "status": "Available", "error_code": "NoError",
             "since": at(600)},
            {"connector_id": 1, "status": socket_1, "error_code": error_1,
             "since": at(since_min)},
            {"connector_id": 2, "status": socket_2, "error_code": "NoError",
             "since": at(since_min)},
        ],
    }
    if uptime is not None:
        item["uptime_percent"] = uptime
    return item


def records(items: Iterable[dict[str, Any]]) -> list[PoleRecord]:
    """The listing as the service client hands it over (`ServiceClient.poles`)."""
    return [PoleRecord.from_json(item) for item in items]


def typed(event: dict[str, Any]) -> ServiceEvent:
    """A feed event as the live feed hands it over (`parse_event`)."""
    parsed = parse_event(event)
    assert parsed is not None, event
    return parsed


def typed_all(events: Iterable[dict[str, Any]]) -> list[ServiceEvent]:
    return [typed(event) for event in events]


def status(pole_id: str, connector_id: int, state: str, error: str = "NoError",
           minutes_ago: float = 0.0) -> dict[str, Any]:
    return {"type": "status", "poleId": pole_id, "connectorId": connector_id, "status": state,
            "errorCode": error, "at": at(minutes_ago)}


def fleet_model(*poles: dict[str, Any], clock: ManualClock | None = None) -> FleetModel:
    model = FleetModel(now=(clock or ManualClock(NOW)).now)
    model.set_poles(records(list(poles)))
    return model


def cell(model: FleetModel, pole_id: str, column: Column, role: int = Qt.ItemDataRole.DisplayRole
         ) -> Any:
    row = model.row_of(pole_id)
    assert row is not None, pole_id
    return model.index(row, column).data(role)


class Recorder:
    """The rows each ``dataChanged`` covered, and the rows inserted."""

    def __init__(self, model: FleetModel) -> None:
        self.changed: list[tuple[int, int, int, int]] = []
        self.inserted: list[tuple[int, int]] = []
        self.layouts = 0
        model.dataChanged.connect(self._changed)
        model.rowsInserted.connect(lambda _p, first, last: self.inserted.append((first, last)))
        model.layoutChanged.connect(self._layout)

    def _changed(self, top: QModelIndex, bottom: QModelIndex, _roles: object = None) -> None:
        self.changed.append((top.row(), bottom.row(), top.column(), bottom.column()))

    def _layout(self, *_args: object) -> None:
        self.layouts += 1

    def rows(self) -> list[int]:
        return [top for top, bottom, _, _ in self.changed for _ in range(bottom - top + 1)]


def test_model_holds_up_under_qt_model_tester_through_loads_events_and_sorts(
        qtmodeltester: ModelTester) -> None:
    clock = ManualClock(NOW)
    model = FleetModel(now=clock.now)
    qtmodeltester.check(model)
    model.set_poles(records([pole("PW-0001", "Charging"), pole("PW-0002", connected=False)]))
    model.apply_events(typed_all([status("PW-0001", 1, "Faulted", "GroundFailure"),
                        status("PW-0009", 2, "Charging"),
                        {"type": "connection", "poleId": "PW-0002", "connected": True,
                         "at": at()}]))
    model.sort(Column.ATTENTION, Qt.SortOrder.DescendingOrder)
    model.apply_event(typed(status("PW-0003", 1, "Finishing")))
    clock.advance(timedelta(hours=1))
    model.refresh()
    model.sort(Column.LAST_SEEN, Qt.SortOrder.AscendingOrder)
    model.set_poles(records([pole("PW-0004")]))
    assert model.rowCount() == 1


def test_set_poles_shows_one_row_per_pole_as_the_helpdesk_reads_it() -> None:
    model = fleet_model(pole("PW-0001", "Charging", last_seen_min=3),
                        pole("PW-0002", connected=False, uptime=None, last_seen_min=150))
    assert model.rowCount() == 2
    assert model.columnCount() == len(Column)
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in Column] == [
        "Pole", "Connection", "Socket 1", "Socket 2", "Last seen", "Uptime (%)",
        "Power (kW)", "Attention"]
    assert cell(model, "PW-0001", Column.POLE) == "PW-0001"
    assert cell(model, "PW-0001", Column.CONNECTION) == "Online"
    assert cell(model, "PW-0001", Column.SOCKET_1) == "Charging"
    assert cell(model, "PW-0001", Column.LAST_SEEN) == "3 min ago"
    assert cell(model, "PW-0001", Column.UPTIME) == "99.2"
    assert cell(model, "PW-0001", Column.POWER) == "—"
    assert cell(model, "PW-0001", Column.ATTENTION) == ""
    assert cell(model, "PW-0002", Column.CONNECTION) == "Offline"
    assert cell(model, "PW-0002", Column.UPTIME) == "—"
    assert cell(model, "PW-0002", Column.LAST_SEEN) == "2 h ago"
    assert cell(model, "PW-0002", Column.ATTENTION) == "Offline for 2 h"
    assert cell(model, "PW-0002", Column.SOCKET_2, PoleIdRole) == "PW-0002"


def test_last_seen_sorts_by_its_datetime_not_its_text() -> None:
    model = fleet_model(pole("PW-0001", last_seen_min=3))
    assert cell(model, "PW-0001", Column.LAST_SEEN, SortKeyRole) == NOW - timedelta(minutes=3)


def test_status_event_updates_exactly_the_changed_row() -> None:
    model = fleet_model(pole("PW-0001"), pole("PW-0002"), pole("PW-0003"))
    recorder = Recorder(model)
    model.apply_event(typed(status("PW-0002", 1, "Charging")))
    row = model.row_of("PW-0002")
    assert recorder.rows() == [row]
    assert recorder.inserted == [] and recorder.layouts == 0
    _, _, left, right = recorder.changed[0]
    assert left <= Column.SOCKET_1 <= right
    assert cell(model, "PW-0002", Column.SOCKET_1) == "Charging"


def test_batch_of_events_signals_each_changed_row_once() -> None:
    model = fleet_model(pole("PW-0001"), pole("PW-0002"), pole("PW-0003"))
    recorder = Recorder(model)
    model.apply_events(typed_all([
        status("PW-0001", 1, "Preparing"),
        {"type": "transaction", "event": "started", "poleId": "PW-0001",
         "meterWh": 0, "connectorId": 1,
         "transactionId": 17, "at": at()},
        status("PW-0001", 1, "Charging"),
        {"type": "meterValues", "poleId": "PW-0001", "connectorId": 1, "transactionId": 17,
         "at": at(), "powerW": 11000.0, "energyWh": 1200.0},
        status("PW-0003", 2, "Unavailable"),
    ]))
    assert sorted(recorder.rows()) == sorted([model.row_of("PW-0001"), model.row_of("PW-0003")])
    assert cell(model, "PW-0001", Column.POWER) == "11.0"


def test_event_for_an_unknown_pole_inserts_its_row() -> None:
    model = fleet_model(pole("PW-0001"))
    recorder = Recorder(model)
    model.apply_event(typed(status("PW-0042", 1, "Charging")))
    assert recorder.inserted == [(1, 1)]
    assert recorder.changed == []
    assert model.row_of("PW-0042") == 1
    assert cell(model, "PW-0042", Column.SOCKET_1) == "Charging"
    assert cell(model, "PW-0042", Column.SOCKET_2) == "—"


def test_events_the_fleet_does_not_show_change_nothing() -> None:
    model = fleet_model(pole("PW-0001"))
    recorder = Recorder(model)
    sample = {"timestamp": at(), "limitA": 30.0, "sockets": []}
    model.apply_events(typed_all([{"type": "live", "poleId": "PW-0001", "data": sample},
                                  {"type": "watching", "poleId": "PW-0001", "status": "ok"}]))
    assert (recorder.changed, recorder.inserted, model.rowCount()) == ([], [], 1)


def test_attention_sorts_fault_before_offline_before_stuck_before_ok() -> None:
    model = fleet_model(
        pole("PW-0001"),
        pole("PW-0002", "Finishing", since_min=45),
        pole("PW-0003", connected=False),
        pole("PW-0004", "Faulted", error_1="GroundFailure"),
        pole("PW-0005"),
    )
    model.sort(Column.ATTENTION, Qt.SortOrder.DescendingOrder)
    order = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert order == ["PW-0004", "PW-0003", "PW-0002", "PW-0001", "PW-0005"]
    assert [model.index(r, Column.POWER).data(AttentionRole) for r in range(5)] == [
        Severity.FAULT, Severity.OFFLINE, Severity.STUCK, Severity.NONE, Severity.NONE]
    assert cell(model, "PW-0004", Column.ATTENTION) == (
        "Socket 1 faulted: earth-fault trip (RCD) (GroundFailure)")
    assert cell(model, "PW-0002", Column.ATTENTION) == "Socket 1 Finishing for 45 min"


def test_sorted_model_moves_a_pole_up_when_it_faults_and_keeps_persistent_indexes() -> None:
    model = fleet_model(pole("PW-0001"), pole("PW-0002"), pole("PW-0003"))
    model.sort(Column.ATTENTION, Qt.SortOrder.DescendingOrder)
    held = QPersistentModelIndex(model.index(model.row_of("PW-0003") or 0, Column.POLE))
    recorder = Recorder(model)
    model.apply_event(typed(status("PW-0003", 2, "Faulted", "OverCurrentFailure")))
    assert model.index(0, Column.POLE).data() == "PW-0003"
    assert recorder.layouts == 1
    assert held.row() == 0 and held.data() == "PW-0003"


def test_error_code_without_faulted_status_is_a_fault() -> None:
    model = fleet_model(pole("PW-0001", "Charging", error_1="HighTemperature"))
    assert cell(model, "PW-0001", Column.POLE, AttentionRole) == Severity.FAULT
    assert cell(model, "PW-0001", Column.SOCKET_1) == "Charging · HighTemperature"
    assert cell(model, "PW-0001", Column.ATTENTION) == (
        "Socket 1 Charging with error HighTemperature")


def test_fault_on_connector_zero_faults_the_pole() -> None:
    model = fleet_model(pole("PW-0001"))
    model.apply_event(typed(status("PW-0001", 0, "Faulted", "InternalError")))
    assert cell(model, "PW-0001", Column.ATTENTION) == (
        "Pole faulted: internal error of the pole (InternalError)")
    assert model.row_at(0).flags & RowFlag.FAULTED


def test_transaction_running_over_24_hours_is_stuck_against_the_injected_clock() -> None:
    clock = ManualClock(NOW)
    model = fleet_model(pole("PW-0001", "Charging"), pole("PW-0002", "Charging"), clock=clock)
    model.apply_event(typed({"type": "transaction", "event": "started", "poleId": "PW-0001",
                             "meterWh": 0, "connectorId": 1, "transactionId": 5,
                             "at": at(23 * 60)}))
    assert cell(model, "PW-0001", Column.POLE, AttentionRole) == Severity.NONE
    recorder = Recorder(model)
    clock.set(NOW + timedelta(hours=2))
    model.refresh()
    assert cell(model, "PW-0001", Column.POLE, AttentionRole) == Severity.STUCK
    assert cell(model, "PW-0001", Column.ATTENTION) == "Socket 1: transaction running 25 h"
    attention_changes = [(top, bottom) for top, bottom, left, right in recorder.changed
                         if left <= Column.ATTENTION <= right]
    assert attention_changes == [(model.row_of("PW-0001"),) * 2]


def test_a_transaction_running_for_a_day_before_the_app_started_is_stuck_at_once() -> None:
    """The service lists each socket's running transaction, so the helpdesk does not wait
    for a start event that came before the app was opened."""
    item = pole("PW-0001", "Charging")
    item["connectors"][1].update(transaction_id=7, transaction_started=at(25 * 60))
    model = fleet_model(item, pole("PW-0002", "Charging"))
    assert cell(model, "PW-0001", Column.POLE, AttentionRole) == Severity.STUCK
    assert cell(model, "PW-0001", Column.ATTENTION) == "Socket 1: transaction running 25 h"
    assert cell(model, "PW-0002", Column.POLE, AttentionRole) == Severity.NONE


def test_stopped_transaction_without_connector_ends_the_stuck_session_and_power() -> None:
    model = fleet_model(pole("PW-0001", "Charging"))
    model.apply_events(typed_all([
        {"type": "transaction", "event": "started", "poleId": "PW-0001",
         "meterWh": 0, "connectorId": 1,
         "transactionId": 5, "at": at(30 * 60)},
        {"type": "meterValues", "poleId": "PW-0001", "connectorId": 1, "transactionId": 5,
         "at": at(1), "powerW": 7400.0, "energyWh": 9e4},
    ]))
    assert cell(model, "PW-0001", Column.POLE, AttentionRole) == Severity.STUCK
    model.apply_event(typed({"type": "transaction", "event": "stopped", "poleId": "PW-0001",
                             "meterWh": 0, "connectorId": None, "transactionId": 5,
                             "at": at()}))
    assert cell(model, "PW-0001", Column.POLE, AttentionRole) == Severity.NONE
    assert cell(model, "PW-0001", Column.POWER) == "—"


def test_suspended_evse_over_30_minutes_is_stuck_and_under_is_not() -> None:
    model = fleet_model(pole("PW-0001", "SuspendedEVSE", since_min=29),
                        pole("PW-0002", "SuspendedEVSE", since_min=31))
    assert cell(model, "PW-0001", Column.POLE, AttentionRole) == Severity.NONE
    assert cell(model, "PW-0002", Column.POLE, AttentionRole) == Severity.STUCK


def test_power_is_the_sum_over_sockets_in_kilowatts() -> None:
    model = fleet_model(pole("PW-0001", "Charging", "Charging"))
    model.apply_events(typed_all([
        {"type": "meterValues", "poleId": "PW-0001", "connectorId": c, "transactionId": c,
         "at": at(), "powerW": w, "energyWh": None} for c, w in ((1, 11040.0), (2, 3680.0))]))
    assert cell(model, "PW-0001", Column.POWER) == "14.7"
    assert cell(model, "PW-0001", Column.POWER, SortKeyRole) == pytest.approx(14.72)
    model.apply_event(typed({"type": "meterValues", "poleId": "PW-0001", "connectorId": 2,
                       "transactionId": 2, "at": at(), "powerW": None, "energyWh": 10.0}))
    assert cell(model, "PW-0001", Column.POWER) == "14.7"  # no power in it: keep the last


def test_connection_lost_marks_the_pole_offline_and_forgets_its_power() -> None:
    model = fleet_model(pole("PW-0001", "Charging"))
    model.apply_event(typed({"type": "meterValues", "poleId": "PW-0001", "connectorId": 1,
                       "transactionId": 1, "at": at(), "powerW": 11000.0, "energyWh": 1.0}))
    model.apply_event(typed({"type": "connection", "poleId": "PW-0001", "connected": False,
                       "at": at()}))
    assert cell(model, "PW-0001", Column.CONNECTION) == "Offline"
    assert cell(model, "PW-0001", Column.POWER) == "—"
    assert cell(model, "PW-0001", Column.POLE, AttentionRole) == Severity.OFFLINE
    assert cell(model, "PW-0001", Column.LAST_SEEN) == "just now"
    assert not model.row_at(0).flags & RowFlag.CHARGING  # what it did last is not now


def test_status_older_than_what_the_model_knows_is_ignored() -> None:
    model = fleet_model(pole("PW-0001", "Charging", since_min=5))
    model.apply_event(typed(status("PW-0001", 1, "Available", minutes_ago=10)))
    assert cell(model, "PW-0001", Column.SOCKET_1) == "Charging"


def test_search_text_holds_id_operator_and_statuses_in_lowercase() -> None:
    model = fleet_model(pole("PW-0001", "Faulted", error_1="GroundFailure", operator="Liander"))
    text = cell(model, "PW-0001", Column.POLE, SearchTextRole)
    for word in ("pw-0001", "liander", "faulted", "groundfailure", "online"):
        assert word in text


@pytest.mark.parametrize(("state", "colour", "blinking"), [
    ("Available", LedColour.OFF, False),
    ("Preparing", LedColour.GREEN, False),
    ("Charging", LedColour.BLUE, False),
    ("SuspendedEV", LedColour.LIGHT_BLUE, False),
    ("SuspendedEVSE", LedColour.GREEN, False),
    ("Finishing", LedColour.GREEN, False),
    ("Unavailable", LedColour.RED, False),
    ("Faulted", LedColour.RED, True),
])
def test_eis47_fleet_shows_led_colour_per_socket(state: str, colour: LedColour,
                                                 blinking: bool) -> None:
    model = fleet_model(pole("PW-0001", "Available", "Charging"))
    model.apply_event(typed(status("PW-0001", 1, state)))
    assert cell(model, "PW-0001", Column.SOCKET_1, LedColourRole) == colour.value
    assert cell(model, "PW-0001", Column.SOCKET_1, LedBlinkingRole) is blinking
    assert cell(model, "PW-0001", Column.SOCKET_1, Qt.ItemDataRole.DecorationRole) == \
        LED_QCOLOUR[colour]
    # The other socket keeps its own lamp.
    assert cell(model, "PW-0001", Column.SOCKET_2, LedColourRole) == LedColour.BLUE.value
    assert cell(model, "PW-0001", Column.POLE, Qt.ItemDataRole.DecorationRole) is None


def test_thousands_of_events_leave_the_interpreter_whole() -> None:
    """PySide6 6.12.0 on CPython 3.11 loses a reference to True per Python emit, which
    aborts the app after a few thousand live events (bool_dealloc); pyproject excludes it,
    and this guards against a PySide that brings the bug back."""
    model = fleet_model(pole("PW-0001"))
    before = sys.getrefcount(True)
    for n in range(500):
        model.apply_event(typed(status("PW-0001", 1, "Charging" if n % 2 else "Available")))
    assert sys.getrefcount(True) >= before - 5


def test_uptime_arrives_after_the_rows_and_keeps_the_uptime_sort() -> None:
    model = FleetModel()
    model.set_poles(records([pole("PW-0001", uptime=None), pole("PW-0002", uptime=None)]))
    model.sort(Column.UPTIME, Qt.SortOrder.AscendingOrder)
    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda first, last, *_: changed.append((first.column(),
                                                                      last.column())))
    model.set_uptime({"PW-0001": 99.9, "PW-0002": 91.0, "PW-0404": 50.0})
    assert [row.pole_id for row in model.rows] == ["PW-0002", "PW-0001"]
    assert [model.row_at(n).uptime_percent for n in range(2)] == [91.0, 99.9]
    assert (Column.UPTIME, Column.UPTIME) in changed
    assert model.rowCount() == 2, "uptime of a pole not listed adds no row"


def test_eis24_a_pole_whose_clock_is_off_needs_attention_and_says_how_far() -> None:
    late = pole("PW-0009") | {"clock_offset_s": -9 * 86_400.0}
    model = fleet_model(pole("PW-0001") | {"clock_offset_s": 0.4}, late,
                        pole("PW-0002") | {"clock_offset_s": 95.0})
    assert cell(model, "PW-0009", Column.ATTENTION) == "Clock 9 d behind"
    assert cell(model, "PW-0002", Column.ATTENTION) == "Clock 1 min ahead"
    assert cell(model, "PW-0001", Column.ATTENTION) in ("", None)  # 0.4 s: within 2 s
    assert model.rows[model.row_of("PW-0009") or 0].flags & RowFlag.CLOCK
    # The service measured it again after the time was set: the attention goes away.
    model.set_clock_offsets({"PW-0009": 0.1})
    assert cell(model, "PW-0009", Column.ATTENTION) in ("", None)
    assert not model.rows[model.row_of("PW-0009") or 0].flags & RowFlag.CLOCK


def test_a_new_pole_in_a_sorted_model_is_inserted_then_moved_and_held_rows_follow(
        qtmodeltester: ModelTester) -> None:
    """The `Fleet` has already sorted when the model announces the insert: the views see
    the insert at the end, then the layout change, and a held row still holds its pole."""
    model = fleet_model(pole("PW-0001"), pole("PW-0002"), pole("PW-0003"))
    model.sort(Column.POLE, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)
    held = QPersistentModelIndex(model.index(model.row_of("PW-0001") or 0, Column.SOCKET_1))
    recorder = Recorder(model)
    model.apply_events(typed_all([status("PW-0002", 1, "Charging"),
                                  status("PW-00025", 1, "Faulted", "GroundFailure")]))
    assert recorder.inserted == [(3, 3)] and recorder.layouts == 1
    assert [row.pole_id for row in model.rows] == ["PW-0003", "PW-00025", "PW-0002", "PW-0001"]
    assert recorder.rows() == [model.row_of("PW-0002")]  # where it is after the move
    assert (held.row(), held.column()) == (3, Column.SOCKET_1)
    assert model.index(held.row(), Column.POLE).data() == "PW-0001"
    assert model.rowCount() == len(model.fleet) == 4
