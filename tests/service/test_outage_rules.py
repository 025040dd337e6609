"""The outage board's cause rules, each from a scripted history (issue 19)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from service.outages import rules
from service.outages.rules import (
    Cause,
    FirmwareStatus,
    LowCurrent,
    Offer,
    PoleHistory,
    Security,
    Session,
    Status,
    Stop,
    board,
)
from service.reports.uptime import ConnectionInterval, StatusChange, uptime

AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 6, 12, 12, 0, tzinfo=AMS)
AREA = "Enexis/ZW-12"


def local(d: int, h: int, mi: int = 0, s: int = 0) -> datetime:
    return datetime(2026, 6, d, h, mi, s, tzinfo=AMS)


def available(at: datetime) -> list[Status]:
    return [Status(at, c, "Available") for c in (0, 1, 2)]


def steady(pole_id: str, area: str | None = AREA, **kw: object) -> PoleHistory:
    """A pole connected all week, both sockets Available."""
    values: dict[str, object] = {"connected": True,
                                 "sessions": (Session(local(1, 8)),),
                                 "statuses": tuple(available(local(1, 8)))}
    values.update(kw)
    return PoleHistory(pole_id, area, **values)  # type: ignore[arg-type]


def causes(entries: list[rules.BoardEntry]) -> dict[str, set[Cause]]:
    found: dict[str, set[Cause]] = {}
    for entry in entries:
        found.setdefault(entry.pole_id, set()).add(entry.cause)
    return found


def test_healthy_poles_leave_the_board_empty() -> None:
    assert board([steady("PW-0001"), steady("PW-0002", area=None)], NOW) == []


def street_losing_power() -> list[PoleHistory]:
    """Five poles of one area drop within 40 s at 19:02; three come back at 20:10 and
    report their transactions stopped by PowerLoss at 19:02; two are still dark."""
    cut = local(10, 19, 2)
    poles = []
    for i in range(5):
        dropped = cut + timedelta(seconds=10 * i)
        back = i < 3
        sessions = [Session(local(1, 8), dropped, "dropped")]
        if back:
            sessions.append(Session(local(10, 20, 10)))
        stops = (Stop(cut, 1, "PowerLoss"),) if back else ()
        poles.append(steady(f"PW-00{i + 1:02d}", connected=back, sessions=tuple(sessions),
                            stops=stops))
    # a pole of another area that dropped the same minute is not part of this street
    poles.append(steady("PW-0099", area="Liander/AR-3", connected=False,
                        sessions=(Session(local(1, 8), cut, "dropped"),)))
    return poles


def test_a_street_losing_power_is_a_grid_outage_of_its_area_with_power_loss_evidence() -> None:
    entries = board(street_losing_power(), NOW)
    grid = [e for e in entries if e.cause == Cause.GRID]
    assert [e.pole_id for e in grid] == ["PW-0004", "PW-0005"]  # the ones still dark
    first = grid[0]
    assert first.since == local(10, 19, 2, 30)
    assert first.area == AREA
    assert first.sockets == (1, 2)
    assert "5 poles in area Enexis/ZW-12 lost their connection" in first.evidence[0].text
    assert first.evidence[0].facts["poles"] == 5
    assert first.evidence[1].facts == {"back": 3, "power_loss_stops": 3}
    assert "grid operator" in first.next_step
    # the dark poles are not also blamed on their modems; the other area's pole is
    assert causes(entries) == {"PW-0004": {Cause.GRID}, "PW-0005": {Cause.GRID},
                               "PW-0099": {Cause.TELECOM}}


def test_two_poles_dropping_together_are_not_yet_the_grid() -> None:
    cut = local(10, 3, 0)
    poles = [steady(f"PW-000{i}", connected=False,
                    sessions=(Session(local(1, 8), cut + timedelta(seconds=i), "dropped"),))
             for i in (1, 2)]
    assert {e.cause for e in board(poles, NOW)} == {Cause.TELECOM}


def test_a_flaky_modem_is_telecom_with_counts_and_no_power_loss() -> None:
    sessions = (Session(local(8, 8), local(8, 8, 5), "dropped"),
                Session(local(8, 8, 6), local(8, 8, 9), "silent"),
                Session(local(9, 14), local(9, 14, 12), "dropped"),
                Session(local(10, 22), local(11, 6), "silent"),
                Session(local(11, 6, 1)))
    entries = board([steady("PW-0001", sessions=sessions)], NOW)
    assert [e.cause for e in entries] == [Cause.TELECOM]
    entry = entries[0]
    assert entry.since == local(8, 8, 5)
    assert entry.evidence[0].facts == {"drops": 4, "short": 3, "missed_heartbeats": 2}
    assert "No PowerLoss stop" in entry.evidence[-1].text
    assert "modem" in entry.next_step


def test_a_pole_that_lost_power_on_its_own_is_not_a_flaky_modem() -> None:
    drops = tuple(Session(local(d, 18), local(d, 19), "dropped") for d in (8, 9, 10))
    history = steady("PW-0001", sessions=(*drops, Session(local(10, 19, 5))),
                     stops=tuple(Stop(local(d, 19), 1, "PowerLoss") for d in (8, 9, 10)))
    assert board([history], NOW) == []


def test_a_pole_dark_for_longer_than_the_window_stays_on_the_board() -> None:
    gone = NOW - timedelta(days=30)
    history = steady("PW-0001", connected=False,
                     sessions=(Session(gone - timedelta(days=3), gone, "closed"),))
    entry, = board([history], NOW)
    assert (entry.cause, entry.since) == (Cause.TELECOM, gone)
    assert entry.evidence[0].facts == {"offline_since": gone.astimezone(UTC).isoformat()}


def test_a_weak_signal_report_is_telecom_even_while_connected() -> None:
    statuses = (*available(local(1, 8)), Status(local(11, 7), 0, "Available", "WeakSignal"))
    entry, = board([steady("PW-0001", statuses=statuses)], NOW)
    assert entry.cause == Cause.TELECOM
    assert {"error_code": "WeakSignal", "count": 1} in [e.facts for e in entry.evidence]


def test_a_pole_not_back_after_the_service_stopped_says_so() -> None:
    history = steady("PW-0001", connected=False,
                     sessions=(Session(local(1, 8), local(11, 23), "service-stopped"),))
    entry, = board([history], NOW)
    assert "the service stopped while it was connected" in entry.evidence[0].text


def test_right_after_the_service_restarts_the_fleet_is_not_all_telecom() -> None:
    just_now = NOW - rules.SERVICE_RESTART_GRACE + timedelta(minutes=1)
    poles = [steady(f"PW-000{i}", connected=False,
                    sessions=(Session(local(1, 8), just_now, "service-stopped"),))
             for i in range(5)]
    assert board(poles, NOW) == []


def test_a_pole_tripping_every_evening_is_hardware_ground_failure() -> None:
    statuses = [*available(local(1, 8))]
    for day in (8, 9, 10, 11):
        statuses += [Status(local(day, 18, 15), 1, "Faulted", "GroundFailure"),
                     Status(local(day, 18, 40), 1, "Available")]
    entries = board([steady("PW-0001", statuses=tuple(statuses))], NOW)
    assert [e.cause for e in entries] == [Cause.HARDWARE]
    entry = entries[0]
    assert entry.sockets == (1,)
    assert entry.since == local(8, 18, 15)
    assert entry.evidence[0].facts["error_code"] == "GroundFailure"
    assert entry.evidence[0].facts["count"] == 4
    assert "4 of them in the evening peak" in entry.evidence[0].text
    assert "aardlekschakelaar" in entry.next_step


def test_a_socket_faulted_now_with_a_lock_failure_is_hardware_at_once() -> None:
    statuses = (*available(local(1, 8)),
                Status(local(11, 9), 2, "Faulted", "ConnectorLockFailure"))
    entry, = board([steady("PW-0001", statuses=statuses)], NOW)
    assert (entry.cause, entry.sockets, entry.since) == (Cause.HARDWARE, (2,), local(11, 9))
    assert "Faulted now" in entry.evidence[0].text
    assert "lock" in entry.next_step


def test_a_boot_loop_after_an_update_is_firmware_not_telecom() -> None:
    installed = local(10, 2, 0)
    loop = tuple(Session(local(10, 2, 1 + 5 * i), local(10, 2, 4 + 5 * i), "dropped")
                 for i in range(4))
    history = steady("PW-0001", connected=False,
                     sessions=(Session(local(1, 8), local(10, 1, 55), "closed"), *loop),
                     firmware=(FirmwareStatus(local(10, 1, 50), "Installing"),
                               FirmwareStatus(installed, "Installed")))
    entries = board([history], NOW)
    assert [e.cause for e in entries] == [Cause.FIRMWARE]
    entry = entries[0]
    assert entry.since == local(10, 2, 1)
    assert entry.evidence[0].facts["boots"] == 4
    assert "after a firmware update was installed" in entry.evidence[1].text
    assert "previous release" in entry.next_step


def test_a_failed_install_is_firmware() -> None:
    history = steady("PW-0001", firmware=(FirmwareStatus(local(11, 3), "InstallationFailed"),))
    entry, = board([history], NOW)
    assert entry.cause == Cause.FIRMWARE
    assert entry.evidence[0].facts["status"] == "InstallationFailed"


def test_eis30_paused_sockets_and_low_current_vehicles_in_the_peak_are_capacity() -> None:
    statuses = (*available(local(1, 8)),
                Status(local(9, 17, 30), 2, "Charging"),
                Status(local(9, 17, 40), 2, "SuspendedEVSE"),  # paused by the pole
                Status(local(9, 18, 30), 2, "Charging"),
                Status(local(10, 22), 2, "SuspendedEVSE"),  # outside the peak: no count
                Status(local(10, 23), 2, "Available"))
    history = steady("PW-0001", statuses=statuses,
                     low_current=(LowCurrent(local(9, 17, 5), 1),
                                  LowCurrent(local(11, 19), 1)))
    entry, = board([history], NOW)
    assert entry.cause == Cause.CAPACITY
    assert entry.sockets == (1, 2)
    assert entry.evidence[0].facts == {"paused_minutes": 50}
    assert entry.evidence[1].facts == {"low_current_vehicles": 2}
    assert "capacity profile" in entry.next_step


def test_offers_below_6_amps_in_the_peak_are_capacity() -> None:
    history = steady("PW-0001", offers=(Offer(local(9, 18), 1, 4.5),
                                        Offer(local(9, 12), 1, 3.0)))  # noon: not the peak
    entry, = board([history], NOW)
    assert entry.evidence[0].facts == {"offers_below_6A": 1}


def test_a_short_pause_or_one_visitor_is_not_capacity() -> None:
    statuses = (*available(local(1, 8)), Status(local(9, 17, 30), 2, "SuspendedEVSE"),
                Status(local(9, 17, 45), 2, "Charging"))
    history = steady("PW-0001", statuses=statuses,
                     low_current=(LowCurrent(local(9, 17, 5), 1),))
    assert board([history], NOW) == []


def test_credential_failures_are_security_informational_events_are_not() -> None:
    events = (*(Security(local(11, 3, i), "CredentialsWrong", "wrong password")
                for i in range(5)), Security(local(11, 4), "PoleRegistered"))
    entry, = board([steady("PW-0001", security=events)], NOW)
    assert entry.cause == Cause.SECURITY
    assert entry.evidence[0].facts["count"] == 5
    assert "wrong password" in entry.evidence[0].text
    assert board([steady("PW-0002", security=events[-1:])], NOW) == []


def test_history_older_than_the_window_is_forgotten() -> None:
    old = NOW - rules.BOARD_WINDOW - timedelta(hours=1)
    statuses = (*available(local(1, 8)),
                *(Status(old - timedelta(minutes=i), 1, "Faulted", "GroundFailure")
                  for i in range(3)), Status(old, 1, "Available"))
    assert board([steady("PW-0001", statuses=statuses)], NOW) == []


def test_the_board_orders_by_cause_then_longest_down() -> None:
    entries = board([*street_losing_power(),
                     steady("PW-0100", statuses=(Status(local(5, 9), 1, "Faulted",
                                                        "GroundFailure"),))], NOW)
    assert [e.cause for e in entries] == [Cause.GRID, Cause.GRID, Cause.TELECOM,
                                          Cause.HARDWARE]


def test_eis48_hours_left_before_the_pole_misses_98_percent() -> None:
    """2026 has 8,760 h: 2 % is 175.2 h. A pole down 100 h so far has 75.2 h left."""
    year_start, year_end = rules.year_bounds(NOW)
    assert (year_end - year_start) == timedelta(hours=8760)
    start = year_start
    gap_from = datetime(2026, 3, 1, tzinfo=UTC)
    report = uptime("PW-0001",
                    [ConnectionInterval(start, gap_from),
                     ConnectionInterval(gap_from + timedelta(hours=100), None)],
                    [StatusChange(start, c, "Available") for c in (0, 1, 2)], start, NOW)
    budget = rules.uptime_budget(report, year_start, year_end)
    assert budget.allowed_hours == pytest.approx(175.2)
    assert budget.down_hours == pytest.approx(100)
    assert budget.hours_left == pytest.approx(75.2)
    entries = board([steady("PW-0001", statuses=(Status(local(11, 9), 2, "Faulted",
                                                        "GroundFailure"),))],
                    NOW, {"PW-0001": budget})
    assert entries[0].uptime == budget


def test_eis48_a_pole_past_its_2_percent_has_negative_hours_left() -> None:
    year_start, year_end = rules.year_bounds(NOW)
    report = uptime("PW-0001", [ConnectionInterval(year_start + timedelta(hours=200), None)],
                    [StatusChange(year_start, c, "Available") for c in (0, 1)],
                    year_start, NOW)
    assert rules.uptime_budget(report, year_start, year_end).hours_left == pytest.approx(-24.8)
