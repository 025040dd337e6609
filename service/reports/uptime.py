"""Uptime per pole per period (eis 48): connected to the CSMS *and* available for charging.

**The service's own downtime** (decision, issue 19): a pole cannot reconnect to a CSMS
that is down, so when the service stops, the stretch from a connected pole's last contact
until it reconnects — at most `SERVICE_RESTART_GRACE` after the service is back — is
*not measured* for that pole: left out of the period, neither up nor down
(`service_downtime` finds it, ``excluded`` takes it out). The back office's outage is the
operator's to report, not the pole's to carry; a pole still dark after the grace is down
from then on.

eis 48 asks for 98 % per year and asks that it be measured and reported; SPEC "Decisions:
Uptime" makes a pole "up" only when both hold, so a pole that is online but broken, or
working but unreachable, is down. The CSMS feeds this module the pole's WebSocket
connection intervals and its StatusNotification history; everything is computed in exact
microseconds on UTC instants, so daylight-saving months come out right (March 2026 in
Amsterdam has 743 hours).

**Available for charging** (a two-socket pole, eis 16), at an instant:

* connector 0 (the pole as a whole) is not ``Unavailable`` or ``Faulted``, *and*
* at least one socket (connector >= 1) has a known status that is not ``Unavailable`` or
  ``Faulted``.

So one faulted socket leaves the pole available (a driver can still charge on the other
one), and an occupied socket (``Charging``, ``SuspendedEV``, ``Finishing``...) counts as
available: uptime measures the service, not vacancy. ``Reserved`` counts as available too.
Connector 0 that never reported does not block, because its status only describes the
pole as a whole and some firmware never sends it; a socket that never reported is not
available, because nothing shows it works.

**Status at the start of the period:** the last change at or before ``start`` for each
connector; with none, the connector's status is unknown until its first change in the
period. While no socket status is known the pole counts as not available (reported
separately as ``status_unknown_seconds`` so that "no data" is visible, not hidden in
"down"). Changes with the same timestamp apply in the order given. The last known status
persists through disconnections; it does not matter there, because up needs connected too.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

UPTIME_TARGET_PERCENT = 98
"""eis 48: connected and available at least 98 % of the time."""

CHARGE_POINT_STATUSES = frozenset(
    {
        "Available",
        "Preparing",
        "Charging",
        "SuspendedEVSE",
        "SuspendedEV",
        "Finishing",
        "Reserved",
        "Unavailable",
        "Faulted",
    }
)
"""OCPP 1.6 ChargePointStatus values."""

NOT_AVAILABLE = frozenset({"Unavailable", "Faulted"})

_US = timedelta(microseconds=1)
SERVICE_STOPPED = "service-stopped"
"""A session's end reason when the service stopped while the pole was connected."""
SERVICE_RESTART_GRACE = timedelta(minutes=15)
"""How long after the service is back a pole that was connected is *reconnecting*, not
down: its backoff is at most 30 s, so the whole fleet is back well within it."""


@dataclass(frozen=True)
class ConnectionInterval:
    """One OCPP WebSocket session of the pole; ``end`` ``None`` while still connected."""

    start: datetime
    end: datetime | None


@dataclass(frozen=True)
class StatusChange:
    """A StatusNotification: ``connector_id`` 0 is the pole, 1 and 2 the sockets."""

    at: datetime
    connector_id: int
    status: str


@dataclass(frozen=True)
class UptimeReport:
    """Seconds of the period ``[start, end)`` in each state, and the eis 48 verdict."""

    pole_id: str
    start: datetime
    end: datetime
    period_seconds: float
    connected_seconds: float
    available_seconds: float
    up_seconds: float
    """Connected and available at the same time: what eis 48 counts."""
    status_unknown_seconds: float
    """No socket status known yet (counted as not available)."""
    percent: float
    """``100 * up_seconds / period_seconds``."""
    meets_98: bool
    """``percent >= 98``, decided on exact microseconds."""


