"""The poles list's uptime column (`service.api.uptime.fleet_uptime`, the Fleet page) reads
only the status events that can change availability, through the (pole, connector, time)
index (issue 19). It must give exactly the pure function's figure (eis 48) for every pole,
on SQLite and PostgreSQL: random histories, a socket whose last report before the window
is half a year old, a pole registered inside the window, a pole registered at the end
(no figure), and a stretch the service was down (left out, ``excluded=``)."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from service.api.uptime import fleet_uptime, service_restarts, uptime_start
from service.reports.compliance import AMSTERDAM
from service.reports.uptime import (
    SERVICE_STOPPED,
    ConnectionInterval,
    StatusChange,
    service_downtime,
    uptime,
)
from service.storage.database import create_engine_for, migrate
from service.storage.models import ConnectionSession, Connector, StatusEvent
from service.storage.repository import AsyncRepository, Repository
from service.storage.service_runs import ServiceRuns
from tests.service.reports_support import register
from tests.support import postgres_schema

END = datetime(2026, 4, 2, 9, 30, tzinfo=AMSTERDAM)  # the window spans the March DST change
DAYS = 30
EARLIEST = END - timedelta(days=DAYS)
SERVICE_DOWN = (EARLIEST + timedelta(days=12), EARLIEST + timedelta(days=12, hours=3))
STATUSES = ["Available", "Charging", "Preparing", "Faulted", "Unavailable", "Finishing"]


@pytest.fixture(params=["sqlite", "postgresql"])
def repository(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Repository]:
    with ExitStack() as stack:
        url = (f"sqlite:///{tmp_path / 'poles.sqlite'}" if request.param == "sqlite"
               else stack.enter_context(postgres_schema()))
        engine = create_engine_for(url)
        migrate(engine)
        yield Repository(engine)
        engine.dispose()


def random_statuses(rng: random.Random, since: datetime, until: datetime
                    ) -> list[StatusChange]:
    """Status reports of connectors 0–2 between ``since`` and ``until``, one per socket
    per moment (a repeat is stored once, issue 20)."""
    changes: list[StatusChange] = []
    reported: set[tuple[datetime, int]] = set()
    moment = since
    while moment < until:
        connector = rng.choice([0, 1, 2])
        if (moment, connector) not in reported:
            reported.add((moment, connector))
            changes.append(StatusChange(moment, connector, rng.choice(STATUSES)))
        moment += timedelta(minutes=rng.choice([0, 0, 7, 60, 300, 1800]))
    return changes


def random_sessions(rng: random.Random, since: datetime) -> list[tuple[datetime, datetime | None,
                                                                      str | None]]:
    """(started, ended, end_reason): gaps between sessions, the service's stop ending the
    one it cut, and the last still open."""
    sessions: list[tuple[datetime, datetime | None, str | None]] = []
    moment = since
    while moment < END - timedelta(days=2):
        ended = moment + timedelta(hours=rng.randrange(1, 200))
        reason = None
        if moment < SERVICE_DOWN[0] < ended:
            ended, reason = SERVICE_DOWN[0], SERVICE_STOPPED
        sessions.append((moment, ended, reason))
        moment = ended + timedelta(minutes=rng.choice([1, 5, 40, 600]))
        if reason == SERVICE_STOPPED:
            moment = SERVICE_DOWN[1] + timedelta(seconds=rng.choice([20, 40]))
    sessions.append((moment, None, None))
    return sessions


def store(repository: Repository, pole_id: str,
          sessions: list[tuple[datetime, datetime | None, str | None]],
          statuses: list[StatusChange]) -> None:
    with repository.engine.begin() as connection:
        connection.execute(sa.insert(ConnectionSession.__table__), [  # type: ignore[attr-defined]
            {"pole_id": pole_id, "started": s, "ended": e, "end_reason": r}
            for s, e, r in sessions])
        connection.execute(sa.insert(StatusEvent.__table__), [  # type: ignore[attr-defined]
            {"pole_id": pole_id, "connector_id": s.connector_id, "status": s.status,
             "error_code": "NoError", "timestamp": s.at} for s in statuses])
        latest = {s.connector_id: s for s in sorted(statuses, key=lambda s: s.at)}
        connection.execute(sa.insert(Connector.__table__), [  # type: ignore[attr-defined]
            {"pole_id": pole_id, "connector_id": s.connector_id, "status": s.status,
             "error_code": "NoError", "since": s.at} for s in latest.values()])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_eis48_poles_list_uptime_equals_the_pure_function(repository: Repository,
                                                          seed: int) -> None:
    rng = random.Random(seed)
    runs = ServiceRuns(repository.engine)
    first = runs.started(EARLIEST - timedelta(days=60))
    runs.stopped(first, SERVICE_DOWN[0])
    runs.started(SERVICE_DOWN[1])
    restarts = service_restarts(repository, EARLIEST, END)
    assert restarts == [SERVICE_DOWN[1]]

    long_ago = EARLIEST - timedelta(days=180)
    registered = {
        "PL-OLD": datetime(2025, 1, 1, tzinfo=UTC),
        "PL-QUIET": datetime(2025, 1, 1, tzinfo=UTC),
        "PL-NEW": EARLIEST + timedelta(days=9, hours=rng.randrange(24)),
        "PL-LATE": END,
    }
    histories = {
        # socket 2's last report before the window is half a year old
        "PL-OLD": ([StatusChange(long_ago, 2, rng.choice(["Available", "Faulted"]))]
                   + [s for s in random_statuses(rng, EARLIEST - timedelta(days=4), END)
                      if s.connector_id != 2]),
        # nothing reported inside the window: the opening state holds all month
        "PL-QUIET": [StatusChange(long_ago, 0, "Available"),
                     StatusChange(long_ago + timedelta(days=1), 1, "Charging"),
                     StatusChange(long_ago + timedelta(days=2), 1, "Faulted"),
                     StatusChange(long_ago + timedelta(days=2), 2, "Available")],
        # events before its registration (a pole tried at the depot) give its opening state
        "PL-NEW": random_statuses(rng, EARLIEST + timedelta(days=2), END),
        "PL-LATE": random_statuses(rng, END - timedelta(days=1), END),
    }
    expected: dict[str, float] = {}
    left_out = []
    for pole_id, statuses in histories.items():
        register(repository, pole_id, registered_at=registered[pole_id])
        sessions = random_sessions(rng, EARLIEST - timedelta(days=3))
        store(repository, pole_id, sessions, statuses)
        start = uptime_start(registered[pole_id], DAYS, END)
        left_out += service_downtime(sessions, restarts)
        if start < END:
            expected[pole_id] = uptime(
                pole_id, [ConnectionInterval(s, e) for s, e, _ in sessions], statuses,
                start, END, service_downtime(sessions, restarts)).percent

    poles = [type("Pole", (), {"id": pole_id, "registered_at": at})()
             for pole_id, at in registered.items()]
    percents = asyncio.run(fleet_uptime(AsyncRepository(repository), poles, DAYS, END))
    assert percents == expected
    assert "PL-LATE" not in percents
    assert len(set(percents.values())) > 1
    assert left_out  # the service's downtime was there to leave out
