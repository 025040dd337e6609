"""The Pole view's rules without widgets: whose data is shown, what is live, why a pole
is offline, which fault a socket has and whether the pole reaches its back office."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from gui.pole_state import BackOffice, LinkState, PoleState
from pole_link.live import LiveSample
from pole_link.service_api import (
    ConnectionRecord,
    ConnectorRecord,
    EndReason,
    PoleRecord,
)
from pole_link.session import PoleIdentity, SelfTestResult

NOW = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)


def sample(status: str = "Charging", transaction: int | None = 41) -> LiveSample:
    socket: dict[str, Any] = {
        "connectorId": 1, "cpState": "C2", "pwmDutyPercent": 50.0, "offeredCurrentA": 30.0,
        "currentA": [30, 30, 30], "voltageV": [230, 230, 230], "energyWh": 1000,
        "status": status, "transactionId": transaction, "overruled": False,
        "lowCurrentVehicle": False,
        "led": {"colour": "blue", "blinking": False, "intensityPercent": 80}}
    other = dict(socket, connectorId=2, cpState="A", status="Available", transactionId=None,
                 currentA=[0, 0, 0])
    return LiveSample.from_json({"timestamp": NOW.isoformat(), "limitA": 32,
                                 "sockets": [socket, other]})


def identity(pole_id: str) -> PoleIdentity:
    return PoleIdentity(pole_id, "Paalwerk", "Sim", "S1", "1.0", 1, 2, 4096, NOW)


def offline_record(pole_id: str = "PW-2", error: str = "NoError") -> PoleRecord:
    return PoleRecord(pole_id, connected=False, last_seen=NOW - timedelta(hours=3),
                      connectors=(ConnectorRecord(1, "Faulted" if error != "NoError"
                                                  else "Available", error),
                                  ConnectorRecord(2, "Charging", "NoError", None, 77)))


def test_choosing_another_pole_forgets_the_previous_poles_sockets() -> None:
    state = PoleState()
    state.identified(identity("PW-1"))
    state.link_changed(LinkState.CONNECTED)
    state.apply_sample(sample())
    assert state.live and state.running_transaction(1) == 41

    assert state.choose("PW-2")
    assert state.pole_id == "PW-2" and state.sample is None and state.identity is None
    assert not state.live
    assert state.running_transaction(1) is None  # never PW-1's transaction under PW-2
    assert not state.choose("PW-2")  # the same pole again keeps what it has


def test_an_offline_pole_shows_what_storage_knows_and_why_it_is_offline() -> None:
    state = PoleState()
    state.choose("PW-2")
    sessions = [ConnectionRecord(NOW - timedelta(days=2), NOW - timedelta(days=1),
                                 EndReason.CLOSED),
                ConnectionRecord(NOW - timedelta(hours=20), NOW - timedelta(hours=3),
                                 EndReason.DROPPED)]
    state.apply_record(offline_record(), sessions, [])
    assert state.back_office is BackOffice.NOT_CONNECTED
    assert state.socket_status(2) == "Charging" and state.running_transaction(2) == 77
    lines = [reason.text() for reason in state.outage(NOW)]
    assert lines[0] == "Offline since 2026-12-04 12:00 (3 h)"
    assert lines[1] == ("How it ended: the connection broke without a goodbye: network or "
                        "mains lost at the pole")
    assert lines[2] == "Last boot: 2026-12-03 19:00"
    assert lines[3] == "Connection ended 2 times in the last 7 days"
    assert lines[4] == ("Recent connections: 2026-12-03 19:00–2026-12-04 12:00 dropped · "
                        "2026-12-02 15:00–2026-12-03 15:00 closed")


def test_a_late_answer_for_a_pole_the_user_left_is_ignored() -> None:
    state = PoleState()
    state.choose("PW-3")
    state.apply_record(offline_record("PW-2"), [], [])
    assert state.record is None


def test_a_connected_pole_has_no_outage_and_a_never_seen_one_says_so() -> None:
    state = PoleState()
    state.choose("PW-2")
    state.apply_record(PoleRecord("PW-2", connected=True), [], [])
    assert state.outage(NOW) == [] and state.back_office is BackOffice.CONNECTED
    state.apply_record(PoleRecord("PW-2"), [], [])
    assert [r.text() for r in state.outage(NOW)] == ["Never connected to the service"]


def test_the_services_error_code_is_the_fault_in_words() -> None:
    state = PoleState()
    state.choose("PW-2")
    state.apply_record(offline_record(error="GroundFailure"), [], [])
    assert [r.text() for r in state.faults()] == ["earth-fault trip (RCD) on Socket 1"]
    assert state.untested_faulted_sockets() == []  # the code is known: nothing to test


def test_on_a_local_link_the_failed_self_test_names_the_fault() -> None:
    state = PoleState()
    state.identified(identity("PW-1"))
    state.link_changed(LinkState.CONNECTED)
    state.apply_sample(sample(status="Faulted", transaction=None))
    assert state.faults() == [] and state.untested_faulted_sockets() == [1]
    for test, passed in (("rcd", True), ("lock", False), ("meter", True)):
        state.apply_self_test(SelfTestResult(test, 1, passed, f"{test} detail"))
    assert [r.text() for r in state.faults()] == ["socket lock failed on Socket 1"]
    assert state.untested_faulted_sockets() == []


def test_a_fault_no_self_test_explains_says_so() -> None:
    state = PoleState()
    state.identified(identity("PW-1"))
    state.apply_sample(sample(status="Faulted", transaction=None))
    for test in ("rcd", "lock", "meter"):
        state.apply_self_test(SelfTestResult(test, 1, True, "ok"))
    assert [r.text() for r in state.faults()] == [
        "Socket 1 faulted: the self tests (RCD, lock, meter) found no cause"]


def test_the_modem_self_test_says_whether_the_pole_reaches_its_back_office() -> None:
    state = PoleState()
    state.identified(identity("PW-1"))
    state.link_changed(LinkState.CONNECTED)
    assert state.back_office_reason().text() == "Back office: not known yet"
    state.apply_self_test(SelfTestResult("modem", 1, False, "no network"))
    assert state.back_office_reason().text() == "Back office: NOT connected (no network)"
    state.apply_self_test(SelfTestResult("modem", 1, True, "connected to the back office"))
    assert state.back_office_reason().text() == "Back office: connected"
