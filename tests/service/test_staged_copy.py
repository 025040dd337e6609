"""On PostgreSQL, what a pole may resend goes in through a staging table (issue 20).

Meter samples are COPYed into a temporary table of the writer's connection and moved into
`meter_values` with ``ON CONFLICT DO NOTHING``. The writer keeps its connection for as
long as the service runs, so the staging table must not keep what it once held: before,
each move only marked its rows dead, the table grew by every sample the connection ever
staged, and every later batch scanned all of it (PostgreSQL spent more CPU per sample the
longer the service ran). It is now truncated after a few thousand rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Connection

from service.storage.compiled_writes import StagedCopyStatement
from service.storage.database import create_engine_for, migrate
from service.storage.repository import MeterSample, Repository, execute_grouped
from tests.support import postgres_schema

POLE = "PW-0001"
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
PER_BATCH = 300


@pytest.fixture
def repository() -> Iterator[Repository]:
    with postgres_schema() as url:
        engine = create_engine_for(url)
        migrate(engine)
        repository = Repository(engine)
        repository.upsert_pole(POLE, registered_at=T0)
        yield repository
        engine.dispose()


def _samples(batch: int) -> list[MeterSample]:
    """``PER_BATCH`` samples: three phase currents a second, from ``batch`` hours on."""
    start = T0 + timedelta(hours=batch)
    return [(POLE, 1, None, start + timedelta(seconds=n // 3), "Current.Import",
             f"L{n % 3 + 1}", 16.0 + n, "A", "Sample.Periodic", "Outlet")
            for n in range(PER_BATCH)]


def _store(repository: Repository, connection: Connection, samples: list[MeterSample]
           ) -> None:
    execute_grouped(connection, repository.meter_sample_writes(samples),
                    repository.compiled_writes)


def _staged_bytes(connection: Connection) -> int:
    size = connection.exec_driver_sql(
        "SELECT pg_relation_size('paalwerk_stage_meter_values')").scalar()
    assert isinstance(size, int)
    return size


def _stored(repository: Repository) -> int:
    return len(repository.meter_values(POLE, T0, T0 + timedelta(days=7)))


def test_a_writer_connection_keeps_its_staging_table_small(repository: Repository) -> None:
    batches = 3 * StagedCopyStatement.TRUNCATE_AFTER_ROWS // PER_BATCH
    sizes: list[int] = []
    with repository.engine.connect() as connection:
        for batch in range(batches):  # each committed, as the writer commits its batches
            with connection.begin():
                _store(repository, connection, _samples(batch))
            with connection.begin():
                sizes.append(_staged_bytes(connection))
        with connection.begin():  # every batch resent at once: nothing new
            _store(repository, connection, [row for batch in range(batches)
                                            for row in _samples(batch)])
        with connection.begin():
            sizes.append(_staged_bytes(connection))
    # At most the rows before a truncation and one batch, never all the connection staged.
    one_batch = sizes[0]
    assert 0 < max(sizes) <= one_batch * (
        StagedCopyStatement.TRUNCATE_AFTER_ROWS // PER_BATCH + 2)
    assert sizes[-1] < one_batch * batches
    assert _stored(repository) == batches * PER_BATCH


def test_samples_staged_on_a_connection_in_autocommit_are_stored(
        repository: Repository) -> None:
    """In autocommit the copy is committed before the move: the staged rows must still be
    there for it (a table emptied at every commit would lose them)."""
    with repository.engine.connect().execution_options(
            isolation_level="AUTOCOMMIT") as connection:
        _store(repository, connection, _samples(0))
        _store(repository, connection, _samples(0) + _samples(1))  # one resent, one new
    rows = repository.meter_values(POLE, T0, T0 + timedelta(days=1))
    assert len(rows) == 2 * PER_BATCH
    assert sorted(row.value for row in rows) == sorted(
        sample[6] for sample in _samples(0) + _samples(1))
