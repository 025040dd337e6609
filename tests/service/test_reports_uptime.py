"""eis 48: uptime = connected to the CSMS and available for charging, per pole, per period."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from service.reports.uptime import (
    ConnectionInterval,
    StatusChange,
    uptime,
    uptime_to_csv,
    uptime_to_json,
)

AMS = ZoneInfo("Europe/Amsterdam")
POLE = "NL-PW-0001"


def local(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=AMS)


def all_available(at: datetime) -> list[StatusChange]:
    return [StatusChange(at, c, "Available") for c in (0, 1, 2)]


JUNE = (local(2026, 6, 1), local(2026, 7, 1))  # 30 days, no DST change: 2,592,000 s


def june_history() -> tuple[list[ConnectionInterval], list[StatusChange]]:
    connections = [
        ConnectionInterval(local(2026, 5, 20), local(2026, 6, 10, 3)),
        # 15-hour outage 06-10 03:00 .. 18:00, then connected beyond the period
        ConnectionInterval(local(2026, 6, 10, 18), None),
    ]
    statuses = [
        *all_available(local(2026, 5, 20)),  # before the period: gives the initial state
        StatusChange(local(2026, 6, 5, 9), 2, "Charging"),  # occupied still counts
        StatusChange(local(2026, 6, 5, 11), 2, "Available"),
        # both sockets Faulted for 2 hours: not available
        StatusChange(local(2026, 6, 20, 10), 1, "Faulted"),
        StatusChange(local(2026, 6, 20, 10), 2, "Faulted"),
        StatusChange(local(2026, 6, 20, 12), 1, "Available"),
        StatusChange(local(2026, 6, 20, 12), 2, "Available"),
        # one socket Faulted for 6 hours: the other still serves, so still available
        StatusChange(local(2026, 6, 25, 8), 1, "Faulted"),
        StatusChange(local(2026, 6, 25, 14), 1, "Available"),
    ]
    return connections, statuses


def test_eis48_month_with_outage_and_double_fault_exact_percent() -> None:
    connections, statuses = june_history()
    report = uptime(POLE, connections, statuses, *JUNE)
    # period     30 d x 86,400 s                      = 2,592,000 s
    # connected  2,592,000 - 15 h x 3,600 (54,000)     = 2,538,000 s
    # available  2,592,000 - 2 h x 3,600 (7,200)       = 2,584,800 s
    # up         2,592,000 - 54,000 - 7,200 (disjoint) = 2,530,800 s
    # percent    2,530,800 / 2,592,000 x 100           = 97.6388... % < 98
    assert report.period_seconds == 2_592_000
    assert report.connected_seconds == 2_538_000
    assert report.available_seconds == 2_584_800
    assert report.up_seconds == 2_530_800
    assert report.status_unknown_seconds == 0
    assert report.percent == pytest.approx(97.63888888888889, abs=1e-12)
    assert report.meets_98 is False


def test_eis48_one_faulted_socket_keeps_the_pole_available() -> None:
    statuses = [*all_available(local(2026, 5, 1)), StatusChange(local(2026, 5, 1), 2, "Faulted")]
    report = uptime(POLE, [ConnectionInterval(local(2026, 5, 1), None)], statuses, *JUNE)
    assert (report.available_seconds, report.up_seconds, report.percent) == (
        2_592_000,
        2_592_000,
        100,
    )
    assert report.meets_98 is True


@pytest.mark.parametrize("status", ["Unavailable", "Faulted"])
def test_eis48_connector_0_unavailable_or_faulted_makes_the_pole_unavailable(status: str) -> None:
    statuses = [
        *all_available(local(2026, 5, 1)),
        StatusChange(local(2026, 6, 30), 0, status),  # last day down: 86,400 s
    ]
    report = uptime(POLE, [ConnectionInterval(local(2026, 5, 1), None)], statuses, *JUNE)
    assert report.available_seconds == 2_592_000 - 86_400
    # 29 / 30 = 96.666... %
    assert report.percent == pytest.approx(100 * 29 / 30)


def test_eis48_both_sockets_unavailable_and_connector_0_never_reported() -> None:
    statuses = [
        StatusChange(local(2026, 5, 1), 1, "Available"),
        StatusChange(local(2026, 5, 1), 2, "Available"),
        StatusChange(local(2026, 6, 1, 6), 1, "Unavailable"),  # 6 h both unavailable
        StatusChange(local(2026, 6, 1, 6), 2, "Unavailable"),
        StatusChange(local(2026, 6, 1, 12), 1, "Preparing"),
        StatusChange(local(2026, 6, 1, 12), 2, "SuspendedEV"),
    ]
    report = uptime(POLE, [ConnectionInterval(local(2026, 5, 1), None)], statuses, *JUNE)
    assert report.available_seconds == 2_592_000 - 6 * 3_600


def test_eis48_period_without_any_data_counts_as_down() -> None:
    report = uptime(POLE, [], [], *JUNE)
    assert (report.connected_seconds, report.available_seconds, report.up_seconds) == (0, 0, 0)
    assert report.status_unknown_seconds == 2_592_000
    assert (report.percent, report.meets_98) == (0, False)


def test_eis48_status_unknown_until_first_change_in_period() -> None:
    # Connected all month, but the first socket status arrives on 06-02 00:00: the first
    # day (86,400 s) is unknown, counted as not available -> 29 / 30 = 96.67 %.
    statuses = all_available(local(2026, 6, 2))
    report = uptime(POLE, [ConnectionInterval(local(2026, 5, 1), None)], statuses, *JUNE)
    assert report.status_unknown_seconds == 86_400
    assert report.available_seconds == report.up_seconds == 2_592_000 - 86_400
    # only connector 0 known: still no socket status, still unknown
    only_pole = [StatusChange(local(2026, 5, 1), 0, "Available")]
    report = uptime(POLE, [ConnectionInterval(local(2026, 5, 1), None)], only_pole, *JUNE)
    assert (report.available_seconds, report.status_unknown_seconds) == (0, 2_592_000)


def test_eis48_year_target_at_exactly_98_percent() -> None:
    year = (local(2026, 1, 1), local(2027, 1, 1))  # 365 d = 31,536,000 s (DST cancels out)
    # 2 % of 31,536,000 s = 630,720 s = 175 h 12 min of outage allowed
    statuses = all_available(local(2025, 12, 1))
    exact = [
        ConnectionInterval(local(2025, 12, 1), local(2026, 5, 1)),
        ConnectionInterval(local(2026, 5, 8, 7, 12), None),  # 7 d 7 h 12 min = 175 h 12 min
    ]
    report = uptime(POLE, exact, statuses, *year)
    assert report.period_seconds == 31_536_000
    assert report.up_seconds == 31_536_000 - 630_720
    assert report.percent == pytest.approx(98.0)
    assert report.meets_98 is True
    one_second_more = [exact[0], ConnectionInterval(local(2026, 5, 8, 7, 12, 1), None)]
    assert uptime(POLE, one_second_more, statuses, *year).meets_98 is False


def test_eis48_dst_month_has_743_hours() -> None:
    march = (local(2026, 3, 1), local(2026, 4, 1))
    statuses = all_available(local(2026, 2, 1))
    report = uptime(POLE, [ConnectionInterval(local(2026, 2, 1), None)], statuses, *march)
    assert report.period_seconds == 743 * 3_600
    # a 1-hour outage at the DST night in UTC: 00:30-01:30 UTC = 01:30 CET-03:30 CEST
    gap = [
        ConnectionInterval(local(2026, 2, 1), datetime(2026, 3, 29, 0, 30, tzinfo=UTC)),
        ConnectionInterval(datetime(2026, 3, 29, 1, 30, tzinfo=UTC), None),
    ]
    assert uptime(POLE, gap, statuses, *march).connected_seconds == 742 * 3_600


def test_eis48_overlapping_connections_are_merged_and_clipped() -> None:
    connections = [
        ConnectionInterval(local(2026, 5, 1), local(2026, 6, 15)),
        ConnectionInterval(local(2026, 6, 14), local(2026, 6, 16)),  # reconnect overlapped
        ConnectionInterval(local(2026, 6, 16), local(2026, 8, 1)),
    ]
    report = uptime(POLE, connections, all_available(local(2026, 5, 1)), *JUNE)
    assert report.connected_seconds == report.up_seconds == 2_592_000


def test_eis48_json_and_csv_output() -> None:
    connections, statuses = june_history()
    reports = [uptime(POLE, connections, statuses, *JUNE), uptime("NL-PW-0002", [], [], *JUNE)]
    data = uptime_to_json(reports)
    assert json.loads(json.dumps(data)) == data
    assert data[0]["up_seconds"] == 2_530_800
    assert data[0]["meets_98"] is False
    assert uptime_to_csv(reports) == (
        "pole_id,start,end,period_seconds,connected_seconds,available_seconds,up_seconds,"
        "status_unknown_seconds,percent,meets_98\n"
        "NL-PW-0001,2026-06-01T00:00:00+02:00,2026-07-01T00:00:00+02:00,2592000,2538000,"
        "2584800,2530800,0,97.64,no\n"
        "NL-PW-0002,2026-06-01T00:00:00+02:00,2026-07-01T00:00:00+02:00,2592000,0,0,0,"
        "2592000,0.00,no\n"
    )


@pytest.mark.parametrize(
    ("connections", "statuses", "start", "end", "message"),
    [
        ([], [], datetime(2026, 6, 1), JUNE[1], "start must be timezone-aware"),
        ([], [], JUNE[1], JUNE[0], "must be after start"),
        ([ConnectionInterval(datetime(2026, 6, 1), None)], [], *JUNE, "timezone-aware"),
        ([ConnectionInterval(JUNE[1], JUNE[0])], [], *JUNE, "before it starts"),
        ([], [StatusChange(JUNE[0], 1, "Broken")], *JUNE, "not an OCPP 1.6"),
        ([], [StatusChange(JUNE[0], -1, "Available")], *JUNE, "negative"),
    ],
)
def test_eis48_bad_input_is_rejected(
    connections: list[ConnectionInterval],
    statuses: list[StatusChange],
    start: datetime,
    end: datetime,
    message: str,
) -> None:
    with pytest.raises(ValueError, match=message):
        uptime(POLE, connections, statuses, start, end)
