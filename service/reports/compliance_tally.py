"""The fleet's eis 25/30 report from a stored tally per pole and programme month (issue 19).

The grantor's yearly summary covers 10,000 poles and millions of transactions; counting them
at every request took 17–45 s on PostgreSQL. A finished transaction's verdict never changes
once the report's ``until`` is past its stop, so the storage keeps, per pole and programme
month, how many peak transactions were counted and overruled (and the few low-current ones
one by one, since eis 30 lists them), updated in the same database transaction as the
stop, overrule or low-current report that changes a verdict. The summary reads those small
rows and judges only what the tally cannot know yet: transactions still running at
``until``, or stopped after it (a report "as it stood then").

Nothing here is a new rule: a transaction's month is the programme month in which its
first peak overlap starts, and it counts as overruled when its overrule came before the end
of its last peak overlap, exactly as `compliance_report` decides, whose helpers this module
reuses. ``compliance_report`` stays the oracle: the tests compare the two on random
histories (daylight-saving days, 21:00:00 edges, subperiod boundaries).

Programme months are ``[P + k months, P + (k+1) months)`` in local time with the same
clamping as `subperiod_bounds` (``k`` = 0…35), so months 0–5 are the baseline, 6–17
subperiod 2 and 18–35 subperiod 3, for any programme start ``P``.
"""

from __future__ import annotations

import bisect
import functools
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from service.reports.compliance import (
    _SUBPERIODS,
    AMSTERDAM,
    PEAK,
    LowCurrentOverrule,
    ProgramStart,
    SubperiodReport,
    TransactionRecord,
    _add_months,
    _overrule_counts,
    _transaction_span,
    subperiod_bounds,
)

PROGRAMME_MONTHS = _SUBPERIODS[-1].end_months
"""36: the programme's last subperiod ends this many months after its start."""


@dataclass(frozen=True)
class TallyEntry:
    """What one finished transaction adds to its pole's tally."""

    month: int
    """Programme month (0…35) in which its first peak overlap starts."""
    first_peak: datetime
    """UTC start of that overlap: the order in which eis 30 lists low-current vehicles."""
    overruled: bool
    low_current: bool


@dataclass(frozen=True)
class TallyLow:
    """A stored low-current peak transaction (eis 30), listed rather than counted."""

    pole_id: str
    transaction_id: int
    month: int
    first_peak: datetime
    overruled: bool
    id_tag: str


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def programme_months(programme_start: datetime, *, zone: ZoneInfo = AMSTERDAM
                     ) -> tuple[datetime, ...]:
    """The 37 UTC bounds of the programme months; month ``k`` is ``[b[k], b[k+1])``.

    Remembered per start: the fleet's summary asks for every pole's bounds several times,
    and calendar arithmetic for 10,000 poles cost seconds (51 µs a pole). Remembered as
    37 integers, microseconds since 1970 (0.4 KB), not as 37 datetimes (2.3 KB): every pole
    with a finished transaction has a start of its own (its registration when it is in no
    programme), and a 10,000-pole fleet kept 21 MB of them for good after a reconnect
    storm's transactions (issue 20, memory per connection). Making the datetimes again
    costs about 10 µs."""
    micros = _programme_months(programme_start.astimezone(UTC), zone)
    return tuple([_EPOCH + count * _MICROSECOND for count in micros])


@functools.lru_cache(maxsize=1 << 15)
def _programme_months(programme_start: datetime, zone: ZoneInfo) -> array[int]:
    local = programme_start.astimezone(zone)
    return array("q", [(_add_months(local, k, zone) - _EPOCH) // _MICROSECOND
                       for k in range(PROGRAMME_MONTHS + 1)])


_SUBPERIOD_OF_MONTH = tuple(next(index for index, sp in enumerate(_SUBPERIODS)
                                 if sp.start_months <= month < sp.end_months)
                            for month in range(PROGRAMME_MONTHS))


@functools.lru_cache(maxsize=1 << 15)
def _subperiod_bounds(programme_start: datetime, zone: ZoneInfo
                      ) -> list[tuple[str, datetime, datetime]]:
    return subperiod_bounds(programme_start, zone=zone)


def _month_of(bounds: Sequence[datetime], moment: datetime) -> int:
    return bisect.bisect_right(bounds, moment) - 1


def tally_entry(tx: TransactionRecord, programme_start: datetime, *,
                bounds: Sequence[datetime] | None = None, zone: ZoneInfo = AMSTERDAM,
                peak: tuple[time, time] = PEAK) -> TallyEntry | None:
    """The tally's share of ``tx``: ``None`` while it runs (its verdict is not final) or when
    it never was a peak transaction within the programme."""
    if tx.ended_at is None:
        return None
    bounds = bounds or programme_months(programme_start, zone=zone)
    span = _transaction_span(tx, lo=programme_start, hi=bounds[-1], zone=zone, peak=peak)
    month = -1 if span is None else _month_of(bounds, span[0])
    if span is None or month < 0:  # a start at a wall-clock time that occurs twice or never
        return None
    return TallyEntry(month, span[0], _overrule_counts(tx, span), tx.low_current_vehicle)


