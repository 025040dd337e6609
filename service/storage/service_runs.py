"""The service's own runs: when it started, when it was last alive, when it stopped.

A pole cannot reconnect to a service that is down, so the service's downtime is not the
pole's outage (issue 19, eis 48). To tell them apart the service keeps a row per run of
a process — written at start, touched every `ALIVE_EVERY` while it runs, closed at a
clean stop — and a crash leaves ``last_alive`` as the best guess of when it went. The
outage board reads the runs to know when the service came back (`restart_at`): a pole
dark since the service stopped is *reconnecting* until a grace after that, not offline.

One job, synchronous short transactions awaited through threads (as the card register).
Several processes of one service (``--workers``) each keep their own row; their runs
overlap, and `restart_at` takes the union.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Field, SQLModel

from service.storage.database import storage_errors
from service.storage.models import _time

ALIVE_EVERY = timedelta(seconds=60)
"""How often a running service notes it is alive: a crash is then placed within a
minute, well inside the board's 15-minute grace."""


class ServiceRun(SQLModel, table=True):
    """One run of one service process."""

    __tablename__ = "service_runs"

    id: int | None = Field(default=None, primary_key=True)
    started: datetime = _time()
    last_alive: datetime = _time()
    stopped: datetime | None = _time(nullable=True)
    """Set by a clean stop; None while running or after a crash."""


@dataclass(frozen=True)
class Run:
    """A stretch the service was up: ``end`` its stop, or its last sign of life."""

    start: datetime
    end: datetime


def _table() -> sa.Table:
    table: sa.Table = ServiceRun.__table__  # type: ignore[attr-defined]
    return table


class ServiceRuns:
    """Synchronous storage of the service's runs."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def started(self, at: datetime) -> int:
        """A new run begins at ``at``; its id for `alive` and `stopped`."""
        with storage_errors(self.engine.url), self.engine.begin() as db:
            result = db.execute(sa.insert(_table()).values(started=at, last_alive=at))
            key = result.inserted_primary_key
            return int(key[0]) if key is not None else 0

    def alive(self, run_id: int, at: datetime) -> None:
        with storage_errors(self.engine.url), self.engine.begin() as db:
            db.execute(sa.update(_table()).where(_table().c.id == run_id)
                       .values(last_alive=at))

    def stopped(self, run_id: int, at: datetime) -> None:
        with storage_errors(self.engine.url), self.engine.begin() as db:
            db.execute(sa.update(_table()).where(_table().c.id == run_id)
                       .values(last_alive=at, stopped=at))

    def runs(self, since: datetime, until: datetime) -> list[Run]:
        """Runs overlapping ``[since, until]``, oldest first."""
        table = _table()
        end = sa.func.coalesce(table.c.stopped, table.c.last_alive)
        with storage_errors(self.engine.url), self.engine.connect() as db:
            rows = db.execute(sa.select(table.c.started, end.label("end"))
                              .where(table.c.started <= until, end >= since)
                              .order_by(table.c.started)).all()
        return [Run(row.started, max(row.started, row.end)) for row in rows]


def restart_at(runs: Sequence[Run], now: datetime, *,
               slack: timedelta = ALIVE_EVERY * 2) -> datetime | None:
    """When the service came back up, if it was ever down: the start of the stretch of
    overlapping runs that reaches ``now`` (a run counts as reaching a moment up to
    ``slack`` after its last sign of life, since it notes that only every minute).
    None when no earlier run is known (a first start: nothing was down)."""
    stretch: Run | None = None
    earlier = False
    for run in sorted(runs, key=lambda r: r.start):
        if run.start > now:
            break
        if stretch is not None and run.start <= stretch.end + slack:
            stretch = Run(stretch.start, max(stretch.end, run.end))
        else:
            earlier = earlier or stretch is not None
            stretch = run
    if stretch is None or not earlier:
        return None
    return stretch.start


def down_windows(runs: Sequence[Run], until: datetime, *,
                 slack: timedelta = ALIVE_EVERY * 2) -> list[Run]:
    """The gaps between stretches of runs before ``until``: when the service was down."""
    gaps: list[Run] = []
    stretch: Run | None = None
    for run in sorted(runs, key=lambda r: r.start):
        if run.start > until:
            break
        if stretch is not None and run.start <= stretch.end + slack:
            stretch = Run(stretch.start, max(stretch.end, run.end))
            continue
        if stretch is not None:
            gaps.append(Run(stretch.end, run.start))
        stretch = run
    return gaps
