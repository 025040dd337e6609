"""Uptime (eis 48) over the API, from stored connection sessions and status events.

The computation is pure (`service.reports.uptime`); this module only feeds it what the
CSMS stored, so the API and any offline report give the same number. A fleet listing reads
every pole's sessions and status events in a few queries (`fleet_uptime`), not a few per
pole: 10,000 poles must not mean 20,000 queries.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from service.api.uptime_reads import availability_changes, connection_intervals
from service.reports.uptime import (
    ConnectionInterval,
    StatusChange,
    UptimeReport,
    service_downtime,
    uptime,
)
from service.storage.repository import AsyncRepository, Repository, by_pole
from service.storage.service_runs import ServiceRuns, down_windows


def service_restarts(repository: Repository, start: datetime, end: datetime
                     ) -> list[datetime]:
    """When the service came back after being down, between ``start`` and ``end``: the
    poles' sessions its stops ended are not measured until shortly after (eis 48)."""
    runs = ServiceRuns(repository.engine).runs(start - timedelta(days=1), end)
    return [gap.end for gap in down_windows(runs, end)]


def _report(pole_id: str, sessions: Sequence[Any], statuses: Sequence[Any],
            start: datetime, end: datetime, restarts: Sequence[datetime] = ()
            ) -> UptimeReport:
    excluded = service_downtime(
        [(s.started, s.ended, getattr(s, "end_reason", None)) for s in sessions],
        restarts) if restarts else []
    return uptime(
        pole_id,
        [ConnectionInterval(session.started, session.ended) for session in sessions],
        [StatusChange(event.timestamp, event.connector_id, event.status)
         for event in statuses if event.connector_id >= 0],
        start, end, excluded)


async def pole_uptime(repository: AsyncRepository, pole_id: str, start: datetime,
                      end: datetime) -> UptimeReport:
    sessions = await repository.connection_sessions(pole_id, start, end)
    statuses = await repository.status_history(pole_id, start, end)
    restarts = await asyncio.to_thread(service_restarts, repository.sync, start, end)
    return _report(pole_id, sessions, statuses, start, end, restarts)


def uptime_start(registered_at: datetime | None, days: int, end: datetime) -> datetime:
    """The last ``days`` before ``end``, but not before the pole was registered: a pole
    registered an hour ago was not "down" for the month before."""
    start = end - timedelta(days=days)
    return max(start, registered_at) if registered_at is not None else start


async def fleet_uptime(repository: AsyncRepository, poles: Sequence[Any], days: int,
                       end: datetime) -> dict[str, float]:
    """Uptime % of each pole over its `uptime_start`…``end`` (poles registered at ``end``
    or later have none), for the poles list (the Fleet page's uptime column)."""
    registered = [(pole.id, pole.registered_at) for pole in poles]
    return await asyncio.to_thread(fleet_percents, repository.sync, registered, days, end)


def fleet_percents(repository: Repository, poles: Sequence[tuple[str, datetime | None]],
                   days: int, end: datetime) -> dict[str, float]:
    """`fleet_uptime` in one worker thread, from the reads the fleet's uptime report uses
    (`service.api.uptime_reads`): plain rows, and per socket only the events that can change
    availability, the last before the window found through the (pole, connector, time)
    index. Issue 19: reading every event of the month as ORM-free rows but all of them,
    with a full scan for each socket's opening state, took 3–20 s for 2,000 poles."""
    earliest = end - timedelta(days=days)
    sessions = by_pole(connection_intervals(repository, earliest, end))
    statuses = by_pole(availability_changes(repository, earliest, end))
    restarts = service_restarts(repository, earliest, end)
    percents: dict[str, float] = {}
    for pole_id, registered_at in poles:
        start = uptime_start(registered_at, days, end)
        if start < end:
            percents[pole_id] = _report(pole_id, sessions.get(pole_id, []),
                                        statuses.get(pole_id, []), start, end,
                                        restarts).percent
    return percents
