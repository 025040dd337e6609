"""What a reconnect storm's insert order costs SQLite, and what sorting it first would save
(issue 20).

In a storm every pole flushes its day of readings at once, so the storage writer's batches
hold a few samples and log lines of thousands of poles. The meter samples' unique key and
the message log's indexes all begin with the pole: each batch then touches a different
leaf page of each index for nearly every row, reads it (a 2 MB page cache holds a few
hundred of the 10,000 poles' pages) and writes it again to the WAL at the commit. This
stores the same rows two ways, on a migrated SQLite file with the service's own pragmas
(WAL, ``synchronous=FULL``):

* **direct**, as the service does today: each batch of ``--batch`` MeterValues calls
  (eight samples and two log lines each) goes through the service's own writes
  (`Repository.meter_sample_writes`, `Repository.log_message_writes`, `execute_grouped`)
  into the indexed tables, one commit a batch;
* **staged**, a design not in the service: each batch appended to index-free copies of the
  two tables, one commit a batch, and every ``--merge-every`` rows moved into the indexed
  tables in one transaction, sorted by pole (``INSERT … SELECT … ORDER BY … ON CONFLICT DO
  NOTHING``) so each index page is written once for all of a pole's rows.

It prints, for each, the CPU (this process: SQLite runs in it) and the wall time per row,
and the rows stored. The calls arrive in storm order: ``--poles`` poles each send
``--readings`` readings in their own time order, the poles' calls interleaved.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/storm_insert_order.py
        [--poles 10000] [--readings 12] [--batch 350] [--merge-every 100000,400000]
        [--order storm|pole]

Development machine (2 cores, 7 December 2026): `docs/reconnect-storm.md`, "A storm's
insert order".
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from benchmarks.staged_copy import MEASURANDS, T0
from service.storage.database import create_engine_for, migrate
from service.storage.models import UTCDateTime
from service.storage.repository import MeterSample, Repository, Write, execute_grouped

PAYLOAD = "x" * 800
"""About a 7-value MeterValues frame's length (815 bytes)."""
ROWS_PER_CALL = len(MEASURANDS) + 2
"""A MeterValues call's samples and its two log lines."""
STAGED = {
    "meter_values": ("pole_id, connector_id, transaction_id, timestamp, measurand, phase, "
                     "value, unit, context, location",
                     "pole_id, timestamp, connector_id, measurand", " ON CONFLICT DO NOTHING"),
    "message_log": ("pole_id, time, direction, action, unique_id, payload, latency_ms",
                    "pole_id, time", ""),
}
"""Per staged table: its columns in the order the service's writes give them, the order a
merge sorts by, and how the merge treats a row already stored (samples: stored once)."""


def storm_order(poles: int, readings: int, seed: int = 20) -> list[tuple[int, int]]:
    """(pole, reading) in the order a storm's flush delivers them: each pole's readings in
    time order, the poles interleaved at slightly different paces."""
    rng = random.Random(seed)
    keyed = []
    for pole in range(poles):
        pace = 1.0 + rng.random() * 0.3
        keyed.extend((reading * pace + rng.random(), pole, reading)
                     for reading in range(readings))
    keyed.sort()
    return [(pole, reading) for _, pole, reading in keyed]


def call_writes(repository: Repository, pole: int, reading: int) -> list[Write]:
    """What one MeterValues call stores: its eight samples and its two log lines."""
    pole_id = f"PW-{pole:05d}"
    at = T0 + timedelta(minutes=15 * reading)
    samples: list[MeterSample] = [
        (pole_id, 1, pole * 100, at, measurand, phase, 16.0, "A", "Sample.Periodic", None)
        for measurand, phase in MEASURANDS]
    return [*repository.meter_sample_writes(samples),
            *repository.log_message_writes(pole_id, "in", "MeterValues", f"{pole}-{reading}",
                                           PAYLOAD, at=at),
            *repository.log_message_writes(pole_id, "out", "MeterValues", f"{pole}-{reading}",
                                           "{}", at=at)]


def batches(order: list[tuple[int, int]], size: int) -> Iterator[list[tuple[int, int]]]:
    for start in range(0, len(order), size):
        yield order[start:start + size]


