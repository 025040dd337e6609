"""Issue 16: security events in the fleet, without Qt — which ones make a pole need
attention, for how long, in which words, and how the helpdesk clears them.

The rule (`gui.security_words`): an alarming event keeps its pole under "Needs attention"
for 24 h after the service received it, or until the helpdesk acknowledges the pole's
events; routine ones (a boot, an update) never do. The clock is injected.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from gui.fleet.rows import RowFlag, Severity
from gui.security_words import (
    EVENT_WORDS,
    event_words,
    profile_text,
    source_of,
)
from pole_link.service_api import SecurityEventRecord, SecurityEventReported, StatusEvent
from tests.gui.test_fleet_state import NOW, ago, fleet_of, pole
from tests.support import ManualClock

_ids = iter(range(1, 10_000))


def event(pole_id: str, kind: str, minutes_ago: float = 1.0,
          tech_info: str | None = None) -> SecurityEventRecord:
    at = ago(minutes_ago)
    return SecurityEventRecord(pole_id, kind, tech_info, at, at, next(_ids))


def wrong_password(pole_id: str, minutes_ago: float = 1.0,
                   peer: str = "10.0.0.7:51234") -> SecurityEventRecord:
    return event(pole_id, "CredentialsWrong", minutes_ago,
                 f"the user name or password is wrong (from {peer})")


def test_issue16_wrong_passwords_put_the_pole_under_attention_in_words() -> None:
    fleet = fleet_of(pole("PW-1"), pole("PW-2"))
    fleet.set_security_events([wrong_password("PW-1", m) for m in (30, 20, 10)])
    row = fleet.pole("PW-1")
    assert row is not None
    assert row.flags & RowFlag.SECURITY and row.severity is Severity.SECURITY
    assert [r.text() for r in row.reasons] == [
        "Security: wrong password from 10.0.0.7 (3×)"]
    other = fleet.pole("PW-2")
    assert other is not None and not other.flags & RowFlag.SECURITY


def test_issue16_a_security_event_from_the_feed_changes_the_attention_cells() -> None:
    fleet = fleet_of(pole("PW-1"))
    changes = fleet.apply_events([SecurityEventReported(
        "PW-1", event("PW-1", "TamperDetectionActivated", 0))])
    row = fleet.pole("PW-1")
    assert row is not None and row.reasons[0].text() == \
        "Security: pole opened or tampered with"
    assert any(getattr(c, "columns", None) and 7 in c.columns for c in changes)


def test_issue16_routine_events_are_kept_but_raise_no_attention() -> None:
    fleet = fleet_of(pole("PW-1"))
    fleet.set_security_events([event("PW-1", kind) for kind in (
        "StartupOfTheDevice", "FirmwareUpdated", "AuthorizationKeyChanged", "PoleRegistered")])
    row = fleet.pole("PW-1")
    assert row is not None and len(row.security_events) == 4
    assert row.severity is Severity.NONE and not row.reasons


def test_issue16_an_event_counts_for_24_hours_after_the_service_received_it() -> None:
    clock = ManualClock(NOW)
    fleet = fleet_of(pole("PW-1"), clock=clock)
    fleet.set_security_events([event("PW-1", "InvalidFirmwareSignature", 60)])
    row = fleet.pole("PW-1")
    assert row is not None and row.flags & RowFlag.SECURITY
    clock.set(NOW + timedelta(hours=22, minutes=59))
    fleet.refresh()
    assert row.flags & RowFlag.SECURITY
    clock.set(NOW + timedelta(hours=23, minutes=1))
    fleet.refresh()
    assert not row.flags & RowFlag.SECURITY and row.severity is Severity.NONE


def test_issue16_acknowledged_events_clear_until_a_later_one_arrives() -> None:
    clock = ManualClock(NOW)
    fleet = fleet_of(pole("PW-1"), clock=clock)
    fleet.set_security_events([wrong_password("PW-1", 5)])
    fleet.acknowledge_security("PW-1")
    row = fleet.pole("PW-1")
    assert row is not None and not row.flags & RowFlag.SECURITY
    fleet.set_poles([pole("PW-1")])  # the feed reconnects: the acknowledgement stays
    row = fleet.pole("PW-1")
    assert row is not None and not row.flags & RowFlag.SECURITY
    assert len(row.security_events) == 1  # still listed in the Pole view
    clock.set(NOW + timedelta(minutes=1))
    fleet.apply_events([SecurityEventReported(
        "PW-1", SecurityEventRecord("PW-1", "SecondConnectionRefused",
                                    "a second connection (from 192.0.2.9:4000)",
                                    clock.now(), clock.now(), 99_999))])
    assert [r.text() for r in row.reasons] == [
        "Security: second connection under this pole's name (impostor?) from 192.0.2.9"]


def test_issue16_a_fault_stays_first_and_the_same_event_twice_counts_once() -> None:
    fleet = fleet_of(pole("PW-1", "Faulted", error_1="GroundFailure"))
    twice = wrong_password("PW-1")
    fleet.set_security_events([twice])
    fleet.apply_events([SecurityEventReported("PW-1", twice)])  # listing and feed raced
    row = fleet.pole("PW-1")
    assert row is not None and row.severity is Severity.FAULT
    assert [r.text() for r in row.reasons] == [
        "Socket 1 faulted: earth-fault trip (RCD) (GroundFailure)",
        "Security: wrong password from 10.0.0.7"]
    fleet.apply_events([StatusEvent("PW-1", 1, "Available", "NoError", NOW)])
    assert row.severity is Severity.SECURITY


def test_issue16_every_type_has_words_and_unknown_types_stay_as_sent() -> None:
    whitepaper = ["FirmwareUpdated", "FailedToAuthenticateAtCentralSystem",
                  "SettingSystemTime", "StartupOfTheDevice", "ResetOrReboot",
                  "SecurityLogWasCleared", "ReconfigurationOfSecurityParameters",
                  "MemoryExhaustion", "InvalidMessages", "AttemptedReplayAttacks",
                  "TamperDetectionActivated", "InvalidFirmwareSignature",
                  "InvalidFirmwareSigningCertificate", "InvalidCentralSystemCertificate",
                  "InvalidChargePointCertificate", "InvalidTLSVersion",
                  "InvalidTLSCipherSuite", "FirmwareRollback", "InvalidServiceToken"]
    from service.security.events import SecurityEvent
    for kind in [*whitepaper, *(k.value for k in SecurityEvent)]:
        assert kind in EVENT_WORDS, kind
    assert event_words("SomethingNew") == "SomethingNew"
    fleet = fleet_of(pole("PW-1"))
    fleet.set_security_events([event("PW-1", "SomethingNew")])  # unknown: shown, not missed
    row = fleet.pole("PW-1")
    assert row is not None and row.reasons[0].text() == "Security: SomethingNew"


def test_issue16_the_source_address_and_the_profile_in_words() -> None:
    assert source_of(wrong_password("P", peer="[2001:db8::1]:443")) == "2001:db8::1"
    assert source_of(event("P", "CredentialsWrong", tech_info="no address")) is None
    assert profile_text(True, 2) == "Security profile 2 (password over TLS)"
    assert profile_text(False, 0).startswith("Not in the pole register")


def test_issue16_the_security_words_import_no_qt() -> None:
    root = Path(__file__).resolve().parents[2]
    probe = ("import sys, gui.security_words; "
             "sys.exit(' '.join(m for m in sys.modules if m.startswith('PySide6')) or None)")
    done = subprocess.run([sys.executable, "-c", probe], cwd=root, capture_output=True,
                          text=True, check=False, env={**os.environ, "PYTHONPATH": str(root)})
    assert done.returncode == 0, done.stderr


def test_issue16_the_pole_view_state_lists_its_own_events_and_forgets_them_per_pole() -> None:
    from gui.pole_state import PoleState
    state = PoleState()
    state.choose("PW-1")
    assert state.apply_security_events([wrong_password("PW-1", 30)], NOW)
    assert not state.apply_security_events([wrong_password("PW-2")], NOW)  # user moved on
    old = event("PW-1", "TamperDetectionActivated", 3 * 24 * 60)  # listed, whatever its age
    assert state.apply_security_events([old], NOW)
    assert state.security_event(wrong_password("PW-1", 1), NOW)
    assert not state.security_event(wrong_password("PW-9", 1), NOW)
    assert [e.type for e in state.security_events] == [
        "CredentialsWrong", "CredentialsWrong", "TamperDetectionActivated"]
    assert [r.text() for r in state.security_alarms(NOW)] == [
        "Security: wrong password from 10.0.0.7 (2×)"]  # the 3-day-old one no longer counts
    state.acknowledge_security(NOW)
    assert state.security_alarms(NOW) == ()
    state.choose("PW-2")
    assert state.security_events == () and state.security_acknowledged is None
