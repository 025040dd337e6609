"""One page of the Locations module's GET-all, selected in SQL: the poles whose
``last_updated`` falls in ``date_from``/``date_to``, in pole-id order, from ``offset`` for
``limit`` — and only those poles' sockets and places read — so a page costs about the same
for a fleet of 1,000 poles or of 10,000 (the Python list of every location it replaces
grew with the fleet).

Pole-id order, not ``last_updated`` order: OCPI asks that the same URL give the same
objects while a client crawls the pages ("best practice: the oldest by creation date, not
the last_updated field, first"); in ``last_updated`` order a socket changing status moves
its location to the end mid-crawl and the client misses one. The id is the primary key,
so the order costs an index walk, not a sort of the fleet.

A location's ``last_updated`` is the latest of its sockets' status changes and the pole's
registration (`service.ocpi.locations.location_of`; the epoch with neither): the same rule
in SQL here, turned inside out so the filter never works out ``last_updated`` per pole.
"Latest ≥ date_from" is "a socket changed at or after it, or the pole was registered at
or after it"; "latest < date_to" is "no socket changed at or after it, and the pole was
not registered at or after it". The sockets' side is one uncorrelated ``IN (…)`` over the
connectors (read once, not once per pole), so a filtered page costs about what an
unfiltered one does; it used a correlated ``max()`` and a ``CASE`` for every pole of the
fleet before filtering, which grew with the fleet.
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


def _changed_since(moment: datetime) -> Any:
    """The poles with a socket (not connector 0, the pole as a whole) whose status changed
    at or after ``moment``: one set, read once."""
    return (select(col(Connector.pole_id))
            .where(col(Connector.connector_id) >= 1, col(Connector.since) >= moment))


def _with_sockets() -> Any:
    return select(col(Connector.pole_id)).where(col(Connector.connector_id) >= 1)


def updated_from(date_from: datetime) -> Any:
    """``last_updated >= date_from``, without working out ``last_updated``."""
    registered = col(Pole.registered_at)
    condition = sa.or_(col(Pole.id).in_(_changed_since(date_from)),
                       registered >= sa.literal(date_from, UTCDateTime))
    if date_from <= EPOCH:  # a pole with neither counts as changed at the epoch
        condition = sa.or_(condition, sa.and_(registered.is_(None),
                                              col(Pole.id).not_in(_with_sockets())))
    return condition


def updated_before(date_to: datetime) -> Any:
    """``last_updated < date_to``, without working out ``last_updated``."""
    registered = col(Pole.registered_at)
    condition = sa.and_(col(Pole.id).not_in(_changed_since(date_to)),
                        sa.or_(registered.is_(None),
                               registered < sa.literal(date_to, UTCDateTime)))
    if date_to <= EPOCH:  # a pole with neither counts as changed at the epoch
        condition = sa.and_(condition, sa.or_(registered.is_not(None),
                                              col(Pole.id).in_(_with_sockets())))
    return condition


def filtered(date_from: datetime | None, date_to: datetime | None) -> Any:
    """The poles whose ``last_updated`` is in ``[date_from, date_to)``, unordered."""
    query = select(Pole)
    if date_from is not None:
        query = query.where(updated_from(date_from))
    if date_to is not None:
        query = query.where(updated_before(date_to))
    return query


def read_page(engine: Engine, offset: int, limit: int, date_from: datetime | None,
              date_to: datetime | None) -> LocationsPage:
    query = filtered(date_from, date_to)
    with storage_errors(engine.url), Session(engine, expire_on_commit=False) as session:
        total = int(session.exec(
            select(sa.func.count()).select_from(query.subquery())).one())
        poles = list(session.exec(query.order_by(col(Pole.id))
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
