"""Where each pole stands (issue 19): address, coordinates and grid operator area.

The outage board groups poles by grid operator area (a street losing power shows up as many
poles of one area dropping at once) and the helpdesk sends technicians to an address, so a
location is its own row, one per pole, written by operators (API, CSV import, the GUI) and
read fleet-wide in one query. Apart from `service.storage.repository` like the card register:
one job, synchronous short transactions, awaited through threads.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, select

from service.storage.database import storage_errors
from service.storage.models import _time

LOCATION_FIELDS = ("address", "postcode", "city", "latitude", "longitude", "grid_operator",
                   "area_code")
"""The columns an operator sets, in the order the CSV import and the API use."""


class PoleLocation(SQLModel, table=True):
    """One pole's location; every field optional (a pole may be known only by its area)."""

    __tablename__ = "pole_locations"

    pole_id: str = Field(foreign_key="poles.id", primary_key=True, max_length=64)
    address: str | None = Field(default=None, max_length=200)
    postcode: str | None = Field(default=None, max_length=16)
    city: str | None = Field(default=None, max_length=100)
    latitude: float | None = None
    longitude: float | None = None
    grid_operator: str | None = Field(default=None, max_length=32)
    """The netbeheerder: Enexis, Liander, Coteq, Rendo, Stedin…"""
    area_code: str | None = Field(default=None, max_length=32, index=True)
    """The grid operator's area (e.g. a medium-voltage station): poles in one area lose
    power together."""
    updated_at: datetime = _time()


class LocationRepository:
    """Synchronous storage of pole locations."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def put(self, rows: Sequence[PoleLocation]) -> None:
        """Insert or replace the locations of these poles, in one transaction."""
        if not rows:
            return
        table = PoleLocation.__table__  # type: ignore[attr-defined]
        insert = (postgresql.insert(table) if self.engine.dialect.name == "postgresql"
                  else sqlite.insert(table))
        columns = ("pole_id", *LOCATION_FIELDS, "updated_at")
        statement = insert.on_conflict_do_update(
            index_elements=["pole_id"],
            set_={name: insert.excluded[name] for name in columns[1:]})
        with storage_errors(self.engine.url), self.engine.begin() as connection:
            connection.execute(statement, [{name: getattr(row, name) for name in columns}
                                           for row in rows])

    def get(self, pole_id: str) -> PoleLocation | None:
        with storage_errors(self.engine.url), Session(self.engine,
                                                      expire_on_commit=False) as session:
            return session.get(PoleLocation, pole_id)

    def all(self) -> list[PoleLocation]:
        """Every pole's location, in pole order (the board and the fleet: one query)."""
        with storage_errors(self.engine.url), Session(self.engine,
                                                      expire_on_commit=False) as session:
            return list(session.exec(select(PoleLocation)
                                     .order_by(col(PoleLocation.pole_id))).all())

    def known_poles(self, pole_ids: Sequence[str]) -> set[str]:
        """Which of these ids are registered poles (a location needs its pole)."""
        from service.storage.models import Pole

        found: set[str] = set()
        with storage_errors(self.engine.url), self.engine.connect() as connection:
            table = Pole.__table__  # type: ignore[attr-defined]
            for chunk in range(0, len(pole_ids), 500):
                part = list(pole_ids[chunk:chunk + 500])
                found.update(connection.execute(
                    sa.select(table.c.id).where(table.c.id.in_(part))).scalars())
        return found


class AsyncLocationRepository:
    """:class:`LocationRepository` for the event loop."""

    def __init__(self, sync: LocationRepository) -> None:
        self.sync = sync

    async def put(self, rows: Sequence[PoleLocation]) -> None:
        await asyncio.to_thread(self.sync.put, rows)

    async def get(self, pole_id: str) -> PoleLocation | None:
        return await asyncio.to_thread(self.sync.get, pole_id)

    async def all(self) -> list[PoleLocation]:
        return await asyncio.to_thread(self.sync.all)

    async def known_poles(self, pole_ids: Sequence[str]) -> set[str]:
        return await asyncio.to_thread(self.sync.known_poles, pole_ids)
