"""``/api/v1/…/security-events``: what poles reported with ``SecurityEventNotification``.

A pole tells its back office when it refused an image (a wrong signature or signing
certificate), installed one, or rolled one back (eis 69 security logging); the service
stores each (``security_events``) before it answers, and publishes it on the live feed.
These routes are how an operator (and later the Fleet and Pole views) reads them back:
per pole, or fleet-wide since a moment, newest first. The event type is whatever the
pole said, so new types need no change here.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import AwareDatetime

from pole_link.service_api import SecurityEventRecord
from service.api.routes import PREFIX, ApiError
from service.storage.models import SecurityEvent
from service.storage.repository import AsyncRepository

Since = Annotated[AwareDatetime | None, Query(
    description="only events the service received at or after this moment (ISO-8601 "
                "with offset); the pole's own timestamp may be older")]
Limit = Annotated[int, Query(ge=1, le=1000, description="at most this many, newest first")]


def record_of(row: SecurityEvent) -> SecurityEventRecord:
    """A stored event as the API and the live feed show it."""
    return SecurityEventRecord(row.pole_id, row.type, row.tech_info, row.timestamp,
                               row.received_at, row.id)


def build_security_events_router(repository: AsyncRepository) -> APIRouter:
    """The two reads (mounted behind the operator guard, like every ``/api/v1`` route)."""
    router = APIRouter(prefix=PREFIX, tags=["security events"])

    @router.get("/poles/{pole_id}/security-events")
    async def pole_security_events(pole_id: str, since: Since = None, limit: Limit = 100
                                   ) -> list[dict[str, Any]]:
        """The pole's security events, newest received first: ``type``, ``tech_info``,
        ``timestamp`` (the pole's clock) and ``received_at`` (the service's)."""
        if await repository.get_pole(pole_id) is None:
            raise ApiError(404, "UnknownPole", f"no pole with id {pole_id!r} is registered")
        rows = await repository.security_events(pole_id, since=since, limit=limit)
        return [record_of(row).to_json() for row in rows]

    @router.get("/security-events")
    async def fleet_security_events(since: Since = None, limit: Limit = 100
                                    ) -> list[dict[str, Any]]:
        """Every pole's security events, newest received first (``since`` to catch up)."""
        rows = await repository.security_events(None, since=since, limit=limit)
        return [record_of(row).to_json() for row in rows]

    return router
