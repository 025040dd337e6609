"""The tender's reports for the whole fleet at once (eis 25, 30, 48): ``/api/v1/reports/…``.

The per-pole routes (``/poles/{id}/compliance``, ``/poles/{id}/uptime``) answer one pole;
the grantor's quarterly evidence and the Reports page need every pole, and 10,000 poles
must not mean 20,000 requests or queries. These routes read the fleet's rows in a few
plain queries and hand them to the same pure functions (`service.reports`), so a pole's
numbers are the same whichever route produced them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import sqlalchemy as sa
from fastapi import APIRouter, Query
from pydantic import AwareDatetime
from starlette.responses import Response

from service.api.errors import ApiError
from service.api.uptime import _report as _uptime_report
from service.api.uptime import service_restarts
from service.reports.compliance import (
    _SUBPERIODS,
    AMSTERDAM,
    PEAK,
    LowCurrentOverrule,
    ProgramStart,
    SubperiodReport,
    TransactionRecord,
    compliance_reports,
    subperiod_bounds,
    to_csv,
    to_json,
)
from service.reports.uptime import UptimeReport, uptime_to_csv, uptime_to_json
from service.storage.models import ConnectionSession, Pole, Transaction
from service.storage.repository import AsyncRepository, Repository, by_pole

PREFIX = "/api/v1"
SUBPERIOD_TARGETS = tuple((sp.target_percent, sp.aim_percent) for sp in _SUBPERIODS)
"""(limit %, aim %) of the baseline and subperiods 2 and 3, as the pure module judges them."""

Start = Annotated[AwareDatetime, Query(description="ISO-8601 with offset, inclusive")]
End = Annotated[AwareDatetime, Query(description="ISO-8601 with offset, exclusive")]
Until = Annotated[AwareDatetime | None, Query(
    description="ISO-8601 with offset: the report as it stood then (default: now)")]
Format = Literal["json", "csv"]


JSON_OR_CSV: dict[int | str, dict[str, Any]] = {200: {"content": {
    "application/json": {}, "text/csv": {"schema": {"type": "string"}}}}}
"""``format=json`` (the default) or ``format=csv``: both are documented answers."""


def _programmes(repository: Repository) -> list[tuple[str, datetime | None, datetime | None]]:
    """``(pole id, programme start, registered at)`` of every pole, by id."""
    table: sa.Table = Pole.__table__  # type: ignore[attr-defined]
    query = sa.select(table.c.id, table.c.programme_start, table.c.registered_at
                      ).order_by(table.c.id)
    with repository.engine.connect() as connection:
        return [(row[0], row[1], row[2]) for row in connection.execute(query)]


def fleet_transactions(repository: Repository, start: datetime, until: datetime
                       ) -> list[TransactionRecord]:
    """Every pole's transactions overlapping ``[start, until)``, as report records, in one
    query of plain rows (ORM objects would cost ten times more for a fleet's year).

    The same approximation as the per-pole route (`service.api.compliance.to_record`):
    StartTransaction is sent once a card was accepted *and* a vehicle connected.
    """
    table: sa.Table = Transaction.__table__  # type: ignore[attr-defined]
    query = (sa.select(table.c.pole_id, table.c.connector_id, table.c.id, table.c.started,
                       table.c.stopped, table.c.overruled_at, table.c.low_current_vehicle,
                       table.c.id_tag)
             .where(table.c.started < until,
                    sa.or_(table.c.stopped.is_(None), table.c.stopped >= start)))
    with repository.engine.connect() as connection:
        return [TransactionRecord(pole_id=row[0], connector_id=row[1], transaction_id=row[2],
                                  authorised_at=row[3], plugged_at=row[3], ended_at=row[4],
                                  overrule_at=row[5], low_current_vehicle=bool(row[6]),
                                  id_tag=row[7])
                for row in connection.execute(query)]


def _programme_starts(repository: Repository, until: datetime) -> list[ProgramStart]:
    """Every pole's programme start (or, as the per-pole route counts, its registration)
    before ``until``; poles without either are left out."""
    programmes = []
    for pole_id, programme, registered in _programmes(repository):
        start = programme or registered
        if start is not None and start < until:
            programmes.append(ProgramStart(pole_id, start))
    return programmes


def fleet_compliance(repository: Repository, until: datetime) -> list[SubperiodReport]:
    """eis 25/30 of every pole with a programme, each subperiod begun by ``until``.

    On PostgreSQL the peak arithmetic runs in the database (`_peak_counts`): a fleet's year
    is millions of transactions, and reading them into Python took minutes. Elsewhere
    (SQLite: one site, a few poles) the pure function reads every transaction.
    """
    programmes = _programme_starts(repository, until)
    if not programmes:
        return []
    if repository.engine.dialect.name == "postgresql":
        return _reports_from_counts(programmes, until, _peak_counts(repository, programmes,
                                                                    until))
    earliest = min(programme.start for programme in programmes)
    return compliance_reports(fleet_transactions(repository, earliest, until), programmes,
                              until=until)


_PEAK_COUNTS = sa.text("""
WITH prog AS (
    SELECT pole_id, b0, hi, CAST(b6 AS timestamp) AS w6,
           CAST(b18 AS timestamp) AS w18
    FROM unnest(CAST(:poles AS text[]), CAST(:b0 AS timestamptz[]),
                CAST(:b6 AS timestamptz[]), CAST(:b18 AS timestamptz[]),
                CAST(:hi AS timestamptz[])) AS p(pole_id, b0, b6, b18, hi)
), peaks AS (
    SELECT t.pole_id, t.id, t.id_tag, t.low_current_vehicle AS low, t.overruled_at,
           p.w6, p.w18, w.le,
        CASE WHEN CAST(w.ls AS time) < CAST(:peak_end AS time)
                 THEN greatest(w.ls, CAST(w.ls AS date) + CAST(:peak_start AS time))
             ELSE CAST(w.ls AS date) + 1 + CAST(:peak_start AS time) END AS first_wall,
        CASE WHEN CAST(w.le AS time) > CAST(:peak_start AS time)
                 THEN least(w.le, CAST(w.le AS date) + CAST(:peak_end AS time))
             ELSE CAST(w.le AS date) - 1 + CAST(:peak_end AS time) END AS last_wall
    FROM transactions t JOIN prog p ON p.pole_id = t.pole_id
    CROSS JOIN LATERAL (
        SELECT greatest(t.started, p.b0) AS s, least(coalesce(t.stopped, p.hi), p.hi) AS e
    ) AS u
    CROSS JOIN LATERAL (
        SELECT CAST(u.s AS timestamp) AS ls, CAST(u.e AS timestamp) AS le
    ) AS w
    WHERE t.started < p.hi AND (t.stopped IS NULL OR t.stopped > p.b0) AND u.s < u.e
), judged AS (
    SELECT pole_id, id, id_tag, low, first_wall,
           CASE WHEN first_wall < w6 THEN 0 WHEN first_wall < w18 THEN 1 ELSE 2 END AS sub,
           overruled_at IS NOT NULL
               AND overruled_at < CAST(last_wall AS timestamptz) AS over
    FROM peaks WHERE first_wall < le
)
SELECT pole_id, sub, CASE WHEN low THEN id END AS low_id,
       count(*) AS n, count(*) FILTER (WHERE over) AS n_over,
       min(id_tag) AS tag, min(first_wall) AS first_wall
FROM judged GROUP BY 1, 2, 3
""")
"""The peak arithmetic of `service.reports.compliance` in SQL, per pole and subperiod.

Exactly that module's definitions: the span ``[max(start, programme), min(stop or hi, hi))``;
its first peak overlap decides the subperiod; overruled when the overrule came before the
end of its last peak overlap. Wall-clock comparisons in Europe/Amsterdam are safe because
the peak's edges (17:00, 21:00) are never inside a daylight-saving jump (02:00–03:00), so
a peak moment's wall clock orders as its instant does (the subperiod bounds, from the pure
`subperiod_bounds`, are compared on the wall clock too). A test runs random histories
(daylight-saving days, 21:00:00 edges) through both paths.