def _require_aware(value: datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got naive {value.isoformat()}")


Interval = tuple[datetime, datetime]


def _merge(intervals: list[Interval]) -> list[Interval]:
    """Sorted, non-overlapping union of half-open intervals (empty ones dropped)."""
    merged: list[Interval] = []
    for lo, hi in sorted(i for i in intervals if i[0] < i[1]):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def _length(intervals: Sequence[Interval]) -> int:
    return sum(((hi - lo) // _US for lo, hi in intervals), 0)


def _intersect(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    """The intervals in both unions; ``a`` and ``b`` sorted and non-overlapping."""
    both: list[Interval] = []
    i, j = 0, 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if lo < hi:
            both.append((lo, hi))
        if a[i][1] <= b[j][1]:
            i += 1
        else:
            j += 1
    return both


def _intersection_length(a: Sequence[Interval], b: Sequence[Interval]) -> int:
    """Microseconds in both unions; ``a`` and ``b`` sorted and non-overlapping."""
    return _length(_intersect(a, b))


def _outside(excluded: Sequence[Interval], lo: datetime, hi: datetime) -> list[Interval]:
    """``[lo, hi)`` without the excluded intervals."""
    kept: list[Interval] = []
    cursor = lo
    for a, b in _merge([(max(lo, a.astimezone(UTC)), min(hi, b.astimezone(UTC)))
                        for a, b in excluded]):
        if a > cursor:
            kept.append((cursor, a))
        cursor = max(cursor, b)
    if cursor < hi:
        kept.append((cursor, hi))
    return kept


def service_downtime(sessions: Sequence[tuple[datetime, datetime | None, str | None]],
                     restarts: Sequence[datetime],
                     grace: timedelta = SERVICE_RESTART_GRACE) -> list[Interval]:
    """The stretches of one pole not to measure because the service was down: from each
    session the service's stop ended (``(started, ended, end_reason)``) to the pole's
    next session, but no later than `grace` after the service's next ``restarts``. With
    no restart known after it (storage older than the service's runs), nothing."""
    ordered = sorted(sessions, key=lambda s: s[0])
    back = sorted(restarts)
    gaps: list[Interval] = []
    for i, (_started, ended, reason) in enumerate(ordered):
        if ended is None or reason != SERVICE_STOPPED:
            continue
        restart = next((r for r in back if r >= ended), None)
        if restart is None:
            continue
        until = restart + grace
        later = [s[0] for s in ordered[i + 1:] if s[0] >= ended]
        if later:
            until = min(until, min(later))
        if ended < until:
            gaps.append((ended, until))
    return gaps


def _available(state: dict[int, str]) -> bool:
    if state.get(0) in NOT_AVAILABLE:
        return False
    return any(status not in NOT_AVAILABLE for conn, status in state.items() if conn >= 1)


def _status_intervals(
    statuses: Sequence[StatusChange], start: datetime, end: datetime
) -> tuple[list[Interval], list[Interval]]:
    """Intervals of the period that are available, and those with no socket status known."""
    changes = sorted(statuses, key=lambda c: c.at.astimezone(UTC))  # stable: same-instant order
    state: dict[int, str] = {}
    available: list[Interval] = []
    unknown: list[Interval] = []
    cursor = start

    def close(until: datetime) -> None:
        if _available(state):
            available.append((cursor, until))
        if not any(conn >= 1 for conn in state):
            unknown.append((cursor, until))

    for change in changes:
        at = change.at.astimezone(UTC)
        if at >= end:
            break
        if at > cursor:
            close(at)
            cursor = at
        state[change.connector_id] = change.status
    close(end)
    return _merge(available), _merge(unknown)


def uptime(
    pole_id: str,
    connections: Sequence[ConnectionInterval],
    statuses: Sequence[StatusChange],
    start: datetime,
    end: datetime,
    excluded: Sequence[Interval] = (),
) -> UptimeReport:
    """Uptime of one pole over ``[start, end)`` (eis 48), see the module docstring.

    ``connections`` may overlap (a reconnect logged before the old socket closed) and may
    reach outside the period; ``statuses`` may include changes before ``start`` to give
    the initial state. ``excluded``: stretches not measured (`service_downtime`), left
    out of the period and of every figure.
    """
    _require_aware(start, "start")
    _require_aware(end, "end")
    lo, hi = start.astimezone(UTC), end.astimezone(UTC)
    if not lo < hi:
        raise ValueError(f"period end {end.isoformat()} must be after start {start.isoformat()}")
    raw: list[Interval] = []
    for c in connections:
        _require_aware(c.start, f"pole {pole_id!r}: connection start")
        if c.end is not None:
            _require_aware(c.end, f"pole {pole_id!r}: connection end")
            if c.end < c.start:
                raise ValueError(
                    f"pole {pole_id!r}: connection ends {c.end.isoformat()} "
                    f"before it starts {c.start.isoformat()}"
                )
        c_end = hi if c.end is None else c.end.astimezone(UTC)
        raw.append((max(lo, c.start.astimezone(UTC)), min(hi, c_end)))
    for s in statuses:
        _require_aware(s.at, f"pole {pole_id!r}: status change")
        if s.connector_id < 0:
            raise ValueError(f"pole {pole_id!r}: connector id {s.connector_id} is negative")
        if s.status not in CHARGE_POINT_STATUSES:
            raise ValueError(f"pole {pole_id!r}: {s.status!r} is not an OCPP 1.6 ChargePointStatus")
    kept = _outside(excluded, lo, hi)
    connected = _intersect(_merge(raw), kept)
    available, unknown = (_intersect(part, kept) for part in _status_intervals(statuses, lo, hi))
    period_us = _length(kept)
    up_us = _intersection_length(connected, available)
    return UptimeReport(
        pole_id=pole_id,
        start=start,
        end=end,
        period_seconds=period_us / 1e6,
        connected_seconds=_length(connected) / 1e6,
        available_seconds=_length(available) / 1e6,
        up_seconds=up_us / 1e6,
        status_unknown_seconds=_length(unknown) / 1e6,
        # nothing measured (the service was down all along): nothing held against the pole
        percent=100.0 * up_us / period_us if period_us else 100.0,
        meets_98=up_us * 100 >= UPTIME_TARGET_PERCENT * period_us,
    )


def uptime_to_json(reports: Sequence[UptimeReport]) -> list[dict[str, object]]:
    """JSON-ready dicts; times as given (ISO 8601), exact percentages."""
    return [
        {
            "pole_id": r.pole_id,
            "start": r.start.isoformat(),
            "end": r.end.isoformat(),
            "period_seconds": r.period_seconds,
            "connected_seconds": r.connected_seconds,
            "available_seconds": r.available_seconds,
            "up_seconds": r.up_seconds,
            "status_unknown_seconds": r.status_unknown_seconds,
            "percent": r.percent,
            "meets_98": r.meets_98,
        }
        for r in reports
    ]


def _seconds(value: float) -> str:
    """Plain decimal seconds, no exponent, no trailing zeros (``2592000``, ``0.5``)."""
    return f"{value:.6f}".rstrip("0").rstrip(".")


def uptime_to_csv(reports: Sequence[UptimeReport]) -> str:
    """One row per pole x period; percent with two decimals (98 % sits close to the line)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        (
            "pole_id",
            "start",
            "end",
            "period_seconds",
            "connected_seconds",
            "available_seconds",
            "up_seconds",
            "status_unknown_seconds",
            "percent",
            "meets_98",
        )
    )
    for r in reports:
        writer.writerow(
            (
                r.pole_id,
                r.start.isoformat(),
                r.end.isoformat(),
                _seconds(r.period_seconds),
                _seconds(r.connected_seconds),
                _seconds(r.available_seconds),
                _seconds(r.up_seconds),
                _seconds(r.status_unknown_seconds),
                f"{r.percent:.2f}",
                "yes" if r.meets_98 else "no",
            )
        )
    return out.getvalue()
