"""Group commit: writes of many concurrent callers share a transaction, each caller still
returns only once its own rows are committed, and one bad write fails only its caller."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from service.storage.database import create_engine_for, migrate
from service.storage.repository import AsyncRepository, Repository

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> AsyncRepository:
    engine = create_engine_for(f"sqlite:///{tmp_path / 'batch.sqlite'}")
    migrate(engine)
    return AsyncRepository(Repository(engine))


async def test_concurrent_writes_are_committed_together_before_returning(
        store: AsyncRepository) -> None:
    await store.upsert_pole("PW-0001")
    count = 200

    async def one(i: int) -> None:
        await store.log_message("PW-0001", "in", "Heartbeat", f"id{i}", {}, at=T0)
        # Returned: the row is committed, so a fresh connection sees it.
        assert any(m.unique_id == f"id{i}" for m in store.sync.message_log("PW-0001",
                                                                         limit=count))

    await asyncio.gather(*(one(i) for i in range(count)),
                         store.record_status("PW-0001", 1, "Charging", "NoError", T0),
                         store.pole_seen("PW-0001", T0, connected=True))
    assert len(store.sync.message_log("PW-0001", limit=1000)) == count
    assert store.writer.batches < count  # grouped, not one transaction per message
    assert [c.status for c in store.sync.connectors("PW-0001")] == ["Charging"]
    pole = store.sync.get_pole("PW-0001")
    assert pole is not None and pole.connected


async def test_a_failing_write_fails_only_its_own_caller(store: AsyncRepository) -> None:
    await store.upsert_pole("PW-0001")
    results = await asyncio.gather(
        store.log_message("PW-0001", "in", "Heartbeat", "ok1", {}, at=T0),
        # status_events.pole_id references poles: an unknown pole violates the foreign key
        store.record_status("NO-SUCH-POLE", 1, "Available", "NoError", T0),
        store.log_message("PW-0001", "in", "Heartbeat", "ok2", {}, at=T0),
        return_exceptions=True)
    assert results[0] is None and results[2] is None
    assert isinstance(results[1], Exception)
    assert {m.unique_id for m in store.sync.message_log("PW-0001")} == {"ok1", "ok2"}
    assert store.sync.connectors("NO-SUCH-POLE") == []
