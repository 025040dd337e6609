"""After the service's own restart, a pole that was connected when it stopped is
*reconnecting*, not offline, for the grace the listing gives (eis 48, as the Outages board):
the Fleet row says "Reconnecting … Service restarted at 14:02" (the restart's local time),
then offline as before.

Without Qt (the rules of `gui.fleet.rows`), with an injected clock; the restart is at
13:02 UTC, 14:02 in Amsterdam in winter, so a test reading UTC or the machine's zone shows.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gui.fleet.fleet import Fleet
from gui.fleet.rows import RowFlag, Severity, connection_text, reconnecting
from pole_link.service_api import ConnectionEvent, PoleRecord
from tests.support import ManualClock

RESTARTED = datetime(2031, 1, 14, 13, 2, tzinfo=UTC)
UNTIL = RESTARTED + timedelta(minutes=15)
STOPPED = RESTARTED - timedelta(hours=2)


def listing() -> list[PoleRecord]:
    """PW-0001 was connected when the service stopped; PW-0002 dropped before it."""
    return [PoleRecord(id="PW-0001", last_seen=STOPPED, service_restarted=RESTARTED,
                       reconnecting_until=UNTIL),
            PoleRecord(id="PW-0002", last_seen=STOPPED - timedelta(hours=1),
                       service_restarted=RESTARTED)]


def test_during_the_grace_the_row_says_reconnecting_since_the_restart_in_local_time() -> None:
    clock = ManualClock(RESTARTED + timedelta(minutes=3))
    fleet = Fleet(now=clock.now)
    fleet.set_poles(listing())
    row = fleet.pole("PW-0001")
    assert row is not None
    assert [r.text() for r in row.reasons] == ["Service restarted at 14:02"]
    assert (row.severity, row.flags & RowFlag.OFFLINE) == (Severity.NONE, RowFlag.NONE), \
        "expected back: not under Needs attention"
    assert connection_text(row.connected, reconnecting=reconnecting(row, clock.now())) == \
        "Reconnecting"
    other = fleet.pole("PW-0002")
    assert other is not None and other.severity == Severity.OFFLINE, \
        "a pole that dropped before the stop is offline as ever"


def test_after_the_grace_the_pole_is_offline_as_before() -> None:
    clock = ManualClock(RESTARTED + timedelta(minutes=3))
    fleet = Fleet(now=clock.now)
    fleet.set_poles(listing())
    clock.set(UNTIL)
    fleet.refresh()
    row = fleet.pole("PW-0001")
    assert row is not None
    assert (row.severity, [r.text() for r in row.reasons]) == (
        Severity.OFFLINE, ["Offline for 2 h"])
    assert row.flags & RowFlag.OFFLINE
    assert connection_text(row.connected, reconnecting=reconnecting(row, clock.now())) == "Offline"


def test_a_pole_back_and_dropping_again_is_offline_at_once() -> None:
    clock = ManualClock(RESTARTED + timedelta(minutes=3))
    fleet = Fleet(now=clock.now)
    fleet.set_poles(listing())
    fleet.apply_events([ConnectionEvent("PW-0001", True, clock.now())])
    clock.advance(timedelta(minutes=1))
    fleet.apply_events([ConnectionEvent("PW-0001", False, clock.now())])
    row = fleet.pole("PW-0001")
    assert row is not None and row.severity == Severity.OFFLINE, \
        "its own drop after the restart is not the service's"
