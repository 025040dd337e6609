"""One page of the Locations module's GET-all, selected in SQL: the poles whose
``last_updated`` falls in ``date_from``/``date_to``, in (``last_updated``, id) order, from
``offset`` for ``limit`` — and only those poles' sockets and places read — so a page costs
the same for a fleet of 1,000 poles or of 10,000 (the Python list of every location it
replaces grew with the fleet).

A location's ``last_updated`` is the latest of its sockets' status changes and the pole's
registration (`service.ocpi.locations.location_of`): the same rule in SQL here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from service.ocpi.locations import EPOCH
from service.storage.database import storage_errors
from service.storage.models import Connector, Pole, UTCDateTime
from service.storage.pole_locations import PoleLocation


@dataclass(frozen=True)
class LocationsPage:
    """The page's poles in order, with their sockets and places, and how many match."""

    poles: list[Pole]
    connectors: dict[str, list[Connector]]
    places: dict[str, PoleLocation]
    total: int


def _last_updated() -> tuple[Any, Any]:
    """(the subquery of each pole's latest change, the expression of its last_updated)."""
    times = sa.union_all(
        select(col(Connector.pole_id).label("pole_id"), col(Connector.since).label("at"))
        .where(col(Connector.connector_id) >= 1),
        select(col(Pole.id).label("pole_id"), col(Pole.registered_at).label("at"))
        .where(col(Pole.registered_at).is_not(None))).subquery()
    latest = (select(times.c.pole_id, sa.func.max(times.c.at).label("at"))
              .group_by(times.c.pole_id).subquery())
    updated = sa.func.coalesce(latest.c.at, sa.literal(EPOCH, UTCDateTime), type_=UTCDateTime)
    return latest, updated


def read_page(engine: Engine, offset: int, limit: int, date_from: datetime | None,
              date_to: datetime | None) -> LocationsPage:
    latest, updated = _last_updated()
    query = select(Pole).outerjoin(latest, latest.c.pole_id == col(Pole.id))
    if date_from is not None:
        query = query.where(updated >= sa.literal(date_from, UTCDateTime))
    if date_to is not None:
        query = query.where(updated < sa.literal(date_to, UTCDateTime))
    with storage_errors(engine.url), Session(engine, expire_on_commit=False) as session:
        total = int(session.exec(
            select(sa.func.count()).select_from(query.subquery())).one())
        poles = list(session.exec(query.order_by(updated, col(Pole.id))
                                  .offset(offset).limit(limit)).all())
        ids: Sequence[str] = [pole.id for pole in poles]
        connectors: dict[str, list[Connector]] = {}
        places: dict[str, PoleLocation] = {}
        if ids:
            for connector in session.exec(select(Connector).where(
                    col(Connector.pole_id).in_(ids))).all():
                connectors.setdefault(connector.pole_id, []).append(connector)
            places = {place.pole_id: place for place in session.exec(
                select(PoleLocation).where(col(PoleLocation.pole_id).in_(ids))).all()}
    return LocationsPage(poles, connectors, places, total)


async def locations_page(engine: Engine, offset: int, limit: int,
                         date_from: datetime | None, date_to: datetime | None
                         ) -> LocationsPage:
    """`read_page`, off the event loop."""
    return await asyncio.to_thread(read_page, engine, offset, limit, date_from, date_to)