One pass over the transactions, without ordered aggregates, so PostgreSQL can split the
scan and the counting between its workers, and wall clocks through the session's time
zone (a cast; ``AT TIME ZONE 'Europe/Amsterdam'`` looks the zone up for every timestamp,
and the planner repeats the expressions wherever they are used). Issue 19: the former
three materialised steps and ``array_agg(… ORDER BY …)`` took 61–90 s for 4.9 M
transactions on the loaded development machine, this 17–45 s beside it (same reports).
Counted transactions come back as one row per pole and subperiod; low-current vehicles
(eis 30, about 1 in 50) one row each, which `_peak_counts` lists in the pure function's order."""


def _peak_counts(repository: Repository, programmes: Sequence[ProgramStart],
                 until: datetime) -> dict[tuple[str, int], tuple[Any, ...]]:
    """``(pole id, subperiod index) → (peak, overruled, low ids, low-overruled ids, tags)``."""
    columns: dict[str, list[Any]] = {"poles": [], "b0": [], "b6": [], "b18": [], "hi": []}
    for programme in programmes:
        bounds = subperiod_bounds(programme.start, zone=AMSTERDAM)
        columns["poles"].append(programme.pole_id)
        columns["b0"].append(programme.start)
        columns["b6"].append(bounds[1][1])
        columns["b18"].append(bounds[2][1])
        columns["hi"].append(min(until.astimezone(UTC), bounds[2][2].astimezone(UTC)))
    counts: dict[tuple[str, int], tuple[int, int]] = {}
    lows: dict[tuple[str, int], list[tuple[datetime, int, bool, str]]] = {}
    with repository.engine.begin() as connection:
        # Hash the fleet's transactions against the poles rather than loop over an index
        # per pole (the planner cannot count an unnest), and hash the groups rather than
        # sort millions of rows by pole (the planner picks the sort it needs for neither).
        connection.execute(sa.text("SET LOCAL enable_nestloop = off"))
        connection.execute(sa.text("SET LOCAL enable_mergejoin = off"))
        connection.execute(sa.text("SET LOCAL enable_sort = off"))
        connection.execute(sa.text("SET LOCAL work_mem = '128MB'"))
        # Wall clocks through the session's zone: a cast, not a zone looked up by name for
        # each of millions of timestamps.
        connection.execute(sa.text("SELECT set_config('TimeZone', :zone, true)"),
                           {"zone": AMSTERDAM.key})
        rows = connection.execute(_PEAK_COUNTS, {
            **columns, "peak_start": PEAK[0], "peak_end": PEAK[1]})
        for pole_id, sub, low_id, n, n_over, tag, first_wall in rows:
            if low_id is None:
                counts[(pole_id, sub)] = (n, n_over)
            else:
                lows.setdefault((pole_id, sub), []).append((first_wall, low_id, n_over > 0, tag))
    result: dict[tuple[str, int], tuple[Any, ...]] = {}
    for key in counts.keys() | lows.keys():
        n_peak, n_over = counts.get(key, (0, 0))
        low = sorted(lows.get(key, []))
        result[key] = (n_peak, n_over, [item[1] for item in low],
                       [item[1] for item in low if item[2]],
                       [item[3] for item in low if item[2]])
    return result


