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
    or later have none)."""
    earliest = end - timedelta(days=days)
    sessions = by_pole(await repository.connection_sessions(None, earliest, end))
    statuses = by_pole(await repository.status_history(None, earliest, end))
    restarts = await asyncio.to_thread(service_restarts, repository.sync, earliest, end)
    percents: dict[str, float] = {}
    for pole in poles:
        start = uptime_start(pole.registered_at, days, end)
        if start < end:
            percents[pole.id] = _report(pole.id, sessions.get(pole.id, []),
                                        statuses.get(pole.id, []), start, end,
                                        restarts).percent
    return percents
