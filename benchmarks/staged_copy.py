"""What a writer connection's meter samples cost PostgreSQL over the connection's life
(issue 20).

Samples a pole may resend go in through a temporary staging table of the connection
(`service.storage.compiled_writes.StagedCopyStatement`): COPY into it, then one
``INSERT … SELECT … ON CONFLICT DO NOTHING`` that also deletes them. Nothing vacuums a
temporary table, so while it was never emptied every row ever staged stayed in its file
as a dead row and every move scanned them all; now it is truncated once
``TRUNCATE_AFTER_ROWS`` have passed through it. This stores ``--batches`` batches of
``--samples`` samples on one connection, each batch in its own transaction as the writer
commits them, through the service's own writes, and prints the PostgreSQL backend's CPU
per sample (read from /proc: the server must run on this machine) for each tenth of the
run, and the staging table's size. ``--truncate-after 0`` never truncates, as before.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/staged_copy.py
    PYTHONPATH=$PWD .venv/bin/python benchmarks/staged_copy.py --truncate-after 0
    PYTHONPATH=$PWD .venv/bin/python benchmarks/staged_copy.py --samples 8 --batches 5000

Development machine (2 cores, PostgreSQL 15 on the same machine, 7 December 2026): see
`docs/reconnect-storm.md`, "The staging table that never emptied".
"""

from __future__ import annotations

import argparse
import os
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from service.storage.compiled_writes import StagedCopyStatement
from service.storage.database import create_engine_for, migrate, normalise_url
from service.storage.repository import MeterSample, Repository, execute_grouped

T0 = datetime(2026, 3, 1, tzinfo=UTC)
MEASURANDS = (("Current.Import", "L1"), ("Current.Import", "L2"), ("Current.Import", "L3"),
              ("Voltage", "L1"), ("Voltage", "L2"), ("Voltage", "L3"),
              ("Energy.Active.Import.Register", None), ("Power.Active.Import", None))
"""A 15-minute reading of the tender's pole: eight sampled values."""


def _samples(batch: int, count: int, poles: int) -> list[MeterSample]:
    """``count`` samples, a reading of eight values per pole, each batch a new minute."""
    rows: list[MeterSample] = []
    for n in range(count):
        measurand, phase = MEASURANDS[n % len(MEASURANDS)]
        reading = n // len(MEASURANDS)
        rows.append((f"PW-{reading % poles:05d}", 1, None,
                     T0 + timedelta(minutes=batch, seconds=reading // poles), measurand,
                     phase, 16.0, "A", "Sample.Periodic", "Outlet"))
    return rows


def _backend_cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--batches", type=int, default=1200)
    parser.add_argument("--samples", type=int, default=240, help="samples a batch")
    parser.add_argument("--poles", type=int, default=1000)
    parser.add_argument("--truncate-after", type=int,
                        default=StagedCopyStatement.TRUNCATE_AFTER_ROWS,
                        help="truncate the stage after this many rows (0: never, as before)")
    args = parser.parse_args()
    StagedCopyStatement.TRUNCATE_AFTER_ROWS = args.truncate_after or 2**62

    url = normalise_url(args.db)
    schema = f"bench_staged_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine_for(
        url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False))
    try:
        migrate(engine)
        repository = Repository(engine)
        for index in range(args.poles):
            repository.upsert_pole(f"PW-{index:05d}", registered_at=T0)
        with engine.connect() as connection:
            with connection.begin():
                pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
            assert isinstance(pid, int)
            tenth = max(1, args.batches // 10)
            kind = (f"truncated after {args.truncate_after} rows" if args.truncate_after
                    else "never truncated")
            print(f"stage {kind}: {args.batches} batches of {args.samples} samples"
                  " on one connection")
            print(f"{'batches':>13}  {'backend CPU µs/sample':>22}  {'wall ms/batch':>13}  "
                  f"{'stage size':>10}")
            total_cpu = 0.0
            for start in range(0, args.batches, tenth):
                end = min(start + tenth, args.batches)
                cpu, wall = _backend_cpu_s(pid), time.perf_counter()
                for batch in range(start, end):
                    with connection.begin():
                        execute_grouped(connection, repository.meter_sample_writes(
                            _samples(batch, args.samples, args.poles)),
                            repository.compiled_writes)
                cpu, wall = _backend_cpu_s(pid) - cpu, time.perf_counter() - wall
                total_cpu += cpu
                with connection.begin():
                    size = connection.exec_driver_sql(
                        "SELECT pg_relation_size('paalwerk_stage_meter_values')").scalar()
                per_sample = 1e6 * cpu / ((end - start) * args.samples)
                print(f"{start + 1:>6}–{end:<6}  {per_sample:>22.1f}"
                      f"  {1e3 * wall / (end - start):>13.1f}  {(size or 0) / 1e6:>8.1f} MB")
            stored = connection.exec_driver_sql("SELECT count(*) FROM meter_values").scalar()
            connection.rollback()
        print(f"all: {1e6 * total_cpu / (args.batches * args.samples):.1f} µs of the backend's "
              f"CPU a sample; {stored} samples stored of {args.batches * args.samples}")
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