def _reports_from_counts(programmes: Sequence[ProgramStart], until: datetime,
                         counts: dict[tuple[str, int], tuple[Any, ...]]
                         ) -> list[SubperiodReport]:
    """`SubperiodReport`s as `compliance_report` makes them, from the database's counts
    (without the lists of counted ids, which the fleet's answers leave out)."""
    until_utc = until.astimezone(UTC)
    reports = []
    for programme in sorted(programmes, key=lambda p: p.pole_id):
        bounds = subperiod_bounds(programme.start, zone=AMSTERDAM)
        for index, ((name, start, end), (target, aim)) in enumerate(
                zip(bounds, SUBPERIOD_TARGETS, strict=True)):
            if start.astimezone(UTC) >= until_utc:
                break
            n_peak, n_over, low, low_over, tags = counts.get(
                (programme.pole_id, index), (0, 0, None, None, None))
            reports.append(SubperiodReport(
                pole_id=programme.pole_id, name=name, start=start, end=end,
                complete=end.astimezone(UTC) <= until_utc, peak_transactions=n_peak,
                overruled=n_over,
                overruled_percent=None if n_peak == 0 else 100.0 * n_over / n_peak,
                target_percent=target, aim_percent=aim,
                target_met=None if target is None or n_peak == 0
                else n_over * 100 <= target * n_peak,
                low_current_transactions=tuple(low or ()),
                low_current_overruled=tuple(LowCurrentOverrule(i, tag) for i, tag in zip(
                    low_over or (), tags or (), strict=True))))
    return reports


