"""Capacity-profile compliance per pole and subperiod (eis 25, 26, 30).

The grantor reclaims compensation from every pole whose drivers overruled the evening
peak limit too often, so the numbers must be exact, per pole, and reproducible from the
stored transactions. This module is that arithmetic and nothing else.

Definitions (SPEC "Decisions": Time, Overrule, Low-current vehicles, Peak transaction,
Subperiods), made precise here:

* **Peak window.** Every local day in Europe/Amsterdam has the half-open window
  ``[17:00, 21:00)`` wall-clock time. On the daylight-saving days (e.g. 2026-03-29 and
  2026-10-25) it is still 4 hours of local time; it is computed from the calendar date in
  the zone, never by adding a fixed UTC offset.
* **Peak transaction.** The half-open interval ``[max(authorised_at, plugged_at), end)``
  overlaps some day's peak window by a positive amount; ``end`` is ``ended_at``, or the
  report's ``until`` while the transaction still runs. Plugged in at exactly 21:00:00 is
  therefore *not* a peak transaction; plugged in at 20:59:59 and still there at 21:00 is.
  A transaction never plugged in (``plugged_at is None``, e.g. cancelled after 120 s, eis
  45) is never a peak transaction.
* **Overruled.** The overrule belongs to one transaction and lifts the limit from the
  moment it is pressed until the transaction ends. A peak transaction counts as overruled
  when its first overrule (``overrule_at``, any source: phone, pole, service port) happens
  before the end of its last peak overlap, i.e. the lifted limit was in force during some
  part of the peak. Pressing it at 20:59 counts; at 21:00:00 or later (for a transaction
  whose only peak was that evening) it changed nothing and does not count. Pressing it
  before the peak (eis 28: "at any time of day for the peak") counts.
  ``overrule_at`` must *not* carry the automatic overrule a low-current vehicle gets; that
  one is the ``low_current_vehicle`` flag.
* **Low-current vehicles (eis 30).** Their peak transactions are left out of both counts
  and listed in ``low_current_transactions``; those whose driver also overruled (same rule
  as above) are listed by name (``id_tag``) in ``low_current_overruled``.
* **Subperiods.** Calendar months from the programme start, counted in local time:
  baseline ``[P, P+6m)``, subperiod 2 ``[P+6m, P+18m)``, subperiod 3 ``[P+18m, P+36m)``.
  A day that does not exist in the target month is clamped to the month's last day
  (31 August + 6 months = 28/29 February); the wall-clock time of day is kept.
* **Membership.** A transaction belongs to the subperiod in which its *first* peak
  overlap starts (counted within the programme and up to ``until``), so a transaction
  plugged in on the last evening of a subperiod and running into the next stays in the
  first one, and it is never counted twice. Peaks before the programme start, after
  ``P+36m`` or after ``until`` are ignored: the report describes the programme as it
  stood at ``until``.
* **Target met.** ``overruled / peak_transactions <= target`` compared exactly in
  integers (50 % of 200 is met, 101 of 201 is not). ``None`` for the baseline (no target)
  and for a subperiod without peak transactions: there is no percentage to judge, and
  the report must not claim compliance it cannot show. It is evaluated for a running
  subperiod too (the interim report); ``complete`` says whether the subperiod had ended
  by ``until``.
"""

from __future__ import annotations

import calendar
import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
"""The peak is Europe/Amsterdam wall-clock time (SPEC "Decisions: Time")."""

PEAK: tuple[time, time] = (time(17), time(21))
"""The evening peak window, half-open: ``[17:00, 21:00)`` local."""


@dataclass(frozen=True)
class TransactionRecord:
    """One transaction as the storage layer knows it; all datetimes timezone-aware."""

    pole_id: str
    connector_id: int
    transaction_id: int
    authorised_at: datetime
    plugged_at: datetime | None
    ended_at: datetime | None
    """``None``: still running; treated as running until the report's ``until``."""
    overrule_at: datetime | None
    """The first overrule of this transaction by the driver, any source (not the automatic
    overrule of a low-current vehicle)."""
    low_current_vehicle: bool
    id_tag: str


@dataclass(frozen=True)
class ProgramStart:
    """Start of the programme the pole belongs to (first commissioning for Enexis/Liander,
    or the date the grantor switched on Coteq/Rendo/Stedin, eis 24)."""

    pole_id: str
    start: datetime


class LowCurrentOverrule(NamedTuple):
    """A low-current vehicle whose driver also pressed overrule (eis 30: listed by name)."""

    transaction_id: int
    id_tag: str


