"""The fleet's state without Qt: rows by id, events applied, and what each change reports.

No Qt here on purpose: `Fleet` is the plain object the table model adapts, and these are
its rules. Every test injects the clock, so none depends on today's date.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from gui.fleet.fleet import Changed, Fleet, FleetChange, Inserted, Reordered, Reset, StaleChanged
from gui.fleet.rows import ATTENTION_FLAGS, Column, RowFlag, Severity
from pole_link.service_api import (
    ConnectionEvent,
    ConnectorRecord,
    MeterValuesEvent,
    PoleRecord,
    StatusEvent,
    TransactionEvent,
    WatchingEvent,
)
from tests.support import ManualClock

NOW = datetime(2031, 3, 9, 8, 30, tzinfo=UTC)
"""A date no one runs these tests on: a test that reads the real clock would show."""


def ago(minutes: float) -> datetime:
    return NOW - timedelta(minutes=minutes)


def pole(pole_id: str, socket_1: str = "Available", *, connected: bool = True,
         error_1: str = "NoError", since_min: float = 5.0, last_seen_min: float = 3.0,
         uptime: float | None = 99.5, clock_offset_s: float | None = None) -> PoleRecord:
    """A pole as `ServiceClient.poles` hands it over."""
    return PoleRecord(
        pole_id, connected=connected, vendor="Paalwerk", model="PW2-22",
        last_seen=ago(last_seen_min), grid_operator="Stedin",
        connectors=(ConnectorRecord(0, "Available", since=ago(600)),
                    ConnectorRecord(1, socket_1, error_1, since=ago(since_min)),
                    ConnectorRecord(2, "Available", since=ago(since_min))),
        uptime_percent=uptime, clock_offset_s=clock_offset_s)


def status(pole_id: str, connector_id: int, state: str, error: str = "NoError",
           minutes_ago: float = 0.0) -> StatusEvent:
    return StatusEvent(pole_id, connector_id, state, error, ago(minutes_ago))


def fleet_of(*poles: PoleRecord, clock: ManualClock | None = None) -> Fleet:
    fleet = Fleet(now=(clock or ManualClock(NOW)).now)
    assert fleet.set_poles(poles) == [Reset()]
    return fleet


def order(fleet: Fleet) -> list[str]:
    return [row.pole_id for row in fleet.rows]


def test_rows_are_found_by_pole_id_and_position() -> None:
    fleet = fleet_of(pole("PW-3"), pole("PW-1"), pole("PW-2", connected=False))
    assert len(fleet) == 3
    assert order(fleet) == ["PW-1", "PW-2", "PW-3"]  # unsorted: by pole id
    for position, pole_id in enumerate(order(fleet)):
        assert fleet.row_of(pole_id) == position
        assert fleet.row_at(position) is fleet.pole(pole_id)
    assert fleet.row_of("PW-404") is None and fleet.pole("PW-404") is None
    offline = fleet.pole("PW-2")
    assert offline is not None and offline.severity == Severity.OFFLINE
    assert "stedin" in offline.search_text and "offline" in offline.search_text


def test_a_listing_with_a_pole_twice_keeps_the_later_entry() -> None:
    fleet = fleet_of(pole("PW-1", "Charging"), pole("PW-1", "Faulted", error_1="GroundFailure"))
    assert order(fleet) == ["PW-1"]
    row = fleet.pole("PW-1")
    assert row is not None and row.socket(1).status == "Faulted"


def test_an_event_for_a_known_pole_changes_that_row_and_reports_its_columns() -> None:
    fleet = fleet_of(pole("PW-1"), pole("PW-2"), pole("PW-3"))
    changes = fleet.apply_events([status("PW-2", 1, "Preparing")])
    assert changes == [Changed(1, 1, frozenset({Column.SOCKET_1, Column.POWER,
                                                Column.LAST_SEEN}))]
    row = fleet.pole("PW-2")
    assert row is not None and row.socket(1).status == "Preparing" and row.last_seen == NOW
    assert "preparing" in row.search_text


def test_a_change_of_verdict_also_reports_the_pole_and_attention_cells() -> None:
    fleet = fleet_of(pole("PW-1"), pole("PW-2"))
    changes = fleet.apply_events([status("PW-1", 2, "Faulted", "OverCurrentFailure")])
    assert changes == [Changed(0, 0, frozenset({Column.POLE, Column.SOCKET_2, Column.POWER,
                                                Column.LAST_SEEN, Column.ATTENTION}))]
    row = fleet.row_at(0)
    assert row.severity == Severity.FAULT and row.flags & RowFlag.FAULTED
    assert "overcurrentfailure" in row.search_text  # the search finds it at once


def test_a_batch_reports_each_changed_row_once() -> None:
    fleet = fleet_of(pole("PW-1"), pole("PW-2"), pole("PW-3"))
    changes = fleet.apply_events([
        status("PW-1", 1, "Preparing"),
        TransactionEvent("PW-1", "started", 1, 17, NOW, 0),
        status("PW-1", 1, "Charging"),
        MeterValuesEvent("PW-1", 1, 17, NOW.isoformat(), 11_000.0, 1_200.0),
        status("PW-3", 2, "Unavailable"),
    ])
    assert [(c.first, c.last) for c in changes if isinstance(c, Changed)] == [(0, 0), (2, 2)]
    assert len(changes) == 2
    row = fleet.pole("PW-1")
    assert row is not None and row.power_kw == 11.0 and row.socket(1).transaction_id == 17


def test_an_event_for_an_unknown_pole_inserts_its_row_at_the_end() -> None:
    fleet = fleet_of(pole("PW-1"), pole("PW-2"))
    changes = fleet.apply_events([status("PW-42", 1, "Charging"),
                                  status("PW-43", 2, "Available"),
                                  status("PW-42", 2, "Preparing")])
    assert changes == [Inserted(2, 3)]  # no Changed for rows just inserted
    assert order(fleet) == ["PW-1", "PW-2", "PW-42", "PW-43"]
    assert fleet.row_of("PW-43") == 3
    row = fleet.pole("PW-42")
    assert row is not None
    assert (row.socket(1).status, row.socket(2).status) == ("Charging", "Preparing")
    assert not row.connected and row.severity == Severity.OFFLINE  # not heard connect yet


def test_events_the_fleet_does_not_show_change_nothing() -> None:
    fleet = fleet_of(pole("PW-1"))
    assert fleet.apply_events([WatchingEvent("PW-1", "ok")]) == []
    assert fleet.apply_events([]) == []
    assert order(fleet) == ["PW-1"]


def test_a_status_older_than_what_the_fleet_knows_is_ignored() -> None:
    fleet = fleet_of(pole("PW-1", "Charging", since_min=5))
    assert fleet.apply_events([status("PW-1", 1, "Available", minutes_ago=10)]) == []
    row = fleet.pole("PW-1")
    assert row is not None and row.socket(1).status == "Charging"


def test_a_sort_reports_reordered_with_the_order_before_it() -> None:
    fleet = fleet_of(pole("PW-1"), pole("PW-2", "Finishing", since_min=45),
                     pole("PW-3", connected=False),
                     pole("PW-4", "Faulted", error_1="GroundFailure"), pole("PW-5"))
    changes = fleet.sort(Column.ATTENTION, descending=True)
    assert changes == [Reordered([])]  # its order before is not compared…
    [reordered] = changes
    assert isinstance(reordered, Reordered)
    assert [row.pole_id for row in reordered.previous] == ["PW-1", "PW-2", "PW-3", "PW-4",
                                                           "PW-5"]  # …but it is there
    assert order(fleet) == ["PW-4", "PW-3", "PW-2", "PW-1", "PW-5"]  # ties by id, ascending
    assert [fleet.row_of(pole_id) for pole_id in order(fleet)] == [0, 1, 2, 3, 4]
    assert (fleet.sort_column, fleet.descending) == (Column.ATTENTION, True)
    assert fleet.sort(Column.ATTENTION, descending=True) == []  # nothing moved


def test_sorting_by_pole_id_descending_reverses_and_minus_one_keeps_the_order() -> None:
    fleet = fleet_of(pole("PW-1"), pole("PW-2"), pole("PW-3"))
    assert fleet.sort(Column.POLE, descending=True) == [Reordered([])]
    assert order(fleet) == ["PW-3", "PW-2", "PW-1"]
    assert fleet.sort(-1) == []
    fleet.apply_events([status("PW-0", 1, "Charging")])
    assert order(fleet) == ["PW-3", "PW-2", "PW-1", "PW-0"]  # unsorted: appended


def test_a_change_in_the_sort_column_moves_the_row_and_reports_it_where_it_went() -> None:
    fleet = fleet_of(pole("PW-1"), pole("PW-2"), pole("PW-3"))
    fleet.sort(Column.ATTENTION, descending=True)
    changes = fleet.apply_events([status("PW-3", 2, "Faulted", "OverCurrentFailure")])
    assert [type(change) for change in changes] == [Reordered, Changed]
    assert order(fleet) == ["PW-3", "PW-1", "PW-2"]
    changed = changes[1]
    assert isinstance(changed, Changed) and (changed.first, changed.last) == (0, 0)
    # A change outside the sort column leaves the order alone.
    assert [type(c) for c in fleet.apply_events([status("PW-2", 1, "Charging")])] == [Changed]


def test_a_new_pole_in_a_sorted_fleet_is_inserted_then_sorted_into_place() -> None:
    fleet = fleet_of(pole("PW-1"), pole("PW-2"))
    fleet.sort(Column.POLE, descending=True)
    changes = fleet.apply_events([status("PW-15", 1, "Charging")])
    assert changes == [Inserted(2, 2), Reordered([])]
    [_, reordered] = changes
    assert isinstance(reordered, Reordered)
    assert [row.pole_id for row in reordered.previous] == ["PW-2", "PW-1", "PW-15"]
    assert order(fleet) == ["PW-2", "PW-15", "PW-1"]
    assert fleet.row_of("PW-15") == 1


def test_stale_keeps_when_the_feed_went_down_and_live_again_clears_the_reason() -> None:
    fleet = fleet_of(pole("PW-1"), pole("PW-2"))
    down = NOW - timedelta(minutes=2)
    assert fleet.set_stale(down, "connection refused") == [
        Changed(0, 1, frozenset(Column)), StaleChanged()]
    assert (fleet.stale_since, fleet.stale_reason) == (down, "connection refused")
    assert fleet.set_stale(NOW, "connection refused") == []  # still down: nothing new
    assert fleet.set_stale(NOW, "token refused") == [
        Changed(0, 1, frozenset(Column)), StaleChanged()]
    assert (fleet.stale_since, fleet.stale_reason) == (down, "token refused")
    assert fleet.set_stale(None) == [Changed(0, 1, frozenset(Column)), StaleChanged()]
    assert (fleet.stale_since, fleet.stale_reason) == (None, "")
    assert fleet.set_stale(None) == []


def test_an_empty_fleet_reports_stale_but_no_rows() -> None:
    fleet = Fleet(now=ManualClock(NOW).now)
    assert fleet.set_stale(NOW, "no route to host") == [StaleChanged()]
    assert fleet.refresh() == []
    assert fleet.set_uptime({"PW-1": 99.0}) == []
    assert len(fleet) == 0


def test_refresh_ages_rows_against_the_injected_clock() -> None:
    clock = ManualClock(NOW)
    fleet = fleet_of(pole("PW-1", "Charging"), pole("PW-2", "Charging"), clock=clock)
    fleet.apply_events([TransactionEvent("PW-2", "started", 1, 5, NOW - timedelta(hours=23),
                                         0)])
    row = fleet.pole("PW-2")
    assert row is not None and not row.reasons
    clock.set(NOW + timedelta(minutes=30))
    assert fleet.refresh() == [Changed(0, 1, frozenset({Column.LAST_SEEN}), text_only=True)]
    clock.set(NOW + timedelta(hours=2))
    assert fleet.refresh() == [Changed(1, 1, frozenset({Column.POLE, Column.ATTENTION})),
                               Changed(0, 1, frozenset({Column.LAST_SEEN}), text_only=True)]
    assert row.severity == Severity.STUCK and row.flags & RowFlag.STUCK
    assert row.reasons[0].text() == "Socket 1: transaction running 25 h"


def test_refresh_moves_a_row_that_became_stuck_up_an_attention_sort() -> None:
    clock = ManualClock(NOW)
    fleet = fleet_of(pole("PW-1"), pole("PW-2", "SuspendedEVSE", since_min=20), clock=clock)
    fleet.sort(Column.ATTENTION, descending=True)
    assert order(fleet) == ["PW-1", "PW-2"]
    clock.set(NOW + timedelta(minutes=15))  # 35 min in SuspendedEVSE: stuck
    changes = fleet.refresh()
    assert changes == [Reordered([]), Changed(0, 0, frozenset({Column.POLE, Column.ATTENTION})),
                       Changed(0, 1, frozenset({Column.LAST_SEEN}), text_only=True)]
    assert order(fleet) == ["PW-2", "PW-1"]


def test_uptime_fills_known_poles_and_keeps_an_uptime_sort() -> None:
    fleet = fleet_of(pole("PW-1", uptime=None), pole("PW-2", uptime=None))
    fleet.sort(Column.UPTIME)
    changes = fleet.set_uptime({"PW-1": 99.9, "PW-2": 91.0, "PW-404": 50.0})
    assert changes == [Reordered([]), Changed(0, 1, frozenset({Column.UPTIME}))]
    assert order(fleet) == ["PW-2", "PW-1"]
    assert fleet.pole("PW-404") is None, "uptime of a pole not listed adds no row"


def test_eis24_a_clock_measured_right_again_clears_the_attention() -> None:
    fleet = fleet_of(pole("PW-1", clock_offset_s=-9 * 86_400.0), pole("PW-2"))
    row = fleet.pole("PW-1")
    assert row is not None and row.flags & RowFlag.CLOCK
    assert row.reasons[0].text() == "Clock 9 d behind"
    changes: list[FleetChange] = fleet.set_clock_offsets({"PW-1": 0.1, "PW-404": 30.0})
    assert Changed(0, 0, frozenset({Column.POLE, Column.ATTENTION})) in changes
    assert not row.flags & RowFlag.CLOCK and row.reasons == ()


def test_counts_follow_the_flags() -> None:
    fleet = fleet_of(pole("PW-1", "Charging"), pole("PW-2", connected=False),
                     pole("PW-3", "Faulted", error_1="GroundFailure"),
                     pole("PW-4", clock_offset_s=60.0), pole("PW-5"))
    counts = fleet.counts()
    assert counts[RowFlag.NONE] == 5
    assert (counts[RowFlag.CHARGING], counts[RowFlag.OFFLINE], counts[RowFlag.FAULTED]) == \
        (1, 1, 1)
    assert counts[ATTENTION_FLAGS] == 3
    fleet.apply_events([ConnectionEvent("PW-2", True, NOW)])
    assert fleet.counts()[RowFlag.OFFLINE] == 0


def test_the_fleet_state_imports_no_qt() -> None:
    """What keeps it testable without a screen; pytest-qt has Qt loaded here already, so
    a fresh interpreter looks."""
    root = Path(__file__).resolve().parents[2]
    probe = ("import sys, gui.fleet.fleet, gui.fleet.rows; "
             "sys.exit(' '.join(m for m in sys.modules if m.startswith('PySide6')) or None)")
    done = subprocess.run([sys.executable, "-c", probe], cwd=root, capture_output=True,
                          text=True, check=False, env={**os.environ, "PYTHONPATH": str(root)})
    assert done.returncode == 0, done.stderr
