"""Uptime (eis 48) over the API, from stored connection sessions and status events.

The computation is pure (`service.reports.uptime`); this module only feeds it what the
CSMS stored, so the API and any offline report give the same number.
"""

from __future__ import annotations

from datetime import datetime

from service.reports.uptime import ConnectionInterval, StatusChange, UptimeReport, uptime
from service.storage.repository import AsyncRepository


async def pole_uptime(repository: AsyncRepository, pole_id: str, start: datetime,
                      end: datetime) -> UptimeReport:
    sessions = await repository.connection_sessions(pole_id, start, end)
    statuses = await repository.status_history(pole_id, start, end)
    return uptime(
        pole_id,
        [ConnectionInterval(session.started, session.ended) for session in sessions],
        [StatusChange(event.timestamp, event.connector_id, event.status)
         for event in statuses if event.connector_id >= 0],
        start, end)
