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
from service.api.uptime_reads import availability_changes, connection_intervals
from service.reports.compliance import (
    ProgramStart,
    SubperiodReport,
    TransactionRecord,
    compliance_reports,
    to_csv,
    to_json,
)
from service.reports.compliance_tally import reports_from_tally
from service.reports.uptime import UptimeReport, uptime_to_csv, uptime_to_json
from service.storage.compliance_tally import read_tally
from service.storage.models import Pole, Transaction
from service.storage.repository import AsyncRepository, Repository, by_pole

PREFIX = "/api/v1"

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

    From the stored tally (`service.storage.compliance_tally`): per pole and programme
    month a few counts, plus the transactions the tally cannot judge as of ``until`` (still
    running, or stopped after it). A pole whose tally counts from another programme start
    than its current one (the start was just changed) is counted from its transactions by
    the pure function, as every pole was before issue 19.
    """
    programmes = _programme_starts(repository, until)
    if not programmes:
        return []
    with repository.engine.connect() as connection:
        tallied, counts, lows, unsettled = read_tally(connection, programmes, until)
    reports = reports_from_tally(tallied, until, counts, lows, unsettled)
    done = {programme.pole_id for programme in tallied}
    rest = [programme for programme in programmes if programme.pole_id not in done]
    if rest:
        earliest = min(programme.start for programme in rest)
        others = {programme.pole_id for programme in rest}
        reports += compliance_reports(
            [tx for tx in fleet_transactions(repository, earliest, until)
             if tx.pole_id in others], rest, until=until)
        reports.sort(key=lambda report: report.pole_id)
    return reports


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
