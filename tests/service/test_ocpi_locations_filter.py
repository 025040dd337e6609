"""OCPI Locations filtered by ``date_from``/``date_to`` (eis 61): the filter, moved into SQL
without working out each pole's ``last_updated``, picks exactly the poles the rule picks —
a location's ``last_updated`` is the latest of its sockets' status changes (connector 0,
the pole as a whole, is no socket) and its registration, the epoch with neither — on
SQLite and PostgreSQL, at the window's edges (from inclusive, to exclusive) too."""

from __future__ import annotations

import contextlib
import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from service.ocpi.locations import EPOCH
from service.ocpi.locations_page import filtered, read_page
from service.storage.models import Connector, Pole
from tests.support import postgres_schema, running_service

T = datetime(2026, 12, 4, 12, tzinfo=UTC)
H = timedelta(hours=1)

EDGES: dict[str, tuple[datetime | None, dict[int, datetime]]] = {
    "PW-A": (T - 2 * H, {1: T - H, 2: T + H}),
    "PW-B": (T + H / 2, {1: T - 3 * H}),
    "PW-C": (None, {1: T, 2: T - H}),
    "PW-D": (None, {}),
    "PW-E": (T - 5 * H, {}),
    "PW-F": (T - 5 * H, {0: T + 2 * H}),
    "PW-G": (None, {0: T + H}),
    "PW-H": (T + 2 * H, {1: T + 2 * H}),
}
"""Poles with sockets, without, with only connector 0, without a registration time."""


def fleet() -> dict[str, tuple[datetime | None, dict[int, datetime]]]:
    """The edge cases and 60 poles at random times in the same six hours (seeded)."""
    poles = dict(EDGES)
    rng = random.Random(61)
    for number in range(60):
        moment = lambda: T + timedelta(minutes=rng.randrange(-180, 180, 15))  # noqa: E731
        registered = moment() if rng.random() < 0.8 else None
        sockets = {c: moment() for c in rng.sample([0, 1, 2], rng.randrange(0, 4))}
        poles[f"PW-{number:04d}"] = (registered, sockets)
    return poles


def last_updated(registered: datetime | None, sockets: dict[int, datetime]) -> datetime:
    """The rule, as `service.ocpi.locations.location_of` applies it to one location."""
    times = [since for c, since in sockets.items() if c >= 1]
    if registered is not None:
        times.append(registered)
    return max(times) if times else EPOCH


def store(engine: Engine, poles: dict[str, tuple[datetime | None, dict[int, datetime]]]
          ) -> None:
    with Session(engine) as session:
        session.add_all([Pole(id=pole_id, registered_at=registered)
                         for pole_id, (registered, _s) in poles.items()])
        session.flush()
        session.add_all([Connector(pole_id=pole_id, connector_id=c, status="Available",
                                   since=since)
                         for pole_id, (_r, sockets) in poles.items()
                         for c, since in sockets.items()])
        session.commit()


@pytest.fixture(params=["sqlite", "postgresql"])
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Engine]:
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(postgres_schema()) if request.param == "postgresql" \
            else None
        async with running_service(tmp_path, url) as api:
            yield api.service.repository.engine


FROMS = (None, datetime(1960, 1, 1, tzinfo=UTC), EPOCH, T - H, T, T + H / 2, T + 2 * H)
TOS = (None, datetime(1960, 1, 1, tzinfo=UTC), EPOCH, T, T + H, T + 2 * H, T + 3 * H)


async def test_eis61_a_filtered_page_holds_the_poles_the_last_updated_rule_picks(
        engine: Engine) -> None:
    poles = fleet()
    store(engine, poles)
    updated = {pole_id: last_updated(*row) for pole_id, row in poles.items()}
    for date_from in FROMS:
        for date_to in TOS:
            expected = sorted(p for p, at in updated.items()
                              if (date_from is None or at >= date_from)
                              and (date_to is None or at < date_to))
            page = read_page(engine, 0, 1000, date_from, date_to)
            window = (date_from, date_to)
            assert [pole.id for pole in page.poles] == expected, window
            assert page.total == len(expected), window
            middle = read_page(engine, 2, 3, date_from, date_to)
            assert [pole.id for pole in middle.poles] == expected[2:5], window
            assert middle.total == len(expected), window
            assert {c.pole_id for cs in middle.connectors.values() for c in cs} <= \
                set(expected[2:5]), "only the page's sockets are read"


def test_eis61_the_filter_reads_the_sockets_once_not_once_per_pole() -> None:
    """What makes a filtered page cost what an unfiltered one does (benchmarks/
    ocpi_locations.py measures it): SQLite's plan for the page's count holds no subquery
    run per pole (it worked out every pole's last_updated with correlated ones)."""
    engine = sa.create_engine("sqlite://")
    SQLModel.metadata.create_all(engine, tables=[
        Pole.__table__, Connector.__table__])  # type: ignore[attr-defined]
    count = sa.select(sa.func.count()).select_from(filtered(T, T + H).subquery())
    compiled = count.compile(engine)
    with engine.connect() as db:
        plan = [row[-1] for row in db.exec_driver_sql(
            f"EXPLAIN QUERY PLAN {compiled}",
            tuple("2026-12-04" for _ in compiled.positiontup or ())).all()]
    assert plan and not [step for step in plan if "CORRELATED" in step], plan