@dataclass(frozen=True)
class SubperiodReport:
    """Compliance of one pole in one subperiod (eis 25); low-current vehicles apart (eis 30)."""

    pole_id: str
    name: str
    """``"baseline"``, ``"subperiod 2"`` or ``"subperiod 3"``."""
    start: datetime
    """Local (Europe/Amsterdam) start, inclusive."""
    end: datetime
    """Local end, exclusive; the nominal end even while the subperiod runs."""
    complete: bool
    """The subperiod had ended by ``until`` (final numbers) rather than still running."""
    peak_transactions: int
    """Peak transactions excluding low-current vehicles."""
    overruled: int
    """Of those, the overruled ones."""
    overruled_percent: float | None
    """``100 * overruled / peak_transactions``; ``None`` without peak transactions."""
    target_percent: int | None
    aim_percent: int | None
    target_met: bool | None
    low_current_transactions: tuple[int, ...]
    """Ids of the low-current peak transactions left out of the percentages."""
    low_current_overruled: tuple[LowCurrentOverrule, ...]
    peak_transaction_ids: tuple[int, ...] = ()
    """The counted peak transactions, so every number can be traced to its records."""
    overruled_transaction_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class _Subperiod:
    name: str
    start_months: int
    end_months: int
    target_percent: int | None
    aim_percent: int | None


_SUBPERIODS = (
    _Subperiod("baseline", 0, 6, None, None),
    _Subperiod("subperiod 2", 6, 18, 50, 20),
    _Subperiod("subperiod 3", 18, 36, 20, None),
)


