"""What a reconnect storm's StartTransactions and StopTransactions cost the storage writer
(issue 20), on SQLite, and on PostgreSQL with ``--db``.

After an outage every pole flushes its queued transactions at once; the writer stores
them in its batches (`service.storage.repository.BatchWriter`), on the thread that shares
the GIL with the event loop answering the poles. What counts is the writer's CPU and how
many statements it runs: every statement run gives the GIL up, and while the loop is
busy each waits up to the 5 ms switch interval to get it back. So this prints, per
round of N transactions handed to the writer at once: the statement runs (SQLite's trace;
on PostgreSQL the driver's executions), the writer batches, wall time and CPU time.

Rounds: N starts; N first stops (each pole's first, so its eis 25/30 tally is counted
for the first time); N starts and N stops again (poles whose tally exists: the steady
case). Every transaction is an evening peak's, so each stop changes its pole's tally.
Run:

    PYTHONPATH=$PWD .venv/bin/python benchmarks/writer_transactions.py --poles 1000
    PYTHONPATH=$PWD .venv/bin/python benchmarks/writer_transactions.py --poles 1000 \\
        --db postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Coroutine
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from service.storage.database import create_engine_for, migrate
from service.storage.repository import AsyncRepository, Repository

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
EVENING = datetime(2026, 3, 2, 16, 30, tzinfo=UTC)
"""17:30 in Amsterdam: peak transactions, each counted in its pole's tally."""


def _counting(engine: sa.Engine) -> list[int]:
    """A counter of statement runs, kept current by the engine's connections."""
    runs = [0]
    if engine.dialect.name == "sqlite":
        @sa.event.listens_for(engine, "connect")
        def trace(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.set_trace_callback(lambda _sql: runs.__setitem__(0, runs[0] + 1))
        engine.dispose()  # connections made from now on are traced
    else:
        @sa.event.listens_for(engine, "before_cursor_execute")
        def count(*_: Any) -> None:
            runs[0] += 1
    return runs


async def _round(name: str, store: AsyncRepository, runs: list[int],
                 calls: list[Coroutine[Any, Any, Any]]) -> list[Any]:
    """``calls`` (not started yet) handed to the writer at once; what they return."""
    runs[0] = 0
    batches = store.writer.batches
    wall, cpu = time.perf_counter(), time.process_time()
    results = await asyncio.gather(*calls)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"  {name:<24} {len(calls):>6} calls  {runs[0]:>7} statement runs  "
          f"{store.writer.batches - batches:>4} batches  {wall * 1000:8.1f} ms wall  "
          f"{cpu * 1000:8.1f} ms CPU  ({cpu / len(calls) * 1e6:6.1f} µs CPU each)")
    return results


async def main(poles: int, db_url: str | None) -> None:
    with tempfile.TemporaryDirectory() as directory:
        engine = create_engine_for(db_url or f"sqlite:///{Path(directory) / 'store.sqlite'}")
        migrate(engine)
        store = AsyncRepository(Repository(engine))
        ids = [f"BENCH-{n:05d}" for n in range(poles)]
        for pole_id in ids:  # registered by their first boot, as in a storm
            await store.pole_booted(pole_id, vendor="Bench", model="B", serial=None,
                                    firmware="1.0", auto_registered=True, at=T0)
        runs = _counting(engine)
        print(f"{poles} poles on {engine.dialect.name}:")
        for round_no, label in enumerate(("first", "again")):
            started = EVENING + timedelta(days=round_no)
            transactions = await _round(f"starts ({label})", store, runs, [
                store.start_transaction(p, 1, "CARD", 0, started) for p in ids])
            await _round(f"stops ({label})", store, runs, [
                store.stop_transaction(t, 9000, started + timedelta(hours=2), "EVDisconnected")
                for t in transactions])
        engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--poles", type=int, default=1000)
    parser.add_argument("--db", help="a PostgreSQL URL (default: SQLite in a temporary file)")
    args = parser.parse_args()
    asyncio.run(main(args.poles, args.db))
