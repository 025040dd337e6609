"""eis 25/26/30: the per-pole, per-subperiod overrule report, checked against hand arithmetic."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta

import pytest

from service.reports.compliance import (
    AMSTERDAM,
    LowCurrentOverrule,
    ProgramStart,
    TransactionRecord,
    compliance_report,
    compliance_reports,
    is_peak_transaction,
    subperiod_bounds,
    to_csv,
    to_json,
)

POLE = "NL-PW-0001"


def local(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=AMSTERDAM)


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=UTC)


def tx(
    tid: int,
    authorised: datetime,
    ended: datetime | None,
    *,
    plugged: datetime | str | None = "same",
    overrule: datetime | None = None,
    low: bool = False,
    tag: str | None = None,
    pole: str = POLE,
    connector: int = 1,
) -> TransactionRecord:
    return TransactionRecord(
        pole_id=pole,
        connector_id=connector,
        transaction_id=tid,
        authorised_at=authorised,
        plugged_at=authorised if isinstance(plugged, str) else plugged,
        ended_at=ended,
        overrule_at=overrule,
        low_current_vehicle=low,
        id_tag=tag if tag is not None else f"TAG{tid:04d}",
    )


PROGRAMME = ProgramStart(POLE, local(2026, 1, 1))
UNTIL = local(2027, 9, 1)

# Subperiods of a programme starting 2026-01-01 00:00 local:
#   baseline    [2026-01-01, 2026-07-01)
#   subperiod 2 [2026-07-01, 2027-07-01)   target <= 50 %, aim 20 %
#   subperiod 3 [2027-07-01, 2029-01-01)   target <= 20 %; still running at UNTIL 2027-09-01
HISTORY = [
    # --- baseline ---
    # 1: plugged 16:00, card 16:05, overrule at 20:59 while charging until 22:00:
    #    peak (overlap 17:00-21:00) and overruled (20:59 < 21:00, the end of its peak).
    tx(1, local(2026, 2, 10, 16, 5), local(2026, 2, 10, 22), plugged=local(2026, 2, 10, 16),
       overrule=local(2026, 2, 10, 20, 59)),
    # 2: card 20:55 but plugged at 21:00:00 exactly: [21:00, 23:00) misses [17:00, 21:00),
    #    not a peak transaction, so its overrule at 20:56 is not counted either.
    tx(2, local(2026, 2, 11, 20, 55), local(2026, 2, 11, 23), plugged=local(2026, 2, 11, 21),
       overrule=local(2026, 2, 11, 20, 56)),
    # 3: 20:30-21:30 spans 21:00: peak (30 minutes of overlap), not overruled.
    tx(3, local(2026, 2, 12, 20, 30), local(2026, 2, 12, 21, 30)),
    # 4: DST start 2026-03-29 (CEST, UTC+2): 15:00-15:30 UTC = 17:00-17:30 local: peak.
    #    (With the winter offset it would be 16:00-16:30 and wrongly not peak.)
    tx(4, utc(2026, 3, 29, 15), utc(2026, 3, 29, 15, 30)),
    # 5: same day 19:00-19:30 UTC = 21:00-21:30 local: not peak (wrongly peak at UTC+1).
    tx(5, utc(2026, 3, 29, 19), utc(2026, 3, 29, 19, 30)),
    # 6: low-current vehicle whose driver also overruled at 17:45: out of the percentages,
    #    listed by name (eis 30).
    tx(6, local(2026, 4, 1, 17, 30), local(2026, 4, 1, 20), overrule=local(2026, 4, 1, 17, 45),
       low=True, tag="ZOE-0042"),
    # 7: low-current vehicle, no overrule by the driver: left out, not listed by name.
    tx(7, local(2026, 4, 2, 18), local(2026, 4, 2, 19), low=True, tag="ZOE-0043"),
    # 8: peak 20:00-21:00, overrule pressed at 21:00:00: after its peak, changes nothing.
    tx(8, local(2026, 4, 3, 20), local(2026, 4, 3, 22), overrule=local(2026, 4, 3, 21)),
    # 10: 23:00 to 10:00 the next morning: spans midnight, no peak.
    tx(10, local(2026, 5, 5, 23), local(2026, 5, 6, 10)),
    # 11: first peak 2026-06-30 20:00 (baseline) and runs into 2026-07-01 18:00; overruled
    #     at 17:30 on 07-01, still during its own peak: counted once, in the baseline.
    tx(11, local(2026, 6, 30, 20), local(2026, 7, 1, 18), overrule=local(2026, 7, 1, 17, 30)),
    # --- subperiod 2 ---
    # 9: authorised in the baseline (06-30 22:00) but its first peak is 07-01 17:00.
    tx(9, local(2026, 6, 30, 22), local(2026, 7, 2, 8), connector=2),
    # 12: DST end 2026-10-25 (CET, UTC+1): 19:30-20:00 UTC = 20:30-21:00 local: peak,
    #     overruled at 19:35 UTC.
    tx(12, utc(2026, 10, 25, 19, 30), utc(2026, 10, 25, 20), overrule=utc(2026, 10, 25, 19, 35)),
    # 13: 15:30-16:00 UTC = 16:30-17:00 local: not peak (wrongly peak at UTC+2); its
    #     overrule is irrelevant.
    tx(13, utc(2026, 10, 25, 15, 30), utc(2026, 10, 25, 16), overrule=utc(2026, 10, 25, 15, 40)),
    # 14: peak, overruled.
    tx(14, local(2026, 11, 2, 18), local(2026, 11, 2, 19), overrule=local(2026, 11, 2, 18, 10)),
    # 15: peak.
    tx(15, local(2026, 12, 1, 17), local(2026, 12, 1, 18)),
    # --- subperiod 3 ---
    tx(16, local(2027, 8, 3, 17), local(2027, 8, 3, 18), overrule=local(2027, 8, 3, 17, 5)),
    tx(17, local(2027, 8, 4, 18), local(2027, 8, 4, 18, 30)),
    tx(18, local(2027, 8, 5, 19), local(2027, 8, 5, 20)),
    tx(19, local(2027, 8, 6, 20, 45), local(2027, 8, 6, 21, 15)),
    # 20: still running at UNTIL; it was plugged in through the 08-31 peak: counted.
    tx(20, local(2027, 8, 31, 16), None, plugged=local(2027, 8, 31, 16, 10)),
    # 21: still running, started 23:00: its first peak would be after UNTIL: not counted.
    tx(21, local(2027, 8, 31, 23), None, connector=2),
    # 22: before the programme started: ignored.
    tx(22, local(2025, 12, 31, 18), local(2025, 12, 31, 19)),
]  # fmt: skip


def test_eis25_eis30_scripted_history_per_subperiod() -> None:
    base, sub2, sub3 = compliance_report(HISTORY, PROGRAMME, until=UNTIL)

    # Baseline: peak 1, 3, 4, 8, 11 (not 2, 5, 10; 6, 7 low-current; 9 belongs to sub 2);
    # overruled 1 (20:59) and 11 -> 2 / 5 = 40.0 %; no target.
    assert base.name == "baseline"
    assert (base.start, base.end) == (local(2026, 1, 1), local(2026, 7, 1))
    assert base.complete is True
    assert base.peak_transaction_ids == (1, 3, 4, 8, 11)
    assert base.overruled_transaction_ids == (1, 11)
    assert (base.peak_transactions, base.overruled) == (5, 2)
    assert base.overruled_percent == pytest.approx(40.0)
    assert (base.target_percent, base.aim_percent, base.target_met) == (None, None, None)
    assert base.low_current_transactions == (6, 7)
    assert base.low_current_overruled == (LowCurrentOverrule(6, "ZOE-0042"),)

    # Subperiod 2: peak 9, 12, 14, 15 (13 is before the peak on the DST day);
    # overruled 12, 14 -> 2 / 4 = exactly 50 %: target (<= 50 %) met.
    assert sub2.name == "subperiod 2"
    assert (sub2.start, sub2.end) == (local(2026, 7, 1), local(2027, 7, 1))
    assert sub2.complete is True
    assert sub2.peak_transaction_ids == (9, 12, 14, 15)
    assert (sub2.peak_transactions, sub2.overruled) == (4, 2)
    assert sub2.overruled_percent == pytest.approx(50.0)
    assert (sub2.target_percent, sub2.aim_percent, sub2.target_met) == (50, 20, True)
    assert sub2.low_current_transactions == ()
    assert sub2.low_current_overruled == ()

    # Subperiod 3 (running): peak 16, 17, 18, 19, 20 (21 not yet); overruled 16
    # -> 1 / 5 = exactly 20 %: target (<= 20 %) met so far.
    assert sub3.name == "subperiod 3"
    assert (sub3.start, sub3.end) == (local(2027, 7, 1), local(2029, 1, 1))
    assert sub3.complete is False
    assert sub3.peak_transaction_ids == (16, 17, 18, 19, 20)
    assert (sub3.peak_transactions, sub3.overruled) == (5, 1)
    assert sub3.overruled_percent == pytest.approx(20.0)
    assert (sub3.target_percent, sub3.aim_percent, sub3.target_met) == (20, None, True)


def test_eis25_eis30_csv_output() -> None:
    reports = compliance_report(HISTORY, PROGRAMME, until=UNTIL)
    assert to_csv(reports) == (
        "pole_id,subperiod,start,end,complete,peak_transactions,overruled,overruled_percent,"
        "target_percent,aim_percent,target_met,low_current_transactions,low_current_overruled\n"
        "NL-PW-0001,baseline,2026-01-01T00:00:00+01:00,2026-07-01T00:00:00+02:00,yes,5,2,40.0,"
        ",,,6 7,6:ZOE-0042\n"
        "NL-PW-0001,subperiod 2,2026-07-01T00:00:00+02:00,2027-07-01T00:00:00+02:00,yes,4,2,"
        "50.0,50,20,yes,,\n"
        "NL-PW-0001,subperiod 3,2027-07-01T00:00:00+02:00,2029-01-01T00:00:00+01:00,no,5,1,"
        "20.0,20,,yes,,\n"
    )
    assert ";" not in to_csv(reports)


def test_eis25_eis30_json_output() -> None:
    data = to_json(compliance_report(HISTORY, PROGRAMME, until=UNTIL))
    assert json.loads(json.dumps(data)) == data  # plain JSON types only
    assert data[0] == {
        "pole_id": "NL-PW-0001",
        "subperiod": "baseline",
        "start": "2026-01-01T00:00:00+01:00",
        "end": "2026-07-01T00:00:00+02:00",
        "complete": True,
        "peak_transactions": 5,
        "overruled": 2,
        "overruled_percent": 40.0,
        "target_percent": None,
        "aim_percent": None,
        "target_met": None,
        "low_current_transactions": [6, 7],
        "low_current_overruled": [{"transaction_id": 6, "id_tag": "ZOE-0042"}],
        "peak_transaction_ids": [1, 3, 4, 8, 11],
        "overruled_transaction_ids": [1, 11],
    }
    assert [d["target_met"] for d in data] == [None, True, True]


def _generated(n_peak: int, n_overruled: int, first_day: datetime) -> list[TransactionRecord]:
    """``n_peak`` 20-minute peak transactions, 8 per evening (17:00, 17:30, ... 20:30)."""
    out = []
    for i in range(n_peak):
        day, slot = divmod(i, 8)
        start = (first_day + timedelta(days=day)).replace(hour=17) + timedelta(minutes=30 * slot)
        start = start.replace(tzinfo=AMSTERDAM)
        out.append(
            tx(
                1000 + i,
                start,
                start + timedelta(minutes=20),
                overrule=start + timedelta(minutes=1) if i < n_overruled else None,
            )
        )
    return out


@pytest.mark.parametrize(
    ("n_peak", "n_overruled", "met", "shown"),
    [
        (200, 100, True, "50.0"),  # 100 / 200 = 50 % exactly: at most 50 % -> met
        (201, 101, False, "50.2"),  # 101 / 201 = 50.2488 % -> just above, not met
        (2001, 1001, False, "50.0"),  # 1001 / 2001 = 50.025 %: shows 50.0 yet not met
    ],
)
def test_eis25_subperiod2_target_at_and_just_above_50_percent(
    n_peak: int, n_overruled: int, met: bool, shown: str
) -> None:
    history = _generated(n_peak, n_overruled, local(2026, 7, 1))
    reports = compliance_report(history, PROGRAMME, until=local(2027, 7, 1))
    assert [r.name for r in reports] == ["baseline", "subperiod 2"]
    sub2 = reports[1]
    assert (sub2.peak_transactions, sub2.overruled, sub2.target_met) == (n_peak, n_overruled, met)
    assert sub2.complete is True
    assert to_csv(reports).splitlines()[2].split(",")[7] == shown


@pytest.mark.parametrize(
    ("n_peak", "n_overruled", "met"),
    [(100, 20, True), (100, 21, False), (9, 2, False)],  # 20 %, 21 %, 22.2 %
)
def test_eis25_subperiod3_target_20_percent(n_peak: int, n_overruled: int, met: bool) -> None:
    history = _generated(n_peak, n_overruled, local(2027, 7, 1))
    sub3 = compliance_report(history, PROGRAMME, until=local(2029, 1, 1))[2]
    assert (sub3.peak_transactions, sub3.overruled, sub3.target_met) == (n_peak, n_overruled, met)
    assert sub3.complete is True


def test_eis25_no_peak_transactions_leaves_percent_and_verdict_open() -> None:
    reports = compliance_report([], PROGRAMME, until=local(2026, 8, 1))
    assert [(r.name, r.complete) for r in reports] == [("baseline", True), ("subperiod 2", False)]
    for r in reports:
        assert (r.peak_transactions, r.overruled_percent, r.target_met) == (0, None, None)
    assert to_csv(reports).splitlines()[2].endswith(",0,0,,50,20,,,")


def test_eis25_only_started_subperiods_are_reported() -> None:
    assert compliance_report(HISTORY[:1], PROGRAMME, until=local(2026, 1, 1)) == []
    (base,) = compliance_report(HISTORY, PROGRAMME, until=local(2026, 3, 1))
    assert base.complete is False
    # Only 1 and 3 had their peak before 2026-03-01.
    assert base.peak_transaction_ids == (1, 3)


def test_eis25_subperiods_are_calendar_months_in_local_time() -> None:
    # 31 August + 6 months has no 31st: clamped to 28 February; + 36 months is 31 August.
    bounds = subperiod_bounds(local(2025, 8, 31, 0))
    assert bounds == [
        ("baseline", local(2025, 8, 31), local(2026, 2, 28)),
        ("subperiod 2", local(2026, 2, 28), local(2027, 2, 28)),
        ("subperiod 3", local(2027, 2, 28), local(2028, 8, 31)),
    ]
    # A programme start given in UTC is counted in local months: 2025-12-31 23:00 UTC is
    # 2026-01-01 00:00 in Amsterdam.
    assert subperiod_bounds(utc(2025, 12, 31, 23))[0][2] == local(2026, 7, 1)


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        # plugged 20:59:59, ended 21:00:00: one second inside the peak
        (tx(1, local(2026, 5, 1, 20, 59, 59), local(2026, 5, 1, 21)), True),
        # ended at 17:00:00 exactly: [.., 17:00) misses the peak
        (tx(1, local(2026, 5, 1, 16), local(2026, 5, 1, 17)), False),
        # plugged 20:00 but the card only at 21:00: authorised AND plugged never in the peak
        (tx(1, local(2026, 5, 1, 21), local(2026, 5, 1, 22), plugged=local(2026, 5, 1, 20)), False),
        # never plugged in (cancelled after 120 s, eis 45)
        (tx(1, local(2026, 5, 1, 18), local(2026, 5, 1, 18, 2), plugged=None), False),
        # several days, plugged 21:30 and ended 16:59 two days later: peak on the day between
        (tx(1, local(2026, 5, 1, 21, 30), local(2026, 5, 3, 16, 59)), True),
        # overnight only
        (tx(1, local(2026, 5, 1, 21, 30), local(2026, 5, 2, 16, 59)), False),
        # DST days: the peak is 17:00-21:00 local, i.e. 15:00-19:00 UTC in summer time ...
        (tx(1, utc(2026, 3, 29, 18, 59), utc(2026, 3, 29, 19)), True),
        (tx(1, utc(2026, 3, 29, 14, 30), utc(2026, 3, 29, 15)), False),
        # ... and 16:00-20:00 UTC after the switch back to winter time
        (tx(1, utc(2026, 10, 25, 19, 59), utc(2026, 10, 25, 20)), True),
        (tx(1, utc(2026, 10, 25, 20), utc(2026, 10, 25, 21)), False),
    ],
)
def test_eis25_is_peak_transaction(record: TransactionRecord, expected: bool) -> None:
    assert is_peak_transaction(record) is expected


def test_eis25_running_transaction_needs_until() -> None:
    running = tx(1, local(2026, 5, 1, 16), None)
    assert is_peak_transaction(running, until=local(2026, 5, 1, 17)) is False
    assert is_peak_transaction(running, until=local(2026, 5, 1, 17, 0, 1)) is True
    with pytest.raises(ValueError, match="still running"):
        is_peak_transaction(running)


def test_eis25_custom_peak_window_and_zone() -> None:
    record = tx(1, local(2026, 5, 1, 16), local(2026, 5, 1, 16, 30))
    assert is_peak_transaction(record, peak=(time(16), time(20))) is True
    with pytest.raises(ValueError, match="peak window"):
        is_peak_transaction(record, peak=(time(21), time(17)))


def test_eis25_reports_many_poles_each_against_its_own_programme() -> None:
    stedin = ProgramStart("NL-PW-0900", local(2026, 9, 1))  # switched on later (eis 24)
    history = [
        tx(1, local(2026, 8, 3, 18), local(2026, 8, 3, 19), pole=POLE),
        # before its programme: ignored; then two peaks of which one overruled
        tx(1, local(2026, 8, 3, 18), local(2026, 8, 3, 19), pole="NL-PW-0900"),
        tx(2, local(2026, 9, 3, 18), local(2026, 9, 3, 19), pole="NL-PW-0900",
           overrule=local(2026, 9, 3, 18)),
        tx(3, local(2026, 9, 4, 18), local(2026, 9, 4, 19), pole="NL-PW-0900"),
        # a pole without a programme: ignored
        tx(1, local(2026, 8, 3, 18), local(2026, 8, 3, 19), pole="NL-PW-0777"),
    ]  # fmt: skip
    reports = compliance_reports(history, [stedin, PROGRAMME], until=local(2026, 10, 1))
    assert [(r.pole_id, r.name, r.peak_transactions, r.overruled) for r in reports] == [
        (POLE, "baseline", 0, 0),
        (POLE, "subperiod 2", 1, 0),
        ("NL-PW-0900", "baseline", 2, 1),
    ]
    with pytest.raises(ValueError, match="two programme starts"):
        compliance_reports([], [PROGRAMME, PROGRAMME], until=UNTIL)


@pytest.mark.parametrize(
    ("records", "message"),
    [
        ([tx(1, datetime(2026, 5, 1, 18), datetime(2026, 5, 1, 19))], "timezone-aware"),
        (
            [tx(1, local(2026, 5, 1, 18), local(2026, 5, 1, 19), overrule=datetime(2026, 5, 1))],
            "overrule_at must be timezone-aware",
        ),
        ([tx(1, local(2026, 5, 1, 18), local(2026, 5, 1, 17))], "before authorised_at"),
        (
            [tx(1, local(2026, 5, 1, 18), local(2026, 5, 1, 19), plugged=local(2026, 5, 1, 20))],
            "after ended_at",
        ),
        ([tx(1, local(2026, 5, 1, 18), None, pole="NL-PW-0002")], "belongs to pole 'NL-PW-0002'"),
        ([tx(1, local(2026, 5, 1, 18), None), tx(1, local(2026, 5, 2, 18), None)], "twice"),
    ],
)
def test_eis25_bad_input_is_rejected(records: list[TransactionRecord], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        compliance_report(records, PROGRAMME, until=UNTIL)


def test_eis25_naive_report_bounds_are_rejected() -> None:
    with pytest.raises(ValueError, match="until must be timezone-aware"):
        compliance_report([], PROGRAMME, until=datetime(2027, 1, 1))
    with pytest.raises(ValueError, match="programme start"):
        compliance_report([], ProgramStart(POLE, datetime(2026, 1, 1)), until=UNTIL)