def reports_from_tally(programmes: Iterable[ProgramStart], until: datetime,
                       counts: Mapping[tuple[str, int], tuple[int, int]],
                       lows: Iterable[TallyLow], unsettled: Iterable[TransactionRecord], *,
                       zone: ZoneInfo = AMSTERDAM, peak: tuple[time, time] = PEAK
                       ) -> list[SubperiodReport]:
    """`compliance_reports` of poles whose tally counts from their programme start.

    ``counts``: ``(pole, month) → (peak transactions, overruled)`` without low-current
    vehicles; ``lows``: the low-current ones. ``unsettled``: every transaction of these
    poles that started before ``until`` and still runs, and every one stopped after
    ``until`` that started before the end of ``until``'s programme month — the tally either
    does not hold them or judged them on a longer span than ``until`` allows. They are
    taken out of the tally and judged as of ``until``. Months beginning at or after
    ``until`` are left out (every transaction in them starts its peak later).

    Lists of counted transaction ids are left empty: the fleet summary omits them.
    """
    until_utc = until.astimezone(UTC)
    starts = {p.pole_id: p.start for p in programmes}
    bounds = {pole: programme_months(start, zone=zone) for pole, start in starts.items()}
    tally: dict[tuple[str, int], list[int]] = {
        key: [peak_n, over_n] for key, (peak_n, over_n) in counts.items() if key[0] in starts}
    low_by_id: dict[int, TallyLow] = {low.transaction_id: low for low in lows
                                      if low.pole_id in starts}
    for tx in unsettled:
        if tx.pole_id not in starts:
            continue
        start, pole_bounds = starts[tx.pole_id], bounds[tx.pole_id]
        stored = tally_entry(tx, start, bounds=pole_bounds, zone=zone, peak=peak)
        if stored is not None and not stored.low_current:
            row = tally.setdefault((tx.pole_id, stored.month), [0, 0])
            row[0] -= 1
            row[1] -= int(stored.overruled)
        low_by_id.pop(tx.transaction_id, None)
        hi = min(until_utc, pole_bounds[-1])
        span = _transaction_span(tx, lo=start, hi=hi, zone=zone, peak=peak)
        month = -1 if span is None else _month_of(pole_bounds, span[0])
        if span is None or month < 0:
            continue
        over = _overrule_counts(tx, span)
        if tx.low_current_vehicle:
            low_by_id[tx.transaction_id] = TallyLow(tx.pole_id, tx.transaction_id, month,
                                                    span[0], over, tx.id_tag)
        else:
            row = tally.setdefault((tx.pole_id, month), [0, 0])
            row[0] += 1
            row[1] += int(over)
    lows_of: dict[str, list[TallyLow]] = {}
    for low in low_by_id.values():
        if bounds[low.pole_id][low.month] < until_utc:
            lows_of.setdefault(low.pole_id, []).append(low)
    # One pass over the months: (pole, subperiod index) → [peak, overruled].
    sums: dict[tuple[str, int], list[int]] = {}
    for (pole, month), (peak_n, over_n) in tally.items():
        if bounds[pole][month] < until_utc:
            total = sums.setdefault((pole, _SUBPERIOD_OF_MONTH[month]), [0, 0])
            total[0] += peak_n
            total[1] += over_n

    reports: list[SubperiodReport] = []
    for pole in sorted(starts):
        pole_bounds = bounds[pole]
        pole_lows = sorted(lows_of.get(pole, []),
                           key=lambda low: (low.first_peak, low.transaction_id))
        for index, (sp, (name, start, end)) in enumerate(zip(
                _SUBPERIODS, _subperiod_bounds(starts[pole].astimezone(UTC), zone),
                strict=True)):
            start_utc, end_utc = pole_bounds[sp.start_months], pole_bounds[sp.end_months]
            if start_utc >= until_utc:
                break
            n_peak, n_over = sums.get((pole, index), (0, 0))
            listed = [item for item in pole_lows
                      if sp.start_months <= item.month < sp.end_months]
            reports.append(SubperiodReport(
                pole_id=pole, name=name, start=start, end=end, complete=end_utc <= until_utc,
                peak_transactions=n_peak, overruled=n_over,
                overruled_percent=None if n_peak == 0 else 100.0 * n_over / n_peak,
                target_percent=sp.target_percent, aim_percent=sp.aim_percent,
                target_met=None if sp.target_percent is None or n_peak == 0
                else n_over * 100 <= sp.target_percent * n_peak,
                low_current_transactions=tuple(item.transaction_id for item in listed),
                low_current_overruled=tuple(LowCurrentOverrule(item.transaction_id,
                                                               item.id_tag)
                                            for item in listed if item.overruled)))
    return reports
