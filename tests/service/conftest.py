"""Fixtures shared by the service's tests."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from service.server import RunningService, start_service
from service.storage.database import create_engine_for, migrate
from service.storage.repository import AsyncRepository, Repository
from tests.firmware_support import NOW, Manufacturer
from tests.support import postgres_schema


@pytest.fixture
def manufacturer() -> Manufacturer:
    """A manufacturer whose root the firmware tests' services and poles trust."""
    return Manufacturer.make(NOW, "Demo")


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[RunningService]:
    """A service on a SQLite file with its own token file (a module may define its own)."""
    running = await start_service(f"sqlite:///{tmp_path / 'csms.sqlite'}",
                                  token_file=tmp_path / "tokens")
    yield running
    await running.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[AsyncRepository]:
    """Migrated storage on a SQLite file, and on PostgreSQL when ``$PAALWERK_TEST_PG`` is
    set (a module may define its own ``store``)."""
    with contextlib.ExitStack() as stack:
        url = (f"sqlite:///{tmp_path / 'store.sqlite'}" if request.param == "sqlite"
               else stack.enter_context(postgres_schema()))
        engine = create_engine_for(url)
        migrate(engine)
        yield AsyncRepository(Repository(engine))
        engine.dispose()