def _require_aware(value: datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got naive {value.isoformat()}")


def _validate_peak(peak: tuple[time, time]) -> None:
    if not peak[0] < peak[1]:
        raise ValueError(f"peak window must start before it ends on the same day, got {peak}")


def _validate_transaction(tx: TransactionRecord) -> None:
    """Reject records the report could only count by guessing."""
    name = f"transaction {tx.transaction_id} of pole {tx.pole_id!r}"
    _require_aware(tx.authorised_at, f"{name}: authorised_at")
    for field, value in (
        ("plugged_at", tx.plugged_at),
        ("ended_at", tx.ended_at),
        ("overrule_at", tx.overrule_at),
    ):
        if value is not None:
            _require_aware(value, f"{name}: {field}")
    if tx.ended_at is not None:
        if tx.ended_at < tx.authorised_at:
            raise ValueError(
                f"{name}: ended_at {tx.ended_at.isoformat()} is before "
                f"authorised_at {tx.authorised_at.isoformat()}"
            )
        if tx.plugged_at is not None and tx.plugged_at > tx.ended_at:
            raise ValueError(
                f"{name}: plugged_at {tx.plugged_at.isoformat()} is after "
                f"ended_at {tx.ended_at.isoformat()}"
            )


def _peak_span(
    lo: datetime, hi: datetime, zone: ZoneInfo, peak: tuple[time, time]
) -> tuple[datetime, datetime] | None:
    """First start and last end (UTC) of the overlap of ``[lo, hi)`` with the peak windows.

    All comparisons happen in UTC: Python compares two datetimes sharing one tzinfo by
    wall-clock time, which is wrong across a daylight-saving change.
    """
    lo, hi = lo.astimezone(UTC), hi.astimezone(UTC)
    if lo >= hi:
        return None
    first: datetime | None = None
    last: datetime | None = None
    day = lo.astimezone(zone).date()
    last_day = hi.astimezone(zone).date()
    while day <= last_day:
        window_start = datetime.combine(day, peak[0], tzinfo=zone).astimezone(UTC)
        window_end = datetime.combine(day, peak[1], tzinfo=zone).astimezone(UTC)
        start, end = max(lo, window_start), min(hi, window_end)
        if start < end:
            if first is None:
                first = start
            last = end
        day += timedelta(days=1)
    if first is None or last is None:
        return None
    return first, last


def _transaction_span(
    tx: TransactionRecord,
    *,
    lo: datetime | None,
    hi: datetime | None,
    zone: ZoneInfo,
    peak: tuple[time, time],
) -> tuple[datetime, datetime] | None:
    """Peak span of ``tx`` clipped to ``[lo, hi)``; ``hi`` also ends a running transaction."""
    if tx.plugged_at is None:
        return None
    start = max(tx.authorised_at.astimezone(UTC), tx.plugged_at.astimezone(UTC))
    if tx.ended_at is not None:
        end = tx.ended_at.astimezone(UTC)
        if hi is not None:
            end = min(end, hi.astimezone(UTC))
    elif hi is not None:
        end = hi.astimezone(UTC)
    else:
        raise ValueError(
            f"transaction {tx.transaction_id} is still running: pass `until` to say "
            "how far it counts"
        )
    if lo is not None:
        start = max(start, lo.astimezone(UTC))
    return _peak_span(start, end, zone, peak)


def _overrule_counts(tx: TransactionRecord, span: tuple[datetime, datetime]) -> bool:
    return tx.overrule_at is not None and tx.overrule_at.astimezone(UTC) < span[1]


def is_peak_transaction(
    tx: TransactionRecord,
    *,
    zone: ZoneInfo = AMSTERDAM,
    peak: tuple[time, time] = PEAK,
    until: datetime | None = None,
) -> bool:
    """Whether ``tx`` was authorised and plugged in during some local peak window.

    ``until`` bounds a running transaction (and clips a finished one, to judge it as
    of that moment); a running transaction without ``until`` is a ``ValueError``,
    because whether it reaches a peak is not yet known.
    """
    _validate_transaction(tx)
    _validate_peak(peak)
    if until is not None:
        _require_aware(until, "until")
    return _transaction_span(tx, lo=None, hi=until, zone=zone, peak=peak) is not None


def _add_months(start_local: datetime, months: int, zone: ZoneInfo) -> datetime:
    """Calendar-month arithmetic in local time; the day is clamped to the month's end."""
    year, month0 = divmod(start_local.month - 1 + months, 12)
    year += start_local.year
    month = month0 + 1
    day = min(start_local.day, calendar.monthrange(year, month)[1])
    return datetime.combine(date(year, month, day), start_local.time(), tzinfo=zone)


def subperiod_bounds(
    programme_start: datetime, *, zone: ZoneInfo = AMSTERDAM
) -> list[tuple[str, datetime, datetime]]:
    """``(name, start, end)`` of the three subperiods, local time, end exclusive."""
    _require_aware(programme_start, "programme start")
    local = programme_start.astimezone(zone)
    return [
        (
            sp.name,
            _add_months(local, sp.start_months, zone),
            _add_months(local, sp.end_months, zone),
        )
        for sp in _SUBPERIODS
    ]


def compliance_report(
    transactions: Iterable[TransactionRecord],
    programme: ProgramStart,
    *,
    until: datetime,
    zone: ZoneInfo = AMSTERDAM,
    peak: tuple[time, time] = PEAK,
) -> list[SubperiodReport]:
    """The eis 25 report of one pole: every subperiod that has started before ``until``.

    Every transaction must belong to ``programme.pole_id``: percentages are per pole and
    a stray record of another pole would silently falsify a repayment, so it is a
    ``ValueError`` (use :func:`compliance_reports` to report many poles at once).
    """
    _require_aware(programme.start, f"programme start of pole {programme.pole_id!r}")
    _require_aware(until, "until")
    _validate_peak(peak)
    txs = list(transactions)
    seen: set[int] = set()
    for tx in txs:
        if tx.pole_id != programme.pole_id:
            raise ValueError(
                f"transaction {tx.transaction_id} belongs to pole {tx.pole_id!r}, "
                f"not to pole {programme.pole_id!r} of this report"
            )
        if tx.transaction_id in seen:
            raise ValueError(
                f"transaction {tx.transaction_id} appears twice for pole {tx.pole_id!r}"
            )
        seen.add(tx.transaction_id)
        _validate_transaction(tx)

    bounds = subperiod_bounds(programme.start, zone=zone)
    programme_end = bounds[-1][2]
    until_utc = until.astimezone(UTC)
    hi = min(until_utc, programme_end.astimezone(UTC))

    # Each peak transaction, with its span, in the subperiod where its first overlap starts.
    spans = []
    for tx in txs:
        span = _transaction_span(tx, lo=programme.start, hi=hi, zone=zone, peak=peak)
        if span is not None:
            spans.append((tx, span))

    reports: list[SubperiodReport] = []
    for sp, (name, start, end) in zip(_SUBPERIODS, bounds, strict=True):
        start_utc, end_utc = start.astimezone(UTC), end.astimezone(UTC)
        if start_utc >= until_utc:
            break
        members = sorted(
            ((tx, span) for tx, span in spans if start_utc <= span[0] < end_utc),
            key=lambda item: (item[1][0], item[0].transaction_id),
        )
        counted = [(tx, span) for tx, span in members if not tx.low_current_vehicle]
        overruled = [tx for tx, span in counted if _overrule_counts(tx, span)]
        low = [(tx, span) for tx, span in members if tx.low_current_vehicle]
        n_peak, n_over = len(counted), len(overruled)
        percent = None if n_peak == 0 else 100.0 * n_over / n_peak
        target_met = (
            None
            if sp.target_percent is None or n_peak == 0
            else n_over * 100 <= sp.target_percent * n_peak
        )
        reports.append(
            SubperiodReport(
                pole_id=programme.pole_id,
                name=name,
                start=start,
                end=end,
                complete=end_utc <= until_utc,
                peak_transactions=n_peak,
                overruled=n_over,
                overruled_percent=percent,
                target_percent=sp.target_percent,
                aim_percent=sp.aim_percent,
                target_met=target_met,
                low_current_transactions=tuple(tx.transaction_id for tx, _ in low),
                low_current_overruled=tuple(
                    LowCurrentOverrule(tx.transaction_id, tx.id_tag)
                    for tx, span in low
                    if _overrule_counts(tx, span)
                ),
                peak_transaction_ids=tuple(tx.transaction_id for tx, _ in counted),
                overruled_transaction_ids=tuple(tx.transaction_id for tx in overruled),
            )
        )
    return reports


def compliance_reports(
    transactions: Iterable[TransactionRecord],
    programmes: Iterable[ProgramStart],
    *,
    until: datetime,
    zone: ZoneInfo = AMSTERDAM,
    peak: tuple[time, time] = PEAK,
) -> list[SubperiodReport]:
    """Reports of many poles, sorted by pole id, each against its own programme start.

    Transactions of a pole without a programme are ignored: the profile does not apply
    there (yet), e.g. a Stedin pole before the grantor switched it on (eis 24).
    """
    by_pole: dict[str, ProgramStart] = {}
    for programme in programmes:
        if programme.pole_id in by_pole:
            raise ValueError(f"pole {programme.pole_id!r} has two programme starts")
        by_pole[programme.pole_id] = programme
    grouped: dict[str, list[TransactionRecord]] = {pole: [] for pole in by_pole}
    for tx in transactions:
        if tx.pole_id in grouped:
            grouped[tx.pole_id].append(tx)
    reports: list[SubperiodReport] = []
    for pole in sorted(by_pole):
        reports.extend(
            compliance_report(grouped[pole], by_pole[pole], until=until, zone=zone, peak=peak)
        )
    return reports


def to_json(reports: Sequence[SubperiodReport]) -> list[dict[str, object]]:
    """JSON-ready dicts: local ISO 8601 times, exact (unrounded) percentages."""
    return [
        {
            "pole_id": r.pole_id,
            "subperiod": r.name,
            "start": r.start.isoformat(),
            "end": r.end.isoformat(),
            "complete": r.complete,
            "peak_transactions": r.peak_transactions,
            "overruled": r.overruled,
            "overruled_percent": r.overruled_percent,
            "target_percent": r.target_percent,
            "aim_percent": r.aim_percent,
            "target_met": r.target_met,
            "low_current_transactions": list(r.low_current_transactions),
            "low_current_overruled": [
                {"transaction_id": item.transaction_id, "id_tag": item.id_tag}
                for item in r.low_current_overruled
            ],
            "peak_transaction_ids": list(r.peak_transaction_ids),
            "overruled_transaction_ids": list(r.overruled_transaction_ids),
        }
        for r in reports
    ]


CSV_HEADER = (
    "pole_id",
    "subperiod",
    "start",
    "end",
    "complete",
    "peak_transactions",
    "overruled",
    "overruled_percent",
    "target_percent",
    "aim_percent",
    "target_met",
    "low_current_transactions",
    "low_current_overruled",
)


def _flag(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def to_csv(reports: Sequence[SubperiodReport]) -> str:
    """Comma-separated, one row per pole x subperiod, for the grantor's spreadsheet.

    Percentages with one decimal (``target_met`` is decided on the exact counts, so
    50.02 % shows as ``50.0`` next to ``no``); empty cells for "not applicable"; lists
    space-separated, low-current overrules as ``transaction_id:id_tag``.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for r in reports:
        writer.writerow(
            (
                r.pole_id,
                r.name,
                r.start.isoformat(),
                r.end.isoformat(),
                _flag(r.complete),
                r.peak_transactions,
                r.overruled,
                "" if r.overruled_percent is None else f"{r.overruled_percent:.1f}",
                "" if r.target_percent is None else r.target_percent,
                "" if r.aim_percent is None else r.aim_percent,
                _flag(r.target_met),
                " ".join(str(i) for i in r.low_current_transactions),
                " ".join(f"{i.transaction_id}:{i.id_tag}" for i in r.low_current_overruled),
            )
        )
    return out.getvalue()
