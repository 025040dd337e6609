"""A group's energy for ``update_group_measurements``: the sum of its sockets' latest
``Energy.Active.Import.Register`` readings (eis 56), read where the CSMS stored them."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlmodel import Session, col, select

from service.storage.models import MeterValue
from service.storage.repository import Repository

ENERGY = "Energy.Active.Import.Register"


def latest_energy(repository: Repository, pole_ids: list[str]
                  ) -> tuple[float, datetime] | None:
    """(Wh summed over every socket of ``pole_ids``, the newest reading's time), or None
    when none of them has reported energy yet."""
    total, newest = 0.0, None
    with Session(repository.engine) as session:
        for pole_id in pole_ids:
            connectors = session.exec(
                select(MeterValue.connector_id).where(MeterValue.pole_id == pole_id,
                                                      MeterValue.measurand == ENERGY)
                .distinct()).all()
            for connector_id in connectors:
                row = session.exec(
                    select(MeterValue).where(MeterValue.pole_id == pole_id,
                                             MeterValue.connector_id == connector_id,
                                             MeterValue.measurand == ENERGY)
                    .order_by(col(MeterValue.timestamp).desc(), col(MeterValue.id).desc())
                    .limit(1)).first()
                if row is None:
                    continue
                total += row.value * (1000.0 if (row.unit or "").lower() == "kwh" else 1.0)
                newest = row.timestamp if newest is None else max(newest, row.timestamp)
    return None if newest is None else (total, newest)


Reading = tuple[float, datetime] | None


def energy_source(repository: Repository) -> Callable[[list[str]], Awaitable[Reading]]:
    async def read(pole_ids: list[str]) -> tuple[float, datetime] | None:
        return await asyncio.to_thread(latest_energy, repository, pole_ids)

    return read