def run(order: list[tuple[int, int]], batch: int, merge_every: int | None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine_for(f"sqlite:///{Path(folder) / 'storm.db'}")
        migrate(engine)
        repository = Repository(engine)
        for pole in sorted({pole for pole, _ in order}):
            repository.upsert_pole(f"PW-{pole:05d}", registered_at=T0)
        rows = ROWS_PER_CALL * len(order)
        stored_time = UTCDateTime().bind_processor(engine.dialect)
        assert stored_time is not None
        with engine.connect() as connection:
            if merge_every is not None:
                with connection.begin():
                    for table in STAGED:
                        connection.exec_driver_sql(
                            f"CREATE TABLE stage_{table} AS SELECT * FROM {table} WHERE 0")
            cpu, wall, merging, staged = time.process_time(), time.perf_counter(), 0.0, 0
            for calls in batches(order, batch):
                writes = [write for pole, reading in calls
                          for write in call_writes(repository, pole, reading)]
                with connection.begin():
                    if merge_every is None:
                        execute_grouped(connection, writes, repository.compiled_writes)
                    else:
                        _append_staged(connection, writes, stored_time)
                staged += ROWS_PER_CALL * len(calls)
                if merge_every is not None and staged >= merge_every:
                    merging += _merge(connection)
                    staged = 0
            if merge_every is not None and staged:
                merging += _merge(connection)
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            with connection.begin():
                samples = connection.exec_driver_sql(
                    "SELECT count(*) FROM meter_values").scalar()
                lines = connection.exec_driver_sql("SELECT count(*) FROM message_log").scalar()
        engine.dispose()
    way = "direct" if merge_every is None else f"staged, merged every {merge_every} rows"
    merged = "" if merge_every is None else f"  (merging {merging:.1f} s of it)"
    print(f"{way:<38} {1e6 * cpu / rows:6.2f} µs CPU a row  {1e6 * wall / rows:6.2f} µs wall"
          f" a row{merged}; stored {samples} samples, {lines} log lines", flush=True)


def _append_staged(connection: sa.Connection, writes: list[Write],
                   stored_time: Callable[[Any], Any]) -> None:
    """The batch's rows as plain appends to the index-free copies."""

    def row(values: Iterable[object]) -> tuple[object, ...]:
        """As the service stores it: a time in the form its `UTCDateTime` writes."""
        return tuple(stored_time(value) if isinstance(value, datetime) else value
                     for value in values)

    by_table: dict[str, list[tuple[object, ...]]] = {table: [] for table in STAGED}
    for _statement, parameters in writes:
        if isinstance(parameters, dict):
            by_table["message_log"].append(row(parameters.values()))
        else:
            by_table["meter_values"].extend(row(sample) for sample in parameters)
    driver = connection.connection.driver_connection
    assert driver is not None
    for table, (columns, _, _) in STAGED.items():
        places = ", ".join("?" for _ in columns.split(", "))
        driver.executemany(f"INSERT INTO stage_{table} ({columns}) VALUES ({places})",
                           by_table[table])


def _merge(connection: sa.Connection) -> float:
    """Move every staged row into its indexed table, sorted by pole; the seconds it took."""
    started = time.perf_counter()
    with connection.begin():
        for table, (columns, order, repeats) in STAGED.items():
            connection.exec_driver_sql(
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM stage_{table} "
                f"ORDER BY {order}{repeats}")
            connection.exec_driver_sql(f"DELETE FROM stage_{table}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--poles", type=int, default=10000)
    parser.add_argument("--readings", type=int, default=12, help="readings a pole")
    parser.add_argument("--batch", type=int, default=350, help="MeterValues calls a commit")
    parser.add_argument("--merge-every", default="100000,400000",
                        help="staged rows between merges, comma-separated runs")
    parser.add_argument("--order", choices=("storm", "pole"), default="storm",
                        help="pole: each pole's readings together, one pole after another "
                        "(a calm day's order, for comparison)")
    args = parser.parse_args()
    order = storm_order(args.poles, args.readings)
    if args.order == "pole":
        order.sort()
    calls = len(order)
    print(f"{args.poles} poles × {args.readings} readings in {args.order} order: {calls} "
          f"MeterValues calls, {len(MEASURANDS) * calls} samples and {2 * calls} log lines, "
          f"{args.batch} calls a commit")
    run(order, args.batch, None)
    for every in (int(value) for value in args.merge_every.split(",") if value):
        run(order, args.batch, every)


if __name__ == "__main__":
    main()