_EVENT = "e.pole_id, e.connector_id, e.timestamp, e.status, e.id FROM status_events e"
_AVAILABILITY_CHANGES = sa.text(f"""
SELECT pole_id, connector_id, timestamp, status FROM (
    SELECT o.* FROM connectors c CROSS JOIN LATERAL (
        SELECT {_EVENT} WHERE e.pole_id = c.pole_id AND e.connector_id = c.connector_id
          AND e.timestamp < :start ORDER BY e.timestamp DESC, e.id DESC LIMIT 1) o
    WHERE c.connector_id >= 0
  UNION ALL
    SELECT f.* FROM connectors c CROSS JOIN LATERAL (
        SELECT {_EVENT} WHERE e.pole_id = c.pole_id AND e.connector_id = c.connector_id
          AND e.timestamp >= :start AND e.timestamp < :end
        ORDER BY e.timestamp, e.id LIMIT 1) f
    WHERE c.connector_id >= 0
  UNION ALL
    SELECT n.pole_id, n.connector_id, n.timestamp, n.status, n.id FROM status_events n
    WHERE n.status IN ('Unavailable', 'Faulted') AND n.timestamp >= :start
      AND n.timestamp < :end AND n.connector_id >= 0
  UNION ALL
    SELECT a.* FROM status_events n CROSS JOIN LATERAL (
        SELECT {_EVENT} WHERE e.pole_id = n.pole_id AND e.connector_id = n.connector_id
          AND (e.timestamp, e.id) > (n.timestamp, n.id) AND e.timestamp < :end
        ORDER BY e.timestamp, e.id LIMIT 1) a
    WHERE n.status IN ('Unavailable', 'Faulted') AND n.timestamp >= :start
      AND n.timestamp < :end AND n.connector_id >= 0
) AS kept ORDER BY pole_id, timestamp, id
""")


def availability_changes(repository: Repository, start: datetime, end: datetime
                         ) -> list[Any]:
    """Every pole's status events that can change its eis 48 availability, oldest first per
    pole (ties in time in the order of the events' ids): per socket the last one before
    ``start`` (the state the period opens with) and its first in ``[start, end)`` (from
    when it is known, or after a not-available opening), then every Unavailable or
    Faulted event and the event after each.

    Uptime depends on nothing more (`service.reports.uptime`: a socket is available unless
    Unavailable or Faulted), and every event left out follows an available one with another
    available status, so it changes nothing. A fleet's year of Preparing → Charging →
    Finishing is tens of millions of rows; this reads a few per socket, found through the
    (socket, time) index of migration 0016r and the partial ``ix_status_events_notable``
    (migration 0015; 0021 dropped the narrower one it made redundant). The sockets are those of
    the ``connectors`` table, which every StatusNotification the CSMS stores upserts
    (`Repository.record_status`). SQLite (one site, a few poles) reads every event
    (`Repository.status_history`).
    """
    if repository.engine.dialect.name != "postgresql":
        return list(repository.status_history(None, start, end))
    with repository.engine.connect() as connection:
        return list(connection.execute(_AVAILABILITY_CHANGES, {"start": start, "end": end}))


def connection_intervals(repository: Repository, start: datetime, end: datetime
                         ) -> list[Any]:
    """Every pole's connection sessions overlapping ``[start, end)`` as plain rows
    (``pole_id``, ``started``, ``ended``): `Repository.connection_sessions` without the
    ORM objects, which cost seconds for a fleet's year of sessions."""
    table: sa.Table = ConnectionSession.__table__  # type: ignore[attr-defined]
    query = (sa.select(table.c.pole_id, table.c.started, table.c.ended, table.c.end_reason)
             .where(table.c.started < end,
                    sa.or_(table.c.ended.is_(None), table.c.ended > start))
             .order_by(table.c.started))
    with repository.engine.connect() as connection:
        return list(connection.execute(query))


def fleet_uptime(repository: Repository, start: datetime, end: datetime
                 ) -> list[UptimeReport]:
    """eis 48 of every pole over ``[start, end)``, from its registration if that is later
    (a pole registered in June was not "down" in March); poles registered at ``end`` or
    later have no report. Four queries for the whole fleet."""
    sessions = by_pole(connection_intervals(repository, start, end))
    statuses = by_pole(availability_changes(repository, start, end))
    restarts = service_restarts(repository, start, end)
    reports = []
    for pole_id, _programme, registered in _programmes(repository):
        begin = max(start, registered) if registered is not None else start
        if begin < end:
            reports.append(_uptime_report(pole_id, sessions.get(pole_id, []),
                                          statuses.get(pole_id, []), begin, end,
                                          restarts))
    return reports


def _summary_json(reports: Sequence[SubperiodReport]) -> list[dict[str, object]]:
    """`to_json` without the traced transaction ids: a fleet's year has millions of them,
    and the per-pole route gives them for the pole one wants to trace."""
    rows = to_json(reports)
    for row in rows:
        del row["peak_transaction_ids"], row["overruled_transaction_ids"]
    return rows


def build_reports_router(repository: AsyncRepository, clock: Callable[[], datetime]
                         ) -> APIRouter:
    router = APIRouter(prefix=PREFIX)

    @router.get("/reports/compliance", response_model=None, responses=JSON_OR_CSV)
    async def compliance(until: Until = None, format: Format = "json"
                         ) -> Response | list[dict[str, object]]:
        """eis 25/30 of every pole and subperiod (as ``/poles/{id}/compliance``, without the
        lists of counted transaction ids in JSON), sorted by pole id."""
        moment = until or clock().astimezone(UTC)
        reports = await asyncio.to_thread(fleet_compliance, repository.sync, moment)
        if format == "csv":
            return Response(to_csv(reports), media_type="text/csv")
        return _summary_json(reports)

    @router.get("/reports/uptime", response_model=None, responses=JSON_OR_CSV)
    async def uptime(start: Start, end: End, format: Format = "json"
                     ) -> Response | list[dict[str, object]]:
        """eis 48 of every pole over ``[start, end)`` (from its registration if later)."""
        if not start < end:
            raise ApiError(422, "InvalidRequest", "end must be after start")
        reports = await asyncio.to_thread(fleet_uptime, repository.sync, start, end)
        if format == "csv":
            return Response(uptime_to_csv(reports), media_type="text/csv")
        return uptime_to_json(reports)

    return router


__all__ = ["build_reports_router", "fleet_compliance", "fleet_transactions", "fleet_uptime"]
